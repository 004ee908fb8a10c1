// The comparison view's model (no DOM, unit-tested): from two or more run records, the rows the page shows —
// the experiment specs side by side with the differing fields marked (paths `spec.pool.kind`, read from the
// canonical form the records' digests use, so 0.1+0.2 and 0.3 are one value), the environments, the input
// sha256s, the result digests, one table of the runs' numeric metrics, and the series to overlay as curves.
// Two records are also compared with compareRecords (reproduce.ts) so the page and "Reproduce" agree on what differs.
import { canonicalJson } from '../../core/experiments/canonical';
import type { RunRecord } from '../../core/experiments/record';

/** One field of the compared records: its value in each run (canonical JSON text, '—' when absent). */
export interface CompareRow { path: string; values: string[]; differs: boolean }

const ABSENT = '—';

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !ArrayBuffer.isView(v);
}

/** Leaf paths (`a.b.c`) of a JSON value → canonical JSON of the leaf; arrays are leaves (one cell, not one row per item). */
export function flattenLeaves(value: unknown, prefix = '', out: Map<string, string> = new Map()): Map<string, string> {
  if (isPlainObject(value) && Object.keys(value).length > 0) {
    for (const key of Object.keys(value).sort()) flattenLeaves(value[key], prefix ? `${prefix}.${key}` : key, out);
  } else {
    out.set(prefix || '(root)', canonicalJson(value));
  }
  return out;
}

function rowsOf(values: unknown[]): CompareRow[] {
  const flats = values.map((v) => flattenLeaves(v));
  const paths = [...new Set(flats.flatMap((f) => [...f.keys()]))].sort();
  return paths.map((path) => {
    const cells = flats.map((f) => f.get(path) ?? ABSENT);
    return { path, values: cells, differs: cells.some((c) => c !== cells[0]) };
  });
}

/** The part of a record that defines the run (what compareRecords compares as "spec"). */
export function experimentPart(record: RunRecord): Record<string, unknown> {
  const e = record.experiment;
  return { module: e.module, specVersion: e.specVersion, seed: e.seed, backend: e.backend, spec: e.spec };
}

/** Specs side by side: every leaf of every run's experiment, differing ones marked. */
export function specRows(records: RunRecord[]): CompareRow[] {
  return rowsOf(records.map(experimentPart));
}

/** Environments side by side (runtime, platform, git revision, package versions, backend requested/used). */
export function environmentRows(records: RunRecord[]): CompareRow[] {
  return rowsOf(records.map((r) => ({ ...r.environment, ...(r.backend ? { backend: { chosen: r.backend.chosen, used: r.backend.used, fallbacks: r.backend.fallbacks.length } } : {}) })));
}

/** Inputs by role:id → sha256 (absent where a run did not read it). */
export function inputRows(records: RunRecord[]): CompareRow[] {
  const byRun = records.map((r) => Object.fromEntries(r.inputs.map((i) => [`${i.role}:${i.id}`, i.sha256])));
  const keys = [...new Set(byRun.flatMap((m) => Object.keys(m)))].sort();
  return keys.map((path) => {
    const cells = byRun.map((m) => m[path] ?? ABSENT);
    return { path, values: cells, differs: cells.some((c) => c !== cells[0]) };
  });
}

/** The result digests (and the module's own link digests): one row each. */
export function digestRows(records: RunRecord[]): CompareRow[] {
  const row = (path: string, cells: string[]): CompareRow => ({ path, values: cells, differs: cells.some((c) => c !== cells[0]) });
  return [row('digest', records.map((r) => r.digest)), row('moduleDigest', records.map((r) => r.moduleDigest ?? ABSENT))];
}

// ---------------------------------------------------------------------------------------------------------------
// Metrics and curves

/** One metric: its value in each run (null where that run has none). */
export interface MetricRow { metric: string; values: (number | null)[]; differs: boolean }
/** One curve per run at a result path, x = index (or the result's own x where the module gives one). */
export interface CurveSet { name: string; xLabel: string; runs: { x: number; y: number | null }[][] }

const MAX_METRICS = 60;
const MAX_SERIES = 8;

const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);
const mean = (xs: (number | null)[]): number | null => {
  const f = xs.filter((x): x is number => x !== null);
  return f.length ? f.reduce((a, b) => a + b, 0) / f.length : null;
};

interface EnsemblesResults {
  strategies?: { id: string; label: string }[];
  scores?: Record<string, (number | null)[][]>;
  costs?: { strategy: string; meanCostMultiple: number }[];
  comparisons?: Record<string, { methods?: string[]; avgRanks?: number[] } | { error: string }>;
  diversity?: { meanQ?: number | null };
}

/** Named scalar metrics of one record: module-specific where the result shape is known, numeric leaves otherwise. */
export function metricsOf(record: RunRecord): Map<string, number> {
  const out = new Map<string, number>();
  if (record.experiment.module === 'ensembles' && isPlainObject(record.results)) {
    const r = record.results as EnsemblesResults;
    const labels = (r.strategies ?? []).map((s) => s.id);
    for (const [metric, table] of Object.entries(r.scores ?? {})) {
      labels.forEach((id, s) => {
        const m = mean(table.map((row) => num(row[s])));
        if (m !== null) out.set(`mean ${metric}: ${id}`, m);
      });
    }
    for (const [metric, c] of Object.entries(r.comparisons ?? {})) {
      if ('avgRanks' in c && c.methods && c.avgRanks) c.methods.forEach((m, i) => out.set(`avg rank (${metric}): ${m}`, c.avgRanks![i]));
    }
    for (const c of r.costs ?? []) out.set(`cost multiple: ${c.strategy}`, c.meanCostMultiple);
    const q = num(r.diversity?.meanQ);
    if (q !== null) out.set("mean Yule's Q", q);
    return out;
  }
  // generic: numeric leaves of the results, shallow first (arrays are curves, not metrics)
  for (const [path, text] of flattenLeaves(record.results)) {
    const v = num(JSON.parse(text));
    if (v !== null) out.set(path, v);
  }
  return out;
}

/** One table of the runs' numeric metrics (union of names, in first-seen order), capped at 60 rows. */
export function metricTable(records: RunRecord[]): MetricRow[] {
  const maps = records.map(metricsOf);
  const names: string[] = [];
  for (const m of maps) for (const k of m.keys()) if (!names.includes(k)) names.push(k);
  return names.slice(0, MAX_METRICS).map((metric) => {
    const values = maps.map((m) => m.get(metric) ?? null);
    return { metric, values, differs: values.some((v) => canonicalJson(v) !== canonicalJson(values[0])) };
  });
}

/** Numeric 1-D arrays (length ≥ 3) in a result: path → values. Loss curves, AUC vs context size, per-fold scores. */
function seriesIn(value: unknown, prefix = '', out: Map<string, (number | null)[]> = new Map()): Map<string, (number | null)[]> {
  if (Array.isArray(value)) {
    if (value.length >= 3 && value.every((v) => v === null || typeof v === 'number')) out.set(prefix, value.map(num));
    else value.forEach((v, i) => { if (isPlainObject(v)) seriesIn(v, `${prefix}[${i}]`, out); });
  } else if (isPlainObject(value)) {
    for (const key of Object.keys(value).sort()) seriesIn(value[key], prefix ? `${prefix}.${key}` : key, out);
  }
  return out;
}

/** The curves to overlay: for ensembles each strategy's score per dataset (the spec's metric); otherwise shared numeric series. */
export function curveSets(records: RunRecord[]): CurveSet[] {
  const perRun: Map<string, (number | null)[]>[] = records.map((record) => {
    if (record.experiment.module === 'ensembles' && isPlainObject(record.results)) {
      const r = record.results as EnsemblesResults;
      const out = new Map<string, (number | null)[]>();
      // the spec's own metric (the one its ranks use), else the first the results have
      const wanted = record.experiment.spec.metric;
      const [metric, table] = (typeof wanted === 'string' && r.scores?.[wanted] ? [wanted, r.scores[wanted]] : Object.entries(r.scores ?? {})[0]) ?? [];
      if (metric && table) (r.strategies ?? []).forEach((s, i) => out.set(`${metric} per dataset: ${s.id}`, table.map((row) => num(row[i]))));
      return out;
    }
    return seriesIn(record.results);
  });
  // only series every run has (an overlay needs something to lay over), at most MAX_SERIES of them
  const shared = [...(perRun[0]?.keys() ?? [])].filter((name) => perRun.every((m) => m.has(name))).slice(0, MAX_SERIES);
  return shared.map((name) => ({
    name, xLabel: name.includes('per dataset') ? 'dataset' : 'index',
    runs: perRun.map((m) => m.get(name)!.map((y, x) => ({ x, y }))),
  }));
}

/** A short label for a run in the table headers: title or module, seed, time. */
export function runLabel(record: RunRecord, title?: string): string {
  return `${title ?? record.experiment.title ?? record.experiment.module} · seed ${record.seed}`;
}
