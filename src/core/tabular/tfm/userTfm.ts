// A user-supplied ONNX tabular foundation model used as a teacher. `loadUserTfm` recognises the export's format
// (formats/detect.ts): a real TabPFN v2 or TabICL export, run with its package's preprocessing and ensemble
// (formats/tabpfnV2.ts, formats/tabicl.ts; an optional sidecar JSON tunes them), or any model with the in-context
// signature (x_context, y_context, x_query) → class scores declared by the workbench contract JSON below: names,
// limits, label dtype, whether the output is probabilities or logits, and how categorical columns reach it
// (`categoricalEncoding`: 'onehot', the design matrix as it comes and the default, so contracts written before the
// field behave as they did; 'codes', one column of context-fitted integer codes per source column, as the embedded
// tfm and the TabPFN v2 / TabICL adapters feed them: categoricalCodes.ts). The model's real inputs are checked
// against the contract before any run.
import { z } from 'zod';
import type { ProbMatrix } from '../../metrics/classification';
import type { FeatureMatrix } from '../matrix';
import type { BackendPreference, ModelSession, OrtBackend } from '../../runtime/session';
import { tensor } from '../../runtime/tensor';
import { TeacherContractError, withinLimits, type Teacher } from '../teachers/teacher';
import { detectTfmFormat, parseSidecar, parseTabiclConfig, parseTabpfnV2Config, type TfmFormat } from './formats/detect';
import { tabiclTeacher } from './formats/tabicl';
import { tabpfnV2Teacher } from './formats/tabpfnV2';
import { withCategoricalCodes, type TfmCategoricalEncoding } from './categoricalCodes';

export const tfmContractSchema = z.object({
  format: z.literal('workbench-tfm-contract'),
  version: z.literal(1),
  /** teacher id shown in results */
  name: z.string().min(1).max(60),
  inputs: z.object({
    xContext: z.string().default('x_context'),
    yContext: z.string().default('y_context'),
    xQuery: z.string().default('x_query'),
  }).default({ xContext: 'x_context', yContext: 'y_context', xQuery: 'x_query' }),
  output: z.string().default('probs'),
  /** dtype the model expects for the context labels */
  yDtype: z.enum(['int64', 'float32']).default('int64'),
  /** 'logits' outputs are soft-maxed over the task's k classes */
  outputKind: z.enum(['probabilities', 'logits']).default('probabilities'),
  maxContext: z.number().int().min(1).default(1024),
  maxFeatures: z.number().int().min(1).default(32),
  maxClasses: z.number().int().min(2).default(10),
  /** categorical columns as their one-hot columns (default: what every contract got before the field) or as codes */
  categoricalEncoding: z.enum(['codes', 'onehot']).default('onehot'),
});

export type TfmContract = z.infer<typeof tfmContractSchema>;

/** Parses a contract JSON; errors name the field. */
export function parseTfmContract(text: string): TfmContract {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new TeacherContractError(`The TFM contract is not valid JSON (${e instanceof Error ? e.message : String(e)}).`);
  }
  const parsed = tfmContractSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new TeacherContractError(`The TFM contract is invalid at "${issue.path.join('.') || '(root)'}": ${issue.message}. Expected {"format": "workbench-tfm-contract", "version": 1, "name": …}.`);
  }
  return parsed.data;
}

function checkSession(session: ModelSession, c: TfmContract): void {
  const names = session.info.inputNames;
  const missing = [c.inputs.xContext, c.inputs.yContext, c.inputs.xQuery].filter((n) => !names.includes(n));
  if (missing.length) throw new TeacherContractError(`The ONNX model has no input ${missing.map((m) => `"${m}"`).join(', ')} (its inputs: ${names.join(', ')}). Fix "inputs" in the contract.`);
  if (!session.info.outputNames.includes(c.output)) throw new TeacherContractError(`The ONNX model has no output "${c.output}" (its outputs: ${session.info.outputNames.join(', ')}). Fix "output" in the contract.`);
}

const f32 = (m: FeatureMatrix) => Float32Array.from(m.x);

/** The teacher over a user model; larger inputs follow the same withinLimits rule as the embedded tfm. */
export async function userOnnxTeacher(bytes: Uint8Array, contract: TfmContract, backend: OrtBackend,
  preference?: BackendPreference): Promise<Teacher & { dispose(): Promise<void> }> {
  const session = await backend.createSession(bytes, { file: `${contract.name}.onnx`, backend: preference });
  try {
    return { ...contractTeacher(session, contract), dispose: () => session.dispose() };
  } catch (e) {
    await session.dispose();
    throw e;
  }
}

function contractTeacher(session: ModelSession, contract: TfmContract): Teacher {
  checkSession(session, contract);
  const raw: Teacher = {
    id: contract.name,
    async predict(xc, yc, k, xq, signal) {
      signal?.throwIfAborted();
      const y = contract.yDtype === 'int64' ? tensor('int64', BigInt64Array.from(yc, (v) => BigInt(v)), [1, xc.n]) : tensor('float32', Float32Array.from(yc), [1, xc.n]);
      const out = await session.run({
        [contract.inputs.xContext]: tensor('float32', f32(xc), [1, xc.n, xc.d]),
        [contract.inputs.yContext]: y,
        [contract.inputs.xQuery]: tensor('float32', f32(xq), [1, xq.n, xq.d]),
      }, { signal });
      const o = out[contract.output];
      const width = o.dims[o.dims.length - 1];
      if (width < k || o.data.length !== xq.n * width) throw new TeacherContractError(`Output "${contract.output}" has shape [${o.dims.join(', ')}]; expected [1, ${xq.n}, ≥ ${k}].`);
      const data = o.data as Float32Array;
      const probs = new Float64Array(xq.n * k);
      for (let i = 0; i < xq.n; i++) {
        const row = Array.from({ length: k }, (_, c) => data[i * width + c]);
        const vals = contract.outputKind === 'logits' ? (() => { const m = Math.max(...row); return row.map((v) => Math.exp(v - m)); })() : row.map((v) => Math.max(0, v));
        const sum = vals.reduce((a, b) => a + b, 0);
        if (!(sum > 0) || !Number.isFinite(sum)) throw new TeacherContractError(`Output row ${i} of "${contract.output}" has no usable mass (${row.join(', ')}): is outputKind right?`);
        for (let c = 0; c < k; c++) probs[i * k + c] = vals[c] / sum;
      }
      const result: ProbMatrix = { probs, n: xq.n, k };
      return result;
    },
  };
  const limited = withinLimits(raw, { maxContext: contract.maxContext, maxFeatures: contract.maxFeatures, maxClasses: contract.maxClasses, maxContextMembers: 4 });
  // codes outside the limits, as tfmTeacher does: the feature limit then counts source columns, not indicators
  return contract.categoricalEncoding === 'codes' ? withCategoricalCodes(limited) : limited;
}

export interface LoadedUserTfm {
  teacher: Teacher;
  format: TfmFormat;
  /** teacher id */
  name: string;
  /** the graph's inputs, as declared */
  inputs: string[];
  /** how categorical columns reach the model (the contract's or sidecar's `categoricalEncoding`, else its default) */
  categoricalEncoding: TfmCategoricalEncoding;
  dispose(): Promise<void>;
}

/**
 * Loads a user TFM export of any supported format. `sidecarJson` may be '' for a TabPFN v2 or TabICL export
 * (recognised by its input names; defaults as the packages'), and must be the workbench contract otherwise —
 * except that a model already named x_context/y_context/x_query with a "probs" output needs none.
 */
export async function loadUserTfm(bytes: Uint8Array, sidecarJson: string, backend: OrtBackend, preference?: BackendPreference): Promise<LoadedUserTfm> {
  const sidecar = parseSidecar(sidecarJson);
  const session = await backend.createSession(bytes, { file: 'user-tfm.onnx', backend: preference });
  try {
    const format = detectTfmFormat(session.info.inputNames, sidecar);
    let teacher: Teacher;
    let categoricalEncoding: TfmCategoricalEncoding;
    if (format === 'tabpfn-v2') {
      const config = parseTabpfnV2Config(sidecar);
      teacher = tabpfnV2Teacher(session, config);
      // explicit categoricalFeatures index the one-hot matrix, so they keep it (tabpfnV2.ts)
      categoricalEncoding = config.categoricalFeatures.length ? 'onehot' : config.categoricalEncoding;
    } else if (format === 'tabicl') {
      const config = parseTabiclConfig(sidecar);
      teacher = tabiclTeacher(session, config);
      categoricalEncoding = config.categoricalEncoding;
    } else {
      const contract = parseTfmContract(sidecarJson.trim() ? sidecarJson : JSON.stringify({ format: 'workbench-tfm-contract', version: 1, name: 'user-tfm' }));
      teacher = contractTeacher(session, contract);
      categoricalEncoding = contract.categoricalEncoding;
    }
    return { teacher, format, name: teacher.id, inputs: [...session.info.inputNames], categoricalEncoding, dispose: () => session.dispose() };
  } catch (e) {
    await session.dispose();
    throw e;
  }
}
