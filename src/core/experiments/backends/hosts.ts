// The hosts the backend factory routes on: a Node process (onnxruntime-node for `auto`, onnxruntime-web's WASM
// build for `wasm`, both imported on first use) and a browser page or worker (onnxruntime-web, served from /ort/).
// The specifiers of the Node-only modules are variables so a browser bundle never includes them.
import { browserHost } from '../environment';
import type { OrtBackend } from '../../runtime/session';
import type { BackendHost, SidecarEndpoint } from './factory';

/** A Node host over `hostInfo` (buildInfoNode.ts's nodeHost()): both ORT builds, and the sidecar if one runs. */
export function nodeBackendHost(hostInfo: Omit<BackendHost, 'ort' | 'sidecar'>, options: { sidecar?: SidecarEndpoint; numThreads?: number } = {}): BackendHost {
  const nodeModule = './nodeOrt';
  return {
    ...hostInfo,
    ort: {
      node: async () => ((await import(/* @vite-ignore */ nodeModule)) as typeof import('./nodeOrt')).createNodeBackend({ numThreads: options.numThreads }),
      // ORT-web in Node resolves its own wasm files (wasmPaths null); one thread, as a page without COOP/COEP
      web: async (): Promise<OrtBackend> => (await import('../../runtime/ortWeb')).createWebBackend({ wasmPaths: null, numThreads: options.numThreads ?? 1 }),
    },
    ...(options.sidecar ? { sidecar: options.sidecar } : {}),
  };
}

/** A browser page or worker: onnxruntime-web with the app's defaults (wasm files from /ort/, threads when isolated). */
export function browserBackendHost(options: { sidecar?: SidecarEndpoint } = {}): BackendHost {
  return {
    ...browserHost(),
    ort: { web: async () => (await import('../../runtime/ortWeb')).createWebBackend() },
    ...(options.sidecar ? { sidecar: options.sidecar } : {}),
  };
}
