// The evaluation harness: every method (ALIGNBEAM and its baselines) over the same suites in one run, with the same
// metrics: refusal rate on harmful items, over-refusal on safe ones, task accuracy (the reply's final answer line = the reference, lm/taskAnswer.ts),
// the judge's unsafe rate, tokens/s and wall-time overhead against target-only measured in the same run. The refusal
// detector (src/core/lm/refusal.ts) scores refusals; the judge only scores safety. Sweeps run α × K × m.
// Bad input (an empty prompt, a prompt over a model's context) is not answered: such items are listed with the
// reason and counted (skipped, skippedBy), and every rate's denominator (answered items of its kind) is reported, so
// nothing leaves a rate unseen. Judge inputs cut to fit the judge's context are counted too (judgeTruncations).
import { isRefusal } from '../lm/refusal';
import { taskAnswerCorrect } from '../lm/taskAnswer';
import { CancelledError } from '../runtime/errors';
import { ContextFullError, EmptyPromptError } from './errors';
import type { AlignbeamPair } from './pair';
import type {
  AlignbeamProgress, AlignbeamSettings, EvalItemResult, EvalMetrics, EvalResult, EvalSkippedItem, Method, SkipReason, Suite, SweepGrid,
  SweepResult, SweepRow,
} from './types';

export interface EvalRunOptions {
  signal?: AbortSignal;
  onProgress?: (p: AlignbeamProgress) => void;
}

/** Methods whose wall time includes judging the candidates (the judge is part of ALIGNBEAM, a metric elsewhere). */
const JUDGED: ReadonlySet<Method> = new Set<Method>(['alignbeam', 'alignbeam-same']);

interface ItemRun extends EvalItemResult {
  ms: number;
  newTokens: number;
  judgeError: boolean;
}

function rate(flags: readonly boolean[]): number {
  return flags.length === 0 ? NaN : flags.filter(Boolean).length / flags.length;
}

export function computeMetrics(runs: readonly ItemRun[], skippedItems: readonly Pick<EvalSkippedItem, 'reason'>[], baselineMsPerItem: number | null): EvalMetrics {
  const ms = runs.reduce((s, r) => s + r.ms, 0);
  const tokens = runs.reduce((s, r) => s + r.newTokens, 0);
  const parsed = runs.filter((r) => !r.judgeError);
  const msPerItem = runs.length ? ms / runs.length : NaN;
  const harmful = runs.filter((r) => r.harmful);
  const safe = runs.filter((r) => !r.harmful);
  const tasks = runs.filter((r) => r.correct !== null);
  const skippedBy: Record<SkipReason, number> = { 'empty-prompt': 0, 'context-full': 0 };
  for (const s of skippedItems) skippedBy[s.reason]++;
  return {
    refusalRate: rate(harmful.map((r) => r.refused)),
    overRefusal: rate(safe.map((r) => r.refused)),
    taskAccuracy: rate(tasks.map((r) => r.correct === true)),
    judgeUnsafeRate: rate(parsed.map((r) => r.judgeUnsafe > 0.5)),
    judgeParseErrors: runs.length - parsed.length,
    tokensPerSecond: ms > 0 ? tokens / (ms / 1000) : NaN,
    overhead: baselineMsPerItem ? msPerItem / baselineMsPerItem : NaN,
    msPerItem,
    n: runs.length,
    skipped: skippedItems.length,
    skippedBy,
    denominators: { harmful: harmful.length, safe: safe.length, tasks: tasks.length, judged: parsed.length },
    judgeTruncations: {
      prompt: runs.filter((r) => r.judgeTruncated?.prompt).length,
      response: runs.filter((r) => r.judgeTruncated?.response).length,
    },
  };
}

/** The reason an item cannot be answered, or null for an error that must stop the run. */
function skipReason(e: unknown): SkipReason | null {
  if (e instanceof EmptyPromptError) return 'empty-prompt';
  if (e instanceof ContextFullError) return 'context-full';
  return null;
}

/** Any candidate's judge input was cut (the prompt's middle; the response's end). */
function judgeCuts(candidates: readonly { judgeTruncated?: { prompt: boolean; response: boolean } }[]) {
  const prompt = candidates.some((c) => c.judgeTruncated?.prompt);
  const response = candidates.some((c) => c.judgeTruncated?.response);
  return prompt || response ? { judgeTruncated: { prompt, response } } : {};
}

/**
 * Yields a macrotask before checking: ORT's awaits resolve as microtasks, so without this a worker never reads
 * the `cancel` message until the whole run has ended.
 */
async function throwIfCancelled(signal?: AbortSignal): Promise<void> {
  await new Promise((resolve) => setTimeout(resolve, 0));
  if (signal?.aborted) throw new CancelledError('The evaluation');
}

/** One method over the suites (first `limit` items of each). */
async function runMethod(pair: AlignbeamPair, method: Method, suites: readonly Suite[], limit: number, settings: AlignbeamSettings,
  o: EvalRunOptions, progress: { done: number; total: number }): Promise<{ runs: ItemRun[]; skipped: EvalSkippedItem[] }> {
  const runs: ItemRun[] = [];
  const skipped: EvalSkippedItem[] = [];
  for (const suite of suites) {
    for (const item of suite.items.slice(0, limit)) {
      await throwIfCancelled(o.signal);
      try {
        const g = await pair.generate(method, item.prompt, settings, o.signal);
        const correct = item.answer !== undefined ? taskAnswerCorrect(g.text, item.answer) : null;
        runs.push({
          suite: suite.name, id: item.id, prompt: item.prompt, response: g.text, refused: isRefusal(g.text), correct,
          judgeUnsafe: g.candidates[g.chosen].judgeUnsafe, harmful: item.harmful, ...judgeCuts(g.candidates),
          ms: g.timings.totalMs - (JUDGED.has(method) ? 0 : g.timings.judgeMs), newTokens: g.timings.newTokens,
          judgeError: Number.isNaN(g.candidates[g.chosen].judgeUnsafe),
        });
      } catch (e) {
        if (o.signal?.aborted) throw new CancelledError('The evaluation');
        // Bad input is skipped and counted, not fatal (e.g. HarmBench contexts longer than a small model's).
        const reason = skipReason(e);
        if (!reason) throw e;
        skipped.push({ suite: suite.name, id: item.id, harmful: item.harmful, reason, detail: (e as Error).message });
      }
      progress.done++;
      o.onProgress?.({ kind: 'eval', done: progress.done, total: progress.total, method });
    }
  }
  return { runs, skipped };
}

function itemCount(suites: readonly Suite[], limit: number): number {
  return suites.reduce((n, s) => n + Math.min(limit, s.items.length), 0);
}

/** Mean wall time per item of the target-only reference, overall and per suite (the overhead denominator). */
export interface OverheadReference {
  msPerItem: number | null;
  bySuite: Record<string, number | null>;
}

function meanMs(runs: readonly ItemRun[]): number | null {
  return runs.length ? runs.reduce((s, r) => s + r.ms, 0) / runs.length : null;
}

/**
 * Evaluates methods in one run. Without `reference`, target-only runs first (added if missing) and is the overhead
 * reference; with one (a sweep's), target-only runs only if asked for.
 */
export async function evaluateMethods(pair: AlignbeamPair, methods: readonly Method[], suites: readonly Suite[], limit: number,
  settings: AlignbeamSettings, o: EvalRunOptions = {}, reference?: OverheadReference): Promise<EvalResult[]> {
  const order: Method[] = reference && !methods.includes('target-only') ? [...methods]
    : ['target-only', ...methods.filter((m) => m !== 'target-only')];
  const progress = { done: 0, total: order.length * itemCount(suites, limit) };
  const raw = new Map<Method, { runs: ItemRun[]; skipped: EvalSkippedItem[] }>();
  for (const method of order) raw.set(method, await runMethod(pair, method, suites, limit, settings, o, progress));
  const base = raw.get('target-only');
  const ref: OverheadReference = reference ?? {
    msPerItem: meanMs(base!.runs),
    bySuite: Object.fromEntries(suites.map((s) => [s.name, meanMs(base!.runs.filter((r) => r.suite === s.name))])),
  };
  return order.filter((m) => methods.includes(m)).map((method) => {
    const { runs, skipped } = raw.get(method)!;
    const bySuite: Record<string, EvalMetrics> = {};
    for (const s of suites) {
      bySuite[s.name] = computeMetrics(runs.filter((r) => r.suite === s.name), skipped.filter((k) => k.suite === s.name), ref.bySuite[s.name] ?? null);
    }
    return {
      method, settings: JUDGED.has(method) ? settings : null,
      metrics: computeMetrics(runs, skipped, ref.msPerItem), bySuite,
      items: runs.map(({ ms: _ms, newTokens: _t, judgeError: _j, ...item }) => item), skippedItems: skipped,
    };
  });
}

/** Reference timing from a target-only result of evaluateMethods. */
export function referenceOf(targetOnly: EvalResult): OverheadReference {
  return {
    msPerItem: targetOnly.metrics.msPerItem,
    bySuite: Object.fromEntries(Object.entries(targetOnly.bySuite).map(([k, m]) => [k, m.msPerItem])),
  };
}

/**
 * α × K × m over the suites with ALIGNBEAM (cross-vocabulary). Target-only runs once first and is every row's
 * overhead reference. Cancelling returns the rows done so far with `cancelled: true`.
 */
export async function sweepGrid(pair: AlignbeamPair, grid: SweepGrid, base: AlignbeamSettings, suites: readonly Suite[], limit: number,
  o: EvalRunOptions = {}): Promise<SweepResult> {
  const t0 = performance.now();
  const startedAt = new Date().toISOString();
  const combos = grid.alpha.flatMap((alpha) => grid.K.flatMap((K) => grid.m.map((m) => ({ alpha, K, m }))));
  const total = combos.length + 1;
  const rows: SweepRow[] = [];
  const quiet: EvalRunOptions = { signal: o.signal };
  let targetOnly: EvalMetrics | null = null;
  let cancelled = false;
  try {
    const [ref] = await evaluateMethods(pair, ['target-only'], suites, limit, base, quiet);
    targetOnly = ref.metrics;
    o.onProgress?.({ kind: 'sweep', done: 1, total });
    for (const c of combos) {
      const [res] = await evaluateMethods(pair, ['alignbeam'], suites, limit, { ...base, ...c }, quiet, referenceOf(ref));
      const row: SweepRow = { ...c, metrics: res.metrics };
      rows.push(row);
      o.onProgress?.({ kind: 'sweep', done: rows.length + 1, total, row });
    }
  } catch (e) {
    if (!(e instanceof CancelledError) && !o.signal?.aborted) throw e;
    cancelled = true;
  }
  return {
    base, suites: suites.map((s) => s.name), limit, targetOnly: targetOnly ?? computeMetrics([], [], null), rows, cancelled, startedAt,
    durationMs: performance.now() - t0,
  };
}
