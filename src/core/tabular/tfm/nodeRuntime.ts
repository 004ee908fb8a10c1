// Node side of the TFM teacher (tests, benches, forge): onnxruntime-node and the committed model file. Kept apart
// from tfmTeacher.ts so the browser bundle never pulls in onnxruntime-node or node:fs.
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { createNodeBackend } from '../../runtime/ortNode';
import { setTfmRuntime, type TfmRuntime } from './tfmTeacher';

/** models/tfm/onnx/model.onnx of this checkout. */
export const DEFAULT_TFM_ONNX = fileURLToPath(new URL('../../../../models/tfm/onnx/model.onnx', import.meta.url));

export function nodeTfmRuntime(onnxPath = DEFAULT_TFM_ONNX, numThreads?: number): TfmRuntime {
  return { backend: createNodeBackend(), loadModel: async () => new Uint8Array(await readFile(onnxPath)), numThreads };
}

/** Registers the Node runtime for `tfmTeacher()` / the registry's factory; returns it. */
export function useNodeTfmRuntime(onnxPath = DEFAULT_TFM_ONNX, numThreads?: number): TfmRuntime {
  const rt = nodeTfmRuntime(onnxPath, numThreads);
  setTfmRuntime(rt);
  return rt;
}
