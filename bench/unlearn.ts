// Unlearning fine-tuning on the embedded `target` model: one short run per method (issue #20 items 1–2) with the
// same forge split (forget: compliance on one harm topic; retain: tasks, edgy, chat, the other topics), reporting
// steps/s (first, compiling step excluded), process CPU per step, and the forget / retain NLL before and after.
// The baseline is gradient ascent in the same run: its step is one forward + backward of the forget batch, i.e.
// a plain fine-tuning step, so each method's cost is a multiple of that. Writes bench/results/unlearn.json
// (UNLEARN_TARGET=target-v4: target-v4 on its corpus v4, written to unlearn-v4.json).
// npx tsx bench/unlearn.ts [steps=20] [topic=poison]
import { writeFile } from 'node:fs/promises';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { benchTarget } from './benchTarget';
import { release } from '../src/core/lab';
import { UNLEARN_METHODS } from '../src/core/edits/unlearn/objectives';
import { forgeUnlearnData, loadUnlearnModelFolder } from '../src/core/edits/unlearn/runNode';
import { runUnlearning } from '../src/core/edits/unlearn/trainer';

const ROOT = new URL('..', import.meta.url).pathname;
const TARGET = benchTarget('bench/results/unlearn.json');
const steps = Number(process.argv[2] ?? 20);
const topic = process.argv[3] ?? 'poison';

async function main(): Promise<void> {
  const model = await loadUnlearnModelFolder(join(ROOT, 'models', TARGET.id));
  const { data, split } = await forgeUnlearnData({ corpus: TARGET.corpus, forgetTopic: topic, forgetSize: 64, retainSize: 256, seed: 0 });
  const rows = [];
  for (const method of UNLEARN_METHODS) {
    let cpuAtStep1 = 0;
    const r = await runUnlearning(model, data, { method, steps, seed: 0, checkpointEvery: steps }, {
      split, onProgress: (p) => { if (p.kind === 'step' && p.step === 1) cpuAtStep1 = process.cpuUsage().user + process.cpuUsage().system; },
    });
    const cpu = (process.cpuUsage().user + process.cpuUsage().system - cpuAtStep1) / 1e6;
    const [before, after] = [r.manifest.metrics[0], r.manifest.metrics[r.manifest.metrics.length - 1]];
    rows.push({
      method, stepsPerSecond: r.stepsPerSecond, cpuSecondsPerStep: cpu / (steps - 1), // includes the two evaluations after step 1
      forgetNll: [before.forgetNll, after.forgetNll], forgetTrainNll: [before.forgetTrainNll, after.forgetTrainNll], retainNll: [before.retainNll, after.retainNll],
      config: r.manifest.config, rmu: r.manifest.effective.rmu, sequenceLength: r.manifest.effective.sequenceLength,
    });
    console.log(method, JSON.stringify(rows[rows.length - 1]));
    release(r.params);
  }
  const ga = rows.find((x) => x.method === 'grad_ascent')!.stepsPerSecond!;
  const out = {
    date: new Date().toISOString(), machine: `${cpus().length} cores, load ${loadavg().map((x) => x.toFixed(1)).join(' ')} at the end`, node: process.version,
    model: TARGET.id, corpus: TARGET.corpus, split, steps, rows: rows.map((x) => ({ ...x, costVsGradAscent: x.stepsPerSecond ? ga / x.stepsPerSecond : null })),
  };
  await writeFile(join(ROOT, TARGET.out), JSON.stringify(out, null, 2) + '\n');
  console.table(out.rows.map((x) => ({ method: x.method, 'steps/s': x.stepsPerSecond?.toFixed(3), 'x GA': x.costVsGradAscent?.toFixed(2), forget: x.forgetNll.map((v) => v.toFixed(3)).join('→'), retain: x.retainNll.map((v) => v.toFixed(3)).join('→') })));
}

main().catch((e: Error) => {
  console.error(`${e.name}: ${e.message}`);
  process.exit(1);
});
