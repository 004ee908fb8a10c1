// The one streaming loop every edit job runs: walk the primary checkpoint tensor by tensor in file order,
// read the same bounded chunk from each input that the tensor's plan needs (decoded to f32), let the plan
// compute output values, and append them, re-encoded in the primary's dtype, to every output writer.
// Tensors without a plan are copied byte for byte. Memory stays a few chunks per input whatever the size.

import { DTYPE_BYTES, decodeToF32, encodeFromF32 } from '../../src/core/edits/dtypes';
import { CancelledError, CheckpointMismatchError } from '../../src/core/edits/errors';
import { numel } from '../../src/core/edits/safetensors';
import { readTensor, type Checkpoint, type CheckpointWriter, type TensorRef } from '../checkpoint';

/** 1 Mi elements: a multiple of every quantization block size and small enough to bound memory. */
export const CHUNK_ELEMS = 1 << 20;
const COPY_BYTES = 8 << 20;

export interface ChunkProcessor {
  /** First pass over the same chunks, when the plan asks for one (e.g. Uᵀ·Δ of a Conv1D projection). */
  prepass?(elemStart: number, inputs: Float32Array[]): Promise<void> | void;
  /** Output values for each writer (chunk-length arrays); [] when the job writes no checkpoint. */
  chunk(elemStart: number, inputs: Float32Array[]): Promise<Float32Array[]> | Float32Array[];
}

export interface TensorPlan {
  /** Indices into `checkpoints` whose tensor of the same name is read, in this order. */
  inputs: number[];
  chunkElems: number;
  prepass: boolean;
  create(): Promise<ChunkProcessor> | ChunkProcessor;
}

export interface PassSpec {
  /** Index 0 is the primary: its layout and dtypes are the output's. */
  checkpoints: Checkpoint[];
  labels: string[];
  writers: CheckpointWriter[];
  plan(t: TensorRef): TensorPlan | null;
  signal: AbortSignal;
  progress(done: number, total: number): void;
}

export function checkAborted(signal: AbortSignal): void {
  if (signal.aborted) throw new CancelledError();
}

function partner(spec: PassSpec, i: number, t: TensorRef): TensorRef {
  const o = spec.checkpoints[i].byName.get(t.name);
  if (!o) throw new CheckpointMismatchError(`${spec.labels[i]} has no tensor "${t.name}" (present in ${spec.labels[0]}): the checkpoints must share an architecture`);
  if (o.shape.length !== t.shape.length || o.shape.some((v, k) => v !== t.shape[k])) {
    throw new CheckpointMismatchError(`tensor "${t.name}" is [${o.shape}] in ${spec.labels[i]} but [${t.shape}] in ${spec.labels[0]}`);
  }
  return o;
}

export async function runTensorPass(spec: PassSpec): Promise<void> {
  const primary = spec.checkpoints[0];
  const plans = primary.tensors.map((t) => spec.plan(t));
  plans.forEach((p, k) => p?.inputs.forEach((i) => partner(spec, i, primary.tensors[k])));
  const total = primary.tensors.reduce((s, t, k) => s + (t.end - t.begin) * (plans[k]?.prepass ? 2 : 1), 0);
  let done = 0;
  spec.progress(0, total);
  const buffers = new Map<number, Float32Array>();
  const buf = (slot: number, n: number) => {
    let b = buffers.get(slot);
    if (!b || b.length < n) buffers.set(slot, (b = new Float32Array(n)));
    return b;
  };
  for (let k = 0; k < primary.tensors.length; k++) {
    const t = primary.tensors[k];
    const plan = plans[k];
    for (const w of spec.writers) await w.beginTensor(t);
    const n = numel(t.shape);
    const width = DTYPE_BYTES[t.dtype];
    if (!plan) {
      for (let off = t.begin; off < t.end; off += COPY_BYTES) {
        checkAborted(spec.signal);
        const len = Math.min(COPY_BYTES, t.end - off);
        const bytes = await primary.files[t.file].source.read(off, len);
        for (const w of spec.writers) await w.write(bytes);
        done += len;
        spec.progress(done, total);
      }
      continue;
    }
    const proc = await plan.create();
    const refs = plan.inputs.map((i) => partner(spec, i, t));
    const readChunk = async (s: number, len: number) => {
      const raw = await Promise.all(plan.inputs.map((i, j) => readTensor(spec.checkpoints[i], refs[j], s, len)));
      return raw.map((r, j) => decodeToF32(refs[j].dtype, r, buf(j, len)));
    };
    if (plan.prepass && proc.prepass) {
      for (let s = 0; s < n; s += plan.chunkElems) {
        checkAborted(spec.signal);
        const len = Math.min(plan.chunkElems, n - s);
        await proc.prepass(s, await readChunk(s, len));
        done += len * width;
        spec.progress(done, total);
      }
    }
    for (let s = 0; s < n; s += plan.chunkElems) {
      checkAborted(spec.signal);
      const len = Math.min(plan.chunkElems, n - s);
      const outs = await proc.chunk(s, await readChunk(s, len));
      for (let w = 0; w < spec.writers.length; w++) await spec.writers[w].write(encodeFromF32(t.dtype, outs[w]));
      done += len * width;
      spec.progress(done, total);
    }
  }
  spec.progress(total, total);
}
