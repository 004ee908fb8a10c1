// Worker-thread side of ../offThread.ts: runs one task (a survival, C-Δθ or MANSU job, or a checkpoint
// inspection) away from the HTTP event loop, forwards its progress, and answers with its outcome or its
// error (name and message, since Error subclasses do not survive structured cloning). A {type: 'cancel'}
// message aborts the job's signal, which the streaming loop checks between chunks.

import { parentPort, workerData } from 'node:worker_threads';
import { EditsError } from '../src/core/edits/errors';
import type { JobContext } from './jobs';
import type { FromWorker, OffThreadTask, ToWorker } from './offThread';
import { runCDelta } from './tasks/cdelta';
import { inspectCheckpoint } from './tasks/inspect';
import { runMansu } from './tasks/mansu';
import { runSurvival } from './tasks/survival';

const port = parentPort!;
const task = workerData as OffThreadTask;
const abort = new AbortController();
const post = (m: FromWorker) => port.postMessage(m);

port.on('message', (m: ToWorker) => {
  if (m.type === 'cancel') abort.abort();
});

const ctx: JobContext = {
  id: task.jobId,
  signal: abort.signal,
  progress: (phase, done, total) => post({ type: 'progress', phase, done, total }),
};

async function run(): Promise<unknown> {
  switch (task.kind) {
    case 'survival': return runSurvival(task.opts, ctx);
    case 'cdelta': return runCDelta(task.opts, ctx);
    case 'mansu': return runMansu(task.opts, ctx);
    case 'inspect': return inspectCheckpoint(task.opts);
  }
}

try {
  post({ type: 'done', value: await run() });
} catch (e) {
  const err = e as Error;
  post({ type: 'error', name: err.name, message: err.message, edits: e instanceof EditsError });
} finally {
  port.close();
}
