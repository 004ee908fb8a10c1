// The session's in-browser unlearning runs grouped by configuration (everything in the request but the seed), with
// MANSU's four properties summarised over each group's seeds (properties.ts summarizeSeeds: mean ± sd, worst
// margin, passes): the "four properties per method over ≥ 3 seeds", from runs made in the page.
import type { UnlearnJobRequest, UnlearnJobResult } from '../../core/edits/unlearn/api';
import { summarizeSeeds, type SeedSummary } from '../../core/edits/unlearn/properties';

export interface SeedGroup {
  /** The shared request, its seed left out. */
  config: Omit<UnlearnJobRequest, 'seed'>;
  seeds: number[];
  summary: SeedSummary;
}

const configOf = ({ seed: _seed, ...rest }: UnlearnJobRequest): Omit<UnlearnJobRequest, 'seed'> => rest;

/** JSON with every object's keys sorted, at every depth (a replacer key list would drop nested keys). */
const canonical = (v: unknown): string => JSON.stringify(v, (_k, x: unknown) =>
  x && typeof x === 'object' && !Array.isArray(x) ? Object.fromEntries(Object.entries(x).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) : x);

/** Groups of runs that differ only in their seed (one run per seed: a repeated seed counts once, its newest run). */
export function seedGroups(results: readonly UnlearnJobResult[]): SeedGroup[] {
  const groups = new Map<string, { config: Omit<UnlearnJobRequest, 'seed'>; bySeed: Map<number, UnlearnJobResult> }>();
  for (const r of results) {
    const config = configOf(r.request);
    const key = canonical(config);
    const g = groups.get(key) ?? { config, bySeed: new Map() };
    if (!g.bySeed.has(r.request.seed)) g.bySeed.set(r.request.seed, r);
    groups.set(key, g);
  }
  return [...groups.values()].map(({ config, bySeed }) => {
    const seeds = [...bySeed.keys()].sort((a, b) => a - b);
    return { config, seeds, summary: summarizeSeeds(seeds.map((s) => bySeed.get(s)!.properties)) };
  });
}
