// The alignbeam engine behind workers/llm.worker.ts (AlignbeamApi), independent of the worker so Node tests drive
// it in-thread. It holds the loaded pair (models reused across loadPair calls by reference), the CSV suites the user
// added, and one job at a time: a second call while one runs gets EngineBusyError; alignbeamCancel aborts the job
// (a sweep returns the rows it finished with cancelled: true, an evaluation rejects with CancelledError). An
// evaluation's results carry each method's reply relevance and judge calibration (runQuality.ts).
import type { CausalLM } from '../lm/causalLm';
import { EngineBusyError } from '../runtime/errors';
import { PlannedProgress } from '../runtime/progress';
import { PairNotLoadedError, SuiteError } from './errors';
import { evaluateMethods, sweepGrid } from './evaluate';
import type { LoadModelOptions } from './loadModel';
import { AlignbeamPair, generatePlan } from './pair';
import { methodQuality } from './runQuality';
import { BUILTIN_SUITES, parseCsvSuite, parseHeldoutJsonl } from './suites';
import type { AlignbeamApi, AlignbeamProgress, BuiltinSuite, PairSpec, Suite, SuiteName } from './types';

export interface AlignbeamEngineDeps {
  loadModel: (ref: string, o?: LoadModelOptions) => Promise<CausalLM>;
  /** Text of a held-out JSONL suite (models/forge/heldout/<name>.jsonl). */
  builtinSuite: (name: BuiltinSuite) => Promise<string>;
}

export interface AlignbeamEngine extends AlignbeamApi {
  /** The loaded pair (in-thread use and tests). */
  readonly pair: AlignbeamPair | null;
}

export function createAlignbeamEngine(deps: AlignbeamEngineDeps): AlignbeamEngine {
  const models = new Map<string, CausalLM>();
  const csvSuites = new Map<string, Suite>();
  const builtins = new Map<string, Suite>();
  let pair: AlignbeamPair | null = null;
  let running: { label: string; controller: AbortController } | null = null;

  async function job<T>(label: string, fn: (signal: AbortSignal) => Promise<T>): Promise<T> {
    if (running) throw new EngineBusyError(running.label);
    const controller = new AbortController();
    running = { label, controller };
    try {
      return await fn(controller.signal);
    } finally {
      running = null;
    }
  }

  const needPair = (): AlignbeamPair => {
    if (!pair) throw new PairNotLoadedError();
    return pair;
  };

  async function suite(name: SuiteName): Promise<Suite> {
    const csv = csvSuites.get(name);
    if (csv) return csv;
    if ((BUILTIN_SUITES as readonly string[]).includes(name)) {
      let s = builtins.get(name);
      if (!s) builtins.set(name, (s = parseHeldoutJsonl(name, await deps.builtinSuite(name as BuiltinSuite))));
      return s;
    }
    throw new SuiteError(name, `unknown suite (built in: ${BUILTIN_SUITES.join(', ')}; added: ${[...csvSuites.keys()].join(', ') || 'none'})`);
  }

  return {
    get pair() { return pair; },

    alignbeamLoadPair: (spec: PairSpec, onProgress?: (p: AlignbeamProgress) => void) => job('load model pair', async (signal) => {
      const refs = [spec.target, spec.anchor, spec.judge, ...(spec.anchorSame ? [spec.anchorSame] : [])];
      const unique = [...new Set(refs)];
      // a model is reused only when loaded with the same dtype choice (another choice may mean another ONNX file)
      const dtype = spec.dtype ?? 'auto';
      const keyOf = (ref: string) => `${dtype} ${ref}`;
      for (const [i, ref] of unique.entries()) {
        if (models.has(keyOf(ref))) continue;
        onProgress?.({ kind: 'load', stage: ref, fraction: i / (unique.length + 1) });
        models.set(keyOf(ref), await deps.loadModel(ref, {
          signal, dtype,
          onProgress: (e) => { if (e.status === 'total') onProgress?.({ kind: 'load', stage: ref, fraction: (i + e.percent / 100) / (unique.length + 1) }); },
        }));
      }
      const wanted = new Set(unique.map(keyOf));
      for (const [key, lm] of [...models]) if (!wanted.has(key)) { models.delete(key); await lm.dispose(); }
      const get = (ref: string) => models.get(keyOf(ref))!;
      pair = new AlignbeamPair(
        { target: get(spec.target), anchor: get(spec.anchor), judge: get(spec.judge), anchorSame: spec.anchorSame ? get(spec.anchorSame) : null },
        { target: spec.target, anchor: spec.anchor, judge: spec.judge, anchorSame: spec.anchorSame },
      );
      onProgress?.({ kind: 'load', stage: 'vocabulary bridge', fraction: unique.length / (unique.length + 1) });
      pair.bridge(pair.models.anchor, 'text'); // built once per pair, here rather than on the first prompt
      onProgress?.({ kind: 'load', stage: 'ready', fraction: 1 });
      return pair.info();
    }),

    alignbeamPlayground: (prompt, settings, onProgress) => job('playground', async (signal) => {
      const p = needPair();
      // one bar over both methods: every decode step and the judging, sized before the first token
      const methods = ['target-only', 'alignbeam'] as const;
      const progress = new PlannedProgress(methods.flatMap((m) => generatePlan(m, settings).map((s) => ({ name: `${m} ${s.stage}`, units: s.units }))),
        (e) => onProgress?.({ kind: 'playground', done: e.done, total: e.total, method: e.stage.startsWith('target-only') ? 'target-only' : 'alignbeam', label: e.label }));
      const what = { decode: 'token', 'target candidate': "the target's own answer, token", judge: 'judging' };
      const run = (m: (typeof methods)[number]) => p.generate(m, prompt, settings, signal, (stage, done, total) =>
        progress.step(`${m} ${stage}`, done, total, `${m}: ${what[stage]}${stage === 'judge' ? '' : ` ${done}/${total}`}`));
      progress.report('target-only decode', 0, 'target-only: reading the prompt');
      const targetOnly = await run('target-only');
      const alignbeam = await run('alignbeam');
      progress.end();
      return { targetOnly, alignbeam };
    }),

    alignbeamBridgeReport: (kind, prompts) => job('bridge report', async () => {
      const p = needPair();
      const list = prompts ?? (await Promise.all(['harmful', 'tasks', 'benign'].map((n) => suite(n)))).flatMap((s) => s.items.slice(0, 3).map((i) => i.prompt));
      return p.bridgeReport(kind, list);
    }),

    alignbeamAddCsvSuite: async ({ name, csv }) => {
      if ((BUILTIN_SUITES as readonly string[]).includes(name)) throw new SuiteError(name, 'this name belongs to a built-in suite; pick another');
      const { suite: s, format } = parseCsvSuite(name, csv);
      csvSuites.set(name, s);
      return { name, size: s.items.length, format };
    },

    alignbeamEvaluate: (options, onProgress) => job('evaluate', async (signal) => {
      const p = needPair();
      const suites = await Promise.all(options.suites.map(suite));
      const results = await evaluateMethods(p, options.methods, suites, options.limit, options.settings, { signal, onProgress });
      // relevance and judge calibration travel with each method's results (the panel, the JSON download)
      return results.map((r) => ({ ...r, quality: methodQuality(r, suites) }));
    }),

    alignbeamSweep: (grid, base, suiteNames, limit, onProgress) => job('sweep', async (signal) => {
      const p = needPair();
      const suites = await Promise.all(suiteNames.map(suite));
      return sweepGrid(p, grid, base, suites, limit, { signal, onProgress });
    }),

    alignbeamCancel: async () => {
      running?.controller.abort();
    },
  };
}
