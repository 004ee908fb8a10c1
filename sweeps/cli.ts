// Submit a sweep from the command line: npm run sweep -- <sweep.json> [options]
//   --redis <url>       run it on the BullMQ queue at this Redis (workers: npm run sweep-worker); without it the
//                       sweep runs in this process (the single-process loop)
//   --queue <name>      queue name (default "sweeps")
//   --out <file>        write { sweepId, records, deadLetters } as JSON (default: a summary on stdout only)
//   --no-wait           submit and exit (follow it later with --watch <sweepId>)
//   --watch <sweepId>   follow a submitted sweep and collect its results
//   --cancel <sweepId>  cancel a submitted sweep
// The sweep file: { "format": "workbench-sweep", "version": 1, "experiment": {…}, "axes": [{ "path", "values" }] }
// (src/core/experiments/sweep.ts). Submitting the same file twice runs nothing twice: job ids are deterministic.
import { readFileSync, writeFileSync } from 'node:fs';
import { expandSweep } from '../src/core/experiments/sweep';
import { SPEC_CATALOGUE } from '../src/state/experiments';
import { InProcessBackend, type JobBackend } from './backend';
import { BullmqBackend, DEFAULT_QUEUE } from './bullmqBackend';

const argv = process.argv.slice(2);
const flag = (name: string) => { const i = argv.indexOf(name); return i >= 0 ? argv[i + 1] : undefined; };
const redisUrl = flag('--redis');
const backend: JobBackend = redisUrl ? new BullmqBackend({ redisUrl, queueName: flag('--queue') ?? DEFAULT_QUEUE }) : new InProcessBackend();

async function follow(sweepId: string): Promise<void> {
  for await (const p of backend.watch(sweepId, { intervalMs: 500 })) {
    console.log(`${p.done + p.failed}/${p.total} (done ${p.done}, dead-lettered ${p.failed})${p.cancelled ? ', cancelled' : ''}`);
  }
  const results = await backend.results(sweepId);
  for (const d of results.deadLetters) console.log(`dead letter: job ${d.index} (${d.title}) after ${d.attempts} attempts: ${d.error}`);
  const out = flag('--out');
  if (out) {
    writeFileSync(out, `${JSON.stringify(results, null, 2)}\n`);
    console.log(`${results.records.length} run records and ${results.deadLetters.length} dead letters written to ${out}`);
  }
}

try {
  const cancel = flag('--cancel');
  const watch = flag('--watch');
  if (cancel) console.log(await backend.cancel(cancel));
  else if (watch) await follow(watch);
  else {
    const file = argv.find((a, i) => !a.startsWith('--') && (i === 0 || !argv[i - 1].startsWith('--')));
    if (!file) throw new Error('usage: npm run sweep -- <sweep.json> [--redis redis://127.0.0.1:6379] [--out results.json] [--no-wait]');
    const sweep = expandSweep(JSON.parse(readFileSync(file, 'utf8')), SPEC_CATALOGUE);
    const submitted = await backend.submit(sweep);
    console.log(`sweep ${submitted.sweepId}: ${submitted.total} jobs of ${sweep.module}, ${submitted.added} queued (${submitted.total - submitted.added} already known)`);
    if (!argv.includes('--no-wait') || !redisUrl) await follow(submitted.sweepId);
  }
} catch (e) {
  const err = e as Error & { remedy?: string };
  console.error(err.message);
  if (err.remedy) console.error(err.remedy);
  process.exitCode = 1;
} finally {
  await backend.close();
}
