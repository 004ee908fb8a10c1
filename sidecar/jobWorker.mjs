// Bootstrap of the job worker thread. The sidecar runs as TypeScript: under `tsx` the worker inherits tsx's
// loader through execArgv; elsewhere (vitest, a plain `node --import` without it) the first import fails on
// the .ts extension, so tsx's ESM loader is registered for this thread and the import retried (under another
// URL: Node caches the failed load of the first one).
try {
  await import('./jobWorker.ts');
} catch (e) {
  if (e?.code !== 'ERR_UNKNOWN_FILE_EXTENSION') throw e;
  const { register } = await import('tsx/esm/api');
  register();
  await import('./jobWorker.ts?tsx');
}
