// Tabular runner: the tabular spec (src/state/specs/tabular.ts) → the tabular engine (src/core/tabular/api.ts),
// in-thread. Loads the dataset through ctx.loadInput (hashed into the record), reads it the way the panel does
// (a shared benchmark dataset by its documented columns, any other file by name and header setting), sets the
// task and runs the spec's view. Results are the view's report without timings (they go to `measurements`); the
// engine's own digest (the one share links carry) is kept as the record's moduleDigest.
// Not run here: the 'user' ONNX teacher (its file and contract JSON are chosen in the page; the backend factory
// of issue #21 item 2 will carry them). The embedded 'tfm' runs on the host's default ORT runtime.
import { createTabularEngine, type DistillRunOptions, type TeacherRunOptions } from '../../tabular/api';
import type { HeaderMode } from '../../tabular/data/csv';
import { SHARED_DATASETS } from '../../tabular/data/registry';
import type { StrategyName } from '../../tabular/strategies';
import type { StudentKind } from '../../tabular/students/types';
import { TEACHER_FACTORIES } from '../../tabular/teachers/registry';
import type { BackendPreference } from '../../runtime/session';
import { ExperimentError } from '../errors';
import type { Runner, RunOutput } from '../runner';

/** The fields of the tabular spec this runner reads (src/state/experiments.ts checks TabularSpec satisfies it). */
export interface TabularRunSpec {
  seed: number;
  backend: BackendPreference;
  view: 'teacher' | 'study' | 'distill';
  dataset: { id: string; sha256?: string };
  target?: string | number;
  header?: HeaderMode;
  sensitive?: string;
  sensitiveThreshold?: number;
  teachers: string[];
  strategies: StrategyName[];
  contextSizes: number[];
  folds: number;
  cutoff: { criterion: 'youden' | 'f1'; onnxTeachers: boolean };
  distill: { labelling: 'oof' | 'naive'; temperature: number; hardLabelMix: number; students: StudentKind[] };
}

/** Timing fields of the engine's reports (api.ts, study/runner.ts, distill/run.ts): measured, not reproducible, so outside the digest. */
const TIMING_KEYS = new Set(['latency', 'latencyMs', 'latencyMsMean', 'usPerRow', 'trainMs', 'speedupBatch1', 'speedupBatched']);

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

function teacherOptions(s: TabularRunSpec): TeacherRunOptions {
  return { teachers: s.teachers, folds: s.folds, seed: s.seed, backend: s.backend, cutoff: s.cutoff };
}

function distillOptions(s: TabularRunSpec): DistillRunOptions {
  const d = s.distill;
  return { ...teacherOptions(s), students: d.students, labelling: d.labelling, temperature: d.temperature, hardLabelMix: d.hardLabelMix };
}

export const tabularRunner: Runner<TabularRunSpec> = {
  module: 'tabular',
  async run(spec, ctx): Promise<RunOutput> {
    if (spec.teachers.includes('user')) {
      throw new ExperimentError('unsupported-in-runner', 'teachers: the user ONNX teacher is chosen as a file in the tabular page and is not run by the experiment runner yet');
    }
    const onnx = spec.teachers.some((t) => TEACHER_FACTORIES.find((f) => f.id === t)?.onnx);
    // The embedded TFM's teacher reads models/tfm/onnx/model.onnx itself (Node: from disk; worker: the registered
    // loader); the same file is read here through the host's loader so its sha256 is in the record.
    if (onnx) await ctx.loadInput({ role: 'model', id: 'tfm' });
    const bytes = await ctx.loadInput({ role: 'data', id: spec.dataset.id, ...(spec.dataset.sha256 ? { sha256: spec.dataset.sha256 } : {}) });
    const engine = createTabularEngine();
    const abort = () => void engine.cancel();
    ctx.signal.addEventListener('abort', abort);
    try {
      const shared = SHARED_DATASETS.find((d) => d.id === spec.dataset.id || d.file === spec.dataset.id);
      const summary = shared ? await engine.loadShared(shared.id, bytes) : await engine.loadFile(spec.dataset.id, bytes, { header: spec.header ?? 'auto' });
      // as the panel does: the spec's task when it names one, else the dataset's suggested one (shared: documented)
      const choice = spec.target !== undefined ? { target: spec.target, sensitive: spec.sensitive, sensitiveThreshold: spec.sensitiveThreshold } : summary.suggested;
      const task = await engine.setTask(choice);
      const progress = (p: { done: number; total: number; label: string }) => ctx.onProgress({ done: p.done, total: p.total, label: p.label });
      const report = spec.view === 'teacher' ? await engine.runTeachers(teacherOptions(spec), progress)
        : spec.view === 'study' ? await engine.runStudy({ ...teacherOptions(spec), strategies: spec.strategies, sizes: spec.contextSizes }, progress)
          : await engine.runDistill(distillOptions(spec), progress);
      const { digest, ...rest } = report;
      const { results, timings } = splitTimings({ view: spec.view, task, report: rest });
      return {
        results, measurements: timings, moduleDigest: digest,
        backendUsed: onnx ? `js+onnxruntime-${ctx.host.runtime === 'node' ? 'node' : 'web'} (provider not yet reported by the tabular engine)` : 'js',
      };
    } finally {
      ctx.signal.removeEventListener('abort', abort);
    }
  },
};
