// Node side of the TFM teacher (tests, benches, forge): onnxruntime-node and the committed model file. Kept apart
// from tfmTeacher.ts so the browser bundle never pulls in onnxruntime-node or node:fs.
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { ModelNotFoundError } from '../../runtime/errors';
import { createNodeBackend } from '../../runtime/ortNode';
import { setTfmRuntime, type TfmRuntime } from './tfmTeacher';

/** models/tfm/onnx/model.onnx of this checkout. */
export const DEFAULT_TFM_ONNX = fileURLToPath(new URL('../../../../models/tfm/onnx/model.onnx', import.meta.url));

export function nodeTfmRuntime(onnxPath = DEFAULT_TFM_ONNX, numThreads?: number): TfmRuntime {
  const loadModel = async (): Promise<Uint8Array> => {
    try {
      return new Uint8Array(await readFile(onnxPath));
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
      throw new ModelNotFoundError(onnxPath, 'the embedded TFM; `npx tsx models/forge/tfm/train.ts` regenerates it', { cause: e });
    }
  };
  return { backend: createNodeBackend(), loadModel, numThreads };
}

/** Registers the Node runtime for `tfmTeacher()` / the registry's factory; returns it. */
export function useNodeTfmRuntime(onnxPath = DEFAULT_TFM_ONNX, numThreads?: number): TfmRuntime {
  const rt = nodeTfmRuntime(onnxPath, numThreads);
  setTfmRuntime(rt);
  return rt;
}
