// Command line of SFT / LoRA / DPO / GRPO training in Node:
//   npx tsx src/core/experiments/train/cli.ts --spec spec.json
// spec.json is a TrainSpec (spec.ts; unknown keys are errors). Prints one line per step, writes checkpoints under
// spec.out, stops cleanly on Ctrl-C (the step in flight finishes and a resumable checkpoint of the steps done is written).
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { initEngine, release } from '../../lab';
import { cliArg } from '../../edits/unlearn/runNode';
import { formatEval } from './evalHooks';
import type { GrpoStepLog } from './grpo';
import { grpoFromSpec } from './grpoNode';
import { trainFromSpec } from './node';
import { parseTrainSpec } from './spec';
import { TrainError } from './errors';
import { EVIDENCE_FILE, trainEvidenceLedger } from '../../assurance/emit/trainingNode';

async function main(argv: string[]): Promise<void> {
  const path = cliArg(argv)('spec');
  let raw: unknown;
  try {
    raw = JSON.parse(await readFile(path, 'utf8'));
  } catch (e) {
    throw new TrainError('invalid-spec', `cannot read ${path} as JSON (${(e as Error).message})`);
  }
  const spec = parseTrainSpec(raw);
  await initEngine();
  const controller = new AbortController();
  process.on('SIGINT', () => controller.abort());
  const o: Parameters<typeof trainFromSpec>[1] = {
    signal: controller.signal,
    onProgress: (p) => {
      if (p.kind === 'prepare') console.log(p.message);
      if (p.kind === 'step') {
        const l = p.log;
        const dpo = l.margin !== undefined ? ` chosen ${l.chosenReward!.toFixed(4)} rejected ${l.rejectedReward!.toFixed(4)} margin ${l.margin.toFixed(4)} acc ${l.accuracy!.toFixed(2)}` : '';
        console.log(`step ${p.step}/${p.total} loss ${l.loss.toFixed(4)} |g| ${l.gradNorm.toFixed(3)} lr ${l.lr.toExponential(2)}${dpo}${'reward' in l ? grpoLine(l as GrpoStepLog) : ''}`);
      }
      if (p.kind === 'checkpoint') console.log(`checkpoint step ${p.step} written under ${spec.out}`);
      if (p.kind === 'eval') console.log(formatEval(p.eval));
    },
  };
  const r = await (spec.method === 'grpo' ? grpoFromSpec(spec, o) : trainFromSpec(spec, o));
  release(r.params);
  if (r.lora) release(r.lora.arrays);
  // the before/after evaluation as an evidence ledger file the Assurance page imports (after the checkpoints: it
  // names the trained model by the sha256 of the last one's weights)
  const evidence = await trainEvidenceLedger(spec, r);
  if (evidence) {
    await mkdir(spec.out, { recursive: true });
    await writeFile(join(spec.out, EVIDENCE_FILE), evidence);
    console.log(`evidence written to ${join(spec.out, EVIDENCE_FILE)}`);
  } else if (spec.eval) {
    const steps = [...new Set(r.evals.map((e) => e.step))];
    console.log(`no ${EVIDENCE_FILE}: ${steps.length < 2
      ? `before/after evidence needs evaluations at two steps; this run evaluated at ${steps.map((s) => `step ${s}`).join(', ') || 'no step'} (it stopped before its first step)`
      : 'its evaluations gave no metric'}`);
  }
  const speed = r.throughput ? `, ${r.throughput.stepsPerSecond.toFixed(2)} steps/s, ${Math.round(r.throughput.tokensPerSecond)} tokens/s after the compiling step` : '';
  console.log(`${r.status} after ${r.step} steps (${r.data.truncated} sequences truncated to ${r.sequenceLength + 1} tokens)${speed}`);
}

/** GRPO's per-step stats: reward (per function), KL when β > 0, clip ratio, completion length, failures by function. */
function grpoLine(l: GrpoStepLog): string {
  const parts = Object.entries(l.rewards).map(([k, x]) => `${k} ${x.mean.toFixed(3)}±${x.std.toFixed(3)}`).join(', ');
  const failed = l.rewardFailures ? ` FAILED ${Object.entries(l.rewardFailures).map(([k, n]) => `${k} ×${n}`).join(', ')}` : '';
  return ` reward ${l.reward.toFixed(3)}±${l.rewardStd.toFixed(3)} (${parts})${l.kl !== undefined ? ` kl ${l.kl.toFixed(4)}` : ''} clip ${l.clipRatio.toFixed(3)} len ${l.completionLength.toFixed(1)}${failed}`;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  main(process.argv.slice(2)).catch((e: Error) => {
    console.error(`${e.name}: ${e.message}`);
    process.exit(1);
  });
}
