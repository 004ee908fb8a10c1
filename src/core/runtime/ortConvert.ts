// Adapts an onnxruntime session (node or web: both share onnxruntime-common's API) to a RawSession. Typed
// structurally so that this file imports neither onnxruntime package; ortNode.ts / ortWeb.ts pass theirs in.
import type { RawSession } from './session';
import type { Feeds, TensorArray, TensorData, TensorDType } from './tensor';
import type { InputMeta } from './validate';

export interface OrtTensorLike { readonly type: string; readonly dims: readonly number[]; readonly data: unknown }

export type OrtTensorCtor = new (type: TensorDType, data: TensorArray, dims: readonly number[]) => OrtTensorLike;

interface OrtMetaLike { readonly name: string; readonly isTensor: boolean; readonly type?: string; readonly shape?: ReadonlyArray<number | string> }

export interface OrtSessionLike {
  readonly inputNames: readonly string[];
  readonly outputNames: readonly string[];
  readonly inputMetadata: readonly OrtMetaLike[];
  readonly outputMetadata: readonly OrtMetaLike[];
  run(feeds: Record<string, OrtTensorLike>): Promise<Record<string, OrtTensorLike>>;
  release(): Promise<void>;
}

function meta(m: OrtMetaLike): InputMeta {
  // ORT reports an unknown shape as [], indistinguishable from a scalar: treat [] as "any shape".
  const dims = m.shape && m.shape.length > 0 ? [...m.shape] : undefined;
  return { name: m.name, dtype: m.isTensor && m.type ? m.type : 'unknown', dims };
}

export function toTensorData(t: OrtTensorLike): TensorData {
  return { type: t.type as TensorDType, dims: [...t.dims], data: t.data as TensorArray };
}

export function wrapOrtSession(session: OrtSessionLike, Tensor: OrtTensorCtor,
  onBeforeRun: () => void = () => undefined): RawSession {
  return {
    inputNames: session.inputNames,
    outputNames: session.outputNames,
    inputMetadata: session.inputMetadata.map(meta),
    outputMetadata: session.outputMetadata.map(meta),
    async run(feeds: Feeds) {
      onBeforeRun();
      const ortFeeds: Record<string, OrtTensorLike> = {};
      for (const [name, t] of Object.entries(feeds)) ortFeeds[name] = new Tensor(t.type, t.data, t.dims);
      const out = await session.run(ortFeeds);
      const result: Record<string, TensorData> = {};
      for (const [name, t] of Object.entries(out)) result[name] = toTensorData(t);
      return result;
    },
    release: () => session.release(),
  };
}
