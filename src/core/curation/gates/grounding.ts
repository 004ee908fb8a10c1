// The model-judged faithfulness gate (issue #22 item 4): the grounding model reads the sample's claim (its answer in
// the context of its question, prompts.ts `sampleClaim`) and evidence, and answers supported / unsupported /
// abstain. Where the evidence comes from is the paper's question:
//   cited-chunk  the exact chunk the sample cites (its provenance) — a citation of a chunk that does not exist is
//                rejected by name ('missing-chunk' in the reason), so recovery can re-ground it;
//   retrieval    the top-k chunks of the whole corpus for the claim (BM25, retrieval.ts), the sample's citation unused;
//   none         no evidence: the model's own knowledge ("(none)" in the prompt; mostly abstains by design).
// Verdict: 'probability' (default) takes the label word whose first token is most likely next, one forward pass;
// when the three label words together get less than `minLabelMass` of the next-token probability, the model is not
// answering in the format and the verdict is a counted parse failure. 'greedy' decodes a few tokens and parses the
// first word (parseGroundingOutput). Abstentions and parse failures are verdicts, never dropped.
// Evidence longer than the model's context is cut (the cited span first, then words from the end) and says so.
import type { TextLm } from '../generate';
import { GROUNDING_LABELS, groundingPrompt, parseGroundingOutput, sampleClaim, type GroundingLabel } from '../prompts';
import type { Chunk, CuratedSample, Gate, GateVerdict, GroundingMode } from '../types';

/** Top-k chunks for a query, best first (retrieval.ts's BM25 index behind it). */
export type Retriever = (query: string, k: number) => readonly Chunk[];

export interface GroundingGateOptions {
  lm: TextLm;
  mode: GroundingMode;
  /** Needed by the retrieval mode. */
  retrieve?: Retriever;
  /** Chunks retrieved in the retrieval mode (default 2). */
  topK?: number;
  verdict?: 'probability' | 'greedy';
  /** Probability mode: total label-word probability below this is a parse failure (default 0.05). */
  minLabelMass?: number;
  /** Greedy mode: tokens decoded (default 4). */
  maxNewTokens?: number;
  /** Default `grounding:<mode>`. */
  name?: string;
}

interface Prepared { prompt: string | null; reason: string; truncated: boolean }

export function groundingGate(o: GroundingGateOptions): Gate {
  if (o.mode === 'retrieval' && !o.retrieve) throw new Error('groundingGate: the retrieval mode needs a retriever (retrieval.ts)');
  const name = o.name ?? `grounding:${o.mode}`;
  const reserve = o.verdict === 'greedy' ? (o.maxNewTokens ?? 4) : 1;
  const budget = o.lm.contextTokens - reserve;

  const fit = (claim: string, evidence: string, span: string): { prompt: string; truncated: boolean } | null => {
    if (o.lm.promptTokens(groundingPrompt(claim, evidence)) <= budget) return { prompt: groundingPrompt(claim, evidence), truncated: false };
    let ev = span && span.length < evidence.length ? span : evidence;
    while (o.lm.promptTokens(groundingPrompt(claim, ev)) > budget) {
      const cut = ev.lastIndexOf(' ', Math.floor(ev.length * 0.85));
      if (cut <= 0) return null;
      ev = ev.slice(0, cut);
    }
    return { prompt: groundingPrompt(claim, ev), truncated: true };
  };

  const prepare = (s: CuratedSample, chunks: ReadonlyMap<string, Chunk>): Prepared => {
    const claim = sampleClaim(s.instruction, s.response);
    let evidence = '';
    let span = '';
    if (o.mode === 'cited-chunk') {
      const c = chunks.get(s.provenance.chunkId);
      if (!c) return { prompt: null, reason: `missing-chunk: cites chunk ${s.provenance.chunkId}, which is not in the corpus`, truncated: false };
      evidence = c.text;
      span = c.text.slice(s.provenance.span.start, s.provenance.span.end);
    } else if (o.mode === 'retrieval') {
      evidence = o.retrieve!(claim, o.topK ?? 2).map((c) => c.text).join('\n');
    }
    const f = fit(claim, evidence, span);
    if (!f) return { prompt: null, reason: `claim alone exceeds ${o.lm.id}'s context of ${o.lm.contextTokens} tokens`, truncated: false };
    return { prompt: f.prompt, reason: '', truncated: f.truncated };
  };

  const labelVerdict = (s: CuratedSample, label: GroundingLabel, detail: string, p: Prepared): GateVerdict => {
    const cut = p.truncated ? ' (evidence cut to fit the context)' : '';
    if (label === 'supported') return { gate: name, sampleId: s.id, outcome: 'pass', reason: `supported ${detail}${cut}`, calls: 1 };
    if (label === 'abstain') return { gate: name, sampleId: s.id, outcome: 'abstain', reason: `abstain ${detail}${cut}`, calls: 1 };
    return { gate: name, sampleId: s.id, outcome: 'reject', mode: 'unsupported-claim', reason: `unsupported by ${o.mode} evidence ${detail}${cut}`, calls: 1 };
  };

  return {
    name,
    async check(samples, chunks) {
      const prepared = samples.map((s) => prepare(s, chunks));
      const run = samples.map((_, i) => i).filter((i) => prepared[i].prompt !== null);
      const verdicts: GateVerdict[] = samples.map((s, i) => {
        const p = prepared[i];
        if (p.prompt !== null) return { gate: name, sampleId: s.id, outcome: 'parse-failure', reason: 'not judged', calls: 0 };
        return p.reason.startsWith('missing-chunk')
          ? { gate: name, sampleId: s.id, outcome: 'reject', mode: 'unsupported-claim', reason: p.reason, calls: 0 }
          : { gate: name, sampleId: s.id, outcome: 'parse-failure', reason: p.reason, calls: 0 };
      });
      if (run.length === 0) return verdicts;
      const prompts = run.map((i) => prepared[i].prompt!);
      if (o.verdict === 'greedy') {
        const answers = await o.lm.complete(prompts, { maxNewTokens: o.maxNewTokens ?? 4 });
        run.forEach((i, k) => {
          const parsed = parseGroundingOutput(answers[k]);
          verdicts[i] = parsed.ok ? labelVerdict(samples[i], parsed.label, `(answered "${answers[k].trim()}")`, prepared[i])
            : { gate: name, sampleId: samples[i].id, outcome: 'parse-failure', reason: `answer ${JSON.stringify(answers[k])} is not a label word`, calls: 1 };
        });
        return verdicts;
      }
      const probs = await o.lm.nextWordProbs(prompts, GROUNDING_LABELS);
      run.forEach((i, k) => {
        const p = probs[k];
        const mass = p.reduce((a, b) => a + b, 0);
        const shown = GROUNDING_LABELS.map((l, j) => `${l} ${p[j].toFixed(3)}`).join(', ');
        if (!(mass >= (o.minLabelMass ?? 0.05))) {
          verdicts[i] = { gate: name, sampleId: samples[i].id, outcome: 'parse-failure', reason: `label words get ${mass.toPrecision(2)} of the next-token probability (${shown})`, calls: 1 };
          return;
        }
        const best = p.indexOf(Math.max(...p));
        verdicts[i] = labelVerdict(samples[i], GROUNDING_LABELS[best], `(${shown})`, prepared[i]);
      });
      return verdicts;
    },
  };
}
