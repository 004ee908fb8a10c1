// BullMQ sandboxed-processor entry (a worker thread per running job slot; BullMQ imports this file's default
// export). The processor is TypeScript: under `tsx` the thread inherits tsx's loader through execArgv; elsewhere
// the first import fails on the .ts extension, so tsx's ESM loader is registered for this thread and the import
// retried under another URL (Node caches the failed load of the first). Same bootstrap as sidecar/jobWorker.mjs.
let mod;
try {
  mod = await import('./processorImpl.ts');
} catch (e) {
  if (e?.code !== 'ERR_UNKNOWN_FILE_EXTENSION') throw e;
  const { register } = await import('tsx/esm/api');
  register();
  mod = await import('./processorImpl.ts?tsx');
}
export default mod.default;
