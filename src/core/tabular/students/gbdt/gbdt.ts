// Gradient-boosted trees trained on soft targets: binary logistic (one tree per round on P(class 1)) and
// multiclass softmax (k trees per round). Newton leaves −G/(H+λ) with shrinkage, row and column subsampling,
// early stopping on a validation split (soft cross-entropy), all seeded. Prediction walks float32 thresholds so
// it matches the exported ONNX TreeEnsembleClassifier exactly (see binning.ts).

import type { ProbMatrix } from '../../../metrics/classification';
import type { FeatureMatrix } from '../../matrix';
import { takeRows } from '../../matrix';
import { makeRng, shuffleInPlace, stratifiedSplit } from '../rng';
import { sigmoid, sigmoidGradHess, softBinaryCrossEntropy, softCrossEntropy, softmaxGradHess, softmaxInto } from '../softLoss';
import { checkTrainingInputs, StudentInputError, type Student } from '../types';
import { applyBins, fitBins } from './binning';
import { growTree, HistPool, type Tree } from './grow';

export interface GbdtConfig {
  /** maximum boosting rounds */
  nRounds: number; // 300
  /** shrinkage applied to every leaf */
  learningRate: number; // 0.1
  maxDepth: number; // 6
  /** leaves per tree; 2^maxDepth gives depth-wise trees */
  maxLeaves: number; // 31
  /** minimum hessian sum in a child */
  minChildWeight: number; // 1
  /** L2 penalty on leaf values */
  lambda: number; // 1
  /** minimum gain to split */
  gamma: number; // 0
  /** share of rows each round sees */
  subsample: number; // 1
  /** share of features each tree may split on */
  colsample: number; // 1
  /** histogram bins per feature (incl. the missing bin), ≤ 255 */
  maxBins: number; // 255
  /** share of training rows held out for early stopping (0: none; ignored when `validation` is given) */
  validationFraction: number; // 0.1
  /** stop after this many rounds without validation improvement */
  earlyStoppingRounds: number; // 30
  /**
   * relative improvement of the validation loss that counts as one: soft targets keep the loss creeping down by
   * ~1e-6 a round for hundreds of rounds, which buys no AUC but costs latency (every tree is walked per row)
   */
  earlyStoppingTolerance: number; // 1e-4
  /** initial logits: 'prior' (log of the mean target) or 'zero' (uniform, XGBoost's base_score 0.5) */
  baseScore: 'prior' | 'zero'; // 'prior'
  seed: number; // 0
}

export const DEFAULT_GBDT: GbdtConfig = {
  nRounds: 300, learningRate: 0.1, maxDepth: 6, maxLeaves: 31, minChildWeight: 1, lambda: 1, gamma: 0,
  subsample: 1, colsample: 1, maxBins: 255, validationFraction: 0.1, earlyStoppingRounds: 30, earlyStoppingTolerance: 1e-4, baseScore: 'prior', seed: 0,
};

export interface GbdtTrainOptions {
  /** explicit early-stopping set (else `validationFraction` of the training rows) */
  validation?: { x: FeatureMatrix; targets: ProbMatrix };
  signal?: AbortSignal;
}

/** Flat arrays over all trees, the layout predict walks and the exporter writes. */
export interface GbdtModel {
  k: number;
  d: number;
  /** trees per round: 1 for binary (the class-1 logit), k for multiclass */
  outputs: number;
  /** initial logit per output */
  baseScore: Float64Array;
  trees: Tree[];
  /** validation loss after every round trained, including those past the best one (empty without early stopping) */
  validationLoss: number[];
  /** rounds kept (the best validation round) */
  rounds: number;
}

/**
 * All trees in two compact arrays walked by prediction (12 bytes a node, so a few hundred trees stay in cache):
 * nodes in depth-first preorder, so a split's left child is the next node. `link[2j]` is the feature (−1 for a
 * leaf), `link[2j+1]` is (right child << 1) | (missing goes left); `num[j]` is the float32 threshold, or for a
 * leaf its value (leaf values are float32 already, as ONNX stores them).
 */
interface FlatForest {
  roots: Int32Array;
  link: Int32Array;
  num: Float32Array;
}

function flatten(trees: Tree[]): FlatForest {
  const total = trees.reduce((a, t) => a + t.feature.length, 0);
  const f: FlatForest = { roots: new Int32Array(trees.length), link: new Int32Array(2 * total), num: new Float32Array(total) };
  let next = 0;
  trees.forEach((t, ti) => {
    f.roots[ti] = next;
    const place = (nd: number): void => {
      const j = next++;
      f.link[2 * j] = t.feature[nd];
      if (t.feature[nd] < 0) { f.num[j] = t.value[nd]; return; }
      f.num[j] = t.threshold[nd];
      place(t.left[nd]);
      f.link[2 * j + 1] = (next << 1) | t.defaultLeft[nd];
      place(t.right[nd]);
    };
    place(0);
  });
  return f;
}

export class GbdtStudent implements Student {
  readonly kind = 'gbdt';
  readonly k: number;
  readonly d: number;
  private readonly xs: Float32Array;
  private readonly raw: Float64Array;
  private readonly forest: FlatForest;
  constructor(readonly model: GbdtModel) {
    this.k = model.k;
    this.d = model.d;
    this.xs = new Float32Array(model.d);
    this.raw = new Float64Array(model.outputs);
    this.forest = flatten(model.trees);
  }

  /** Raw logits (per output) of the row starting at `x[off]`. Compares in float32 like onnxruntime's BRANCH_LT. */
  rawRow(x: ArrayLike<number>, out: Float64Array, off = 0): void {
    const { outputs, baseScore } = this.model;
    const { roots, link, num } = this.forest;
    const xs = this.xs;
    for (let f = 0; f < this.d; f++) xs[f] = x[off + f];
    for (let o = 0; o < outputs; o++) out[o] = baseScore[o];
    for (let t = 0; t < roots.length; t++) {
      let n = roots[t];
      let f = link[2 * n];
      while (f >= 0) {
        const v = xs[f];
        const r = link[2 * n + 1];
        n = v < num[n] || (v !== v && (r & 1) === 1) ? n + 1 : r >> 1;
        f = link[2 * n];
      }
      out[t % outputs] += num[n];
    }
  }

  predictRow(x: ArrayLike<number>, out: Float64Array): void {
    this.probsAt(x, 0, out, 0);
  }

  predict(x: FeatureMatrix): ProbMatrix {
    if (x.d !== this.d) throw new StudentInputError(`student was trained on ${this.d} features, got ${x.d}`);
    const probs = new Float64Array(x.n * this.k);
    for (let i = 0; i < x.n; i++) this.probsAt(x.x, i * x.d, probs, i * this.k);
    return { probs, n: x.n, k: this.k };
  }

  /** No per-row allocation: batched prediction walks the matrix in place. */
  private probsAt(x: ArrayLike<number>, off: number, out: Float64Array, outOff: number): void {
    this.rawRow(x, this.raw, off);
    if (this.model.outputs === 1) {
      const p = sigmoid(this.raw[0]);
      out[outOff] = 1 - p;
      out[outOff + 1] = p;
    } else softmaxInto(this.raw, 0, this.k, out, outOff);
  }
}

/** Column `c` of an n×k matrix, or P(class 1) for the binary parametrisation. */
function targetColumns(t: ProbMatrix, outputs: number): Float64Array {
  if (outputs > 1) return t.probs;
  const out = new Float64Array(t.n);
  for (let i = 0; i < t.n; i++) out[i] = t.probs[i * t.k + 1];
  return out;
}

function argmaxLabels(t: ProbMatrix): Int32Array {
  const y = new Int32Array(t.n);
  for (let i = 0; i < t.n; i++) {
    let b = 0;
    for (let c = 1; c < t.k; c++) if (t.probs[i * t.k + c] > t.probs[i * t.k + b]) b = c;
    y[i] = b;
  }
  return y;
}

function takeTargets(t: ProbMatrix, idx: Uint32Array): ProbMatrix {
  const probs = new Float64Array(idx.length * t.k);
  for (let r = 0; r < idx.length; r++) probs.set(t.probs.subarray(idx[r] * t.k, (idx[r] + 1) * t.k), r * t.k);
  return { probs, n: idx.length, k: t.k };
}

export function trainGbdt(x: FeatureMatrix, targets: ProbMatrix, config: Partial<GbdtConfig> = {}, opts: GbdtTrainOptions = {}): GbdtStudent {
  const cfg: GbdtConfig = { ...DEFAULT_GBDT, ...config };
  checkTrainingInputs(x, targets);
  let trainX = x;
  let trainT = targets;
  let val = opts.validation;
  if (!val && cfg.validationFraction > 0 && x.n >= 20) {
    const { a, b } = stratifiedSplit(argmaxLabels(targets), cfg.validationFraction, cfg.seed + 7919);
    trainX = takeRows(x, a);
    trainT = takeTargets(targets, a);
    val = { x: takeRows(x, b), targets: takeTargets(targets, b) };
  }
  if (val) checkTrainingInputs(val.x, val.targets);
  const k = targets.k;
  const outputs = k === 2 ? 1 : k;
  const n = trainX.n;
  const mapper = fitBins(trainX, cfg.maxBins);
  const binned = applyBins(mapper, trainX);
  const tcol = targetColumns(trainT, outputs);

  // base score 'prior': the log-odds / log-prior of the mean target, so tree 1 starts from the class balance;
  // 'zero' starts at p = 1/2 (binary) like XGBoost's default base_score, which on rare classes gives larger early
  // hessians, so min_child_weight lets more early splits through
  const baseScore = new Float64Array(outputs);
  const mean = new Float64Array(k);
  for (let i = 0; i < n; i++) for (let c = 0; c < k; c++) mean[c] += trainT.probs[i * k + c] / n;
  const clip = (p: number) => Math.min(1 - 1e-6, Math.max(1e-6, p));
  if (cfg.baseScore === 'prior') {
    if (outputs === 1) baseScore[0] = Math.fround(Math.log(clip(mean[1]) / clip(mean[0])));
    else for (let c = 0; c < k; c++) baseScore[c] = Math.fround(Math.log(clip(mean[c])));
  }

  const score = new Float64Array(n * outputs);
  for (let i = 0; i < n; i++) for (let o = 0; o < outputs; o++) score[i * outputs + o] = baseScore[o];
  const grad = new Float64Array(n * outputs);
  const hess = new Float64Array(n * outputs);
  const g = new Float64Array(n);
  const h = new Float64Array(n);
  const pool = new HistPool(mapper.totalBins * 2);
  const rand = makeRng(cfg.seed);
  const allRows = new Uint32Array(n);
  for (let i = 0; i < n; i++) allRows[i] = i;
  const nSub = Math.max(1, Math.round(cfg.subsample * n));
  const nCol = Math.max(1, Math.round(cfg.colsample * x.d));
  const allFeatures = Int32Array.from({ length: x.d }, (_, f) => f);
  const params = { ...cfg };

  const valScore = val ? new Float64Array(val.x.n * outputs) : null;
  const valT = val ? targetColumns(val.targets, outputs) : null;
  if (valScore) for (let i = 0; i < valScore.length; i++) valScore[i] = baseScore[i % outputs];
  const valBinned = val ? applyBins(mapper, val.x) : null;
  const trees: Tree[] = [];
  const validationLoss: number[] = [];
  let bestLoss = Infinity;
  let bestRounds = 0;

  for (let round = 0; round < cfg.nRounds; round++) {
    if (opts.signal?.aborted) throw opts.signal.reason ?? new Error('aborted');
    if (outputs === 1) sigmoidGradHess(score, tcol, grad, hess);
    else softmaxGradHess(score, tcol, n, k, grad, hess);
    let rows = allRows;
    if (nSub < n) {
      shuffleInPlace(allRows, rand);
      rows = allRows.slice(0, nSub);
    }
    for (let o = 0; o < outputs; o++) {
      for (let i = 0; i < n; i++) { g[i] = grad[i * outputs + o]; h[i] = hess[i * outputs + o]; }
      let features = allFeatures;
      if (nCol < x.d) {
        const perm = Int32Array.from(allFeatures);
        shuffleInPlace(perm, rand);
        features = perm.slice(0, nCol).sort();
      }
      const sampleRows = nSub < n ? rows.slice() : allRows;
      const tree = growTree(binned, mapper, g, h, sampleRows, features, params, pool, score, outputs, o);
      if (nSub < n) addOutOfSample(tree, binned.bins, x.d, sampleRows, score, outputs, o, n);
      if (valBinned && valScore) addBinned(tree, valBinned.bins, x.d, valBinned.n, valScore, outputs, o);
      trees.push(tree);
    }
    if (valScore && valT && val) {
      const loss = outputs === 1 ? softBinaryCrossEntropy(valScore, valT) : softCrossEntropy(valScore, valT, val.x.n, k);
      validationLoss.push(loss);
      if (loss < bestLoss * (1 - cfg.earlyStoppingTolerance)) { bestLoss = loss; bestRounds = round + 1; }
      else if (round + 1 - bestRounds >= cfg.earlyStoppingRounds) break;
    } else bestRounds = round + 1;
  }
  trees.length = bestRounds * outputs;
  return new GbdtStudent({ k, d: x.d, outputs, baseScore, trees, validationLoss, rounds: bestRounds });
}

function leafOfBinned(t: Tree, bins: Uint8Array, base: number): number {
  let nd = 0;
  while (t.feature[nd] >= 0) {
    const b = bins[base + t.feature[nd]];
    nd = (b === 0 ? t.defaultLeft[nd] === 1 : b <= t.splitBin[nd]) ? t.left[nd] : t.right[nd];
  }
  return nd;
}

function addBinned(t: Tree, bins: Uint8Array, d: number, n: number, score: Float64Array, stride: number, off: number): void {
  for (let i = 0; i < n; i++) score[i * stride + off] += t.value[leafOfBinned(t, bins, i * d)];
}

/** Rows left out of this round's subsample still need the new tree in their running score. */
function addOutOfSample(t: Tree, bins: Uint8Array, d: number, sample: Uint32Array, score: Float64Array, stride: number, off: number, n: number): void {
  const inSample = new Uint8Array(n);
  for (let i = 0; i < sample.length; i++) inSample[sample[i]] = 1;
  for (let i = 0; i < n; i++) if (!inSample[i]) score[i * stride + off] += t.value[leafOfBinned(t, bins, i * d)];
}
