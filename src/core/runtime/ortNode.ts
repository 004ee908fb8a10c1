// The only importer of onnxruntime-node (tests, benches, forge, sidecar). Its npm build has the CPU provider
// only, so every requested provider maps to 'cpu' and the reason is recorded for the report.
import * as ort from 'onnxruntime-node';
import { wrapOrtSession } from './ortConvert';
import { createFallbackSession, type ExecutionProvider, type ExternalDataFile, type ModelSession, type OrtBackend, type RawSession, type SessionOptions } from './session';

export interface NodeBackendOptions {
  /** Default intra-op threads for sessions that do not set numThreads (ORT default: all cores). */
  numThreads?: number;
}

/** One CPU session without the fallback policy: for composing RawSessionFactories (tests, tools). */
export async function createNodeRawSession(bytes: Uint8Array, numThreads?: number, externalData?: readonly ExternalDataFile[]): Promise<RawSession> {
  const session = await ort.InferenceSession.create(bytes, {
    executionProviders: ['cpu'],
    ...(externalData?.length ? { externalData: externalData.map((f) => ({ path: f.path, data: f.data })) } : {}),
    ...(numThreads ? { intraOpNumThreads: numThreads, interOpNumThreads: 1 } : {}),
  });
  return wrapOrtSession(session, ort.Tensor);
}

export function createNodeBackend(backendOptions: NodeBackendOptions = {}): OrtBackend {
  return {
    name: 'node',
    defaultProviders: ['cpu'],
    async createSession(bytes: Uint8Array, options: SessionOptions = {}): Promise<ModelSession> {
      const threads = options.numThreads ?? backendOptions.numThreads;
      const factory = async (model: Uint8Array, provider: ExecutionProvider, o: SessionOptions) => {
        if (provider !== 'cpu') throw new Error(`onnxruntime-node in this build has no ${provider} provider`);
        return createNodeRawSession(model, threads, o.externalData);
      };
      const wanted = options.preferredProviders ?? ['cpu'];
      const providers: ExecutionProvider[] = wanted.includes('cpu') ? [...wanted] : [...wanted, 'cpu'];
      return createFallbackSession(factory, bytes, providers, options);
    },
  };
}
