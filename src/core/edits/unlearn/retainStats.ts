// Retain statistics for MANSU's retain bound (issue #20 item 3), computed by the lab engine at the base weights:
//  * the diagonal Fisher of each trainable tensor, F_i = E_x[(∂ log p(y|x) / ∂θ_i)²] over retain examples (the
//    empirical Fisher: the example's own response y, one example per gradient so the square is per example, not
//    of a batch mean, which would shrink it by the batch size);
//  * for each 4-bit-quantized projection (quantEval.ts bnbLinearWeights), the second moment C = E[x xᵀ] of its
//    input over the retain tokens, and the orthonormal basis U of C's top eigenvectors holding a share `energy` of
//    its trace: a change ΔW with ΔW·U = 0 leaves the layer's output on retain inputs (nearly) unchanged.
// A projection's input is read through the family table and the lab's hooks: q/k/v (or fused qkv) see the
// attention norm of hook_resid_pre, o sees hook_z (the heads' outputs, concatenated), gate/up/fc see the FFN norm
// of hook_mlp_in, down sees mlp.hook_post. Pure: no Node, no DOM.
import { jit, valueAndGrad, type OwnedFunction } from '@jax-js/jax';
import { familyNorm } from '../../lab/blocks';
import { fromF32, fromI32, keep, makeBatch, release, takeF32, type Arr, type ArrRecord, type Example } from '../../lab';
import type { HookName } from '../../lab/hooks';
import { FAMILIES, normalizeConfig, tensorName, type LayerRole } from '../../lm/families';
import { symmetricEigen } from '../eigen';
import type { UnlearnModel } from './model';
import { sequenceNll } from './objectives';
import { bnbLinearWeights } from './quantEval';

/** Diagonal empirical Fisher of `names` (engine names) over `examples`, one example per gradient. */
export function diagonalFisher(model: UnlearnModel, examples: readonly Example[], names: readonly string[], pad: number): Map<string, Float32Array> {
  const T = Math.min(model.maxPositions, Math.max(...examples.map((e) => e.tokens.length)) - 1);
  const frozenNames = Object.keys(model.params).filter((n) => !names.includes(n));
  const pick = (r: ArrRecord, ns: readonly string[]): ArrRecord => Object.fromEntries(ns.map((n) => [n, r[n]]));
  const logLik = (train: ArrRecord, frozen: ArrRecord, tok: Arr, tgt: Arr, mask: Arr): Arr => sequenceNll(model.forward({ ...frozen, ...train }, tok).logits, tgt, mask).sum().neg();
  const fn = jit((train: ArrRecord, frozen: ArrRecord, tok: Arr, tgt: Arr, mask: Arr): ArrRecord => {
    const [v, g] = valueAndGrad(logLik)(train, frozen, tok, tgt, mask);
    v.dispose();
    return g;
  }) as OwnedFunction<(train: ArrRecord, frozen: ArrRecord, tok: Arr, tgt: Arr, mask: Arr) => ArrRecord>;
  const acc = new Map(names.map((n) => [n, new Float64Array(model.params[n].size)]));
  try {
    for (const ex of examples) {
      const b = makeBatch([ex], T, pad);
      const g = fn(keep(pick(model.params, names)), keep(pick(model.params, frozenNames)), fromI32(b.tokens, [1, T]), fromI32(b.targets, [1, T]), fromF32(b.mask, [1, T]));
      for (const n of names) {
        const x = takeF32(g[n]);
        const a = acc.get(n)!;
        for (let i = 0; i < x.length; i++) a[i] += x[i] * x[i];
      }
    }
  } finally {
    fn.dispose();
  }
  const out = new Map<string, Float32Array>();
  for (const [n, a] of acc) out.set(n, Float32Array.from(a, (v) => v / examples.length));
  return out;
}

type InputSource = { hook: HookName; norm?: { w: string; b?: string } };

/** Where each quantized projection's input comes from (engine names), through the family table. */
export function projectionInputs(model: UnlearnModel): Map<string, InputSource> {
  const t = FAMILIES[model.family].tensors;
  const engineName = (file: string | undefined) => (file ? Object.keys(model.params).find((n) => n === file || model.fileName(n) === file) : undefined);
  const linear = new Set(bnbLinearWeights(model));
  const out = new Map<string, InputSource>();
  const sources: [LayerRole[], (l: number) => InputSource][] = [
    [['q', 'k', 'v', 'qkv'], (l) => ({ hook: `blocks.${l}.hook_resid_pre`, norm: { w: engineName(tensorName(t, 'attn_norm', l))!, b: engineName(tensorName(t, 'attn_norm_bias', l)) } })],
    [['o'], (l) => ({ hook: `blocks.${l}.attn.hook_z` })],
    [['gate', 'up', 'gate_up', 'fc'], (l) => ({ hook: `blocks.${l}.hook_mlp_in`, norm: { w: engineName(tensorName(t, 'ffn_norm', l))!, b: engineName(tensorName(t, 'ffn_norm_bias', l)) } })],
    [['down'], (l) => ({ hook: `blocks.${l}.mlp.hook_post` })],
  ];
  for (let l = 0; l < model.nLayers; l++) {
    for (const [roles, src] of sources) {
      for (const role of roles) {
        const n = engineName(tensorName(t, role, l));
        if (n && linear.has(n)) out.set(n, src(l));
      }
    }
  }
  return out;
}

/** E[x xᵀ] of each projection's input over the real tokens of `examples` (f64, row-major din × din). */
export function inputSecondMoments(model: UnlearnModel, examples: readonly Example[], names: readonly string[], pad: number, batchSize = 16): Map<string, { din: number; c: Float64Array }> {
  const sources = projectionInputs(model);
  const lm = normalizeConfig(model.configJson);
  const hooks = [...new Set(names.map((n) => sources.get(n)?.hook).filter((h): h is HookName => !!h))];
  const T = Math.min(model.maxPositions, Math.max(...examples.map((e) => e.tokens.length)));
  const out = new Map<string, { din: number; c: Float64Array }>();
  let tokens = 0;
  for (let s = 0; s < examples.length; s += batchSize) {
    const rows = examples.slice(s, s + batchSize);
    const tok = new Int32Array(rows.length * T).fill(pad);
    const real = new Uint8Array(rows.length * T);
    rows.forEach((e, r) => {
      const ids = e.tokens.slice(0, T);
      tok.set(ids, r * T);
      real.fill(1, r * T, r * T + ids.length);
    });
    const res = model.forward(keep(model.params), fromI32(tok, [rows.length, T]), { cache: hooks });
    res.logits.dispose();
    const host = new Map<string, Float32Array>();
    try {
      for (const n of names) {
        const src = sources.get(n);
        if (!src) continue;
        const key = `${src.hook}|${src.norm?.w ?? ''}`;
        if (!host.has(key)) {
          let x = res.cache[src.hook]!.ref;
          if (src.norm) x = familyNorm(lm.block, x, model.params[src.norm.w].ref, src.norm.b ? model.params[src.norm.b].ref : undefined, lm.normEps);
          host.set(key, takeF32(x));
        }
        const x = host.get(key)!;
        const din = x.length / (rows.length * T);
        let acc = out.get(n);
        if (!acc) out.set(n, (acc = { din, c: new Float64Array(din * din) }));
        for (let i = 0; i < rows.length * T; i++) {
          if (!real[i]) continue;
          const o = i * din;
          for (let a = 0; a < din; a++) {
            const xa = x[o + a];
            if (xa === 0) continue;
            const row = a * din;
            for (let b = a; b < din; b++) acc.c[row + b] += xa * x[o + b];
          }
        }
      }
    } finally {
      release(res.cache as ArrRecord);
    }
    for (let i = 0; i < real.length; i++) tokens += real[i];
  }
  for (const { din, c } of out.values()) {
    for (let a = 0; a < din; a++) {
      for (let b = a; b < din; b++) {
        c[a * din + b] /= tokens;
        c[b * din + a] = c[a * din + b];
      }
    }
  }
  return out;
}

export interface RetainBasis {
  /** din × k, row-major, orthonormal columns. */
  u: Float64Array;
  k: number;
  din: number;
  /** Share of trace(C) the k directions hold. */
  energy: number;
  /** The largest eigenvalues (for the manifest). */
  top: number[];
}

/** The smallest set of C's top eigenvectors holding ≥ `energy` of its trace (capped at `maxRank`). */
export function retainBasis(c: Float64Array, din: number, energy: number, maxRank = din): RetainBasis {
  const e = symmetricEigen(c, din);
  const order = [...e.values.keys()].sort((a, b) => e.values[b] - e.values[a]);
  let trace = 0;
  for (let i = 0; i < din; i++) trace += c[i * din + i];
  let k = 0;
  let held = 0;
  while (k < Math.min(maxRank, order.length) && (trace <= 0 ? false : held / trace < energy)) held += Math.max(0, e.values[order[k++]]);
  const u = new Float64Array(din * k);
  const cols = e.vectors;
  for (let j = 0; j < k; j++) for (let i = 0; i < din; i++) u[i * k + j] = cols[i * e.k + order[j]];
  return { u, k, din, energy: trace > 0 ? held / trace : 0, top: order.slice(0, 8).map((i) => e.values[i]) };
}
