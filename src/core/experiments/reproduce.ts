// Re-running a record and saying what differs. Differences that make a re-run "not the same": the effective spec
// (a migration or clamp changed it), an input's sha256, the results' digest (with the first differing result
// paths). The environment (another commit, browser, backend) is reported beside them but does not by itself make
// a run different: a result reproduced on another machine is the same result.
import { differingPaths } from './canonical';
import { recordRun, type InputRecord, type RecordDeps, type RunRecord } from './record';
import type { RunEnvironment } from './environment';

export interface FieldChange { field: string; recorded: unknown; now: unknown }
export interface InputChange { role: InputRecord['role']; id: string; recorded: string | null; now: string | null }

export interface RecordDifferences {
  /** paths in the experiment spec (`spec.folds`, `seed`) */
  spec: string[];
  environment: FieldChange[];
  inputs: InputChange[];
  digest: { recorded: string; now: string } | null;
  /** first differing paths in the results (`scores[1].foldAuc[0]`) */
  resultPaths: string[];
}

export type ReproduceOutcome =
  | { same: true; rerun: RunRecord; environment: FieldChange[] }
  | ({ same: false; rerun: RunRecord } & RecordDifferences);

function environmentChanges(a: RunEnvironment, b: RunEnvironment): FieldChange[] {
  const flat = (e: RunEnvironment): Record<string, unknown> => {
    const { packages, ...rest } = e;
    return { ...rest, ...Object.fromEntries(Object.entries(packages).map(([p, v]) => [`packages.${p}`, v])) };
  };
  const x = flat(a);
  const y = flat(b);
  return [...new Set([...Object.keys(x), ...Object.keys(y)])].sort()
    .filter((k) => x[k] !== y[k])
    .map((field) => ({ field, recorded: x[field] ?? null, now: y[field] ?? null }));
}

function inputChanges(a: InputRecord[], b: InputRecord[]): InputChange[] {
  const key = (i: InputRecord) => `${i.role}:${i.id}`;
  const x = new Map(a.map((i) => [key(i), i]));
  const y = new Map(b.map((i) => [key(i), i]));
  return [...new Set([...x.keys(), ...y.keys()])].sort()
    .filter((k) => x.get(k)?.sha256 !== y.get(k)?.sha256)
    .map((k) => {
      const i = (x.get(k) ?? y.get(k))!;
      return { role: i.role, id: i.id, recorded: x.get(k)?.sha256 ?? null, now: y.get(k)?.sha256 ?? null };
    });
}

/** What differs between two records (`a` the earlier). Also what a comparison view reads. */
export function compareRecords(a: RunRecord, b: RunRecord): RecordDifferences {
  const spec = (e: RunRecord['experiment']) => ({ module: e.module, specVersion: e.specVersion, seed: e.seed, backend: e.backend, spec: e.spec });
  const sameDigest = a.digest === b.digest;
  return {
    spec: differingPaths(spec(a.experiment), spec(b.experiment), 20),
    environment: environmentChanges(a.environment, b.environment),
    inputs: inputChanges(a.inputs, b.inputs),
    digest: sameDigest ? null : { recorded: a.digest, now: b.digest },
    resultPaths: sameDigest ? [] : differingPaths(a.results, b.results, 10),
  };
}

/** Re-runs the record's experiment with `deps` (same runners, the host as it is now, inputs as found now). */
export async function reproduce(record: RunRecord, deps: RecordDeps): Promise<ReproduceOutcome> {
  const rerun = await recordRun(record.experiment, deps);
  const d = compareRecords(record, rerun);
  if (!d.spec.length && !d.inputs.length && !d.digest) return { same: true, rerun, environment: d.environment };
  return { same: false, rerun, ...d };
}
