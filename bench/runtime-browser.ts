// Browser half of the runtime benchmark: per-call latency of the embedded `runtime-probe` graph (2 pre-LN
// transformer blocks, d 64, seq 16) in Debian Chromium on WASM with 1 thread, WASM with 2 threads, WebGPU
// (SwiftShader here: a CPU rasteriser, so WebGPU is expected to be the slow one on this machine) and `auto` with
// the app's default WASM threads (what every engine gets: it must not pick SwiftShader), each in a fresh worker,
// all in one run. Ratios are against WASM ×1. Writes bench/results/runtime-browser.json.
// Run: npx tsx bench/runtime-browser.ts   (builds the app and serves it on 127.0.0.1:4473)
import { spawn, execSync } from 'node:child_process';
import { writeFileSync, mkdirSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { chromium } from '@playwright/test';

const PORT = Number(process.env.BENCH_PORT ?? 4473);
// parallel checkouts or agents can build into their own folder (as E2E_OUT_DIR does for the e2e suite)
const OUT_DIR = process.env.BENCH_OUT_DIR ?? 'dist';
const MODEL = 'runtime-probe';
const root = new URL('..', import.meta.url).pathname;

execSync(`npx vite build --outDir ${OUT_DIR}`, { cwd: root, stdio: 'ignore' });
const server = spawn('npx', ['vite', 'preview', '--outDir', OUT_DIR, '--port', String(PORT), '--strictPort', '--host', '127.0.0.1'], { cwd: root, stdio: 'ignore', detached: true });
try {
  for (let i = 0; i < 100; i++) {
    const up = await fetch(`http://127.0.0.1:${PORT}/`).then(() => true, () => false);
    if (up) break;
    await new Promise((r) => setTimeout(r, 200));
  }
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--headless=new', '--no-sandbox', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-quic', '--enable-unsafe-webgpu'],
  });
  const page = await browser.newPage();
  await page.goto(`http://127.0.0.1:${PORT}/#/models`);
  await page.waitForFunction(() => Boolean(window.__workbench));
  const results = await page.evaluate(async (id) => {
    const rt = window.__workbench!.runtime;
    const appThreads = globalThis.crossOriginIsolated ? Math.min(navigator.hardwareConcurrency, 4) : 1;
    return [await rt.measureLatency(id, 'wasm', 1, 40), await rt.measureLatency(id, 'wasm', 2, 40), await rt.measureLatency(id, 'webgpu', 1, 10),
      await rt.measureLatency(id, 'auto', appThreads, 40)];
  }, MODEL);
  const caps = await page.evaluate(() => window.__workbench!.backend());
  await browser.close();
  const base = results[0].medianMs;
  const rows = results.map((r) => ({ ...r, ratioVsWasm1: base / r.medianMs }));
  for (const r of rows) console.log(`${r.config.padEnd(18)} ${r.medianMs.toFixed(3).padStart(9)} ms  ran on ${r.provider.padEnd(6)}  speed vs wasm×1: ×${r.ratioVsWasm1.toFixed(2)}`);
  mkdirSync(new URL('results/', import.meta.url), { recursive: true });
  writeFileSync(new URL('results/runtime-browser.json', import.meta.url), JSON.stringify({
    bench: 'runtime-browser', date: new Date().toISOString(), model: MODEL, browser: 'Debian Chromium (headless=new, --enable-unsafe-webgpu)',
    machine: { cpus: cpus().length, cpuModel: cpus()[0]?.model }, backend: caps, results: rows,
    note: 'median per-call latency in a fresh worker per configuration, after one warm-up call; WebGPU here is SwiftShader (software, a fallback adapter: auto skips it)',
    load: loadavg(),
  }, null, 2) + '\n');
} finally {
  if (server.pid) process.kill(-server.pid);
}
