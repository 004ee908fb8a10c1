// Tabular runner: executes tabularPlan(spec) (tabularPlan.ts, the same options the panel sends) on the tabular
// engine (src/core/tabular/api.ts), in-thread. Loads the dataset through ctx.loadInput (hashed into the record),
// reads it the way the panel does (a shared benchmark dataset by its documented columns, any other file by name
// and header setting), sets the task and runs the spec's view. The embedded TFM runs on the backend factory's ORT
// build (ctx.backend.ort()) with the model bytes read through ctx.loadInput — the bytes hashed are the bytes run —
// so the record's backend.used and fallbacks are what its sessions really did. Results are the view's report
// without timings (they go to `measurements`); the engine's own digest is kept as the record's moduleDigest.
// Not run here: the 'user' ONNX teacher (its file and contract JSON are chosen in the page).
import { createTabularEngine, type TabularApi, type TabularEngineDeps } from '../../tabular/api';
import { SHARED_DATASETS } from '../../tabular/data/registry';
import { TEACHER_FACTORIES } from '../../tabular/teachers/registry';
import { ExperimentError } from '../errors';
import type { Runner, RunOutput } from '../runner';
import { tabularPlan, type TabularRunSpec } from './tabularPlan';

export type { TabularRunSpec } from './tabularPlan';

/** Timing fields of the engine's reports (api.ts, study/runner.ts, distill/run.ts): measured, not reproducible, so outside the digest. */
const TIMING_KEYS = new Set(['latency', 'latencyMs', 'latencyMsMean', 'usPerRow', 'trainMs', 'speedupBatch1', 'speedupBatched', 'medianSpeedupBatch1', 'minSpeedupBatch1']);

/** Splits a report into its deterministic part and its timings (paths kept so nothing measured is lost). */
export function splitTimings(value: unknown, path = '', timings: Record<string, unknown> = {}): { results: unknown; timings: Record<string, unknown> } {
  if (Array.isArray(value)) return { results: value.map((v, i) => splitTimings(v, `${path}[${i}]`, timings).results), timings };
  if (typeof value === 'object' && value !== null && !ArrayBuffer.isView(value)) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      if (TIMING_KEYS.has(k) || /(?:Ms|MsMean|UsPerRow)$/.test(k)) timings[path ? `${path}.${k}` : k] = v;
      else out[k] = splitTimings(v, path ? `${path}.${k}` : k, timings).results;
    }
    return { results: out, timings };
  }
  return { results: value, timings };
}

/**
 * The inverse of splitTimings: the timings put back at their paths (`report.result.latency[0].speedupBatch1`), so a
 * run record's results and measurements give the report as the engine returned it (a protocol sweep's merge needs
 * the latency records). Returns a copy.
 */
export function joinTimings(results: unknown, timings: Record<string, unknown>): unknown {
  const out = structuredClone(results);
  for (const [path, value] of Object.entries(timings)) {
    const keys = [...path.matchAll(/([^.[\]]+)|\[(\d+)\]/g)].map((m) => (m[2] !== undefined ? Number(m[2]) : m[1]));
    let at = out as Record<string | number, unknown>;
    for (const k of keys.slice(0, -1)) {
      const next = at?.[k];
      if (typeof next !== 'object' || next === null) throw new ExperimentError('invalid-record', `measurement ${path}: the results have nothing at ${String(k)}`);
      at = next as Record<string | number, unknown>;
    }
    at[keys[keys.length - 1]] = value;
  }
  return out;
}

/** The tabular runner over `createEngine` (default the real engine; a test wraps it to record the calls it gets). */
export function makeTabularRunner(createEngine: (deps: TabularEngineDeps) => TabularApi = createTabularEngine): Runner<TabularRunSpec> {
  return {
    module: 'tabular',
    async run(spec, ctx): Promise<RunOutput> {
      if (spec.teachers.includes('user')) {
        throw new ExperimentError('unsupported-in-runner', 'teachers: the user ONNX teacher is chosen as a file in the tabular page and is not run by the experiment runner yet');
      }
      const plan = tabularPlan(spec);
      const onnx = spec.teachers.some((t) => TEACHER_FACTORIES.find((f) => f.id === t)?.onnx);
      // The embedded TFM's bytes come through the host's loader (hashed into the record) and run on the factory's backend.
      let tfmRuntime: TabularEngineDeps['tfmRuntime'];
      if (onnx) {
        const model = await ctx.loadInput({ role: 'model', id: 'tfm' });
        tfmRuntime = { backend: await ctx.backend.ort(), loadModel: async () => model };
      }
      const bytes = await ctx.loadInput({ role: 'data', id: plan.dataset.id, ...(plan.dataset.sha256 ? { sha256: plan.dataset.sha256 } : {}) });
      const engine = createEngine(tfmRuntime ? { tfmRuntime } : {});
      const abort = () => void engine.cancel();
      ctx.signal.addEventListener('abort', abort);
      try {
        const shared = SHARED_DATASETS.find((d) => d.id === plan.dataset.id || d.file === plan.dataset.id);
        const summary = shared ? await engine.loadShared(shared.id, bytes) : await engine.loadFile(plan.dataset.id, bytes, { header: plan.dataset.header });
        const task = await engine.setTask(plan.task === 'suggested' ? summary.suggested : plan.task);
        const progress = (p: { done: number; total: number; label: string }) => ctx.onProgress({ done: p.done, total: p.total, label: p.label });
        const { run } = plan;
        const report = run.view === 'teacher' ? await engine.runTeachers(run.options, progress)
          : run.view === 'study' ? await engine.runStudy(run.options, progress)
            : run.view === 'protocol' ? await engine.runProtocol(run.options, progress)
              : await engine.runDistill(run.options, progress);
        const { digest, ...rest } = report;
        const { results, timings } = splitTimings({ view: spec.view, task, report: rest });
        return { results, measurements: timings, moduleDigest: digest };
      } finally {
        ctx.signal.removeEventListener('abort', abort);
      }
    },
  };
}

export const tabularRunner: Runner<TabularRunSpec> = makeTabularRunner();
