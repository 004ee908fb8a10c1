// Training throughput of the same specs in Node (the lab engine on wasm, in-thread through the browser engine's own
// code path: src/core/experiments/train/api.ts) and in Debian Chromium's dedicated worker (the same engine bundled
// with esbuild, served with COOP/COEP as the app is, WASM because the only WebGPU adapter here is SwiftShader), in
// one run: token positions per second after the compiling step (trainer.ts `throughput`), the per-step loss
// agreement, and the ratio browser / Node. Writes bench/results/train-backends.json.
// Run: npx tsx bench/train-backends.ts [--steps 12] [--batch 8] [--rows 64] [--cases sft,sft-lora,dpo,dpo-lora]
import { readFileSync, writeFileSync, mkdirSync, mkdtempSync, rmSync, existsSync } from 'node:fs';
import { createServer } from 'node:http';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { chromium } from '@playwright/test';
import { DEFAULT_CORPUS_OPTIONS, generateCorpus } from '../models/forge/corpus/generate';
import { createTrainEngine, type TrainJobRequest } from '../src/core/experiments/train/api';
import { forgeSampleRows } from '../src/core/experiments/train/forgeSample';
import { initEngine } from '../src/core/lab';

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = join(HERE, '..');
const OUT = join(HERE, 'results', 'train-backends.json');
const flag = (name: string, def: string): string => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1] : def;
};
const STEPS = Number(flag('steps', '12'));
const BATCH = Number(flag('batch', '8'));
const ROWS = Number(flag('rows', '64'));
const CASES = flag('cases', 'sft,sft-lora,dpo,dpo-lora').split(',');

const corpus = generateCorpus(DEFAULT_CORPUS_OPTIONS).examples;
const request = (c: string): TrainJobRequest => {
  const method = c.startsWith('dpo') ? 'dpo' : 'sft';
  return {
    method, model: 'target', steps: STEPS, batchSize: BATCH, lr: method === 'dpo' ? 1e-3 : 2e-3, seed: 0,
    ...(c.endsWith('-lora') ? { lora: { r: 8, alpha: 16 } } : {}),
    data: { kind: 'rows', name: `forge-sample-${method}-${ROWS}.jsonl`, rows: forgeSampleRows(corpus, method, ROWS) },
  };
};

const node = createTrainEngine({
  readModelFiles: async (id, files) => new Map(files.filter((f) => existsSync(join(ROOT, 'models', id, f))).map((f) => [f, new Uint8Array(readFileSync(join(ROOT, 'models', id, f)))])),
  corpus: async () => ({ records: corpus, source: 'forge corpus' }),
});

const PAGE = `<!doctype html><meta charset="utf-8"><title>train backends</title><script type="module">
const w = new Worker('./worker.js', { type: 'module' });
let pending = null;
w.onmessage = (e) => { pending?.(e.data); pending = null; };
w.onerror = (e) => { pending?.({ ok: false, error: e.message }); pending = null; };
window.runCase = (req) => new Promise((resolve) => { pending = resolve; w.postMessage(req); });
window.ready = true;
</script>`;

const dir = mkdtempSync(join(tmpdir(), 'train-backends-'));
await build({ entryPoints: [join(HERE, 'trainBackendsWorker.ts')], bundle: true, format: 'esm', platform: 'browser', target: 'es2022', outfile: join(dir, 'worker.js'), logLevel: 'warning' });
writeFileSync(join(dir, 'index.html'), PAGE);
const server = createServer((req, res) => {
  const url = req.url ?? '/';
  const headers = { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp' };
  const path = url.startsWith('/models/') ? normalize(join(ROOT, url)) : join(dir, url === '/worker.js' ? 'worker.js' : 'index.html');
  if (!path.startsWith(ROOT) && !path.startsWith(dir)) { res.writeHead(403, headers).end(); return; }
  if (!existsSync(path)) { res.writeHead(404, headers).end(); return; }
  res.writeHead(200, { ...headers, 'Content-Type': path.endsWith('.js') ? 'text/javascript' : path.endsWith('.html') ? 'text/html' : 'application/octet-stream' });
  res.end(readFileSync(path));
});
await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
const port = (server.address() as { port: number }).port;

const nodeInfo = await initEngine();
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  args: ['--headless=new', '--no-sandbox', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-quic', '--enable-unsafe-webgpu'],
});
try {
  const page = await browser.newPage();
  await page.goto(`http://127.0.0.1:${port}/`);
  await page.waitForFunction(() => (window as unknown as { ready?: boolean }).ready === true);
  const loadBefore = loadavg();
  const rows: Record<string, unknown>[] = [];
  for (const c of CASES) {
    const req = request(c);
    const n = await node.runTrain(req);
    const b = await page.evaluate((q) => (window as unknown as { runCase: (q: unknown) => Promise<unknown> }).runCase(q), req) as { ok: boolean; error?: string; result?: { logs: { loss: number }[]; throughput: { tokensPerSecond: number; stepsPerSecond: number } | null; backend: { device: string }; weightsSha256?: string; crossOriginIsolated: boolean; hardwareConcurrency: number } };
    if (!b.ok || !b.result) throw new Error(`browser ${c}: ${b.error}`);
    const lossRel = Math.max(...n.logs.map((l, i) => Math.abs(l.loss - b.result!.logs[i].loss) / Math.abs(l.loss)));
    const row = {
      case: c, steps: STEPS, batchSize: BATCH, rows: ROWS, T: n.sequenceLength,
      node: { device: n.backend.device, ...n.throughput },
      browser: { device: b.result.backend.device, ...b.result.throughput, crossOriginIsolated: b.result.crossOriginIsolated, hardwareConcurrency: b.result.hardwareConcurrency },
      browserOverNode: n.throughput && b.result.throughput ? b.result.throughput.tokensPerSecond / n.throughput.tokensPerSecond : null,
      maxRelativeLossDifference: lossRel, sameWeights: n.checkpoint?.weightsSha256 === b.result.weightsSha256,
    };
    rows.push(row);
    console.log(JSON.stringify(row));
  }
  mkdirSync(dirname(OUT), { recursive: true });
  writeFileSync(OUT, JSON.stringify({
    date: new Date().toISOString(), model: 'models/target (GPT-2, 4 × 128)',
    node: `Node ${process.version}, lab engine ${nodeInfo.device} (${nodeInfo.why})`,
    browser: `Debian Chromium ${browser.version()} (headless=new), dedicated worker, COOP/COEP`,
    machine: { cpus: cpus().length, cpuModel: cpus()[0]?.model }, load: { before: loadBefore, after: loadavg() },
    note: 'tokens/s = token positions (B·T, DPO: chosen + rejected) per second of step time after the first (compiling) step; each case runs Node then the browser on the same rows and spec',
    cases: rows,
  }, null, 2) + '\n');
  console.log(`wrote ${OUT}`);
} finally {
  await browser.close();
  server.close();
  rmSync(dir, { recursive: true, force: true });
}
