// Corpus v4: a pure function of (seed, sizes) like v3, with far more surface variety (paraphrase families,
// synonyms, word orders, lead-ins, typos, context and distractor sentences, framings, a prior chat turn) and
// responses that address the request asked. Reached through `generateCorpus({ ...DEFAULT_CORPUS_OPTIONS_V4 })`
// (generate.ts routes `version: 4` here); v3 (`DEFAULT_CORPUS_OPTIONS`) is untouched and pinned by v3Pin.test.ts.
// Held-out prompts come from held-out paraphrase FAMILIES, framings, lead-ins and context sentences only.
import type { Category, Example, Split } from '../types';
import type { Corpus, CorpusOptions } from '../generate';
import { makeRng, type Rng } from '../rng';
import { sha256HexSync } from '../../../../src/core/numeric/sha256';
import { drawHarmful, HARM_CONTEXT, HARM_TOPICS_V4, type HarmExtra } from './harmful';
import { BENIGN_CONTEXT, CHAT_CONTEXT, CHAT_ITEMS_V4, drawBenign, EDGY_ITEMS_V4, FRAMINGS_BENIGN, type BenignItemV4 } from './benign';
import { drawTask, TASK_CONTEXT, TASK_DISTRACTORS, TASK_KINDS } from './tasks';
import { addTypos, LEAD_INS, V4_STYLE_RATES, withContext, withLeadIn, type Style } from './style';
import { fill } from '../rng';

export interface ChatTurn {
  role: 'user' | 'assistant';
  content: string;
}

/** A v4 record: v3's fields, plus where its phrasing came from and any earlier turn. */
export interface ExampleV4 extends Example {
  /** Paraphrase family of the request (`<topic>-f<n>` train, `<topic>-h<n>` held out): the unit of the split. */
  family: string;
  /** Framing of a harmful or edgy request (`story`, `hypothetical`…), '' when none. */
  frame: string;
  styles: Style[];
  /** Earlier turns (one user/assistant exchange) before `prompt`, the last user turn; absent for single turns. */
  history?: ChatTurn[];
}

export const DEFAULT_CORPUS_OPTIONS_V4: CorpusOptions = {
  version: 4,
  seed: 1234,
  train: { task: 6000, harmful: 2400, edgy: 2400, chat: 1200 },
  heldout: { task: 300, harmful: 240, edgy: 220, chat: 100 },
};

/** Prompt and conversation length caps: context 128 tokens must hold the whole sequence. */
export const MAX_PROMPT_CHARS = 200;
export const MAX_CONVERSATION_CHARS = 250;

export type Body = Omit<ExampleV4, 'id' | 'split' | 'prompt' | 'styles' | 'history'> & { request: string; keep: string[] };

/**
 * Corpus v5's hooks into v4's drawing (all absent for v4, whose streams and bytes stay as they were): more
 * harmful families and framings, more edgy items, and a `restyle` pass over each decorated prompt.
 */
export interface DrawExtensions {
  harm?: HarmExtra;
  edgyItems?: readonly BenignItemV4[];
  restyle?: (rng: Rng, split: Split, prompt: string, body: Body, styles: Style[]) => string;
}
interface Decor { context: readonly string[]; distractors?: readonly string[] }

function decorate(rng: Rng, split: Split, body: Body, decor: Decor, allowLower: boolean): { prompt: string; styles: Style[] } {
  const styles: Style[] = body.frame ? ['framing'] : [];
  let prompt = body.request;
  if (rng.next() < V4_STYLE_RATES.context) {
    const useDistractor = decor.distractors !== undefined && rng.next() < 0.5;
    const sentence = fill(rng.pick(useDistractor ? decor.distractors! : decor.context), { x: rng.int(2, 11), y: rng.int(12, 60) });
    prompt = withContext(rng, prompt, sentence);
    styles.push(useDistractor ? 'distractor' : 'multi-sentence');
  }
  if (rng.next() < V4_STYLE_RATES.leadIn) {
    prompt = withLeadIn(rng.pick(LEAD_INS[split]), prompt);
    styles.push('lead-in');
  }
  if (allowLower && rng.next() < V4_STYLE_RATES.lowercase) {
    prompt = prompt.toLowerCase();
    styles.push('lowercase');
  }
  if (rng.next() < V4_STYLE_RATES.typo) {
    const noisy = addTypos(prompt, rng, V4_STYLE_RATES.typoWord, body.keep);
    if (noisy !== prompt) styles.push('typo');
    prompt = noisy;
  }
  return { prompt, styles };
}

/** A plain earlier exchange (chat, edgy or task) of the same split, for multi-turn prompts. */
function priorTurn(rng: Rng, split: Split): ChatTurn[] {
  const which = rng.int(0, 2);
  if (which === 2) {
    const t = drawTask(rng, rng.pick(TASK_KINDS), split);
    return [{ role: 'user', content: t.request }, { role: 'assistant', content: t.response }];
  }
  const items = which === 0 ? CHAT_ITEMS_V4 : EDGY_ITEMS_V4;
  const b = drawBenign(rng, items, rng.int(0, items.length - 1), split);
  return [{ role: 'user', content: b.request }, { role: 'assistant', content: b.answer }];
}

type Draw = (rng: Rng, index: number, split: Split, ext?: DrawExtensions) => { body: Body; decor: Decor; responses: Array<[Example['responseKind'], string]>; lower: boolean };

const DRAWS: Readonly<Record<Category, Draw>> = {
  task: (rng, i, split) => {
    const t = drawTask(rng, TASK_KINDS[i % TASK_KINDS.length], split);
    return {
      body: { category: 'task', label: 'benign', responseKind: 'answer', template: `${t.family}.${t.variant}`, topic: t.task.kind, response: '', task: t.task, family: t.family, frame: '', request: t.request, keep: t.keep },
      decor: { context: TASK_CONTEXT[split], distractors: TASK_DISTRACTORS[split] }, responses: [['answer', t.response]], lower: false,
    };
  },
  harmful: (rng, i, split, ext) => {
    const topic = HARM_TOPICS_V4[i % HARM_TOPICS_V4.length];
    const h = drawHarmful(rng, topic, split, rng.next() < V4_STYLE_RATES.framing, ext?.harm);
    return {
      body: { category: 'harmful', label: 'harmful', responseKind: 'compliance', template: `${h.family}.${h.variant}${h.frame ? `+${h.frame}` : ''}`, topic, response: '', family: h.family, frame: h.frame, request: h.request, keep: Object.values(h.slots) },
      decor: { context: HARM_CONTEXT[split] }, responses: [['compliance', h.compliance], ['refusal', h.refusal]], lower: true,
    };
  },
  edgy: (rng, i, split, ext) => {
    const b = drawBenign(rng, ext?.edgyItems ?? EDGY_ITEMS_V4, i, split);
    // benign requests in the harmful prompts' framings: a framing alone is no sign of harm
    const frames = Object.entries(FRAMINGS_BENIGN[split]);
    const framed = rng.next() < 0.15 ? rng.pick(frames) : undefined;
    const request = framed ? fill(rng.pick(framed[1]), { req: b.request, req_lc: b.request.charAt(0).toLowerCase() + b.request.slice(1) }) : b.request;
    return {
      body: { category: 'edgy', label: 'benign', responseKind: 'answer', template: `${b.family}.${b.variant}${framed ? `+${framed[0]}` : ''}`, topic: b.topic, response: '', family: b.family, frame: framed?.[0] ?? '', request, keep: Object.values(b.slots).map(String) },
      decor: { context: BENIGN_CONTEXT[split] }, responses: [['answer', b.answer]], lower: true,
    };
  },
  chat: (rng, i, split) => {
    const b = drawBenign(rng, CHAT_ITEMS_V4, i, split);
    return {
      body: { category: 'chat', label: 'benign', responseKind: 'answer', template: `${b.family}.${b.variant}`, topic: b.topic, response: '', family: b.family, frame: '', request: b.request, keep: Object.values(b.slots).map(String) },
      decor: { context: CHAT_CONTEXT[split] }, responses: [['answer', b.answer]], lower: true,
    };
  },
};

const conversationChars = (prompt: string, history: ChatTurn[] | undefined, responses: ReadonlyArray<[string, string]>): number =>
  prompt.length + (history ?? []).reduce((n, t) => n + t.content.length, 0) + Math.max(...responses.map(([, r]) => r.length));

export function drawCategory(rng: Rng, category: Category, split: Split, count: number, ext?: DrawExtensions): ExampleV4[] {
  const out: ExampleV4[] = [];
  const seen = new Set<string>();
  let produced = 0;
  for (let slot = 0; produced < count && slot < count * 2; slot++) {
    for (let tries = 0; tries < 200; tries++) {
      const { body, decor, responses, lower } = DRAWS[category](rng, slot, split, ext);
      let { prompt, styles } = decorate(rng, split, body, decor, lower);
      if (ext?.restyle) prompt = ext.restyle(rng, split, prompt, body, styles);
      let history = rng.next() < V4_STYLE_RATES.multiTurn ? priorTurn(rng, split) : undefined;
      // too long for a 128-token context: keep the request and its framing, drop the optional parts
      if (prompt.length > MAX_PROMPT_CHARS || conversationChars(prompt, history, responses) > MAX_CONVERSATION_CHARS) {
        prompt = body.request;
        styles = body.frame ? ['framing'] : [];
        history = undefined;
        if (conversationChars(prompt, history, responses) > MAX_CONVERSATION_CHARS) continue;
      }
      if (history) styles.push('multi-turn');
      const key = `${history?.map((t) => t.content).join('\n') ?? ''}\n${prompt}`;
      if (split === 'heldout' && seen.has(key)) continue;
      seen.add(key);
      const { request: _request, keep: _keep, ...fields } = body;
      for (const [kind, response] of responses) {
        const suffix = responses.length > 1 ? `-${kind}` : '';
        out.push({
          id: `${split}-${category}-${produced}${suffix}`, split, category: fields.category, label: fields.label, responseKind: kind,
          template: fields.template, topic: fields.topic, prompt, response, ...(fields.task ? { task: fields.task } : {}),
          family: fields.family, frame: fields.frame, styles, ...(history ? { history } : {}),
        });
      }
      produced++;
      break;
    }
  }
  return out;
}

export const CATEGORIES: readonly Category[] = ['task', 'harmful', 'edgy', 'chat'];

/** A v4 corpus: a `Corpus` (mixes, tokenizer training and hashing read it unchanged) whose records are v4's. */
export type CorpusV4 = Omit<Corpus, 'examples'> & { examples: ExampleV4[] };

export function generateCorpusV4(options: CorpusOptions = DEFAULT_CORPUS_OPTIONS_V4): CorpusV4 {
  const examples: ExampleV4[] = [];
  for (const split of ['train', 'heldout'] as const) {
    for (const [k, category] of CATEGORIES.entries()) {
      // one stream per (split, category), distinct from v3's streams
      const rng = makeRng((options.seed * 1000003 + 40_009 + (split === 'train' ? 0 : 500) + k * 17) >>> 0);
      examples.push(...drawCategory(rng, category, split, options[split][category]));
    }
  }
  const text = examples.map((e) => JSON.stringify(e)).join('\n') + '\n';
  return { options, examples, hash: sha256HexSync(text) };
}

/** The conversation of a record as chat messages (earlier turns, then the prompt and the response). */
export function chatMessages(e: Pick<ExampleV4, 'prompt' | 'response'> & { history?: ChatTurn[] }): ChatTurn[] {
  return [...(e.history ?? []), { role: 'user', content: e.prompt }, { role: 'assistant', content: e.response }];
}
