// GRPO's data and sampling: prompt-only rows (TRL's "prompt" format: a string or a message list; every other column
// reaches the reward functions — `reference` as the sample's reference, the rest as metadata), encoded with the
// run's template and its generation prompt (a string prompt is one user turn, as SFT/DPO render it here, so a model
// tuned by either is sampled in the format it learned), and G completions per prompt sampled from the current policy
// on the lab engine: softmax(logits / temperature) over the whole vocabulary (TRL's top_k 0, top_p 1), seeded PCG32
// per sampled batch (a resumed run draws the same tokens), stopping at the tokenizer's EOS (kept in the completion,
// as TRL's completion mask keeps it) or after maxCompletionLength tokens. The forward runs at one fixed window,
// right-padded (a causal mask never lets padding reach earlier positions), so decoding compiles once per run.
import { jit, type OwnedFunction } from '@jax-js/jax';
import { atPositions, fromF32, fromI32, keep, Pcg32, takeF32, type Arr, type ArrRecord } from '../../lab';
import { sha256HexSync } from '../../numeric/sha256';
import type { RewardSample } from '../rewards/types';
import { chooseRenderer, type Message } from './data';
import { TrainError } from './errors';
import { tokenLogp } from './grpoObjective';
import type { TrainSpec } from './spec';
import type { TrainModel } from './trainer';

export interface GrpoPrompt {
  line: number;
  /** Prompt tokens (template + generation prompt), cut from the left to fit the window. */
  tokens: number[];
  /** What reward functions see as the prompt: the string, or the last user message's content. */
  text: string;
  reference?: string;
  metadata: Record<string, unknown>;
}

export interface GrpoData {
  prompts: GrpoPrompt[];
  template: string;
  /** Prompts cut from the left to fit the context beside maxCompletionLength. */
  truncated: number;
  /** Prompt tokens kept at most (the window is this + maxCompletionLength). */
  promptWidth: number;
  sha256: string;
}

function promptRow(raw: unknown, line: number, file: string): { messages: Message[]; chat: boolean; text: string; reference?: string; metadata: Record<string, unknown> } {
  const where = `${file} line ${line}`;
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) throw new TrainError('bad-row', `${where}: a row must be a JSON object`);
  const { prompt, reference, ...metadata } = raw as Record<string, unknown>;
  if (reference !== undefined && typeof reference !== 'string') throw new TrainError('bad-row', `${where}: "reference" must be a string`);
  if (typeof prompt === 'string') return { messages: [{ role: 'user', content: prompt }], chat: false, text: prompt, ...(reference !== undefined ? { reference } : {}), metadata };
  if (!Array.isArray(prompt) || prompt.length === 0) throw new TrainError('bad-row', `${where}: a GRPO row needs "prompt", a string or a non-empty list of messages (has ${Object.keys(raw).join(', ') || 'nothing'})`);
  const messages = prompt.map((m: unknown, i) => {
    const o = (m ?? {}) as Record<string, unknown>;
    if ((o.role !== 'user' && o.role !== 'system' && o.role !== 'assistant') || typeof o.content !== 'string') throw new TrainError('bad-row', `${where}: prompt[${i}] needs role user/system/assistant and string content`);
    return { role: o.role, content: o.content } as Message;
  });
  if (messages[messages.length - 1].role === 'assistant') throw new TrainError('bad-row', `${where}: the prompt ends with an assistant turn; GRPO samples that turn`);
  const lastUser = [...messages].reverse().find((m) => m.role === 'user');
  return { messages, chat: true, text: lastUser?.content ?? '', ...(reference !== undefined ? { reference } : {}), metadata };
}

/** Parses and encodes prompt rows; prompts longer than the window beside maxCompletionLength keep their end. */
export function encodePrompts(model: TrainModel, spec: Pick<TrainSpec, 'template' | 'maxLength'> & { grpo: { maxCompletionLength: number } }, rows: { line: number; row: unknown }[], file = 'data'): GrpoData {
  if (rows.length === 0) throw new TrainError('empty-data', `${file} has no rows`);
  const parsed = rows.map(({ line, row }) => ({ line, ...promptRow(row, line, file) }));
  const r = chooseRenderer(model.tokenizer, spec.template, parsed.some((p) => p.chat), model.id);
  const window = Math.min(spec.maxLength ?? Infinity, model.maxPositions);
  const room = window - spec.grpo.maxCompletionLength;
  if (room < 1) throw new TrainError('invalid-spec', `grpo.maxCompletionLength ${spec.grpo.maxCompletionLength} leaves no room for a prompt in ${model.id}'s ${window}-token window${spec.maxLength ? ' (maxLength)' : ''}`);
  let truncated = 0;
  const prompts = parsed.map((p) => {
    let tokens = model.tokenizer.encode(r.render(p.messages, true));
    if (tokens.length > room) {
      truncated++;
      tokens = tokens.slice(tokens.length - room);
    }
    return { line: p.line, tokens, text: p.text, ...(p.reference !== undefined ? { reference: p.reference } : {}), metadata: p.metadata };
  });
  const promptWidth = Math.max(...prompts.map((p) => p.tokens.length));
  return { prompts, template: r.name, truncated, promptWidth, sha256: sha256HexSync(JSON.stringify(prompts)) };
}

export interface Completion {
  prompt: number;
  tokens: number[];
  /** Ended at EOS (false: cut at maxCompletionLength). */
  stopped: boolean;
}

/** Jitted policy functions at one window W: last-position logits for sampling, per-token log-probs for scoring. */
export interface PolicyFns {
  W: number;
  /** Samples one completion per prompt row (rows repeat a prompt G times); does not consume params. */
  sample(params: ArrRecord, rows: readonly number[], prompts: readonly GrpoPrompt[], rng: Pcg32): Completion[];
  /** Per-token log-probs [N, W−1] of the given batch under params (not consumed), host copy. */
  logp(params: ArrRecord, tok: Int32Array, tgt: Int32Array, N: number): Float32Array;
  dispose(): void;
}

export function makePolicyFns(model: TrainModel, W: number, o: { maxCompletionLength: number; temperature: number }): PolicyFns {
  const last: OwnedFunction<(p: ArrRecord, t: Arr, pos: Arr) => Arr> = jit((p: ArrRecord, t: Arr, pos: Arr) => atPositions(model.forward(p, t).logits, pos));
  const lp: OwnedFunction<(p: ArrRecord, t: Arr, y: Arr) => Arr> = jit((p: ArrRecord, t: Arr, y: Arr) => tokenLogp(model.forward(p, t).logits, y, o.temperature));
  const V = model.vocabSize;
  const eos = model.tokenizer.eosId;
  const pad = model.tokenizer.padId ?? eos ?? 0;
  return {
    W,
    sample(params, rows, prompts, rng) {
      const N = rows.length;
      const seqs = rows.map((i) => [...prompts[i].tokens]);
      const start = seqs.map((s) => s.length);
      const done = new Array<boolean>(N).fill(false);
      for (let k = 0; k < o.maxCompletionLength && done.some((d) => !d); k++) {
        const tok = new Int32Array(N * W).fill(pad);
        const pos = new Float32Array(N * W);
        seqs.forEach((s, b) => {
          tok.set(s, b * W);
          pos[b * W + s.length - 1] = 1;
        });
        const logits = takeF32(last(keep(params), fromI32(tok, [N, W]), fromF32(pos, [N, W]))); // [N, Vh]
        const Vh = logits.length / N;
        seqs.forEach((s, b) => {
          if (done[b]) return;
          const next = sampleToken(logits.subarray(b * Vh, b * Vh + V), o.temperature, rng);
          s.push(next);
          if (next === eos) done[b] = true;
        });
      }
      return seqs.map((s, b) => ({ prompt: rows[b], tokens: s.slice(start[b]), stopped: done[b] }));
    },
    logp(params, tok, tgt, N) {
      return takeF32(lp(keep(params), fromI32(tok, [N, W - 1]), fromI32(tgt, [N, W - 1])));
    },
    dispose() {
      last.dispose();
      lp.dispose();
    },
  };
}

/** One draw from softmax(logits / temperature), in float64 (same bits in Node and browsers). */
export function sampleToken(logits: ArrayLike<number>, temperature: number, rng: Pcg32): number {
  let max = -Infinity;
  for (let i = 0; i < logits.length; i++) max = Math.max(max, logits[i]);
  const w = new Float64Array(logits.length);
  let total = 0;
  for (let i = 0; i < logits.length; i++) total += w[i] = Math.exp((logits[i] - max) / temperature);
  let u = rng.uniform() * total;
  for (let i = 0; i < w.length; i++) {
    u -= w[i];
    if (u < 0) return i;
  }
  return w.length - 1;
}

/** The training batch of sampled completions: inputs, targets and the completion mask, [N, W−1] each. */
export function completionBatch(completions: readonly Completion[], prompts: readonly GrpoPrompt[], W: number, pad: number): { tok: Int32Array; tgt: Int32Array; mask: Float32Array } {
  const N = completions.length;
  const T = W - 1;
  const tok = new Int32Array(N * T).fill(pad);
  const tgt = new Int32Array(N * T).fill(pad);
  const mask = new Float32Array(N * T);
  completions.forEach((c, b) => {
    const p = prompts[c.prompt].tokens;
    const seq = [...p, ...c.tokens];
    for (let t = 0; t < Math.min(seq.length, T); t++) tok[b * T + t] = seq[t];
    for (let t = 0; t + 1 < seq.length; t++) {
      tgt[b * T + t] = seq[t + 1];
      if (t + 1 >= p.length) mask[b * T + t] = 1;
    }
  });
  return { tok, tgt, mask };
}

/** Reward samples of completions: the prompt's text, the decoded completion (EOS dropped), its columns. */
export function rewardSamples(model: TrainModel, completions: readonly Completion[], prompts: readonly GrpoPrompt[]): RewardSample[] {
  const eos = model.tokenizer.eosId;
  return completions.map((c) => {
    const p = prompts[c.prompt];
    const ids = c.stopped && c.tokens[c.tokens.length - 1] === eos ? c.tokens.slice(0, -1) : c.tokens;
    return { prompt: p.text, completion: model.tokenizer.decode(ids), ...(p.reference !== undefined ? { reference: p.reference } : {}), metadata: p.metadata };
  });
}
