// Browser half of bench/lab-scale.ts: the same scale cases (bench/labScaleCase.ts) in a dedicated Worker of
// Debian Chromium (headless, --enable-unsafe-webgpu), on a small page served with COOP/COEP as the app is (so
// the worker is cross-origin isolated and jax-js's wasm backend runs on shared memory with its worker pool).
// Each case runs in a fresh worker; the engine picks its device as in the app (here: wasm, because the only
// WebGPU adapter is SwiftShader, a software fallback), and `webgpu` cases force WebGPU on SwiftShader: those
// figures are labelled software. Records the adapter and its limits (jax-js requests the adapter's maximum
// buffer sizes; one binding must hold the largest tensor). Adds a `browser` section to
// bench/results/lab-scale.json.
// Run: npx tsx bench/lab-scale-browser.ts [--cases auto:smollm2-135m:1x16,webgpu:smollm2-135m@2:1x16] [--timeout-s 300]
// (DEVICE:CONFIG[@LAYERS]:BxT[:runner]; @LAYERS keeps the real width with fewer layers, for the slow software
// WebGPU; :runner measures through circuits' CircuitRunner, as bench/lab-scale.ts does)
import { readFileSync, writeFileSync, existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { chromium } from '@playwright/test';

const HERE = dirname(fileURLToPath(import.meta.url));
const OUT = join(HERE, 'results', 'lab-scale.json');
const flag = (name: string, def: string): string => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1] : def;
};
const CASES = flag('cases', 'auto:smollm2-135m:1x16,auto:qwen2.5-0.5b:1x16,webgpu:smollm2-135m:1x16,webgpu:smollm2-135m@2:1x16').split(',');
const TIMEOUT_MS = Number(flag('timeout-s', '300')) * 1000;

/** One case's record: what was asked and the worker's ScaleCaseResult (or its failure). */
type Row = { asked: string; config: string; engine?: string; layers?: number; B: number; T: number } & Record<string, unknown>;

const PAGE = `<!doctype html><meta charset="utf-8"><title>lab scale</title><script type="module">
window.runCase = (req, timeoutMs) => new Promise((resolve) => {
  const w = new Worker('./worker.js', { type: 'module' });
  const timer = setTimeout(() => { w.terminate(); resolve({ ok: false, error: 'timed out after ' + timeoutMs / 1000 + ' s (worker terminated)' }); }, timeoutMs);
  w.onmessage = (e) => { clearTimeout(timer); w.terminate(); resolve(e.data); };
  w.onerror = (e) => { clearTimeout(timer); w.terminate(); resolve({ ok: false, error: e.message }); };
  w.postMessage(req);
});
window.adapter = async () => {
  const a = await navigator.gpu?.requestAdapter();
  if (!a) return null;
  const info = a.info ?? {};
  return { vendor: info.vendor, architecture: info.architecture, description: info.description, isFallbackAdapter: info.isFallbackAdapter ?? a.isFallbackAdapter,
    maxBufferSize: a.limits.maxBufferSize, maxStorageBufferBindingSize: a.limits.maxStorageBufferBindingSize };
};
window.ready = true;
</script>`;

const dir = mkdtempSync(join(tmpdir(), 'lab-scale-browser-'));
await build({ entryPoints: [join(HERE, 'labScaleWorker.ts')], bundle: true, format: 'esm', platform: 'browser', target: 'es2022', outfile: join(dir, 'worker.js'), logLevel: 'warning' });
writeFileSync(join(dir, 'index.html'), PAGE);
const server = createServer((req, res) => {
  const file = req.url === '/worker.js' ? 'worker.js' : 'index.html';
  res.writeHead(200, {
    'Content-Type': file.endsWith('.js') ? 'text/javascript' : 'text/html',
    'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp',
  });
  res.end(readFileSync(join(dir, file)));
});
await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
const port = (server.address() as { port: number }).port;

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  args: ['--headless=new', '--no-sandbox', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-quic', '--enable-unsafe-webgpu'],
});
try {
  const page = await browser.newPage();
  page.on('console', (m) => console.log(`  [worker] ${m.text()}`));
  await page.goto(`http://127.0.0.1:${port}/`);
  await page.waitForFunction(() => (window as unknown as { ready?: boolean }).ready === true);
  const adapter = await page.evaluate(() => (window as unknown as { adapter: () => Promise<unknown> }).adapter());
  const loadBefore = loadavg();
  const rows: Row[] = [];
  for (const spec of CASES) {
    const [device, nameAt, bt, engineText] = spec.split(':');
    const engine = engineText === 'runner' ? 'runner' : 'decoder';
    const [name, layersText] = nameAt.split('@');
    const layers = layersText ? Number(layersText) : undefined;
    const [B, T] = bt.split('x').map(Number);
    const prefer = device === 'auto' ? undefined : device;
    const t = Date.now();
    const r = await page.evaluate(([req, ms]) => (window as unknown as { runCase: (q: unknown, ms: number) => Promise<unknown> }).runCase(req, ms),
      [{ name, B, T, layers, engine, prefer }, TIMEOUT_MS] as const) as { ok: boolean; result?: Record<string, unknown>; error?: string };
    const row: Row = r.ok ? { asked: device, config: name, layers, B, T, ...r.result } : { asked: device, config: name, engine, layers, B, T, failed: { stage: 'worker', message: r.error } };
    rows.push({ ...row, wallS: (Date.now() - t) / 1000, software: device === 'webgpu' || undefined });
    console.log(JSON.stringify(rows.at(-1)));
  }
  const prev = existsSync(OUT) ? JSON.parse(readFileSync(OUT, 'utf8')) : {};
  // cases measured before and not re-run stay
  const key = (r: Row) => `${r.asked}:${r.config}@${r.layers ?? ''}:${r.B}x${r.T}:${r.engine ?? 'decoder'}`;
  const fresh = new Set(rows.map(key));
  const kept = ((prev.browser?.cases ?? []) as Row[]).filter((r) => !fresh.has(key(r)));
  mkdirSync(dirname(OUT), { recursive: true });
  writeFileSync(OUT, JSON.stringify({
    ...prev,
    browser: {
      date: new Date().toISOString(), browser: `Debian Chromium ${browser.version()} (headless=new, --enable-unsafe-webgpu), dedicated worker, COOP/COEP`,
      machine: { cpus: cpus().length, cpuModel: cpus()[0]?.model }, load: { before: loadBefore, after: loadavg() }, adapter,
      note: 'asked = device requested (auto: the engine\'s own choice; webgpu: forced, SwiftShader = software rasteriser on the CPU, figures not representative of a GPU); memoryBytes = wasm memory high-water (null on WebGPU); ms = second call',
      cases: [...kept, ...rows],
    },
  }, null, 2) + '\n');
  console.log(`wrote ${OUT}`);
} finally {
  await browser.close();
  server.close();
  rmSync(dir, { recursive: true, force: true });
}
