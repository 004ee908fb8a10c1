// Runtime bench (`npx tsx bench/runtime.ts`): per-call latency of the representative transformer graph
// (src/core/runtime/benchGraph.ts, 2 pre-LN blocks, d=256, 4 heads, seq 64) on onnxruntime-node with 1 vs 2
// intra-op threads, plus onnxruntime-web's WASM build in Node (1 thread) as the browser-side reference. The
// configurations are interleaved round by round so load from other processes hits them alike. Writes
// bench/results/runtime.json. The browser WASM-1 / WASM-2 / WebGPU comparison reuses buildBenchGraph in e2e.
// Env knobs (for runs on bigger machines): RUNTIME_BENCH_THREADS=1,2,4  RUNTIME_BENCH_WEB=0  RUNTIME_BENCH_OUT=path.
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { buildBenchGraph } from '../src/core/runtime/benchGraph';
import { createNodeBackend } from '../src/core/runtime/ortNode';
import type { ModelSession } from '../src/core/runtime/session';

const OUT = process.env.RUNTIME_BENCH_OUT ? new URL(`file://${process.env.RUNTIME_BENCH_OUT}`) : new URL('./results/runtime.json', import.meta.url);
const THREADS = (process.env.RUNTIME_BENCH_THREADS ?? '1,2').split(',').map(Number);
const WITH_WEB = process.env.RUNTIME_BENCH_WEB !== '0';
const WARMUP = 5;
const ROUNDS = 10;
const CALLS_PER_ROUND = 5;

interface Stats { calls: number; medianMs: number; p10Ms: number; p90Ms: number; meanMs: number; gflops: number }

function stats(ms: number[], flops: number): Stats {
  const s = [...ms].sort((a, b) => a - b);
  const q = (p: number) => s[Math.min(s.length - 1, Math.floor(p * s.length))];
  const round = (v: number) => Math.round(v * 1000) / 1000;
  return { calls: s.length, medianMs: round(q(0.5)), p10Ms: round(q(0.1)), p90Ms: round(q(0.9)),
    meanMs: round(s.reduce((a, b) => a + b, 0) / s.length), gflops: round(flops / (q(0.5) / 1000) / 1e9) };
}

async function main(): Promise<void> {
  const graph = buildBenchGraph();
  const feeds = graph.feeds(1);
  const threadName = (n: number) => `node-cpu-${n}-thread${n === 1 ? '' : 's'}`;
  const configs: { name: string; session: ModelSession }[] = [];
  for (const n of THREADS) configs.push({ name: threadName(n), session: await createNodeBackend().createSession(graph.bytes, { numThreads: n }) });
  if (WITH_WEB) {
    const { createWebBackend } = await import('../src/core/runtime/ortWeb');
    const web = createWebBackend({ wasmPaths: null, numThreads: 1, providers: ['wasm'] });
    configs.push({ name: 'web-wasm-1-thread-in-node', session: await web.createSession(graph.bytes) });
  }
  const times = new Map<string, number[]>(configs.map((c) => [c.name, []]));
  for (const c of configs) for (let i = 0; i < WARMUP; i++) await c.session.run(feeds);
  for (let r = 0; r < ROUNDS; r++) {
    for (const c of configs) {
      for (let i = 0; i < CALLS_PER_ROUND; i++) {
        const t0 = performance.now();
        await c.session.run(feeds);
        times.get(c.name)!.push(performance.now() - t0);
      }
    }
  }
  const results = Object.fromEntries(configs.map((c) => [c.name, stats(times.get(c.name)!, graph.flops)]));
  const one = results[threadName(1)];
  const ratio = (a: number, b: number) => Math.round((a / b) * 1000) / 1000;
  const ratios: Record<string, number> = {};
  for (const n of THREADS.filter((t) => t !== 1)) {
    ratios[`speedup${n}vs1Threads`] = ratio(one.medianMs, results[threadName(n)].medianMs);
    // The fastest decile is the least disturbed by other processes: the closest to an idle machine's ratio.
    ratios[`speedup${n}vs1ThreadsP10`] = ratio(one.p10Ms, results[threadName(n)].p10Ms);
  }
  if (WITH_WEB) ratios.webWasmVsNode1Thread = ratio(results['web-wasm-1-thread-in-node'].medianMs, one.medianMs);
  const report = {
    bench: 'runtime',
    date: new Date().toISOString(),
    machine: { cpus: cpus().length, model: cpus()[0]?.model ?? '', loadavg1m: loadavg()[0], node: process.version },
    graph: { ...graph.config, batch: 1, bytes: graph.bytes.byteLength, gflopPerCall: graph.flops / 1e9 },
    method: `median of ${ROUNDS}×${CALLS_PER_ROUND} calls per configuration after ${WARMUP} warm-up calls, interleaved by round`,
    results,
    ratios,
    notes: 'On a shared machine the multi-thread speed-up is bounded by the cores other processes leave free (see loadavg1m).',
  };
  console.table(Object.entries(results).map(([name, s]) => ({ name, ...s })));
  console.log(ratios);
  mkdirSync(new URL('.', OUT), { recursive: true });
  writeFileSync(OUT, `${JSON.stringify(report, null, 2)}\n`);
  for (const c of configs) await c.session.dispose();
}

await main();
