// One sweep job, run the way the browser runs an experiment: `recordRun` with the workbench's runner registry and
// spec catalogue, on the Node host, with inputs from the repository (shared datasets, embedded models). Every
// backend (in-process loop, BullMQ workers, their sandboxes) runs jobs through this one function, so a result
// cannot depend on where it ran.
import { fileURLToPath } from 'node:url';
import { nodeHost } from '../src/core/experiments/buildInfoNode';
import type { ExperimentSpec } from '../src/core/experiments/envelope';
import { repositoryInputs } from '../src/core/experiments/nodeInputs';
import { recordRun, type RecordDeps, type RunRecord } from '../src/core/experiments/record';
import { SPEC_CATALOGUE, workbenchRunners } from '../src/state/experiments';

export const REPOSITORY_ROOT = fileURLToPath(new URL('..', import.meta.url));

let deps: RecordDeps | undefined;

function recordDeps(): RecordDeps {
  deps ??= { runners: workbenchRunners(), catalogue: SPEC_CATALOGUE, host: nodeHost(REPOSITORY_ROOT), loadInput: repositoryInputs(REPOSITORY_ROOT) };
  return deps;
}

/** A job cancelled with its sweep: named so BullMQ treats it as unrecoverable (no retry) even across a sandbox. */
export class SweepCancelledError extends Error {
  override readonly name = 'UnrecoverableError';
  constructor(jobId: string) {
    super(`sweep job ${jobId} cancelled: its sweep was cancelled`);
  }
}

/** Runs one job's experiment and returns its run record; throws what the runner throws. */
export async function runSweepJob(experiment: ExperimentSpec, signal?: AbortSignal): Promise<RunRecord> {
  return recordRun(experiment, { ...recordDeps(), ...(signal ? { signal } : {}) });
}
