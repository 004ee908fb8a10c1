// A reward model learnt from rule rewards: a tiny MLP over hashed bag-of-n-gram features of the prompt and the
// completion, trained to predict whether a labelling reward (e.g. a composed rule reward) scores a sample at or
// above a threshold; its reward is that probability, in [0, 1]. Why an MLP and not a logistic regression: the rule
// labels of interest are interactions (a refusal is good on a harmful prompt and bad on a safe one), which a linear
// model over separate prompt and completion features cannot represent; one hidden ReLU layer can.
// Features: lower-cased word unigrams and bigrams (a "[redacted]" placeholder is one word), prefixed "p:" / "c:" by
// field, FNV-1a-hashed into `buckets` binary features. Training: Adam on binary cross-entropy with L2, minibatches in
// a seeded shuffle, weights from a seeded generator: the same data and options give the same model, bit for bit.
import { RewardTrainingError } from './errors';
import { runReward } from './run';
import type { RewardFunction, RewardSample } from './types';
import { mulberry32 } from '../../numeric/random';

export interface RewardModelOptions {
  /** Hashed feature count (default 2048). */
  buckets?: number;
  /** Hidden ReLU units (default 16). */
  hidden?: number;
  epochs?: number;
  batchSize?: number;
  lr?: number;
  l2?: number;
  seed?: number;
  /** Metadata columns given to the model as features (default none: text only). The rule rewards may read a
   *  column the text does not show (refusal-appropriate reads `harmful`); naming it here lets the model see it too. */
  metadataFeatures?: readonly string[];
  /** Share of a sample's active features dropped at each training step (default 0.5): without it the model leans
   *  on whichever template words separate the training rows and misses the rule's other cues. */
  featureDropout?: number;
}

/** The trained weights as plain JSON (version 1). */
export interface RewardModelJson {
  kind: 'bag-of-ngrams-mlp';
  version: 1;
  buckets: number;
  hidden: number;
  /** [buckets × hidden], row-major. */
  w1: number[];
  b1: number[];
  w2: number[];
  b2: number;
  metadataFeatures: string[];
  /** What the labels were: the labelling reward's name and the threshold. */
  labelledBy: string;
  threshold: number;
}

function fnv1a(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

/** Distinct hashed feature indices of a sample (word 1–2-grams per field, plus `key=value` of named metadata). */
export function featureIndices(s: Pick<RewardSample, 'prompt' | 'completion' | 'metadata'>, buckets: number, metadataKeys: readonly string[] = []): number[] {
  const out = new Set<number>();
  for (const key of metadataKeys) out.add(fnv1a(`m:${key}=${JSON.stringify(s.metadata?.[key] ?? null)}`) % buckets);
  for (const [field, text] of [['p', s.prompt], ['c', s.completion]] as const) {
    const words = text.toLowerCase().match(/\[redacted\]|[a-z0-9]+(?:'[a-z]+)?/g) ?? [];
    words.forEach((w, i) => {
      out.add(fnv1a(`${field}:${w}`) % buckets);
      if (i > 0) out.add(fnv1a(`${field}:${words[i - 1]} ${w}`) % buckets);
    });
  }
  return [...out];
}

const sigmoid = (z: number) => 1 / (1 + Math.exp(-z));

export class RewardModel {
  constructor(readonly weights: RewardModelJson) {}

  /** P(the labelling reward would call this sample good). */
  predict(s: Pick<RewardSample, 'prompt' | 'completion' | 'metadata'>): number {
    const { buckets, hidden, w1, b1, w2, b2, metadataFeatures } = this.weights;
    const idx = featureIndices(s, buckets, metadataFeatures);
    let z = b2;
    for (let j = 0; j < hidden; j++) {
      let h = b1[j];
      for (const i of idx) h += w1[i * hidden + j];
      if (h > 0) z += w2[j] * h;
    }
    return sigmoid(z);
  }

  toJSON(): RewardModelJson {
    return this.weights;
  }

  static fromJSON(j: RewardModelJson): RewardModel {
    if (j.kind !== 'bag-of-ngrams-mlp' || j.version !== 1 || j.w1.length !== j.buckets * j.hidden || j.b1.length !== j.hidden || j.w2.length !== j.hidden || !Array.isArray(j.metadataFeatures)) {
      throw new RewardTrainingError(`not a version-1 bag-of-ngrams-mlp reward model (kind ${String(j.kind)}, version ${String(j.version)})`);
    }
    return new RewardModel(j);
  }
}

/** Fits the MLP to binary labels (1 = good). */
export function trainRewardModel(samples: readonly RewardSample[], labels: readonly (0 | 1)[], labelledBy: string, threshold: number,
  o: RewardModelOptions = {}): RewardModel {
  const { buckets = 2048, hidden = 16, epochs = 30, batchSize = 16, lr = 0.01, l2 = 1e-4, seed = 1, featureDropout = 0.5, metadataFeatures = [] } = o;
  if (samples.length !== labels.length) throw new RewardTrainingError(`${samples.length} samples but ${labels.length} labels`);
  const positives = labels.filter((l) => l === 1).length;
  if (positives === 0 || positives === labels.length) throw new RewardTrainingError(`all ${labels.length} labels are ${labels[0] ?? 'absent'}: nothing to learn`);
  const rand = mulberry32(seed);
  const params = new Float64Array(buckets * hidden + hidden + hidden + 1); // w1 | b1 | w2 | b2
  const W1 = 0; const B1 = buckets * hidden; const W2 = B1 + hidden; const B2 = W2 + hidden;
  for (let i = 0; i < B1; i++) params[i] = (rand() * 2 - 1) * 0.1;
  for (let j = 0; j < hidden; j++) params[W2 + j] = (rand() * 2 - 1) * 0.5;
  const m = new Float64Array(params.length);
  const v = new Float64Array(params.length);
  const grad = new Float64Array(params.length);
  const feats = samples.map((s) => featureIndices(s, buckets, metadataFeatures));
  const order = samples.map((_, i) => i);
  const h = new Float64Array(hidden);
  let t = 0;
  for (let epoch = 0; epoch < epochs; epoch++) {
    for (let i = order.length - 1; i > 0; i--) {
      const k = Math.floor(rand() * (i + 1));
      [order[i], order[k]] = [order[k], order[i]];
    }
    for (let start = 0; start < order.length; start += batchSize) {
      const rows = order.slice(start, start + batchSize);
      grad.fill(0);
      for (const r of rows) {
        // inverted dropout: kept features scaled by 1 / (1 − p), so prediction needs no rescaling
        const kept = featureDropout > 0 ? feats[r].filter(() => rand() >= featureDropout) : feats[r];
        const scale = 1 / (1 - featureDropout);
        let z = params[B2];
        for (let j = 0; j < hidden; j++) {
          let a = 0;
          for (const i of kept) a += params[W1 + i * hidden + j];
          a = params[B1 + j] + a * scale;
          h[j] = a > 0 ? a : 0;
          z += params[W2 + j] * h[j];
        }
        const dz = (sigmoid(z) - labels[r]) / rows.length; // d BCE / dz
        grad[B2] += dz;
        for (let j = 0; j < hidden; j++) {
          grad[W2 + j] += dz * h[j];
          if (h[j] <= 0) continue;
          const dh = dz * params[W2 + j];
          grad[B1 + j] += dh;
          for (const i of kept) grad[W1 + i * hidden + j] += dh * scale;
        }
      }
      t++;
      const c1 = 1 - 0.9 ** t;
      const c2 = 1 - 0.999 ** t;
      for (let p = 0; p < params.length; p++) {
        const g = grad[p] + (p < B1 ? l2 * params[p] : 0);
        m[p] = 0.9 * m[p] + 0.1 * g;
        v[p] = 0.999 * v[p] + 0.001 * g * g;
        params[p] -= (lr * m[p] / c1) / (Math.sqrt(v[p] / c2) + 1e-8);
      }
    }
  }
  return new RewardModel({
    kind: 'bag-of-ngrams-mlp', version: 1, buckets, hidden, metadataFeatures: [...metadataFeatures], labelledBy, threshold,
    w1: Array.from(params.subarray(W1, B1)), b1: Array.from(params.subarray(B1, W2)), w2: Array.from(params.subarray(W2, B2)), b2: params[B2],
  });
}

export interface LabelledSamples {
  samples: RewardSample[];
  labels: (0 | 1)[];
  /** Samples the labelling reward failed on (left out, never labelled 0). */
  unlabelled: number;
}

/** Labels = 1 where `reward` scores ≥ threshold; samples it fails on are left out and counted. */
export async function labelWithReward(reward: RewardFunction, batch: readonly RewardSample[], threshold: number): Promise<LabelledSamples> {
  const r = await runReward(reward, batch);
  const keep = batch.map((_, i) => i).filter((i) => !Number.isNaN(r.scores[i]));
  return { samples: keep.map((i) => batch[i]), labels: keep.map((i) => (r.scores[i] >= threshold ? 1 : 0)), unlabelled: batch.length - keep.length };
}

/** Share of samples where the model (P ≥ 0.5) and the labels agree. */
export function agreement(model: RewardModel, samples: readonly RewardSample[], labels: readonly (0 | 1)[]): number {
  if (samples.length === 0) return NaN;
  return samples.filter((s, i) => (model.predict(s) >= 0.5 ? 1 : 0) === labels[i]).length / samples.length;
}

/** The trained model as a reward function: P(good) in [0, 1]. */
export function learnedReward(model: RewardModel, name = 'learned'): RewardFunction {
  return {
    name, range: [0, 1],
    description: `P(${model.weights.labelledBy} ≥ ${model.weights.threshold}) from a bag-of-n-grams MLP (${model.weights.hidden} hidden units)`,
    score: (batch) => batch.map((s) => model.predict(s)),
  };
}
