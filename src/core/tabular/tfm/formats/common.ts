// What the TabPFN v2 and TabICL adapters share: checking an ONNX session's declared inputs against a format's
// contract (names, dtypes, ranks) with errors that name the problem, compacting the context's labels to the
// classes it holds (both packages index logits by the classes present in the context), and row softmax.
import type { ModelSession } from '../../../runtime/session';
import { TeacherContractError } from '../../teachers/teacher';

export interface ContractInput {
  name: string;
  dtype: string;
  rank: number;
  /** what the input carries, for the error message */
  meaning: string;
  /** optional inputs are fed only where the graph declares them */
  optional?: boolean;
  /** axes whose size changes from call to call, so a fixed size in the graph cannot run (axis → its role) */
  dynamic?: Record<number, string>;
}

export interface FormatContract {
  /** e.g. 'TabPFN v2' */
  label: string;
  inputs: readonly ContractInput[];
  /** the output read; undefined = the graph's only output */
  output?: string;
}

const shape = (dims: readonly (number | string)[] | undefined) => (dims ? `[${dims.join(', ')}]` : '[?]');

/** Throws TeacherContractError naming the first input that is missing, of the wrong dtype or the wrong rank. */
export function checkContract(session: ModelSession, c: FormatContract): string {
  const meta = session.info.inputMetadata;
  const names = session.info.inputNames;
  for (const want of c.inputs) {
    const got = meta.find((m) => m.name === want.name);
    if (!got) {
      if (want.optional) continue;
      throw new TeacherContractError(`This ${c.label} export has no input "${want.name}" (${want.meaning}); its inputs are ${names.map((n) => `"${n}"`).join(', ')}. Re-export with input_names as in the ${c.label} contract (README, Tabular: user TFM formats).`);
    }
    if (got.dtype !== 'unknown' && got.dtype !== want.dtype) {
      throw new TeacherContractError(`Input "${want.name}" of this ${c.label} export is ${got.dtype}; the ${c.label} contract feeds ${want.dtype} (${want.meaning}). Re-export with a ${want.dtype} example tensor for it.`);
    }
    if (got.dims && got.dims.length !== want.rank) {
      throw new TeacherContractError(`Input "${want.name}" of this ${c.label} export has rank ${got.dims.length} ${shape(got.dims)}; the ${c.label} contract feeds rank ${want.rank} (${want.meaning}).`);
    }
    for (const [axis, role] of Object.entries(want.dynamic ?? {})) {
      const size = got.dims?.[Number(axis)];
      if (typeof size === 'number') {
        throw new TeacherContractError(`Input "${want.name}" of this ${c.label} export has a fixed ${role} axis of ${size} ${shape(got.dims)} (exported without dynamic_axes for it); the adapter feeds a different count on every call. Re-export with dynamic_axes for "${want.name}" axis ${axis}.`);
      }
    }
  }
  const extra = names.filter((n) => !c.inputs.some((i) => i.name === n));
  if (extra.length) throw new TeacherContractError(`This ${c.label} export has inputs the ${c.label} contract does not feed: ${extra.map((n) => `"${n}"`).join(', ')}.`);
  const outs = session.info.outputNames;
  if (c.output) {
    if (!outs.includes(c.output)) throw new TeacherContractError(`This ${c.label} export has no output "${c.output}" (its outputs: ${outs.join(', ')}). Set "output" in the sidecar JSON.`);
    return c.output;
  }
  if (outs.length !== 1) throw new TeacherContractError(`This ${c.label} export has ${outs.length} outputs (${outs.join(', ')}); name the logits one as "output" in the sidecar JSON.`);
  return outs[0];
}

export interface CompactLabels {
  /** original class index of each compact index */
  present: number[];
  /** the context labels as compact indices 0..present.length-1 */
  y: Int32Array;
}

/** Relabels the context to the classes it holds, in increasing order. */
export function compactLabels(yc: Int32Array, k: number): CompactLabels {
  const seen = new Array<boolean>(k).fill(false);
  for (const v of yc) {
    if (v < 0 || v >= k) throw new TeacherContractError(`context label ${v} is not a class index in [0, ${k})`);
    seen[v] = true;
  }
  const present = seen.flatMap((s, c) => (s ? [c] : []));
  const to = new Int32Array(k).fill(-1);
  present.forEach((c, i) => { to[c] = i; });
  return { present, y: Int32Array.from(yc, (v) => to[v]) };
}

/** Probabilities over the compact classes → over all k classes (absent classes get 0). */
export function expandProbs(p: Float64Array, n: number, present: number[], k: number): Float64Array {
  const out = new Float64Array(n * k);
  const m = present.length;
  for (let i = 0; i < n; i++) for (let c = 0; c < m; c++) out[i * k + present[c]] = p[i * m + c];
  return out;
}

/** softmax(row / temperature), in place over rows of width m. */
export function softmaxRows(logits: Float64Array, m: number, temperature: number): Float64Array {
  for (let i = 0; i < logits.length; i += m) {
    let max = -Infinity;
    for (let c = 0; c < m; c++) max = Math.max(max, logits[i + c] / temperature);
    let sum = 0;
    for (let c = 0; c < m; c++) { logits[i + c] = Math.exp(logits[i + c] / temperature - max); sum += logits[i + c]; }
    for (let c = 0; c < m; c++) logits[i + c] /= sum;
  }
  return logits;
}

/** A random permutation of 0..n-1 from the seeded Rng. */
export function permutation(n: number, next: () => number): number[] {
  const a = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) { const j = Math.floor(next() * (i + 1)); [a[i], a[j]] = [a[j], a[i]]; }
  return a;
}
