// Clean/corrupted prompt pairs → fixed-shape batches with their clean and corrupted activations and the metric's
// targets. Rows are padded to the batch size (weight 0) and tokens on the right to the longest prompt: under a
// causal mask right padding never reaches the metric position, and its activations meet zero gradients, so
// it changes no score. Within a pair both prompts must have the same token length (positions line up).
//
// Metric targets per row (documented choice for the refusal circuit):
//   logit_diff   plus = the pair's `positive` token, else the refusal opening token (refusalTokens()[0]);
//                minus = the pair's `negative` token, else the top token of the CORRUPTED run at that position
//                that is not a refusal token — the benign answer's opening, so the metric is "refuse vs answer".
//   refusal_prob plus = multi-hot of every refusal opening token.
//   kl           refLogp = log-softmax of the clean run's logits.
import { numpy as np } from '@jax-js/jax';
import type { Arr, GptConfig } from '../lab';
import { CircuitsInputError } from './errors';
import { refusalTokens } from './heldout';
import type { CircuitModel } from './model';
import type { CircuitRunner, HostMetric } from './runner';
import type { LensToken, Metric, PromptPair } from './types';

export interface PairBatch {
  /** real rows (≤ B) */
  rows: number;
  clean: Int32Array;
  corrupt: Int32Array;
  metric: HostMetric;
  /** source outputs [nF,B,T,d] of the clean and corrupted runs (engine arrays; `disposePairs`) */
  A: Arr;
  C: Arr;
  /** metric per real row on the clean and corrupted runs (unpatched forward) */
  cleanMetric: number[];
  corruptMetric: number[];
}

export interface PreparedPairs {
  B: number;
  T: number;
  n: number;
  batches: PairBatch[];
  refusal: LensToken[];
}

export function encodePrompt(model: CircuitModel, prompt: string, chatTemplate = true): number[] {
  const tok = model.tokenizer;
  const ids = chatTemplate ? tok.applyChatTemplate(prompt) : [...(tok.bosId !== null ? [tok.bosId] : []), ...tok.encode(prompt)];
  if (ids.length > model.cfg.nCtx) throw new CircuitsInputError(`a prompt is ${ids.length} tokens long; ${model.id} reads at most ${model.cfg.nCtx}`);
  return ids;
}

function firstToken(model: CircuitModel, text: string, what: string): number {
  const ids = model.tokenizer.encode(text);
  if (ids.length === 0) throw new CircuitsInputError(`${what} "${text}" encodes to no token`);
  return ids[0];
}

/** A pair already tokenized; `plus`/`minus` override the logit_diff targets. */
export interface TokenPair {
  clean: number[];
  corrupt: number[];
  plus?: number;
  minus?: number;
}

export function preparePairs(model: CircuitModel, runner: CircuitRunner, pairs: PromptPair[], metric: Metric,
  opts: { batchSize?: number; chatTemplate?: boolean } = {}): PreparedPairs {
  if (pairs.length === 0) throw new CircuitsInputError('no prompt pairs: give at least one {clean, corrupted} pair');
  const tokenPairs = pairs.map((p, i): TokenPair => {
    const clean = encodePrompt(model, p.clean, opts.chatTemplate);
    const corrupt = encodePrompt(model, p.corrupted, opts.chatTemplate);
    if (clean.length !== corrupt.length) {
      throw new CircuitsInputError(`pair ${i}: the clean prompt is ${clean.length} tokens and the corrupted one ${corrupt.length}; ` +
        'pair prompts of equal token length (refusalPairs() matches lengths for you)');
    }
    return {
      clean, corrupt,
      plus: p.positive ? firstToken(model, p.positive, 'positive') : undefined,
      minus: p.negative ? firstToken(model, p.negative, 'negative') : undefined,
    };
  });
  const refusal = refusalTokens(model.tokenizer);
  return { ...prepareTokenPairs(model.cfg, runner, tokenPairs, metric, { batchSize: opts.batchSize, refusalIds: refusal.map((r) => r.id) }), refusal };
}

/**
 * Token pairs → batches with activations and metric targets. `refusalIds` (most likely refusal opening first)
 * give the default logit_diff `plus` and the refusal_prob tokens.
 */
export function prepareTokenPairs(cfg: GptConfig, runner: CircuitRunner, pairs: TokenPair[], metric: Metric,
  opts: { batchSize?: number; refusalIds: number[] }): Omit<PreparedPairs, 'refusal'> {
  if (pairs.length === 0) throw new CircuitsInputError('no prompt pairs');
  pairs.forEach((p, i) => {
    if (p.clean.length !== p.corrupt.length) throw new CircuitsInputError(`pair ${i}: clean and corrupted token lengths differ`);
  });
  const B = Math.max(1, Math.min(opts.batchSize ?? 16, pairs.length));
  const T = Math.max(...pairs.map((e) => e.clean.length));
  const vh = cfg.lmHeadWidth;
  const refusalIds = new Set(opts.refusalIds);
  const batches: PairBatch[] = [];
  for (let s = 0; s < pairs.length; s += B) {
    const idx = Array.from({ length: Math.min(B, pairs.length - s) }, (_, k) => s + k);
    const clean = new Int32Array(B * T);
    const corrupt = new Int32Array(B * T);
    const pos = new Array<number>(B).fill(0);
    const weight = new Float32Array(B);
    idx.forEach((i, r) => {
      clean.set(pairs[i].clean, r * T);
      corrupt.set(pairs[i].corrupt, r * T);
      pos[r] = pairs[i].clean.length - 1;
      weight[r] = 1;
    });
    const a = runner.acts(clean, pos, T);
    const c = runner.acts(corrupt, pos, T);
    const plus = new Float32Array(B * vh);
    const minus = new Float32Array(B * vh);
    const refLogp = metric === 'kl' ? logSoftmaxRows(a.last, B, vh) : null;
    idx.forEach((i, r) => {
      const pr = pairs[i];
      if (metric === 'refusal_prob') for (const id of refusalIds) plus[r * vh + id] = 1;
      if (metric === 'logit_diff') {
        const pid = pr.plus ?? opts.refusalIds[0];
        if (pid === undefined) throw new CircuitsInputError('logit_diff needs a positive token (or refusal tokens)');
        const nid = pr.minus ?? topToken(c.last.subarray(r * vh, (r + 1) * vh), cfg.vocabSize, new Set([...refusalIds, pid]));
        plus[r * vh + pid] = 1;
        minus[r * vh + nid] = 1;
      }
    });
    const m: HostMetric = { pos, plus, minus, refLogp, weight };
    const rowsOf = (last: Float32Array) => idx.map((_, r) => hostMetric(metric, last.subarray(r * vh, (r + 1) * vh), m, r, vh));
    batches.push({ rows: idx.length, clean, corrupt, metric: m, A: a.acts, C: c.acts, cleanMetric: rowsOf(a.last), corruptMetric: rowsOf(c.last) });
  }
  return { B, T, n: pairs.length, batches };
}

export function disposePairs(p: Omit<PreparedPairs, 'refusal'>): void {
  for (const b of p.batches) {
    b.A.dispose();
    b.C.dispose();
  }
}

/** Source outputs C − A of a batch as a fresh engine array. */
export const actDiff = (b: PairBatch): Arr => b.C.ref.sub(b.A.ref);

/** Embeddings C₀ + α(A₀ − C₀) of a batch (EAP-IG interpolation; α = 1 is the clean run). */
export function interpolatedEmbed(b: PairBatch, alpha: number): Arr {
  const first = (x: Arr): Arr => {
    const [head, rest] = np.split(x.ref, [1], 0);
    rest.dispose();
    return head.reshape(x.shape.slice(1)); // [B,T,d]
  };
  const a0 = first(b.A);
  const c0 = first(b.C);
  return c0.ref.add(a0.sub(c0).mul(alpha));
}

function topToken(logits: Float32Array, vocab: number, exclude: Set<number>): number {
  let best = -1;
  for (let i = 0; i < vocab; i++) if (!exclude.has(i) && (best < 0 || logits[i] > logits[best])) best = i;
  return best;
}

function logSoftmaxRows(x: Float32Array, B: number, V: number): Float32Array {
  const out = new Float32Array(B * V);
  for (let b = 0; b < B; b++) {
    const row = x.subarray(b * V, (b + 1) * V);
    let mx = -Infinity;
    for (const v of row) mx = Math.max(mx, v);
    let s = 0;
    for (const v of row) s += Math.exp(v - mx);
    const lse = mx + Math.log(s);
    for (let i = 0; i < V; i++) out[b * V + i] = row[i] - lse;
  }
  return out;
}

/** The metric of one row from its last-position logits, on the host (same definitions as metric.ts). */
export function hostMetric(kind: Metric, logits: Float32Array, m: HostMetric, r: number, V: number): number {
  if (kind === 'logit_diff') {
    let s = 0;
    for (let i = 0; i < V; i++) s += logits[i] * (m.plus[r * V + i] - m.minus[r * V + i]);
    return s;
  }
  const lp = logSoftmaxRows(logits, 1, V);
  let s = 0;
  if (kind === 'refusal_prob') {
    for (let i = 0; i < V; i++) if (m.plus[r * V + i]) s += Math.exp(lp[i]);
    return s;
  }
  for (let i = 0; i < V; i++) {
    const ref = m.refLogp![r * V + i];
    s += Math.exp(ref) * (ref - lp[i]);
  }
  return s;
}
