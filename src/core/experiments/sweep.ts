// Sweep specs: one module's experiment plus grid axes → the list of jobs (the cartesian product), each a full
// ExperimentSpec with a deterministic id. Pure (no Node, no DOM): the browser, the sidecar and the queue workers
// (sweeps/) expand a sweep the same way.
//   { format: 'workbench-sweep', version: 1, experiment, axes: [{ path, values }], title? }
// An axis path is `seed` (the envelope's seed) or a dotted path into the module spec (`pool.rows`, `folds`).
// Each grid point is decoded through the spec catalogue (migrate → defaults → clamp), so what a job runs is the
// effective experiment; a value the module would clamp to something else is refused (it would silently run another
// grid point, twice). Ids: a job's `experimentDigest` is the sha256 of the canonical effective experiment (title
// left out); the sweep id hashes the sorted digests, so the same grid submitted twice (or a job retried) maps onto
// the same ids and a queue that honours custom ids never runs or counts it twice.
import { canonicalJson, digestOf } from './canonical';
import { decodeExperiment, type ExperimentSpec, type SpecCatalogue } from './envelope';
import { ExperimentError } from './errors';
import { UNREGISTERED_MODULES } from './runners';

export const SWEEP_FORMAT = 'workbench-sweep';
export const SWEEP_VERSION = 1;
/** More points than this is a typo in an axis (or a job for several sweeps): refused before anything is queued. */
export const MAX_SWEEP_JOBS = 100_000;

export interface SweepAxis { path: string; values: unknown[] }

export interface SweepSpec {
  format: typeof SWEEP_FORMAT;
  version: typeof SWEEP_VERSION;
  /** the base experiment (any envelope version decodeExperiment reads) */
  experiment: unknown;
  axes: SweepAxis[];
  title?: string;
}

export interface SweepJob {
  /** `<sweepId>.<experimentDigest>` — a BullMQ custom id (no ':'), the same for the same point of the same sweep */
  id: string;
  experimentDigest: string;
  /** index in the cartesian product (axes in order, the last axis varying fastest) */
  index: number;
  /** the axis values of this point, by path */
  point: Record<string, unknown>;
  experiment: ExperimentSpec;
}

export interface ExpandedSweep {
  sweepId: string;
  module: string;
  title?: string;
  axes: SweepAxis[];
  jobs: SweepJob[];
}

export type SweepErrorKind = 'invalid-sweep' | 'unknown-axis' | 'empty-axis' | 'too-many-jobs' | 'clamped-value';

const remedies: Record<SweepErrorKind, string> = {
  'invalid-sweep': 'Write the sweep as { "format": "workbench-sweep", "version": 1, "experiment": {…}, "axes": [{ "path": "…", "values": […] }] }.',
  'unknown-axis': 'Use one of the listed fields (dotted paths into the module spec) or "seed".',
  'empty-axis': 'Give every axis at least one value (or drop the axis).',
  'too-many-jobs': 'Split the sweep, or narrow an axis.',
  'clamped-value': 'Use a value inside the field\'s range: the module would run another value in its place.',
};

export class SweepError extends Error {
  override readonly name = 'SweepError';
  readonly remedy: string;
  constructor(readonly kind: SweepErrorKind, detail: string) {
    super(`Sweep refused (${kind}): ${detail}`);
    this.remedy = remedies[kind];
  }
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Dotted paths of the leaves of a decoded module spec (arrays and nulls are leaves), plus `seed`. */
export function sweepableFields(spec: Record<string, unknown>): string[] {
  const out: string[] = [];
  const walk = (v: Record<string, unknown>, prefix: string) => {
    for (const [k, child] of Object.entries(v)) {
      const path = prefix ? `${prefix}.${k}` : k;
      if (isObject(child)) walk(child, path);
      else out.push(path);
    }
  };
  walk(spec, '');
  return ['seed', ...out.filter((p) => p !== 'seed').sort()];
}

function getPath(obj: Record<string, unknown>, path: string): unknown {
  return path.split('.').reduce<unknown>((v, k) => (isObject(v) ? v[k] : undefined), obj);
}

function setPath(obj: Record<string, unknown>, path: string, value: unknown): Record<string, unknown> {
  const [head, ...rest] = path.split('.');
  if (rest.length === 0) return { ...obj, [head]: value };
  const child = isObject(obj[head]) ? obj[head] as Record<string, unknown> : {};
  return { ...obj, [head]: setPath(child, rest.join('.'), value) };
}

/** The id part of an experiment: its canonical form without the title (a title does not change what runs). */
export function experimentDigest(experiment: ExperimentSpec): string {
  const { title: _title, ...rest } = experiment;
  return digestOf(rest);
}

function checkShape(raw: unknown): SweepSpec {
  if (!isObject(raw)) throw new SweepError('invalid-sweep', 'the sweep is not a JSON object');
  if (raw.format !== SWEEP_FORMAT) throw new SweepError('invalid-sweep', `format: expected "${SWEEP_FORMAT}", got ${JSON.stringify(raw.format)}`);
  if (raw.version !== SWEEP_VERSION) throw new SweepError('invalid-sweep', `version: expected ${SWEEP_VERSION}, got ${JSON.stringify(raw.version)}`);
  if (!Array.isArray(raw.axes)) throw new SweepError('invalid-sweep', 'axes: expected a list of { path, values }');
  raw.axes.forEach((a, i) => {
    if (!isObject(a) || typeof a.path !== 'string' || !Array.isArray(a.values)) throw new SweepError('invalid-sweep', `axes[${i}]: expected { "path": string, "values": [...] }`);
  });
  const paths = raw.axes.map((a) => (a as SweepAxis).path);
  const twice = paths.find((p, i) => paths.indexOf(p) !== i);
  if (twice) throw new SweepError('invalid-sweep', `axis "${twice}" is given twice`);
  if (raw.title !== undefined && typeof raw.title !== 'string') throw new SweepError('invalid-sweep', 'title: expected a string');
  return raw as unknown as SweepSpec;
}

/**
 * Expands a sweep into its jobs. Throws a SweepError (axis problems) or an ExperimentError (the base experiment or
 * a grid point is not a valid experiment of its module).
 */
export function expandSweep(raw: unknown, catalogue: SpecCatalogue, maxJobs = MAX_SWEEP_JOBS): ExpandedSweep {
  const sweep = checkShape(raw);
  const base = decodeExperiment(sweep.experiment, catalogue);
  // refused before anything is queued: every job of such a sweep would fail on every attempt and be dead-lettered
  if ((UNREGISTERED_MODULES as readonly string[]).includes(base.module)) {
    throw new ExperimentError('no-runner', `a sweep of "${base.module}" cannot run: that module has no experiment runner yet (sweepable: tabular, ensembles, alignbeam, circuits)`);
  }
  const fields = sweepableFields(base.spec);
  for (const axis of sweep.axes) {
    if (!fields.includes(axis.path)) throw new SweepError('unknown-axis', `"${axis.path}" is not a field of the ${base.module} spec (fields: ${fields.join(', ')})`);
    if (axis.values.length === 0) throw new SweepError('empty-axis', `axis "${axis.path}" has no values`);
  }
  const total = sweep.axes.reduce((n, a) => n * a.values.length, 1);
  if (total > maxJobs) throw new SweepError('too-many-jobs', `${sweep.axes.map((a) => `${a.path} (${a.values.length})`).join(' × ')} = ${total} jobs, over the limit of ${maxJobs}`);
  const points: Record<string, unknown>[] = [];
  const walk = (i: number, point: Record<string, unknown>) => {
    if (i === sweep.axes.length) return void points.push(point);
    for (const v of sweep.axes[i].values) walk(i + 1, { ...point, [sweep.axes[i].path]: v });
  };
  walk(0, {});
  const title = sweep.title ?? base.title;
  const jobs = points.map((point, index) => {
    let spec = base.spec;
    let seed = base.seed;
    for (const [path, value] of Object.entries(point)) {
      if (path === 'seed') seed = value as number;
      else spec = setPath(spec, path, value);
    }
    const label = Object.entries(point).map(([k, v]) => `${k}=${JSON.stringify(v)}`).join(' ');
    const experiment = decodeExperiment({ ...base, spec, seed, title: `${title ? `${title}: ` : ''}${label}`.slice(0, 300) }, catalogue);
    for (const [path, value] of Object.entries(point)) {
      const got = path === 'seed' ? experiment.seed : getPath(experiment.spec, path);
      if (canonicalJson(got) !== canonicalJson(value)) {
        throw new SweepError('clamped-value', `${path} = ${JSON.stringify(value)} runs as ${JSON.stringify(got)} in the ${base.module} spec`);
      }
    }
    return { index, point, experiment, experimentDigest: experimentDigest(experiment) };
  });
  const seen = new Map<string, number>();
  for (const j of jobs) {
    const prior = seen.get(j.experimentDigest);
    if (prior !== undefined) throw new SweepError('invalid-sweep', `points ${prior} and ${j.index} are the same experiment (an axis repeats a value)`);
    seen.set(j.experimentDigest, j.index);
  }
  const sweepId = digestOf([...seen.keys()].sort()).slice(0, 24);
  return {
    sweepId, module: base.module, axes: sweep.axes, ...(title ? { title } : {}),
    jobs: jobs.map((j) => ({ id: `${sweepId}.${j.experimentDigest}`, ...j })),
  };
}

/** The sweep spec of a base experiment and axes (the CLI and the UI build sweeps this way). */
export function makeSweep(experiment: ExperimentSpec, axes: SweepAxis[], title?: string): SweepSpec {
  return { format: SWEEP_FORMAT, version: SWEEP_VERSION, experiment, axes, ...(title ? { title } : {}) };
}

