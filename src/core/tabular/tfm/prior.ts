// The synthetic-task prior the TFM is fitted on (a prior-fitted network learns to do Bayesian prediction under
// this prior, TabPFN / nanoTabPFN style). Two generators, both seeded through one mulberry32 stream:
//  - scm: a random MLP structural causal model — latent causes pushed through 1–4 random sparse layers with a
//    random nonlinearity and noise; features and the target are different nodes of the same graph, so features
//    can be causes, effects or siblings of the target;
//  - trees: independent features (normal / uniform / skewed / categorical) and a target that is a sum of random
//    depth-2 threshold trees plus noise (the axis-aligned structure gradient-boosted trees like).
// The continuous target becomes k ∈ [2, 10] classes by quantile cuts with random (often very unequal) class
// shares, then class ids are permuted. Features: some discretised to small integer codes (categorical), some
// replaced by noise (irrelevant), some skewed; occasionally values go missing (NaN).
import { makeRng, shuffle, type Rng } from '../data/rng';
import { V2 } from './priorV2';
import { addQueryCopies, type QueryCopyRates } from './priorV3';

export interface PriorOptions {
  /** rows to draw (context + query) */
  nRows: number;
  /** fixed feature count, else uniform in [1, maxFeatures] */
  nFeatures?: number;
  /** fixed class count, else 2 with probability ½, uniform in [3, maxClasses] otherwise */
  nClasses?: number;
  maxFeatures?: number;
  maxClasses?: number;
  /**
   * Prior version: 1 (the committed tfm's; its draws never change) or 2 (priorV2.ts: what real tables add —
   * extreme imbalance, many and wide categoricals, more and informative missingness, more label noise, and
   * duplicated / near-duplicated rows that keep their label, so copying a matching context row pays off) or 3
   * (priorV3.ts: the v2 task of the same seed with some query rows made exact copies of context rows, label
   * included — what a teacher meets when it scores its own context; needs `contextRows`).
   */
  version?: 1 | 2 | 3;
  /** version 3: the first `contextRows` rows are the context, the rest the queries (the split the copies cross) */
  contextRows?: number;
  /** version 3: how often and how many query rows are copies (default priorV3.ts V3_QUERY_COPIES) */
  queryCopies?: QueryCopyRates;
}

export interface PriorTask {
  /** nRows × nFeatures row-major; NaN = missing */
  x: Float32Array;
  y: Int32Array;
  n: number;
  d: number;
  k: number;
  /** which generator made it and with what knobs, for logs and tests */
  meta: { kind: 'scm' | 'trees'; classShares: number[]; categorical: number; irrelevant: number; missingRate: number; noise: number; duplicated?: number; missingInformative?: boolean; queryCopies?: number };
}

export const PRIOR_DEFAULTS = { maxFeatures: 32, maxClasses: 10 } as const;

export function normal(rng: Rng): number {
  const u = 1 - rng.next();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rng.next());
}

export const uniform = (rng: Rng, lo: number, hi: number): number => lo + (hi - lo) * rng.next();
export const logUniform = (rng: Rng, lo: number, hi: number): number => Math.exp(uniform(rng, Math.log(lo), Math.log(hi)));

type Act = (v: number) => number;
const ACTS: Act[] = [Math.tanh, (v) => Math.max(0, v), (v) => v, Math.sin, Math.abs, (v) => 1 / (1 + Math.exp(-3 * v)), (v) => Math.max(-3, Math.min(3, v * v))];

/** Random MLP SCM: returns every node's values, n × nodes row-major, and the node count. */
function scmNodes(rng: Rng, n: number, minNodes: number): { v: Float64Array; nodes: number; noise: number } {
  const causes = 1 + rng.int(8);
  const layers = 1 + rng.int(4);
  const width = Math.max(4, Math.ceil(minNodes / layers) + rng.int(8));
  const act = ACTS[rng.int(ACTS.length)];
  const noise = logUniform(rng, 0.01, 0.6);
  const keep = uniform(rng, 0.4, 1); // weight density: sparse graphs give features of very unequal relevance
  const nodes = layers * width;
  const v = new Float64Array(n * nodes);
  const z = new Float64Array(n * causes);
  for (let i = 0; i < z.length; i++) z[i] = normal(rng) * uniform(rng, 0.5, 1.5);
  let prev = z;
  let prevW = causes;
  for (let l = 0; l < layers; l++) {
    const W = new Float64Array(prevW * width); // [prevW, width]
    for (let i = 0; i < W.length; i++) W[i] = rng.next() < keep ? normal(rng) / Math.sqrt(prevW * keep) : 0;
    const b = Float64Array.from({ length: width }, () => normal(rng) * 0.5);
    const next = new Float64Array(n * width);
    for (let r = 0; r < n; r++) {
      for (let j = 0; j < width; j++) {
        let s = b[j];
        for (let i = 0; i < prevW; i++) s += prev[r * prevW + i] * W[i * width + j];
        const h = act(s) + noise * normal(rng);
        next[r * width + j] = h;
        v[r * nodes + l * width + j] = h;
      }
    }
    prev = next;
    prevW = width;
  }
  return { v, nodes, noise };
}

/** Draws one raw feature column for the tree generator. */
function featureColumn(rng: Rng, n: number): Float64Array {
  const kind = rng.int(4);
  const levels = 2 + rng.int(6);
  const c = new Float64Array(n);
  for (let r = 0; r < n; r++) {
    if (kind === 0) c[r] = normal(rng);
    else if (kind === 1) c[r] = rng.next();
    else if (kind === 2) c[r] = Math.exp(normal(rng)); // skewed, like counts and amounts
    else c[r] = rng.int(levels); // small integer levels
  }
  return c;
}

function treeTask(rng: Rng, n: number, d: number): { x: Float64Array; t: Float64Array; noise: number } {
  const cols = Array.from({ length: d }, () => featureColumn(rng, n));
  const t = new Float64Array(n);
  const trees = 1 + rng.int(8);
  const relevant = Math.max(1, Math.ceil(d * uniform(rng, 0.2, 1)));
  const pickCol = (): Float64Array => cols[rng.int(relevant)];
  const cut = (c: Float64Array): number => c[rng.int(n)];
  for (let m = 0; m < trees; m++) {
    const [a, b, c] = [pickCol(), pickCol(), pickCol()];
    const [ta, tb, tc] = [cut(a), cut(b), cut(c)];
    const leaves = Array.from({ length: 4 }, () => normal(rng));
    for (let r = 0; r < n; r++) t[r] += a[r] < ta ? (b[r] < tb ? leaves[0] : leaves[1]) : c[r] < tc ? leaves[2] : leaves[3];
  }
  const noise = logUniform(rng, 0.01, 1) * Math.sqrt(trees);
  for (let r = 0; r < n; r++) t[r] += noise * normal(rng);
  const x = new Float64Array(n * d);
  for (let r = 0; r < n; r++) for (let j = 0; j < d; j++) x[r * d + j] = cols[j][r];
  return { x, t, noise };
}

/** Class shares: Dirichlet-like with a random concentration; a third of tasks get one rare class. */
function classShares(rng: Rng, k: number): number[] {
  const alpha = logUniform(rng, 0.3, 5);
  let w = Array.from({ length: k }, () => Math.pow(rng.next(), 1 / alpha) + 1e-3);
  if (rng.next() < 0.33) w[rng.int(k)] *= uniform(rng, 0.02, 0.3);
  const s = w.reduce((a, b) => a + b, 0);
  w = w.map((v) => v / s);
  return w;
}

/** Cuts the continuous target at the quantiles of `shares`, so class c holds about shares[c] of the rows. */
function quantise(t: Float64Array, shares: number[]): Int32Array {
  const order = Array.from(t, (_, i) => i).sort((a, b) => t[a] - t[b]);
  const y = new Int32Array(t.length);
  let c = 0;
  let acc = shares[0];
  order.forEach((row, rank) => {
    while (c < shares.length - 1 && (rank + 0.5) / t.length > acc) acc += shares[++c];
    y[row] = c;
  });
  return y;
}

/** Discretises column j of x (n × d) into `levels` codes cut at random quantiles, codes permuted. */
export function makeCategorical(rng: Rng, x: Float64Array, n: number, d: number, j: number, levels: number): void {
  const vals = Array.from({ length: n }, (_, r) => x[r * d + j]).sort((a, b) => a - b);
  const cuts = Array.from({ length: levels - 1 }, () => vals[rng.int(n)]).sort((a, b) => a - b);
  const codes = shuffle(Array.from({ length: levels }, (_, i) => i), rng);
  for (let r = 0; r < n; r++) {
    let b = 0;
    while (b < cuts.length && x[r * d + j] > cuts[b]) b++;
    x[r * d + j] = codes[b];
  }
}

/** One synthetic classification task. Deterministic in `seed` (and `version`). */
export function sampleTask(seed: number, opts: PriorOptions): PriorTask {
  if (opts.version === 3) {
    if (opts.contextRows === undefined) throw new Error('prior version 3 needs contextRows (the context/query split)');
    return addQueryCopies(seed, sampleTask(seed, { ...opts, version: 2 }), opts.contextRows, opts.queryCopies);
  }
  const rng = makeRng(seed);
  const v2 = opts.version === 2 ? V2 : null;
  const maxF = opts.maxFeatures ?? PRIOR_DEFAULTS.maxFeatures;
  const maxK = opts.maxClasses ?? PRIOR_DEFAULTS.maxClasses;
  const n = opts.nRows;
  const d = opts.nFeatures ?? 1 + rng.int(maxF);
  const k = opts.nClasses ?? (rng.next() < 0.5 ? 2 : 3 + rng.int(maxK - 2));
  let x: Float64Array;
  let t: Float64Array;
  let noise: number;
  const kind = rng.next() < 0.7 ? 'scm' : 'trees';
  if (kind === 'scm') {
    const g = scmNodes(rng, n, d + 1);
    noise = g.noise;
    const nodeOrder = shuffle(Array.from({ length: g.nodes }, (_, i) => i), rng);
    const target = nodeOrder[0];
    const feats = nodeOrder.slice(1, d + 1);
    x = new Float64Array(n * d);
    t = new Float64Array(n);
    for (let r = 0; r < n; r++) {
      t[r] = g.v[r * g.nodes + target];
      for (let j = 0; j < d; j++) x[r * d + j] = g.v[r * g.nodes + feats[j]];
    }
  } else {
    ({ x, t, noise } = treeTask(rng, n, d));
  }
  const shares = v2 ? v2.classShares(rng, k) : classShares(rng, k);
  const y = quantise(t, shares);
  if (rng.next() < (v2 ? 0.4 : 0.3)) { // label noise: a few rows get a random class
    const flip = uniform(rng, 0, v2 ? 0.2 : 0.1);
    for (let r = 0; r < n; r++) if (rng.next() < flip) y[r] = rng.int(k);
  }
  const perm = shuffle(Array.from({ length: k }, (_, i) => i), rng);
  for (let r = 0; r < n; r++) y[r] = perm[y[r]];
  const finalShares = new Array<number>(k);
  shares.forEach((s, c) => { finalShares[perm[c]] = s; });

  let irrelevant = 0;
  let categorical = 0;
  const pIrr = rng.next() < 0.4 ? uniform(rng, 0, 0.5) : 0;
  const pCat = rng.next() < 0.5 ? uniform(rng, 0, v2 ? 1 : 0.6) : 0;
  for (let j = 0; j < d; j++) {
    if (d > 1 && rng.next() < pIrr) {
      irrelevant++;
      const skew = rng.next() < 0.3;
      for (let r = 0; r < n; r++) x[r * d + j] = skew ? Math.exp(normal(rng)) : normal(rng);
    } else if (rng.next() < 0.15) {
      for (let r = 0; r < n; r++) x[r * d + j] = Math.exp(Math.max(-10, Math.min(10, x[r * d + j]))); // skew
    }
    if (rng.next() < pCat) {
      categorical++;
      makeCategorical(rng, x, n, d, j, v2 ? v2.levels(rng) : 2 + rng.int(7));
    }
    const scale = logUniform(rng, 0.1, 10);
    const shift = normal(rng) * 3;
    for (let r = 0; r < n; r++) x[r * d + j] = x[r * d + j] * scale + shift;
  }
  if (v2) return v2.finish(rng, { x, y, n, d, k, kind, finalShares, categorical, irrelevant, noise });
  let missingRate = 0;
  if (rng.next() < 0.15) {
    missingRate = uniform(rng, 0.01, 0.25);
    for (let j = 0; j < d; j++) if (rng.next() < 0.5) for (let r = 0; r < n; r++) if (rng.next() < missingRate) x[r * d + j] = NaN;
  }
  return { x: Float32Array.from(x), y, n, d, k, meta: { kind, classShares: finalShares, categorical, irrelevant, missingRate, noise } };
}
