// Every runtime knob with its default, in one place (CONVENTIONS #9). Modules take overrides as options; these
// are what the app gets when it passes none.

export const RUNTIME_DEFAULTS = {
  /** URL prefix of the self-hosted onnxruntime-web files (vite plugin serves node_modules/onnxruntime-web/dist). */
  ortWasmPaths: '/ort/',
  /** URL prefix of the embedded models and models/manifest.json. */
  modelsBaseUrl: '/models/',
  /** Cache API bucket for model files; bump the suffix when the cached format changes. */
  cacheName: 'workbench-models-v1',
  /** WASM threads are capped: past 4 the speed-up on small models is lost to synchronisation. */
  maxWasmThreads: 4,
  /** requestAdapter() can hang on broken drivers; the probe gives up after this long. */
  adapterTimeoutMs: 5000,
  /** Remote (hub) models are off unless the user opts in: the workbench must work offline. */
  allowRemote: false,
  /** Provider order in the browser; node always runs on 'cpu'. */
  webProviders: ['webgpu', 'wasm'] as const,
} as const;
