// KV-cached greedy decoding for every family decoderForward runs (GPT-2 layout included, through the family
// table's gpt2 row): the prompts are prefilled once, then one jitted step per new token attends over a cache of
// fixed size S (= longest prompt + new tokens, the window the full-recompute decode uses), so each of the two
// functions compiles once. Rows are right-padded and keep their own positions: row b's k/v for position t sit in
// cache slot t, its query at position t sees slots ≤ t (and, on sliding layers, > t − window) through an additive
// −1e9 bias, exactly the recompute path's causal mask, so the pad slots past a row's end are never read before the
// row overwrites them. Every op is the recompute path's op on fewer rows (per-position norms, projections, RoPE
// from the same float64 host tables for the same S, the same scale, soft-cap, mask fill and softmax length), and
// cache writes / row picks are one-hot products (1·x + 0·y = x exactly), so the logits match the full forward to
// float rounding (kvDecode.test.ts) and the greedy tokens equal the recompute decode's (edits/unlearn greedyCached.test.ts).
// Shapes: B rows, L positions fed at once (the prompt window at prefill, 1 per step), S cache slots, d hidden,
// H query heads, KV key/value heads, hd head size, V vocab.
import { jit, nn, numpy as np, type OwnedFunction } from '@jax-js/jax';
import { tensorName, type LayerType, type NormalizedLmConfig } from '../lm/families';
import { familyNorm, ropeTables, softcap } from './blocks';
import { mlpBlock, ParamTaker, qkvWeights, repeatKv } from './decoder';
import { fromF32, fromI32, keep, materialize, matmul, readF32, release, takeF32, type Arr, type ArrRecord } from './engine';

export interface CachedDecodeOptions {
  /** Fills the prompt window past a row's end (its slots are overwritten before they are read). */
  padId: number;
  /** A row whose greedy token is eos stops mattering (its output is cut after it); null: never. */
  eosId: number | null;
}

/** Host RoPE tables of one layer type for S positions (float64 angles stored as float32, as blocks.ts). */
interface HostRope {
  cos: Float32Array;
  sin: Float32Array;
  rot: Float32Array;
}

/** Per-layer-type inputs of one call: additive mask [B,1,L,S], and RoPE cos/sin [B,1,L,hd] at each row's positions. */
function layerInputs(c: NormalizedLmConfig, types: LayerType[], ropes: Map<LayerType, HostRope>, pos: number[][], S: number): ArrRecord {
  const B = pos.length;
  const L = pos[0].length;
  const hd = c.headDim;
  const out: ArrRecord = {};
  for (const type of types) {
    const window = type === 'sliding_attention' ? c.slidingWindow : null;
    const mask = new Float32Array(B * L * S);
    pos.forEach((row, b) => row.forEach((t, l) => {
      for (let s = 0; s < S; s++) if (s > t || (window !== null && t - s >= window)) mask[(b * L + l) * S + s] = -1e9;
    }));
    out[`mask:${type}`] = fromF32(mask, [B, 1, L, S]);
    const r = ropes.get(type);
    if (!r) continue;
    const cos = new Float32Array(B * L * hd);
    const sin = new Float32Array(B * L * hd);
    pos.forEach((row, b) => row.forEach((t, l) => {
      cos.set(r.cos.subarray(t * hd, (t + 1) * hd), (b * L + l) * hd);
      sin.set(r.sin.subarray(t * hd, (t + 1) * hd), (b * L + l) * hd);
    }));
    out[`cos:${type}`] = fromF32(cos, [B, 1, L, hd]);
    out[`sin:${type}`] = fromF32(sin, [B, 1, L, hd]);
    out[`rot:${type}`] = fromF32(r.rot, [hd, hd]);
  }
  return out;
}

/**
 * One call of the cached model: tokens x.tok [B,L] at positions x.pos [B,L] (int32); x.slot [B,L,S] their one-hot
 * cache slots; x.pick [B,L] the one-hot position whose logits give each row's next token (prefill: the row's last
 * prompt token). Without `cache:*` entries the caches start empty (prefill). Returns `next` [B] int32 and the
 * updated caches `k:l` / `v:l` [B,KV,S,hd] (and `logits` [B,V] when asked). Consumes p and x.
 */
function cachedForward(c: NormalizedLmConfig, params: ArrRecord, x: ArrRecord, B: number, L: number, S: number, withLogits: boolean): ArrRecord {
  const H = c.numHeads;
  const KV = c.numKvHeads;
  const g = H / KV;
  const hd = c.headDim;
  const d = c.hiddenSize;
  const p = new ParamTaker(params, c);
  const embed = p.take(c.tensors.embed); // [V, d]
  let h = np.take(embed.ref, x.tok, 0); // [B,L,d]: a row gather, the same numbers as the recompute path's one-hot product
  if (c.block.embedScale) h = h.mul(Math.sqrt(d));
  if (c.tensors.positionEmbed) h = h.add(np.take(p.take(c.tensors.positionEmbed), x.pos.ref, 0)); // [B,L,d]
  x.pos.dispose();
  const slotT = x.slot.transpose([0, 2, 1]).reshape([B, 1, S, L]); // [B,1,S,L]: slot s ← fed position l
  const kept = 'k:0' in x ? np.ones([B, 1, S, 1]).sub(slotT.ref.sum(-1, { keepdims: true })) : null; // [B,1,S,1] 1 on slots not written now
  const out: ArrRecord = {};
  for (let l = 0; l < c.numLayers; l++) {
    const type = c.layerTypes[l];
    const resid = h;
    const normW = p.layer('attn_norm', l);
    const normB = c.block.norm === 'layernorm' ? p.layer('attn_norm_bias', l) : undefined;
    const hn = familyNorm(c.block, resid.ref, normW, normB, c.normEps); // [B,L,d]
    const projected = qkv(c, p, l, hn, B, L); // [B,H,L,hd], [B,KV,L,hd] ×2
    let [q, k] = projected;
    const v = projected[2];
    if (c.block.qkNorm) {
      q = familyNorm(c.block, q, p.layer('q_norm', l), undefined, c.normEps); // over hd, per head
      k = familyNorm(c.block, k, p.layer('k_norm', l), undefined, c.normEps);
    }
    if (c.rotaryDim) {
      const rope = (a: Arr) => a.ref.mul(x[`cos:${type}`].ref).add(matmul(a, x[`rot:${type}`].ref).mul(x[`sin:${type}`].ref)); // [B,n,L,hd]
      q = rope(q);
      k = rope(k);
    }
    // cache write: slot s of row b takes the k/v fed for it now, every other slot keeps its value
    const write = (name: string, a: Arr): Arr => {
      const fresh = matmul(slotT.ref, a); // [B,1,S,L]@[B,KV,L,hd] → [B,KV,S,hd]
      return kept ? x[name].mul(kept.ref).add(fresh) : fresh;
    };
    const kc = write(`k:${l}`, k);
    const vc = write(`v:${l}`, v);
    out[`k:${l}`] = kc.ref;
    out[`v:${l}`] = vc.ref;
    const scores = softcap(matmul(q, repeatKv(kc, B, KV, g, S, hd).transpose([0, 1, 3, 2])).mul(c.attnScale), c.attnLogitSoftcap); // [B,H,L,hd]@[B,H,hd,S] → [B,H,L,S]
    const pattern = nn.softmax(scores.add(x[`mask:${type}`].ref), -1); // [B,H,L,S]: rows sum to 1 over visible slots
    const z = matmul(pattern, repeatKv(vc, B, KV, g, S, hd)).transpose([0, 2, 1, 3]).reshape([B, L, H * hd]); // [B,H,L,S]@[B,H,S,hd] → [B,L,H·hd]
    const o = matmul(z, p.layerInOut('o', l)); // [B,L,H·hd]@[H·hd,d] → [B,L,d]
    const oBias = p.maybe(tensorName(c.tensors, 'o_bias', l));
    let attnOut = oBias ? o.add(oBias) : o;
    if (c.block.sandwichNorms) attnOut = familyNorm(c.block, attnOut, p.layer('post_attn_norm', l), undefined, c.normEps);
    const mid = resid.add(attnOut); // [B,L,d]
    let mlpOut = mlpBlock(c, p, l, mid.ref); // [B,L,d]
    if (c.block.sandwichNorms) mlpOut = familyNorm(c.block, mlpOut, p.layer('post_ffn_norm', l), undefined, c.normEps);
    h = mid.add(mlpOut);
  }
  slotT.dispose();
  kept?.dispose();
  for (const [name, a] of Object.entries(x)) if (/^(mask|cos|sin|rot):/.test(name)) a.dispose(); // the per-type inputs, read by .ref above
  // each row's output position, picked by a one-hot sum (exact) before the final norm and head, which act per position
  if (L > 1) h = h.mul(x.pick.reshape([B, L, 1])).sum(1).reshape([B, 1, d]);
  else x.pick.dispose();
  h = familyNorm(c.block, h, p.take(c.tensors.finalNorm), p.maybe(c.tensors.finalNormBias), c.normEps); // [B,1,d]
  const head = c.tieWordEmbeddings ? embed : (embed.dispose(), p.take(c.tensors.lmHead)); // [V, d]
  const logits = softcap(matmul(h, head.transpose()), c.finalLogitSoftcap); // [B,1,d]@[d,V] → [B,1,V]
  p.done();
  const flat = logits.reshape([B, -1]); // [B,V]
  if (withLogits) out.logits = flat.ref;
  out.next = np.argmax(flat, -1); // [B]
  return out;
}

/**
 * q [B,H,L,hd], k and v [B,KV,L,hd] of layer l from the normalised input [B,L,d] (consumed). GPT-2's Conv1D
 * c_attn runs as gpt.ts runs it (one fused [d,3d] product, then cut), every other family as decoder.ts does.
 */
function qkv(c: NormalizedLmConfig, p: ParamTaker, l: number, hn: Arr, B: number, L: number): [Arr, Arr, Arr] {
  const hd = c.headDim;
  if (c.family === 'gpt2') {
    const H = c.numHeads;
    const y = matmul(hn, p.layer('qkv', l)).add(p.layer('qkv_bias', l)); // [B,L,d]@[d,3d] → [B,L,3d]
    const heads = y.reshape([B, L, 3, H, hd]).transpose([2, 0, 3, 1, 4]); // [3,B,H,L,hd]
    return np.split(heads, 3, 0).map((a) => a.reshape([B, H, L, hd])) as [Arr, Arr, Arr];
  }
  const { w, b } = qkvWeights(c, p, l);
  const project = (wi: Arr, bi: Arr | undefined, n: number): Arr => {
    const y = matmul(hn.ref, materialize(wi.transpose())); // [B,L,d]@[d,n·hd] → [B,L,n·hd]
    return (bi ? y.add(bi) : y).reshape([B, L, n, hd]).transpose([0, 2, 1, 3]); // [B,n,L,hd]
  };
  const out: [Arr, Arr, Arr] = [project(w[0], b[0], c.numHeads), project(w[1], b[1], c.numKvHeads), project(w[2], b[2], c.numKvHeads)];
  hn.dispose();
  return out;
}

type CachedFn = OwnedFunction<(p: ArrRecord, x: ArrRecord) => ArrRecord>;

/** One call's result: each row's greedy next token, and (withLogits) its logits [B·V] at the row's last token. */
export interface FeedResult {
  next: number[];
  logits?: Float32Array;
}

/** A cache over S slots for B rows whose prompts are at most P tokens long. */
export interface KvSession {
  /**
   * `rows` are each row's tokens so far. The first call prefills the prompts (≤ P tokens each, right-padded);
   * each later call feeds every row's last token at its own position (length − 1), which must be < S.
   */
  feed(rows: readonly number[][]): FeedResult;
  dispose(): void;
}

/** Opens a cache session (two jitted functions: the prefill over P positions and the one-token step). Keeps params. */
export function kvSession(c: NormalizedLmConfig, params: ArrRecord, B: number, P: number, S: number, o: { padId: number; withLogits?: boolean }): KvSession {
  if (P > S) throw new RangeError(`a cache of ${S} slots cannot hold prompts of ${P} tokens`);
  const types = [...new Set(c.layerTypes)];
  const ropes = new Map<LayerType, HostRope>();
  if (c.rotaryDim) {
    for (const type of types) {
      const t = ropeTables(c, type, S); // S = the recompute window: dynamic NTK scaling reads the same length
      ropes.set(type, { cos: readF32(t.cos), sin: readF32(t.sin), rot: readF32(t.rot) });
      release([t.cos, t.sin, t.rot]);
    }
  }
  const inputs = (fed: number[][], pos: number[][], pick: number[][]): ArrRecord => {
    const L = fed[0].length;
    const slot = new Float32Array(B * L * S);
    pos.forEach((row, b) => row.forEach((t, l) => { slot[(b * L + l) * S + t] = 1; }));
    return {
      tok: fromI32(fed.flat(), [B, L]), pos: fromI32(pos.flat(), [B, L]), slot: fromF32(slot, [B, L, S]), pick: fromF32(pick.flat(), [B, L]),
      ...layerInputs(c, types, ropes, pos, S),
    };
  };
  const logits = o.withLogits ?? false;
  const prefill: CachedFn = jit((p: ArrRecord, x: ArrRecord) => cachedForward(c, p, x, B, P, S, logits));
  const step: CachedFn = jit((p: ArrRecord, x: ArrRecord) => cachedForward(c, p, x, B, 1, S, logits));
  let cache: ArrRecord | null = null;
  return {
    feed(rows) {
      if (rows.length !== B) throw new RangeError(`the session decodes ${B} rows, not ${rows.length}`);
      let r: ArrRecord;
      if (!cache) {
        if (rows.some((row) => row.length > P || row.length === 0)) throw new RangeError(`prompts must have 1..${P} tokens`);
        const fed = rows.map((row) => Array.from({ length: P }, (_, t) => (t < row.length ? row[t] : o.padId)));
        const pos = rows.map(() => Array.from({ length: P }, (_, t) => t));
        r = prefill(keep(params), inputs(fed, pos, rows.map((row) => Array.from({ length: P }, (_, t) => Number(t === row.length - 1)))));
      } else {
        if (rows.some((row) => row.length > S)) throw new RangeError(`a row passed the cache's ${S} slots`);
        // each row feeds its last token at its own position (length − 1): the slot it has not written yet
        r = step(keep(params), { ...inputs(rows.map((row) => [row[row.length - 1]]), rows.map((row) => [row.length - 1]), rows.map(() => [1])), ...cache });
      }
      const next = Array.from(takeF32(r.next.astype(np.float32)));
      const out: FeedResult = { next };
      if (r.logits) out.logits = takeF32(r.logits);
      delete r.next;
      delete r.logits;
      cache = r;
      return out;
    },
    dispose() {
      release(cache);
      cache = null;
      prefill.dispose();
      step.dispose();
    },
  };
}

/**
 * Greedy continuations (maxNew tokens each, cut after eos) of right-padded prompts with a KV cache of
 * S = window slots (the caller checks window ≤ the model's positions). Does not consume params.
 */
export function cachedGreedyDecode(c: NormalizedLmConfig, params: ArrRecord, prompts: number[][], maxNew: number, window: number, o: CachedDecodeOptions): number[][] {
  // an empty row has no position to predict from (the cache would read slot −1): refuse it by name, as an empty batch
  if (prompts.length === 0) throw new RangeError('no prompts to decode');
  const empty = prompts.findIndex((r) => r.length === 0);
  if (empty >= 0) throw new RangeError(`prompt row ${empty} has no tokens: a continuation needs at least one (encode the prompt with its chat template)`);
  const P = Math.max(...prompts.map((r) => r.length));
  if (P + maxNew - 1 > window) throw new RangeError(`a cache of ${window} slots cannot hold ${P} prompt tokens + ${maxNew} new ones`);
  const rows = prompts.map((r) => [...r]);
  const ended = rows.map(() => false);
  const session = kvSession(c, params, prompts.length, P, window, { padId: o.padId });
  try {
    // rows are cut after their first eos below, so once every row has one the remaining steps cannot change the result
    for (let i = 0; i < maxNew && !ended.every(Boolean); i++) {
      const { next } = session.feed(rows);
      rows.forEach((row, b) => {
        row.push(next[b]);
        if (next[b] === o.eosId) ended[b] = true;
      });
    }
  } finally {
    session.dispose();
  }
  return rows.map((r, b) => {
    const out = r.slice(prompts[b].length);
    const e = o.eosId === null ? -1 : out.indexOf(o.eosId);
    return e >= 0 ? out.slice(0, e + 1) : out;
  });
}
