// In production builds, every import of onnxruntime-web (ours: `onnxruntime-web/all`; transformers.js:
// `onnxruntime-web/webgpu`) becomes a run-time import of the one self-hosted copy, /ort/ort.all.min.mjs.
// Why: Vite bundles each worker on its own, so a bundled ORT was copied into four worker chunks and transformers.js
// added a second ORT build beside it, and ORT's `new URL('*.wasm', import.meta.url)` made Vite emit its 28 MB wasm
// again under assets/. The `.min.mjs` (non-"bundle") build loads its wasm from `env.wasm.wasmPaths` (/ort/), so
// the browser fetches one runtime and one wasm, cached across the page and all workers.
// Dev (`vite serve`) and Node tests keep resolving the package normally.
import type { Plugin } from 'vite';

/** URL of ORT's runtime in the built app (copied there by selfHostedAssets). */
export const ORT_RUNTIME_URL = '/ort/ort.all.min.mjs';
/** Files of onnxruntime-web/dist the built app loads: the runtime and the JSEP wasm (with its loader) it picks. */
export const ORT_SHIPPED_FILES = ['ort.all.min.mjs', 'ort-wasm-simd-threaded.jsep.mjs', 'ort-wasm-simd-threaded.jsep.wasm'];

const ortSpecifier = /^onnxruntime-web(\/(all|webgpu|wasm))?$/;

export function ortFromSelfHost(): Plugin {
  return {
    name: 'ort-from-self-host',
    apply: 'build',
    enforce: 'pre',
    resolveId(source) {
      return ortSpecifier.test(source) ? { id: ORT_RUNTIME_URL, external: true } : null;
    },
  };
}
