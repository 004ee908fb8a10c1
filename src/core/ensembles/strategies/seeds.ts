// Seed (random-initialisation) ensembles: the average of several runs of one model family that differ only in
// seed. Two sources: pool members named `<family>@<tag>` (e.g. `tfm@seed3`), grouped by family; or a callback that
// re-runs a model for each seed (the panel wires it to an engine), averaged as the runs arrive.

import { logLoss } from '../../metrics/classification';
import type { ModelPredictions } from '../pool';
import { blend } from '../metrics';
import type { BaseSet, StrategyOutput } from './types';

export interface SeedFamily { family: string; members: string[] }

/** Families with at least two members, from names `<family>@<tag>`; the family is everything before the last '@'. */
export function seedFamilies(names: string[]): SeedFamily[] {
  const groups = new Map<string, string[]>();
  for (const name of names) {
    const at = name.lastIndexOf('@');
    if (at <= 0) continue;
    const fam = name.slice(0, at);
    groups.set(fam, [...(groups.get(fam) ?? []), name]);
  }
  return [...groups].filter(([, m]) => m.length >= 2).map(([family, members]) => ({ family, members }));
}

/** The seed ensemble of the family whose average has the best OOF log-loss; null when no family has 2+ seeds. */
export function seedEnsemble(base: BaseSet): (StrategyOutput & { family: string }) | null {
  const fams = seedFamilies(base.names);
  let best: (StrategyOutput & { family: string }) | null = null;
  let bestLoss = Infinity;
  for (const f of fams) {
    const idx = f.members.map((m) => base.names.indexOf(m));
    const w = idx.map(() => 1);
    const oof = blend(idx.map((i) => base.oof[i]), w);
    const loss = logLoss({ probs: oof, n: base.oofLabels.length, k: base.k }, base.oofLabels);
    if (loss < bestLoss) {
      bestLoss = loss;
      best = { id: 'seed-ensemble', family: f.family, oof, test: blend(idx.map((i) => base.test[i]), w), used: f.members, note: `${f.family} × ${f.members.length} seeds` };
    }
  }
  return best;
}

export interface SeedRun { oof: Float64Array; test: Float64Array }

/**
 * Re-run a model once per seed through `run` and average the runs (the callback form of a seed ensemble).
 * Runs go one at a time (one run in flight per engine); `signal` stops between runs. `members` are the runs
 * named `<family>@seed<s>`: add them to a dataset's models and `analysePool` ranks the seed ensemble with the rest.
 */
export async function runSeedEnsemble(
  family: string, seeds: number[], run: (seed: number, signal?: AbortSignal) => Promise<SeedRun>, signal?: AbortSignal,
): Promise<SeedRun & { modelCalls: number; members: ModelPredictions[] }> {
  if (seeds.length === 0) throw new RangeError('a seed ensemble needs at least one seed');
  if (!family || family.includes('@')) throw new RangeError(`seed family name '${family}' must be non-empty and contain no '@'`);
  const runs: SeedRun[] = [];
  for (const seed of seeds) {
    signal?.throwIfAborted();
    const r = await run(seed, signal);
    if (runs.length && (r.oof.length !== runs[0].oof.length || r.test.length !== runs[0].test.length)) {
      throw new RangeError(`seed ${seed} returned ${r.oof.length}/${r.test.length} OOF/test values, expected ${runs[0].oof.length}/${runs[0].test.length}`);
    }
    runs.push(r);
  }
  const w = runs.map(() => 1);
  return {
    oof: blend(runs.map((r) => r.oof), w),
    test: blend(runs.map((r) => r.test), w),
    modelCalls: runs.length,
    members: runs.map((r, i) => ({ model: `${family}@seed${seeds[i]}`, oof: r.oof, test: r.test })),
  };
}
