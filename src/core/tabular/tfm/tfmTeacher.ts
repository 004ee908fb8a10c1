// The embedded neural TFM as a `Teacher`: one ONNX forward per query chunk through an injected ORT backend
// (onnxruntime-node in tests/benches/forge, onnxruntime-web in the tabular worker — same `OrtBackend`), wrapped
// in `withinLimits` so inputs beyond 1,024 context rows or 32 features follow the stated subsampling/ensembling
// rule, and fed as DEFAULT_TFM_FEED says (categorical codes relabelled per member, 32 members for inputs with codes,
// minority-complete draws, T = 0.9; the old feed is LEGACY_TFM_FEED). The session is created on first use and reused; runs are serialised by the session itself.
import type { ProbMatrix } from '../../metrics/classification';
import type { BackendPreference, ModelSession, OrtBackend } from '../../runtime/session';
import { tensor } from '../../runtime/tensor';
import type { FeatureMatrix } from '../matrix';
import { makeRng, shuffle, type Rng } from '../data/rng';
import { TeacherContractError, TFM_LIMITS, withinLimits, type ContextDrawOptions, type Teacher } from '../teachers/teacher';
import { applyTemperature } from '../distill/label';
import { withCategoricalCodes, type TfmCategoricalEncoding } from './categoricalCodes';

export interface TfmRuntime {
  backend: OrtBackend;
  /** bytes of models/tfm/onnx/model.onnx (fetched, cached or read from disk by the host) */
  loadModel: () => Promise<Uint8Array>;
  /** intra-op threads (node) */
  numThreads?: number;
}

export interface TfmTeacherOptions {
  /** default: the runtime registered with `setTfmRuntime` (the registry's factory has no arguments) */
  runtime?: TfmRuntime;
  /** seed of withinLimits' subsampling */
  seed?: number;
  /** the run's backend setting, passed to the session (the web backend resolves auto: never a software GPU) */
  backend?: BackendPreference;
  /** query rows per ONNX run (bounds the [H, queries, context] attention buffer); default 1,024 */
  queryChunk?: number;
  /**
   * Forwards averaged per prediction (TabPFN-style test-time ensemble): member 0 as given, the others with a
   * seeded feature order and class relabelling, since the model's feature and class slots are not exactly
   * symmetric. Default DEFAULT_MEMBERS.
   */
  members?: number;
  /**
   * Members when the (block's) input has coded categorical columns: each member after the first sees another
   * relabelling of the codes (codeOrder 'shuffled-per-member'), one more arbitrary order to average over.
   * Default: `members` for the raw tfmOnnxTeacher; for tfmTeacher DEFAULT_TFM_FEED's when `members` is not given
   * (bench/tfm-categorical.ts part T decided it on held-out synthetic tasks with categoricals).
   */
  membersWithCodes?: number;
  /**
   * Most context rows per forward (default TFM_LIMITS.maxContext). withinLimits draws stratified subsamples of this
   * size from a larger context; the graph itself takes any count, so a bench can measure a larger cap.
   */
  maxContext?: number;
  /**
   * Softmax temperature applied to each member's output before averaging: p^(1/T) renormalised equals
   * softmax(logits / T). TabPFN v2 uses 0.9. Default: 1 for the raw tfmOnnxTeacher, DEFAULT_TFM_FEED's for tfmTeacher.
   */
  softmaxTemperature?: number;
  /** categorical columns as one column of context-fitted codes (categoricalCodes.ts) or as one-hot columns */
  categorical?: TfmCategoricalEncoding;
  /**
   * Order of the categorical codes per member. 'fixed': every member sees the context-fitted codes as they are.
   * 'shuffled-per-member': members after the first relabel each coded column's levels by a seeded permutation,
   * as TabPFN v2's `ordinal_shuffled` preprocessing does, so the ensemble averages over the arbitrary order the
   * codes put on unordered levels. Default: 'fixed' for the raw tfmOnnxTeacher, DEFAULT_TFM_FEED's for tfmTeacher
   * (bench/tfm-feeding.ts study D decided it).
   */
  codeOrder?: TfmCodeOrder;
  /**
   * With categorical 'codes': categoricals with at most this many levels stay one-hot, wider ones are coded
   * (categoricalCodes.ts CategoricalCodeOptions). Default 0: all coded.
   */
  oneHotMaxLevels?: number;
  /** With categorical 'codes': the codes' level order, 'plan' (default) or 'target' (categoricalCodes.ts) */
  codeLevelOrder?: 'plan' | 'target';
  /** how contexts beyond maxContext rows are drawn (teachers/teacher.ts ContextDrawOptions) */
  contextDraw?: ContextDrawOptions;
  /** most context draws per prediction (TFM_LIMITS.maxContextMembers, 4, by default) */
  contextMembers?: number;
}

export const DEFAULT_MEMBERS = 8;

export type TfmCodeOrder = 'fixed' | 'shuffled-per-member';

/** How the tfm is fed before this option set existed (one-hot, stratified draws, T = 1): reachable as an option. */
export const LEGACY_TFM_FEED = { categorical: 'onehot', contextDraw: { draw: 'stratified' }, softmaxTemperature: 1 } as const satisfies TfmTeacherOptions;

/**
 * The default feed of tabular links v4 ('shuffled-codes-minority-complete'): codes relabelled per member, 8
 * members whatever the input (`members` pinned, so tfmTeacher does not add the current default's membersWithCodes).
 */
export const SHUFFLED_CODES_TFM_FEED = {
  categorical: 'codes', codeOrder: 'shuffled-per-member', contextDraw: { draw: 'minority-complete', minorityShare: 0.5 }, softmaxTemperature: 0.9, members: DEFAULT_MEMBERS,
} as const satisfies TfmTeacherOptions;

/**
 * The defaults, chosen on synthetic tasks (bench/tfm-feeding.ts, bench/tfm-categorical.ts; models/forge/tfm/README.md
 * "Feeding"), not on the shipped datasets: v4's feed with 32 members for inputs that have coded categoricals
 * (8 otherwise).
 */
export const DEFAULT_TFM_FEED = {
  categorical: 'codes', codeOrder: 'shuffled-per-member', contextDraw: SHUFFLED_CODES_TFM_FEED.contextDraw, softmaxTemperature: 0.9, membersWithCodes: 32,
} as const satisfies TfmTeacherOptions;

/** The default feed before the per-member code shuffle (tabular links v3 named it 'codes-minority-complete'). */
export const FIXED_CODES_TFM_FEED = { ...SHUFFLED_CODES_TFM_FEED, codeOrder: 'fixed' } as const satisfies TfmTeacherOptions;

/**
 * The feeds a share link can name (src/state/specs/tabular.ts `tfmFeed`): links before v3 mean 'onehot-stratified',
 * v3 links 'codes-minority-complete', v4 links 'shuffled-codes-minority-complete'.
 */
export const TFM_FEEDS = {
  'onehot-stratified': LEGACY_TFM_FEED, 'codes-minority-complete': FIXED_CODES_TFM_FEED, 'shuffled-codes-minority-complete': SHUFFLED_CODES_TFM_FEED,
  'shuffled-codes-32-members-minority-complete': DEFAULT_TFM_FEED,
} as const;
export type TfmFeedName = keyof typeof TFM_FEEDS;
export const DEFAULT_TFM_FEED_NAME: TfmFeedName = 'shuffled-codes-32-members-minority-complete';

/** Output width of the graph: the model's class slots. */
export const TFM_CLASS_SLOTS = 10;

let registered: TfmRuntime | null = null;

/** Registers the host's runtime (Node: nodeRuntime.ts; the tabular worker: onnxruntime-web + the model loader). */
export function setTfmRuntime(runtime: TfmRuntime | null): void {
  registered = runtime;
}

export class TfmUnavailableError extends Error {
  override name = 'TfmUnavailableError';
}

const isNode = (): boolean => typeof process !== 'undefined' && typeof process.versions?.node === 'string';

/**
 * With no registered runtime, Node (tests, benches, the registry's factory there) falls back to onnxruntime-node
 * and the committed model file. The specifier is a variable so the browser bundle never includes that module;
 * a browser host must register its runtime (onnxruntime-web + the model loader) instead.
 */
async function nodeDefaultRuntime(): Promise<TfmRuntime> {
  if (!isNode()) throw new TfmUnavailableError('The embedded TFM needs an ONNX runtime in this host: call setTfmRuntime with the web backend and a model loader.');
  const spec = './nodeRuntime';
  const mod = (await import(/* @vite-ignore */ spec)) as { nodeTfmRuntime: () => TfmRuntime };
  return mod.nodeTfmRuntime();
}

/** Level relabelling per coded column (source column index → new code of each old code). */
type CodePerms = Map<number, Int32Array>;

/**
 * Rows of `m` with columns in `perm` order, as float32 (NaN stays NaN: the graph treats it as missing); a coded
 * column's values go through its level relabelling when `codes` has one.
 */
function permutedF32(m: FeatureMatrix, from: number, to: number, perm: number[], codes?: CodePerms): Float32Array {
  const out = new Float32Array((to - from) * perm.length);
  const relabels = perm.map((c) => codes?.get(c));
  for (let i = from; i < to; i++) {
    for (let j = 0; j < perm.length; j++) {
      const v = m.x[i * m.d + perm[j]];
      const relabel = relabels[j];
      // codes outside the context's levels cannot occur (categoricalCodes makes them NaN); keep them as they are
      out[(i - from) * perm.length + j] = relabel && Number.isInteger(v) && v >= 0 && v < relabel.length ? relabel[v] : v;
    }
  }
  return out;
}

/** A seeded relabelling of every coded column's levels (0..L−1, L read off the context). */
function shuffledCodes(xc: FeatureMatrix, rng: Rng): CodePerms {
  const perms: CodePerms = new Map();
  for (const j of xc.codedColumns ?? []) {
    let levels = 0;
    for (let i = 0; i < xc.n; i++) { const v = xc.x[i * xc.d + j]; if (Number.isInteger(v) && v >= levels) levels = v + 1; }
    const p = Array.from({ length: levels }, (_, l) => l);
    shuffle(p, rng);
    perms.set(j, Int32Array.from(p));
  }
  return perms;
}

/** One forward over all queries (in chunks) with features reordered by featPerm and class c fed as classPerm[c]. */
async function runMember(s: ModelSession, xc: FeatureMatrix, yc: Int32Array, k: number, xq: FeatureMatrix, featPerm: number[],
  classPerm: number[], codes: CodePerms | undefined, chunk: number, signal?: AbortSignal, onChunk?: () => void): Promise<Float64Array> {
  const xContext = tensor('float32', permutedF32(xc, 0, xc.n, featPerm, codes), [1, xc.n, xc.d]);
  const yContext = tensor('int64', BigInt64Array.from(yc, (v) => BigInt(classPerm[v])), [1, xc.n]);
  const probs = new Float64Array(xq.n * k);
  for (let from = 0; from < xq.n; from += chunk) {
    signal?.throwIfAborted();
    const to = Math.min(xq.n, from + chunk);
    const out = await s.run({ x_context: xContext, y_context: yContext, x_query: tensor('float32', permutedF32(xq, from, to, featPerm, codes), [1, to - from, xq.d]) }, { signal });
    const p = out.probs.data as Float32Array; // [1, rows, 10]
    for (let i = 0; i < to - from; i++) {
      let sum = 0;
      for (let c = 0; c < k; c++) sum += p[i * TFM_CLASS_SLOTS + classPerm[c]];
      // Slots outside classPerm never occur in the context, so they are masked to 0; renormalising only removes rounding.
      for (let c = 0; c < k; c++) probs[(from + i) * k + c] = sum > 0 ? p[i * TFM_CLASS_SLOTS + classPerm[c]] / sum : 1 / k;
    }
    onChunk?.();
  }
  return probs;
}

/** The raw ONNX teacher: inputs must already be within TFM_LIMITS. */
export function tfmOnnxTeacher(options: TfmTeacherOptions = {}): Teacher & { dispose(): Promise<void> } {
  let session: Promise<ModelSession> | null = null;
  const chunk = options.queryChunk ?? 1024;
  const open = (): Promise<ModelSession> => {
    session ??= (async () => {
      const rt = options.runtime ?? registered ?? (await nodeDefaultRuntime());
      return rt.backend.createSession(await rt.loadModel(), { file: 'tfm/onnx/model.onnx', numThreads: rt.numThreads, backend: options.backend });
    })();
    session.catch(() => { session = null; }); // a failed load is retried on the next call, not cached
    return session;
  };
  return {
    id: 'tfm',
    async predict(xc, yc, k, xq, signal, onProgress) {
      if (k > TFM_CLASS_SLOTS) throw new TeacherContractError(`The TFM handles at most ${TFM_CLASS_SLOTS} classes; this task has ${k}.`);
      if (xc.d !== xq.d) throw new TeacherContractError(`Context has ${xc.d} features but the queries have ${xq.d}.`);
      const maxContext = options.maxContext ?? TFM_LIMITS.maxContext;
      if (xc.n > maxContext || xc.d > TFM_LIMITS.maxFeatures) throw new TeacherContractError(`The raw TFM takes ≤ ${maxContext} context rows and ≤ ${TFM_LIMITS.maxFeatures} features; wrap it in withinLimits (tfmTeacher does).`);
      if (xc.n === 0 || xc.d === 0) throw new TeacherContractError('The TFM needs at least one context row and one feature.');
      for (const y of yc) if (y < 0 || y >= k) throw new TeacherContractError(`context label ${y} is not a class index in [0, ${k})`);
      const s = await open();
      const hasCodes = (xc.codedColumns?.length ?? 0) > 0;
      const members = Math.max(1, (hasCodes ? options.membersWithCodes : undefined) ?? options.members ?? DEFAULT_MEMBERS);
      const T = options.softmaxTemperature ?? 1;
      const rng = makeRng(options.seed ?? 0);
      const shuffleCodes = options.codeOrder === 'shuffled-per-member' && hasCodes;
      const codeRng = makeRng(((options.seed ?? 0) ^ 0x5eed) >>> 0);
      const probs = new Float64Array(xq.n * k);
      // one step per ONNX run: every member runs every query chunk
      const steps = members * Math.ceil(xq.n / chunk);
      let done = 0;
      onProgress?.(0, steps);
      for (let m = 0; m < members; m++) {
        // Member 0 sees the data as given; the others a seeded feature order and class relabelling, undone on output.
        const featPerm = Array.from({ length: xc.d }, (_, j) => j);
        const classPerm = Array.from({ length: k }, (_, c) => c);
        if (m > 0) { shuffle(featPerm, rng); shuffle(classPerm, rng); }
        // its own stream, so turning the code shuffle on leaves the feature and class permutations as they were
        const codes = m > 0 && shuffleCodes ? shuffledCodes(xc, codeRng) : undefined;
        const p = await runMember(s, xc, yc, k, xq, featPerm, classPerm, codes, chunk, signal, () => onProgress?.(++done, steps));
        // p^(1/T) renormalised = softmax(logits / T): distillation's temperature, applied per member
        const pt = T === 1 ? p : applyTemperature({ probs: p, n: xq.n, k }, T).probs;
        for (let i = 0; i < probs.length; i++) probs[i] += pt[i] / members;
      }
      return { probs, n: xq.n, k } satisfies ProbMatrix;
    },
    async dispose() {
      if (session) await (await session).dispose();
      session = null;
    },
  };
}

/**
 * The TFM teacher for any input size: categorical codes (by default), then withinLimits over the raw ONNX teacher
 * with the chosen context draws. `{ ...LEGACY_TFM_FEED }` reproduces the teacher before these options.
 */
export function tfmTeacher(options: TfmTeacherOptions = {}): Teacher {
  const limits = { ...TFM_LIMITS, maxContext: options.maxContext ?? TFM_LIMITS.maxContext, maxContextMembers: options.contextMembers ?? TFM_LIMITS.maxContextMembers };
  const raw = tfmOnnxTeacher({
    ...options, softmaxTemperature: options.softmaxTemperature ?? DEFAULT_TFM_FEED.softmaxTemperature, codeOrder: options.codeOrder ?? DEFAULT_TFM_FEED.codeOrder,
    // an explicit member count applies to every input, as it did before membersWithCodes existed
    membersWithCodes: options.membersWithCodes ?? (options.members === undefined ? DEFAULT_TFM_FEED.membersWithCodes : undefined),
  });
  const limited = withinLimits(raw, limits, options.seed ?? 0, options.contextDraw ?? DEFAULT_TFM_FEED.contextDraw);
  return (options.categorical ?? DEFAULT_TFM_FEED.categorical) === 'codes'
    ? withCategoricalCodes(limited, { oneHotMaxLevels: options.oneHotMaxLevels, levelOrder: options.codeLevelOrder }) : limited;
}
