// A TabICL classifier ONNX export as a teacher: its contract, the preprocessing TabICLClassifier runs outside the
// model, and its ensemble. Read at soda-inria/tabicl 8f1aa2098c894ab91dba15209cf2002ba4be6c6c:
//   src/tabicl/_model/tabicl.py        forward(X [B, T, H], y_train [B, train_size]) → logits [B, test, classes]
//   src/tabicl/_model/learning.py      _predict_standard: out[:, train_size:, :len(unique(y_train[0]))]
//   src/tabicl/_sklearn/classifier.py  n_estimators 8, norm_methods ['none', 'power'], feat_shuffle 'latin',
//                                       class shift 'shift', outlier_threshold 4, softmax_temperature 0.9,
//                                       average_logits: logits of members (class shift undone) averaged, then
//                                       softmax(avg / T); y fed as float32; > max_classes (10) needs the
//                                       hierarchical many-class mode, which is Python-side
//   src/tabicl/_sklearn/preprocessing.py  UniqueFeatureFilter, PreprocessingPipeline (CustomStandardScaler →
//                                       PowerTransformer(yeo-johnson) → OutlierRemover), Shuffler, EnsembleGenerator
//   README.md                          pre-trained on 300 to 48K training rows; benchmarks up to 2,000 features
// The package ships no ONNX exporter: the contract is torch.onnx.export of TabICL.forward(X, y_train) with
// input_names ['X', 'y_train'] (any single output, or the sidecar's "output"). Simplified here: missing values
// are imputed by the context mean before the pipeline (the package's TransformToNumerical/encoders are not
// reproduced), Yeo–Johnson λ by bounded search, and the seeded shuffles come from the project's Rng.
import { z } from 'zod';
import type { ProbMatrix } from '../../../metrics/classification';
import type { ModelSession } from '../../../runtime/session';
import { tensor } from '../../../runtime/tensor';
import { makeRng, type Rng } from '../../data/rng';
import type { FeatureMatrix } from '../../matrix';
import { TeacherContractError, withinLimits, type Teacher } from '../../teachers/teacher';
import { withCategoricalCodes } from '../categoricalCodes';
import { checkContract, compactLabels, expandProbs, softmaxRows, type FormatContract } from './common';
import { circularShifts, column, fitOutlierClip, fitStandard, fitYeoJohnson, latinSquare, nonConstantColumns } from './preprocess';

const shuffleMethod = z.enum(['none', 'shift', 'random', 'latin']);

export const tabiclConfigSchema = z.object({
  format: z.literal('tabicl'),
  name: z.string().min(1).max(60).default('tabicl'),
  nEstimators: z.number().int().min(1).max(32).default(8),
  normMethods: z.array(z.enum(['none', 'power'])).min(1).default(['none', 'power']),
  featShuffleMethod: shuffleMethod.default('latin'),
  classShuffleMethod: shuffleMethod.default('shift'),
  outlierThreshold: z.number().positive().default(4),
  softmaxTemperature: z.number().positive().default(0.9),
  /**
   * 'codes' (default; the package's TransformToNumerical ordinal-encodes categoricals): the design matrix's one-hot
   * groups become one column of context-fitted codes each (../categoricalCodes.ts); 'onehot': as they come (the
   * adapter before this option)
   */
  categoricalEncoding: z.enum(['codes', 'onehot']).default('codes'),
  maxContext: z.number().int().min(2).default(48_000),
  maxFeatures: z.number().int().min(1).default(2_000),
  maxClasses: z.number().int().min(2).max(10).default(10),
  output: z.string().optional(),
}).strict();

export type TabiclConfig = z.infer<typeof tabiclConfigSchema>;

export const TABICL_CONTRACT: FormatContract = {
  label: 'TabICL',
  inputs: [
    { name: 'X', dtype: 'float32', rank: 3, meaning: 'context rows then query rows, [batch, rows, features]', dynamic: { 1: 'rows', 2: 'features' } },
    { name: 'y_train', dtype: 'float32', rank: 2, meaning: 'context labels, [batch, context rows]', dynamic: { 1: 'context rows' } },
  ],
};

export const TABICL_CLASS_HINT = 'TabICL\'s checkpoint has max_classes 10; its many-class mode (support_many_classes) walks a class tree in Python and is not in an ONNX export: merge rare classes first.';

/** TabICL's Shuffler for n elements and n_estimators members. */
function shufflePatterns(n: number, method: z.infer<typeof shuffleMethod>, nEst: number, rng: Rng): number[][] {
  const idx = Array.from({ length: n }, (_, i) => i);
  if (method === 'none' || nEst === 1) return [idx];
  if (method === 'shift') return circularShifts(n);
  if (method === 'latin' && n <= 4000) return latinSquare(n, rng);
  return Array.from({ length: nEst }, () => { const p = [...idx]; for (let i = n - 1; i > 0; i--) { const j = rng.int(i + 1); [p[i], p[j]] = [p[j], p[i]]; } return p; });
}

export interface TabiclMember { norm: 'none' | 'power'; features: number[]; classes: number[] }

/** EnsembleGenerator._generate_ensemble: (feature shuffle × class shuffle) shuffled, × norm methods, first n. */
export function tabiclMembers(d: number, m: number, config: TabiclConfig, rng: Rng): TabiclMember[] {
  const xs = shufflePatterns(d, config.featShuffleMethod, config.nEstimators, rng);
  const ys = shufflePatterns(m, config.classShuffleMethod, config.nEstimators, rng);
  const pairs = xs.flatMap((f) => ys.map((c) => [f, c] as const));
  for (let i = pairs.length - 1; i > 0; i--) { const j = rng.int(i + 1); [pairs[i], pairs[j]] = [pairs[j], pairs[i]]; }
  return pairs.flatMap(([features, classes]) => config.normMethods.map((norm) => ({ norm, features, classes }))).slice(0, config.nEstimators);
}

/** PreprocessingPipeline(norm, threshold) fitted per kept column on the context, applied to context and queries. */
export function tabiclPreprocess(xc: FeatureMatrix, xq: FeatureMatrix, keep: number[], norm: 'none' | 'power', threshold: number):
  { ctx: Float64Array[]; qry: Float64Array[] } {
  const ctx: Float64Array[] = [];
  const qry: Float64Array[] = [];
  for (const j of keep) {
    let c = column(xc, j);
    let q = column(xq, j);
    const finite = Array.from(c).filter((v) => !Number.isNaN(v));
    const mean = finite.length ? finite.reduce((a, b) => a + b, 0) / finite.length : 0;
    const impute = (v: number) => (Number.isNaN(v) ? mean : v);
    c = c.map(impute);
    q = q.map(impute);
    const std = fitStandard(c);
    c = c.map(std);
    q = q.map(std);
    if (norm === 'power') {
      const yj = fitYeoJohnson(c);
      c = c.map(yj.apply);
      q = q.map(yj.apply);
    }
    const clip = fitOutlierClip(c, threshold);
    ctx.push(c.map(clip.apply));
    qry.push(q.map(clip.apply));
  }
  return { ctx, qry };
}

function rawTeacher(session: ModelSession, config: TabiclConfig, output: string, seed: number, queryChunk: number): Teacher {
  return {
    id: config.name,
    async predict(xc, ycIn, k, xq, signal, onProgress) {
      if (xc.n < 2) throw new TeacherContractError('TabICL needs at least 2 context rows.');
      const { present, y: yc } = compactLabels(ycIn, k);
      const m = present.length;
      const keep = nonConstantColumns(xc);
      if (keep.length === 0) throw new TeacherContractError('Every feature is constant in the context: TabICL has nothing to condition on.');
      const members = tabiclMembers(keep.length, m, config, makeRng(seed));
      const views = new Map<string, ReturnType<typeof tabiclPreprocess>>();
      const avg = new Float64Array(xq.n * m);
      // Query rows never feed the context's embeddings (embed_with_test=False), so chunking them is exact.
      const chunks = Math.ceil(xq.n / queryChunk);
      const steps = members.length * chunks;
      let done = 0;
      onProgress?.(0, steps);
      for (const mem of members) {
        if (!views.has(mem.norm)) views.set(mem.norm, tabiclPreprocess(xc, xq, keep, mem.norm, config.outlierThreshold));
        const view = views.get(mem.norm)!;
        const H = mem.features.length;
        const y = Float32Array.from(yc, (v) => mem.classes[v]);
        for (let from = 0; from < xq.n; from += queryChunk) {
          signal?.throwIfAborted();
          const nq = Math.min(xq.n, from + queryChunk) - from;
          const T = xc.n + nq;
          const X = new Float32Array(T * H);
          for (let h = 0; h < H; h++) {
            const c = view.ctx[mem.features[h]];
            const q = view.qry[mem.features[h]];
            for (let i = 0; i < xc.n; i++) X[i * H + h] = c[i];
            for (let i = 0; i < nq; i++) X[(xc.n + i) * H + h] = q[from + i];
          }
          const out = (await session.run({ X: tensor('float32', X, [1, T, H]), y_train: tensor('float32', y, [1, xc.n]) }, { signal }))[output];
          const width = out.dims[out.dims.length - 1];
          if (out.dims.length !== 3 || out.dims[1] !== nq || width < m) {
            throw new TeacherContractError(`TabICL output "${output}" has shape [${out.dims.join(', ')}]; expected [1, ${nq}, ${m}] (batch, query rows, classes in the context)${width < m ? ': an export traced with fewer classes keeps that count fixed, re-export it' : ''}.`);
          }
          const data = out.data as Float32Array;
          // classifier.py: avg += out[..., shuffle], i.e. class c reads the slot it was fed as
          for (let i = 0; i < nq; i++) for (let c = 0; c < m; c++) avg[(from + i) * m + c] += data[i * width + mem.classes[c]] / members.length;
          onProgress?.(++done, steps);
        }
      }
      softmaxRows(avg, m, config.softmaxTemperature);
      return { probs: expandProbs(avg, xq.n, present, k), n: xq.n, k } satisfies ProbMatrix;
    },
  };
}

/** Checks the session against the TabICL contract and returns the teacher (any input size via withinLimits). */
export function tabiclTeacher(session: ModelSession, config: TabiclConfig, seed = 0, queryChunk = 1024): Teacher {
  const output = checkContract(session, { ...TABICL_CONTRACT, output: config.output });
  const limited = withinLimits(rawTeacher(session, config, output, seed, queryChunk),
    { maxContext: config.maxContext, maxFeatures: config.maxFeatures, maxClasses: config.maxClasses, maxContextMembers: 4, classHint: TABICL_CLASS_HINT }, seed);
  return config.categoricalEncoding === 'codes' ? withCategoricalCodes(limited) : limited;
}
