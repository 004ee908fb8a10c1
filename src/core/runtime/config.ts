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
  /** Where hub ids resolve when remote models are allowed; a user may set a mirror or the loopback hub instead. */
  hubUrl: 'https://huggingface.co/',
  /** Provider order in the browser when both are wanted; `auto` resolves its own (backendChoice.ts). */
  webProviders: ['webgpu', 'wasm'] as const,
  /**
   * The timing `auto` runs when the probe cannot tell whether WebGPU beats WASM (a hardware adapter: on the
   * workbench's small models GPU dispatch overhead can outweigh the compute). The graph is benchGraph.ts's
   * transformer stack (2 blocks, d 256, seq 64: ~0.2 GFLOP, about 12 ms per call on one WASM thread); each
   * provider gets one warm-up call and `runs` timed ones, once per worker.
   */
  autoTiming: { graph: { layers: 2, dModel: 256, heads: 4, seq: 64, seed: 1 }, runs: 5 },
} as const;
