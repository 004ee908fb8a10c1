// Ensembles runner: executes ensemblesPlan(spec) (ensemblesPlan.ts, the same plan the panel runs) on the ensembles
// engine (src/core/ensembles/api.ts), in-thread, in pure TypeScript (the backend factory records 'js'). A demo
// pool is generated from the seed (no input file); a user pool file is read through ctx.loadInput and must match
// the sha256 the spec pins. The report is deterministic (costs are model-call counts, not times), so all of it is
// digested; moduleDigest is the panel's link digest of the same report.
import { createEnsemblesEngine, type EnsemblesApi } from '../../ensembles/api';
import { sha256HexSync } from '../../numeric/sha256';
import { ExperimentError } from '../errors';
import type { Runner, RunContext, RunOutput } from '../runner';
import { ensembleLinkDigest, ensemblesPlan, type EnsemblesRunSpec } from './ensemblesPlan';

export { ensembleLinkDigest, type EnsemblesRunSpec } from './ensemblesPlan';

/** The ensembles runner over `createEngine` (default the real engine; a test wraps it to record the calls it gets). */
export function makeEnsemblesRunner(createEngine: () => EnsemblesApi = createEnsemblesEngine): Runner<EnsemblesRunSpec> {
  return { module: 'ensembles', run: (spec, ctx) => runEnsembles(createEngine(), spec, ctx) };
}

async function runEnsembles(engine: EnsemblesApi, spec: EnsemblesRunSpec, ctx: RunContext): Promise<RunOutput> {
  const plan = ensemblesPlan(spec);
  const pool = plan.pool;
  if (pool.kind === 'demo') {
    await engine.loadSyntheticPool(pool.synthetic);
  } else {
    const bytes = await ctx.loadInput({ role: 'data', id: pool.name, sha256: pool.sha256 });
    const actual = sha256HexSync(bytes);
    // the spec names the pool by its hash: another file under the same name is another experiment
    if (actual !== pool.sha256) throw new ExperimentError('input-unavailable', `pool file "${pool.name}" has sha256 ${actual.slice(0, 12)}…, the experiment needs ${pool.sha256.slice(0, 12)}…`);
    await engine.loadPool(pool.name, bytes.slice());
  }
  const abort = () => engine.cancel();
  ctx.signal.addEventListener('abort', abort);
  try {
    const report = await engine.analyse(plan.analyse, (p) => ctx.onProgress({ done: p.done, total: p.total, label: p.label }));
    return { results: report, moduleDigest: ensembleLinkDigest(report) };
  } finally {
    ctx.signal.removeEventListener('abort', abort);
  }
}

export const ensemblesRunner: Runner<EnsemblesRunSpec> = makeEnsemblesRunner();
