// Scale bench of the lab engine for EAP / EAP-IG on real-width family decoders (issue 18 item 5), Node half:
// SmolLM2-135M and Qwen2.5-0.5B configs with random weights (bench/labScaleCase.ts), each (config, B, T) case in
// a fresh `nice` child process because jax-js's wasm memory only grows: its size after a stage is that stage's
// high-water mark. Per case: parameter bytes, engine (wasm) memory and peak RSS after building the weights,
// after the clean + corrupted acts forwards and after the EAP gradient call, and the time of each call (first =
// trace + compile + run, then run only, with its CPU time). Derived: EAP-IG (m = 5) per batch = 2 acts + 5 grad
// calls, and a formula estimate of the memory (scaleFormula.ts) printed beside the measurement.
// Run: npx tsx bench/lab-scale.ts [--cases smollm2-135m:1x16,qwen2.5-0.5b:4x64,smollm2-135m:1x16:runner]
//   → bench/results/lab-scale.json (`:runner` measures through circuits' CircuitRunner instead of decoderForward)
// (`--case NAME B T` is the child mode). The browser half (bench/lab-scale-browser.ts) adds its section to the
// same JSON.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { normalizeConfig } from '../src/core/lm/families';
import type { ScaleCaseResult, ScaleEngine } from './labScaleCase';
import { SCALE_CONFIGS, watchWasmMemory } from './labScaleConfigs';
import { eapIgPlan, maxTokensPerGradCall, preparedPairsBytes, scaleFormula } from './scaleFormula';

const HERE = dirname(fileURLToPath(import.meta.url));
const OUT = join(HERE, 'results', 'lab-scale.json');
const DEFAULT_CASES = [
  'smollm2-135m:1x16', 'smollm2-135m:1x64', 'smollm2-135m:4x16', 'smollm2-135m:4x64',
  'qwen2.5-0.5b:1x16', 'qwen2.5-0.5b:1x64', 'qwen2.5-0.5b:4x16', 'qwen2.5-0.5b:4x64',
];
const MiB = 2 ** 20;

async function child(name: string, B: number, T: number, engine: ScaleEngine): Promise<void> {
  const memory = watchWasmMemory(); // before jax-js is first imported (labScaleConfigs.ts)
  const { runScaleCase } = await import('./labScaleCase');
  const r = await runScaleCase(name, B, T, { memory, rss: () => process.memoryUsage().rss, cpuMs: () => process.cpuUsage().user / 1000 + process.cpuUsage().system / 1000 },
    (s) => process.stderr.write(`${s}\n`), undefined, engine);
  process.stdout.write(`RESULT ${JSON.stringify({ ...r, maxRssBytes: process.resourceUsage().maxRSS * 1024 })}\n`);
}

function runCase(spec: string): CaseRow {
  const [name, bt, engineText] = spec.split(':');
  const [B, T] = bt.split('x').map(Number);
  const engine: ScaleEngine = engineText === 'runner' ? 'runner' : 'decoder';
  if (!SCALE_CONFIGS[name] || !(B > 0) || !(T > 0)) throw new Error(`bad case "${spec}": want NAME:BxT with NAME one of ${Object.keys(SCALE_CONFIGS).join(', ')}`);
  const p = spawnSync('nice', ['-n', '10', process.execPath, '--import', 'tsx', fileURLToPath(import.meta.url), '--case', name, String(B), String(T), engine],
    { cwd: resolve(HERE, '..'), encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 64 * MiB });
  const line = p.stdout.split('\n').find((l) => l.startsWith('RESULT '));
  if (!line) {
    // the process died (e.g. killed for memory) before reporting: say so in the record instead of losing the case
    return { config: name, engine, B, T, device: 'wasm', why: '', paramCount: 0, stages: [], failed: { stage: 'params', message: `child exited ${p.status ?? p.signal} without a result` } };
  }
  return JSON.parse(line.slice(7));
}

type CaseRow = ScaleCaseResult & { maxRssBytes?: number };

/** A measured case with the formula beside it and the derived EAP-IG (m = 5) cost per batch. */
function withFormula(r: CaseRow, paramCount: (c: ReturnType<typeof normalizeConfig>) => number) {
  const c = normalizeConfig(SCALE_CONFIGS[r.config]);
  const formula = scaleFormula(c, r.B, r.T, paramCount(c));
  const grad = r.stages.find((s) => s.stage === 'grad');
  return {
    ...r, engine: r.engine ?? 'decoder', formula, eapIg5: r.failed ? null : eapIgPlan(r, 5),
    measuredOverFormula: grad?.memoryBytes && !r.failed ? +(grad.memoryBytes / formula.gradPeakBytes).toFixed(2) : null,
  };
}

/** Per config: what the formula says fits wasm32, and what prepared pairs cost (A and C of every pair). */
function configPlans(paramCount: (c: ReturnType<typeof normalizeConfig>) => number) {
  return Object.fromEntries(Object.keys(SCALE_CONFIGS).map((name) => {
    const c = normalizeConfig(SCALE_CONFIGS[name]);
    const P = paramCount(c);
    return [name, {
      params: P, paramBytes: 4 * P, maxTokensPerGradCallInWasm32: maxTokensPerGradCall(c, P),
      preparedPairsBytes32x32: preparedPairsBytes(c, 32, 32),
    }];
  }));
}

async function main(): Promise<void> {
  const at = process.argv.indexOf('--case');
  if (at >= 0) return child(process.argv[at + 1], Number(process.argv[at + 2]), Number(process.argv[at + 3]), process.argv[at + 4] === 'runner' ? 'runner' : 'decoder');
  const { decoderParamCount } = await import('../src/core/lab/decoderParams');
  if (process.argv.includes('--formula-only')) {
    // recompute the formula columns of the cases already in the JSON (after a formula change), measure nothing
    const prev = JSON.parse(readFileSync(OUT, 'utf8'));
    prev.node.cases = prev.node.cases.map((r: CaseRow) => withFormula(r, decoderParamCount));
    prev.node.plans = configPlans(decoderParamCount);
    writeFileSync(OUT, JSON.stringify(prev, null, 2) + '\n');
    console.log(JSON.stringify(prev.node.plans, null, 2));
    return;
  }
  const ci = process.argv.indexOf('--cases');
  const cases = ci >= 0 ? process.argv[ci + 1].split(',') : DEFAULT_CASES;
  const loadBefore = loadavg();
  const rows = [];
  for (const spec of cases) {
    const load = loadavg();
    const row = { ...withFormula(runCase(spec), decoderParamCount), loadBefore: load };
    const { formula, eapIg5: plan, ...r } = row;
    rows.push(row);
    const st = (s: string) => r.stages.find((x) => x.stage === s);
    const mem = (s: string) => ((st(s)?.memoryBytes ?? NaN) / MiB).toFixed(0);
    console.log(`${r.config.padEnd(13)} ${r.engine.padEnd(7)} B${r.B} T${String(r.T).padEnd(3)} wasm MiB params ${mem('params')} acts ${mem('acts')} grad ${mem('grad')}`
      + ` (formula ${(formula.gradPeakBytes / MiB).toFixed(0)}) | acts ${st('acts')?.ms?.toFixed(0) ?? '-'} ms grad ${st('grad')?.ms?.toFixed(0) ?? '-'} ms`
      + (plan ? ` | EAP-IG(5) ${(plan.perBatchMs / 1000).toFixed(1)} s/batch` : '') + (r.failed ? ` | FAILED at ${r.failed.stage}: ${r.failed.message}` : ''));
  }
  const prev = existsSync(OUT) ? JSON.parse(readFileSync(OUT, 'utf8')) : {};
  // cases measured before and not re-run stay (a run can add a few cases without repeating the long ones)
  const key = (r: { config: string; B: number; T: number; engine?: ScaleEngine }) => `${r.config}:${r.B}x${r.T}:${r.engine ?? 'decoder'}`;
  const fresh = new Set(rows.map(key));
  const kept = ((prev.node?.cases ?? []) as CaseRow[]).filter((r) => !fresh.has(key(r)));
  const allRows = [...kept, ...rows].sort((a, b) => a.config.localeCompare(b.config) || a.B * a.T - b.B * b.T || a.B - b.B);
  mkdirSync(dirname(OUT), { recursive: true });
  writeFileSync(OUT, JSON.stringify({
    ...prev,
    bench: 'lab-scale', date: new Date().toISOString(),
    node: {
      runtime: `Node ${process.versions.node}, @jax-js/jax wasm backend (one thread: Node has no global Worker)`,
      machine: { cpus: cpus().length, cpuModel: cpus()[0]?.model, memGiB: +(totalmem() / 2 ** 30).toFixed(1) },
      load: { before: loadBefore, after: loadavg(), note: 'loadBefore per case: load average when it started (shared 2-core machine)' },
      note: 'memoryBytes = wasm memory size after the stage (high-water mark: the allocator never shrinks it); ms = second call, firstMs = first (trace + compile + run); each case a fresh niced process; weights random N(0, 0.02) at real width',
      cases: allRows,
      plans: configPlans(decoderParamCount),
    },
  }, null, 2) + '\n');
  console.log(`wrote ${OUT}`);
}

await main();
