// The one streaming loop every edit job runs: walk the primary checkpoint tensor by tensor in file order,
// read the same bounded chunk from each input the tensor's plan needs, let the plan compute the output
// bytes, and append them to every output writer. The next chunk's reads are issued before the current
// chunk is processed and writes overlap the next chunk's work, so disk and CPU run side by side. Tensors
// without a plan are copied byte for byte. Memory stays a few chunks per input whatever the file size; a
// planned chunk's input buffers go back to their source once processed (or, when passed on as an output,
// once written), so reads reuse memory instead of faulting in fresh pages.

import { DTYPE_BYTES, decodeToF32, encodeFromF32, type Dtype } from '../../src/core/edits/dtypes';
import { CancelledError, CheckpointMismatchError } from '../../src/core/edits/errors';
import { numel } from '../../src/core/edits/safetensors';
import { readTensor, type Checkpoint, type CheckpointWriter, type TensorRef } from '../checkpoint';

/** 1 Mi elements: a multiple of every quantization block size and small enough to bound memory. */
export const CHUNK_ELEMS = 1 << 20;
const COPY_BYTES = 8 << 20;

/** One chunk of each planned input: raw bytes, decoded to f32 only on demand. */
export class ChunkInputs {
  private readonly decoded: (Float32Array | undefined)[] = [];

  constructor(readonly raw: Uint8Array[], readonly dtypes: Dtype[], private readonly scratch: (slot: number, n: number) => Float32Array) {}

  f32(j: number): Float32Array {
    let d = this.decoded[j];
    if (!d) {
      d = decodeToF32(this.dtypes[j], this.raw[j], this.scratch(j, this.raw[j].byteLength / DTYPE_BYTES[this.dtypes[j]]));
      this.decoded[j] = d;
    }
    return d;
  }
}

export interface ChunkProcessor {
  /** First pass over the same chunks, when the plan asks for one (e.g. Uᵀ·Δ of a Conv1D projection). */
  prepass?(elemStart: number, inputs: ChunkInputs): Promise<void> | void;
  /** Output per writer: encoded bytes, or f32 values the runner encodes in the primary's dtype. */
  chunk(elemStart: number, inputs: ChunkInputs): Promise<(Uint8Array | Float32Array)[]> | (Uint8Array | Float32Array)[];
}

export interface TensorPlan {
  /** Indices into `checkpoints` whose tensor of the same name is read, in this order. */
  inputs: number[];
  chunkElems: number;
  prepass: boolean;
  /**
   * Where chunks of input j are read (slot 0 or 1: the next chunk is read while this one is processed);
   * by default into buffers of the source's. The survival kernel reads straight into its memory.
   */
  readInto?(j: number, slot: number, bytes: number): Uint8Array;
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
  const scratch = (slot: number, n: number) => {
    let b = buffers.get(slot);
    if (!b || b.length < n) buffers.set(slot, (b = new Float32Array(n)));
    return b;
  };
  // At most one chunk's writes in flight while the next chunk is read and computed.
  let inflight: Promise<unknown> = Promise.resolve();
  const emit = async (chunks: Uint8Array[]) => {
    await inflight;
    inflight = Promise.all(spec.writers.map((w, k) => w.write(chunks[k])));
  };
  for (let k = 0; k < primary.tensors.length; k++) {
    const t = primary.tensors[k];
    const plan = plans[k];
    await inflight;
    for (const w of spec.writers) await w.beginTensor(t);
    const n = numel(t.shape);
    const width = DTYPE_BYTES[t.dtype];
    if (!plan) {
      const src = primary.files[t.file].source;
      let next = t.begin < t.end ? src.read(t.begin, Math.min(COPY_BYTES, t.end - t.begin)) : null;
      for (let off = t.begin; off < t.end; off += COPY_BYTES) {
        checkAborted(spec.signal);
        const len = Math.min(COPY_BYTES, t.end - off);
        const bytes = await next!;
        next = off + len < t.end ? src.read(off + len, Math.min(COPY_BYTES, t.end - off - len)) : null;
        await emit(spec.writers.map(() => bytes));
        // Reusable once its writes have landed.
        void inflight.then(() => src.release(bytes), () => undefined);
        done += len;
        spec.progress(done, total);
      }
      continue;
    }
    const proc = await plan.create();
    const refs = plan.inputs.map((i) => partner(spec, i, t));
    const read = (s: number) => {
      const len = Math.min(plan.chunkElems, n - s);
      const slot = (s / plan.chunkElems) & 1;
      return Promise.all(plan.inputs.map((i, j) => readTensor(spec.checkpoints[i], refs[j], s, len, plan.readInto?.(j, slot, len * DTYPE_BYTES[refs[j].dtype]))));
    };
    const pass = async (each: (s: number, inp: ChunkInputs) => Promise<Uint8Array[]>) => {
      let next = n > 0 ? read(0) : null;
      for (let s = 0; s < n; s += plan.chunkElems) {
        checkAborted(spec.signal);
        const raw = await next!;
        next = s + plan.chunkElems < n ? read(s + plan.chunkElems) : null;
        const outs = await each(s, new ChunkInputs(raw, refs.map((r) => r.dtype), scratch));
        raw.forEach((bytes, j) => {
          const src = spec.checkpoints[plan.inputs[j]].files[refs[j].file].source;
          // A buffer passed on as an output is reusable once its writes have landed.
          if (outs.includes(bytes)) void inflight.then(() => src.release(bytes), () => undefined);
          else src.release(bytes);
        });
        done += Math.min(plan.chunkElems, n - s) * width;
        spec.progress(done, total);
      }
    };
    if (plan.prepass && proc.prepass) {
      await pass(async (s, inp) => {
        await proc.prepass!(s, inp);
        return [];
      });
    }
    await pass(async (s, inp) => {
      const outs = (await proc.chunk(s, inp)).map((o) => (o instanceof Float32Array ? encodeFromF32(t.dtype, o) : o));
      await emit(outs);
      return outs;
    });
  }
  await inflight;
  spec.progress(total, total);
}
