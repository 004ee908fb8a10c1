// Worker-thread side of ../offThread.ts: runs tasks (survival, C-Δθ or MANSU jobs, checkpoint inspections)
// one at a time away from the HTTP event loop, forwards their progress, and answers each with its outcome
// or its error (name and message, since Error subclasses do not survive structured cloning). The worker
// stays up between tasks (the pool reuses it). A {type: 'cancel'} message aborts the named job's signal,
// which the streaming loop checks between chunks.

import { parentPort } from 'node:worker_threads';
import { EditsError } from '../src/core/edits/errors';
import { SurvivalCounter } from '../src/core/edits/survival';
import type { JobContext } from './jobs';
import type { FromWorker, OffThreadTask, ToWorker } from './offThread';
import { runCDelta } from './tasks/cdelta';
import { inspectCheckpoint } from './tasks/inspect';
import { runMansu } from './tasks/mansu';
import { survivalKernel } from './survivalKernel';
import { runSurvival } from './tasks/survival';

const port = parentPort!;
const post = (m: FromWorker) => port.postMessage(m);
/** Progress goes out at most this often (a multi-GB pass has thousands of chunks), and at every phase change or end. */
const PROGRESS_MS = 100;
/** The task running now (the pool hands a worker one task at a time). */
let current: { jobId: string; abort: AbortController } | null = null;

function run(task: OffThreadTask, ctx: JobContext): Promise<unknown> {
  switch (task.kind) {
    case 'survival': return runSurvival(task.opts, ctx);
    case 'cdelta': return runCDelta(task.opts, ctx);
    case 'mansu': return runMansu(task.opts, ctx);
    case 'inspect': return inspectCheckpoint(task.opts);
  }
}

async function runTask(task: OffThreadTask): Promise<void> {
  const abort = new AbortController();
  current = { jobId: task.jobId, abort };
  let last = { phase: '', at: 0 };
  const ctx: JobContext = {
    id: task.jobId,
    signal: abort.signal,
    progress: (phase, done, total) => {
      const now = performance.now();
      if (phase === last.phase && done < total && now - last.at < PROGRESS_MS) return;
      last = { phase, at: now };
      post({ type: 'progress', phase, done, total });
    },
  };
  try {
    const value = await run(task, ctx);
    current = null;
    post({ type: 'done', value });
  } catch (e) {
    current = null;
    const err = e as Error;
    post({ type: 'error', name: err.name, message: err.message, edits: e instanceof EditsError });
  }
}

// Compiled and tabulated now, so the first survival job does not wait for them.
survivalKernel();
for (const type of ['nf4', 'fp4'] as const) new SurvivalCounter(type);

port.on('message', (m: ToWorker) => {
  if (m.type === 'run') void runTask(m.task);
  // A cancel names its job: one that arrives after its task ended must not stop the next task.
  else if (m.type === 'cancel' && current?.jobId === m.jobId) current.abort.abort();
});

post({ type: 'ready' });
