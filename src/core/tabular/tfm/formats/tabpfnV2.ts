// A TabPFN v2 classifier ONNX export as a teacher: its contract, the preprocessing TabPFNClassifier runs outside
// the graph, and its ensemble. Read at PriorLabs/TabPFN 0f1848deb157d5d042e64cdb5c37c22c6384f151:
//   src/tabpfn/misc/compile_to_onnx.py   export: X, y, single_eval_pos, only_return_standard_out → output
//   src/tabpfn/inference.py              X_full = cat([X_train, X_test]).unsqueeze(1); y float32; sep = len(y)
//   src/tabpfn/classifier.py             output[:, :n_classes] / softmax_temperature (0.9), class permutation
//                                         undone, softmax per member, probabilities averaged; > 10 classes refused
//   src/tabpfn/config.py                 MAX_NUMBER_OF_CLASSES 10, _FEATURES 500, _SAMPLES 10,000; fingerprint on,
//                                         feature shift 'shuffle', class shift 'shuffle'; outliers 12σ (in graph)
//   src/tabpfn/preprocessing.py          default_classifier_preprocessor_configs: half the members
//                                         'quantile_uni_coarse' appended to the originals (+ SVD), half 'none'
// and the two-input export in tests/test_classifier_interface.py at b474f152269050e99664562e44795e12d7d30fb0.
// Categorical columns: the design matrix's one-hot groups are fed as context-fitted ordinal codes, flagged
// categorical (categoricalEncoding 'codes', the default). Simplified here (stated in the README): no SVD components
// appended, the codes are in level order (not 'ordinal_very_common_categories_shuffled'), the fingerprint hash is not SHA-256, and the
// seeded permutations come from the project's Rng (same scheme, different draws than numpy's).
import { z } from 'zod';
import type { ProbMatrix } from '../../../metrics/classification';
import type { ModelSession } from '../../../runtime/session';
import { tensor, type Feeds } from '../../../runtime/tensor';
import { makeRng } from '../../data/rng';
import type { FeatureMatrix } from '../../matrix';
import { TeacherContractError, withinLimits, type Teacher } from '../../teachers/teacher';
import { categoricalCodes } from '../categoricalCodes';
import { checkContract, compactLabels, expandProbs, permutation, softmaxRows, type FormatContract } from './common';
import { column, fingerprints, fitQuantile, inferCategorical, nonConstantColumns, quantileTransform } from './preprocess';

export const tabpfnV2ConfigSchema = z.object({
  format: z.literal('tabpfn-v2'),
  /** teacher id shown in results */
  name: z.string().min(1).max(60).default('tabpfn-v2'),
  /** ensemble members (TabPFNClassifier n_estimators, 4 in v2.0) */
  nEstimators: z.number().int().min(1).max(32).default(4),
  softmaxTemperature: z.number().positive().default(0.9),
  /** column indices (of the teacher's input matrix) that are categorical whatever their distinct count */
  categoricalFeatures: z.array(z.number().int().min(0)).default([]),
  /**
   * 'codes' (default, as TabPFNClassifier feeds categoricals: ordinal codes, flagged categorical): the design
   * matrix's one-hot groups become one column of context-fitted codes each (../categoricalCodes.ts), marked
   * categorical; 'onehot': the one-hot columns as they come (the adapter before this option). Ignored when
   * categoricalFeatures is set (those indices refer to the one-hot matrix).
   */
  categoricalEncoding: z.enum(['codes', 'onehot']).default('codes'),
  maxContext: z.number().int().min(2).default(10_000),
  maxFeatures: z.number().int().min(1).default(500),
  maxClasses: z.number().int().min(2).max(10).default(10),
  /** the logits output; default "output" */
  output: z.string().default('output'),
}).strict();

export type TabpfnV2Config = z.infer<typeof tabpfnV2ConfigSchema>;

export const TABPFN_V2_CONTRACT: FormatContract = {
  label: 'TabPFN v2',
  inputs: [
    { name: 'X', dtype: 'float32', rank: 3, meaning: 'context rows then query rows, [rows, batch, features]', dynamic: { 0: 'rows', 2: 'features' } },
    { name: 'y', dtype: 'float32', rank: 1, meaning: 'context labels, [context rows]', dynamic: { 0: 'context rows' } },
    { name: 'single_eval_pos', dtype: 'int64', rank: 0, meaning: 'number of context rows, a scalar', optional: true },
    { name: 'only_return_standard_out', dtype: 'bool', rank: 0, meaning: 'true, a scalar', optional: true },
  ],
};

export const TABPFN_CLASS_HINT = 'TabPFN v2 was pre-trained on at most 10 classes: merge rare classes or split the task one-vs-rest (tabpfn-extensions\' ManyClassClassifier does this in Python; not built in here).';

/** One ensemble member's model inputs: features after preprocessing, fingerprint and shuffle; relabelled context. */
export interface TabpfnMember {
  /** context rows then query rows, row-major, `features` wide */
  ctx: Float32Array;
  qry: Float32Array;
  features: number;
  y: Float32Array;
  /** class c of the context is fed as classPerm[c] */
  classPerm: number[];
}

/**
 * The preprocessing of member m (TabPFN's SequentialFeatureTransformer): constant columns dropped; for the
 * 'quantile' half the non-categorical columns' uniform quantile transform (n_quantiles = max(n // 10, 2)) appended
 * to the originals; the fingerprint column; a seeded feature shuffle; a seeded class permutation.
 */
export function tabpfnV2Member(xc: FeatureMatrix, yc: Int32Array, k: number, xq: FeatureMatrix, config: TabpfnV2Config,
  m: number, seed: number): TabpfnMember {
  const rng = makeRng(seed * 7919 + m);
  const keep = nonConstantColumns(xc);
  if (keep.length === 0) throw new TeacherContractError('Every feature is constant in the context: TabPFN v2 has nothing to condition on.');
  const cat = inferCategorical(xc, config.categoricalFeatures);
  const quantileHalf = m < Math.ceil(config.nEstimators / 2);
  const build = (src: FeatureMatrix, fits: ReturnType<typeof fitQuantile>[] | null, numeric: number[]) => {
    const cols = keep.map((j) => column(src, j));
    if (fits) numeric.forEach((j, t) => cols.push(Float64Array.from(column(src, j), (v) => quantileTransform(v, fits[t]))));
    return cols;
  };
  const numeric = keep.filter((j) => !cat.has(j));
  const fits = quantileHalf ? numeric.map((j) => fitQuantile(column(xc, j), Math.max(Math.floor(xc.n / 10), 2))) : null;
  const cCols = build(xc, fits, numeric);
  const qCols = build(xq, fits, numeric);
  const salt = rng.int(2 ** 16);
  const asMatrix = (cols: Float64Array[], n: number): FeatureMatrix => {
    const x = new Float64Array(n * cols.length);
    cols.forEach((c, j) => { for (let i = 0; i < n; i++) x[i * cols.length + j] = c[i]; });
    return { x, n, d: cols.length, names: [] };
  };
  cCols.push(fingerprints(asMatrix(cCols, xc.n), salt, true));
  qCols.push(fingerprints(asMatrix(qCols, xq.n), salt, false));
  const order = permutation(cCols.length, rng.next);
  const classPerm = permutation(k, rng.next);
  const pack = (cols: Float64Array[], n: number) => {
    const out = new Float32Array(n * order.length);
    for (let i = 0; i < n; i++) for (let j = 0; j < order.length; j++) out[i * order.length + j] = cols[order[j]][i];
    return out;
  };
  return { ctx: pack(cCols, xc.n), qry: pack(qCols, xq.n), features: order.length, y: Float32Array.from(yc, (v) => classPerm[v]), classPerm };
}

/** The raw teacher over a checked session: inputs must be within the config's limits (withinLimits ensures it). */
function rawTeacher(session: ModelSession, config: TabpfnV2Config, output: string, seed: number, queryChunk: number): Teacher {
  const declared = new Set(session.info.inputNames);
  return {
    id: config.name,
    async predict(xc, ycIn, k, xq, signal, onProgress) {
      if (xc.n < 2) throw new TeacherContractError('TabPFN v2 needs at least 2 context rows.');
      const { present, y: yc } = compactLabels(ycIn, k);
      const m = present.length;
      const sum = new Float64Array(xq.n * m);
      const chunks = Math.ceil(xq.n / queryChunk);
      const steps = config.nEstimators * chunks;
      let done = 0;
      onProgress?.(0, steps);
      for (let e = 0; e < config.nEstimators; e++) {
        const mem = tabpfnV2Member(xc, yc, m, xq, config, e, seed);
        const F = mem.features;
        for (let from = 0; from < xq.n; from += queryChunk) {
          signal?.throwIfAborted();
          const to = Math.min(xq.n, from + queryChunk);
          const rows = xc.n + (to - from);
          const X = new Float32Array(rows * F);
          X.set(mem.ctx);
          X.set(mem.qry.subarray(from * F, to * F), xc.n * F);
          const feeds: Feeds = { X: tensor('float32', X, [rows, 1, F]), y: tensor('float32', mem.y, [xc.n]) };
          if (declared.has('single_eval_pos')) feeds.single_eval_pos = tensor('int64', BigInt64Array.of(BigInt(xc.n)), []);
          if (declared.has('only_return_standard_out')) feeds.only_return_standard_out = tensor('bool', Uint8Array.of(1), []);
          const out = (await session.run(feeds, { signal }))[output];
          const width = out.dims[out.dims.length - 1];
          if (out.dims.length !== 3 || out.dims[0] !== to - from || width < m) {
            throw new TeacherContractError(`TabPFN v2 output "${output}" has shape [${out.dims.join(', ')}]; expected [${to - from}, 1, ≥ ${m}] (query rows, batch, logit slots).`);
          }
          const data = out.data as Float32Array;
          const logits = new Float64Array((to - from) * m);
          // classifier.py: output[:, :n_classes] / T, then output[..., class_permutation] undoes the relabelling
          for (let i = 0; i < to - from; i++) for (let c = 0; c < m; c++) logits[i * m + c] = data[i * width + mem.classPerm[c]];
          softmaxRows(logits, m, config.softmaxTemperature);
          for (let t = 0; t < logits.length; t++) sum[from * m + t] += logits[t] / config.nEstimators;
          onProgress?.(++done, steps);
        }
      }
      return { probs: expandProbs(sum, xq.n, present, k), n: xq.n, k } satisfies ProbMatrix;
    },
  };
}

/** Checks the session against the TabPFN v2 contract and returns the teacher (any input size via withinLimits). */
export function tabpfnV2Teacher(session: ModelSession, config: TabpfnV2Config, seed = 0, queryChunk = 1024): Teacher {
  const output = checkContract(session, { ...TABPFN_V2_CONTRACT, output: config.output });
  const limited = (c: TabpfnV2Config): Teacher => withinLimits(rawTeacher(session, c, output, seed, queryChunk),
    { maxContext: c.maxContext, maxFeatures: c.maxFeatures, maxClasses: c.maxClasses, maxContextMembers: 4, classHint: TABPFN_CLASS_HINT }, seed);
  const plain = limited(config);
  if (config.categoricalEncoding === 'onehot' || config.categoricalFeatures.length) return plain;
  return {
    id: config.name,
    predict(xc, yc, k, xq, signal, onProgress) {
      const coded = categoricalCodes(xc, xq);
      if (!coded.codedColumns.length) return plain.predict(xc, yc, k, xq, signal, onProgress);
      return limited({ ...config, categoricalFeatures: coded.codedColumns }).predict(coded.xc, yc, k, coded.xq, signal, onProgress);
    },
  };
}
