// The sandboxed processor of sweep jobs (loaded through processor.mjs on a worker thread, so a CPU-bound job does
// not block the worker's event loop, which must keep renewing the job's lock or the job is taken for stalled).
// It checkpoints each start into the job data (`job.updateData`: which worker process, which attempt) and runs the
// experiment through runSweepJob. An abort (the sweep was cancelled) ends the job as unrecoverable: no retry.
import type { SandboxedJob } from 'bullmq';
import type { RunRecord } from '../src/core/experiments/record';
import type { SweepJobData } from './bullmqBackend';
import { runSweepJob, SweepCancelledError } from './jobRunner';

export default async function processSweepJob(job: SandboxedJob<SweepJobData, RunRecord>, _token?: string, signal?: AbortSignal): Promise<RunRecord> {
  if (signal?.aborted) throw new SweepCancelledError(job.id ?? '?');
  // checkpoint: who started this job and when, appended (a job re-run after its worker died shows both starts)
  const starts = [...(job.data.starts ?? []), { pid: process.pid, attempt: job.attemptsMade + 1, startedAt: new Date().toISOString() }];
  await job.updateData({ ...job.data, starts });
  const cancelled = new Promise<never>((_, reject) => signal?.addEventListener('abort', () => reject(new SweepCancelledError(job.id ?? '?')), { once: true }));
  cancelled.catch(() => undefined);
  // the runners check the signal between their steps; the race ends the job at once when a step is long
  return Promise.race([runSweepJob(job.data.experiment, signal), cancelled]);
}
