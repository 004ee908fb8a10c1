// A circuit cut at the granularity of single attention heads AND single MLP neurons, for C-Δθ's "< 5 % of the
// parameters" (issue #20 item 5). On `target` (GPT-2 layout, d = 128) one whole MLP is 13 % of the parameters, so
// the head/MLP `budget` cut can hold no MLP and ends as two heads; a neuron (its row of the MLP input matrix, its
// bias entry, its row of the output matrix: archMap.ts) is 257 parameters, so a 5 % budget can hold ~180 of them.
// This is ours, not the paper's cut, and a named option next to `budget` / `topn` (the defaults are unchanged).
//
// Scores: gradient × activation of every unit's output for the metric
//   m = mean_i log p(refusal_i | x_i) − mean_j log p(compliance_j | x_j)
// (sequence log-probabilities of the response tokens; x = the topic's train prompts), on the model given (the
// aligned copy). It is read off parameter gradients of the output projections, with no new hook: for a unit u
// whose output a_u(t) enters the residual through rows W[u,:] of the output matrix (o / c_proj rows of a head,
// down / c_proj row of a neuron; the family table says which slice, archMap.ts maskForTensor),
//   Σ_{i∈u,k} W[i,k]·∂m/∂W[i,k] = Σ_t Σ_{i∈u} a_i(t)·∂m/∂a_i(t),
// i.e. grad × activation of the unit's output summed over positions (zero baseline; EAP-IG's node scores use the
// corrupted run as baseline instead). Heads and neurons are scored in the same currency (metric units), ranked
// by |score| together and kept greedily while the mask stays ≤ the budget (as `budgetCut`).
// Pure: no Node, no DOM.
import { jit, valueAndGrad, type OwnedFunction } from '@jax-js/jax';
import { fromF32, fromI32, keep, makeBatch, readF32, takeF32, type Arr, type ArrRecord, type Example } from '../../lab';
import { FAMILIES, tensorName, type LayerRole } from '../../lm/families';
import { maskForTensor, resolveArch, type RowColMask } from '../archMap';
import type { CircuitSelection } from '../circuit';
import { circuitParamCount } from './cdeltaLab';
import { ownableTensors } from './freeze';
import { UnlearnConfigError, UnlearnModelError } from './errors';
import type { UnlearnModel } from './model';
import { sequenceNll } from './objectives';

export type CircuitUnit = { kind: 'head' | 'neuron'; layer: number; index: number };
export interface ScoredUnit extends CircuitUnit {
  score: number;
}

/** A head / neuron list as a circuit selection (heads and neurons sorted; no whole MLP). */
export function unitSelection(units: readonly CircuitUnit[]): CircuitSelection {
  const by = (a: [number, number], b: [number, number]) => a[0] - b[0] || a[1] - b[1];
  return {
    heads: units.filter((u) => u.kind === 'head').map((u): [number, number] => [u.layer, u.index]).sort(by),
    mlps: [],
    neurons: units.filter((u) => u.kind === 'neuron').map((u): [number, number] => [u.layer, u.index]).sort(by),
    nodesInGraph: units.length, edgesInGraph: 0,
  };
}

export const unitName = (u: CircuitUnit): string => (u.kind === 'head' ? `a${u.layer}.h${u.index}` : `m${u.layer}.n${u.index}`);

/** Engine name of a family role's tensor in layer l. */
function roleTensor(model: UnlearnModel, role: LayerRole, l: number): string {
  const file = tensorName(FAMILIES[model.family].tensors, role, l);
  const n = file ? Object.keys(model.params).find((p) => p === file || model.fileName(p) === file) : undefined;
  if (!n) throw new UnlearnModelError(model.id, `no ${role} tensor in layer ${l}`);
  return n;
}

function specOf(model: UnlearnModel, n: string) {
  return { name: model.fileName(n), dtype: 'F32' as const, shape: [...model.params[n].shape] };
}

/** Σ over the mask of w·g. */
function maskedDot(m: RowColMask, w: Float32Array, g: Float64Array): number {
  let s = 0;
  for (const [r0, r1] of m.rowRanges) for (let r = r0; r < r1; r++) for (const [c0, c1] of m.colRanges) for (let i = r * m.cols + c0; i < r * m.cols + c1; i++) s += w[i] * g[i];
  return s;
}

/** MLP width of layer l, off the down projection's shape (its input features). */
export function mlpWidth(model: UnlearnModel, l: number): number {
  const sh = model.params[roleTensor(model, 'down', l)].shape;
  return FAMILIES[model.family].block.weightLayout === 'in_out' ? sh[0] : sh[1];
}

/**
 * Grad × activation of every head and every MLP neuron of `params` for m = mean log p(refusal) − mean
 * log p(compliance) (see the header). `refusals` / `compliances` are encoded examples (tokens, lossFrom).
 */
export function unitScores(model: UnlearnModel, params: ArrRecord, refusals: readonly Example[], compliances: readonly Example[], batchSize = 8,
  /** Variant (ours): score = Σ over every weight the unit owns of (params − deltaFrom)·∂m/∂W, the first-order share of the metric that the unit's part of the copy's change carries; `deltaFrom` = the target. */
  deltaFrom?: ArrRecord): ScoredUnit[] {
  if (refusals.length === 0 || compliances.length === 0) throw new UnlearnConfigError('unit scores need at least one refusal and one compliance example');
  const L = model.nLayers;
  const outs = Array.from({ length: L }, (_, l) => ({ o: roleTensor(model, 'o', l), down: roleTensor(model, 'down', l) }));
  const names = deltaFrom ? ownableTensors(model) : outs.flatMap((x) => [x.o, x.down]);
  const frozenNames = Object.keys(params).filter((n) => !names.includes(n));
  const pick = (r: ArrRecord, ns: readonly string[]): ArrRecord => Object.fromEntries(ns.map((n) => [n, r[n]]));
  const rows = [...refusals.map((e) => ({ e, w: 1 / refusals.length })), ...compliances.map((e) => ({ e, w: -1 / compliances.length }))];
  const T = Math.min(model.maxPositions, Math.max(...rows.map((r) => r.e.tokens.length)) - 1);
  const metric = (train: ArrRecord, frozen: ArrRecord, tok: Arr, tgt: Arr, mask: Arr, w: Arr): Arr => sequenceNll(model.forward({ ...frozen, ...train }, tok).logits, tgt, mask).mul(w).sum().neg();
  const fn = jit((train: ArrRecord, frozen: ArrRecord, tok: Arr, tgt: Arr, mask: Arr, w: Arr): ArrRecord => {
    const [v, g] = valueAndGrad(metric)(train, frozen, tok, tgt, mask, w);
    v.dispose();
    return g;
  }) as OwnedFunction<(train: ArrRecord, frozen: ArrRecord, tok: Arr, tgt: Arr, mask: Arr, w: Arr) => ArrRecord>;
  const pad = model.tokenizer.padId ?? 0;
  const grads = new Map(names.map((n) => [n, new Float64Array(params[n].size)]));
  try {
    for (let i = 0; i < rows.length; i += batchSize) {
      const chunk = rows.slice(i, i + batchSize);
      const fill = batchSize - chunk.length;
      const b = makeBatch([...chunk.map((r) => r.e), ...Array.from({ length: fill }, () => ({ tokens: [pad], lossFrom: 1 }))], T, pad);
      const w = new Float32Array(batchSize);
      chunk.forEach((r, k) => (w[k] = r.w));
      const g = fn(keep(pick(params, names)), keep(pick(params, frozenNames)), fromI32(b.tokens, [batchSize, T]), fromI32(b.targets, [batchSize, T]), fromF32(b.mask, [batchSize, T]), fromF32(w, [batchSize]));
      for (const n of names) {
        const x = takeF32(g[n]);
        const a = grads.get(n)!;
        for (let k = 0; k < x.length; k++) a[k] += x[k];
      }
    }
  } finally {
    fn.dispose();
  }
  const specs = Object.keys(params).map((n) => specOf(model, n));
  const arch = resolveArch(specs, { config: model.configJson });
  const out: ScoredUnit[] = [];
  if (deltaFrom) {
    const delta = new Map(names.map((n) => {
      const a = readF32(params[n]);
      const t = readF32(deltaFrom[n]);
      return [n, Float32Array.from(a, (v, i) => v - t[i])];
    }));
    const units: CircuitUnit[] = [];
    for (let l = 0; l < L; l++) {
      for (let h = 0; h < model.nHeads; h++) units.push({ kind: 'head', layer: l, index: h });
      for (let j = 0; j < mlpWidth(model, l); j++) units.push({ kind: 'neuron', layer: l, index: j });
    }
    for (const u of units) {
      const sel = unitSelection([u]);
      let score = 0;
      for (const n of names) {
        const m = maskForTensor(specOf(model, n), sel, arch);
        if (m) score += maskedDot(m, delta.get(n)!, grads.get(n)!);
      }
      out.push({ ...u, score });
    }
    return out;
  }
  for (let l = 0; l < L; l++) {
    const wo = readF32(params[outs[l].o]);
    const wd = readF32(params[outs[l].down]);
    for (let h = 0; h < model.nHeads; h++) {
      const u: CircuitUnit = { kind: 'head', layer: l, index: h };
      out.push({ ...u, score: maskedDot(maskForTensor(specOf(model, outs[l].o), unitSelection([u]), arch)!, wo, grads.get(outs[l].o)!) });
    }
    for (let j = 0; j < mlpWidth(model, l); j++) {
      const u: CircuitUnit = { kind: 'neuron', layer: l, index: j };
      out.push({ ...u, score: maskedDot(maskForTensor(specOf(model, outs[l].down), unitSelection([u]), arch)!, wd, grads.get(outs[l].down)!) });
    }
  }
  return out;
}

export interface NeuronBudgetCircuit {
  selection: CircuitSelection;
  kept: ScoredUnit[];
  masked: number;
  total: number;
}

/**
 * How units are ranked: 'score' = |score| (the default: a head's score sums over its head_dim outputs, so heads
 * rank first and take most of a small budget), 'density' = |score| per parameter the unit owns (a variant).
 */
export type UnitRanking = 'score' | 'density';

/** Heads and neurons by |score|, each kept while the whole mask stays ≤ `budget` (a share of all parameters). */
export function neuronBudgetCut(model: UnlearnModel, scored: readonly ScoredUnit[], budget: number, rank: UnitRanking = 'score'): NeuronBudgetCircuit {
  if (!(budget > 0 && budget <= 1)) throw new UnlearnConfigError(`parameter budget must be in (0, 1], got ${budget}`);
  if (rank !== 'score' && rank !== 'density') throw new UnlearnConfigError(`unit ranking must be score or density, got ${String(rank)}`);
  const size = new Map<string, number>();
  const sizeOf = (u: ScoredUnit) => {
    const k = u.kind === 'head' ? `h${u.layer}` : `n${u.layer}`;
    if (!size.has(k)) size.set(k, circuitParamCount(model, unitSelection([u])).masked);
    return size.get(k)!;
  };
  const key = (u: ScoredUnit) => (rank === 'score' ? Math.abs(u.score) : Math.abs(u.score) / sizeOf(u));
  const ranked = [...scored].sort((a, b) => key(b) - key(a));
  const kept: ScoredUnit[] = [];
  let masked = 0;
  let total = 0;
  for (const u of ranked) {
    const c = circuitParamCount(model, unitSelection([...kept, u]));
    total = c.total;
    if (c.masked / c.total <= budget) {
      kept.push(u);
      masked = c.masked;
    }
  }
  if (total === 0) total = circuitParamCount(model, unitSelection([])).total;
  return { selection: unitSelection(kept), kept, masked, total };
}
