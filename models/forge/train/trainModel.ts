// Trains one forge model from tokenized sequences: seeded init, packed batches, the lab's jitted AdamW step.
// Pure compute (no file I/O) so the same function runs in `npm run forge`, in the tiny test and in a bundled
// standalone trainer. Returns host weights (HF GPT-2 names) and the loss curve.
import {
  disposeTrainState, exportParams, initParams, initTrainState, makeTrainStep, type GptConfig,
} from '../../../src/core/lab';
import { adamwOf, type Recipe } from './recipe';
import { Packer, type Sequence } from './pack';

export type HostTensors = Map<string, { data: Float32Array; shape: number[] }>;

export interface CurvePoint {
  step: number;
  /** Mean masked cross-entropy over the steps since the previous point. */
  loss: number;
  lr: number;
}

export interface TrainResult {
  /** HF names with the `transformer.` prefix (GPT2LMHeadModel layout). */
  tensors: HostTensors;
  curve: CurvePoint[];
  steps: number;
  tokensSeen: number;
  wallSeconds: number;
  cpuSeconds: number;
}

export interface TrainOptions {
  /** Called every `logEvery` steps (progress, logs). */
  onLog?: (p: CurvePoint & { elapsedS: number }) => void;
  logEvery?: number;
}

export function trainModel(r: Recipe, cfg: GptConfig, seqs: readonly Sequence[], padId: number, o: TrainOptions = {}): TrainResult {
  const logEvery = o.logEvery ?? 25;
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  const state = initTrainState(initParams(cfg, r.initSeed));
  const step = makeTrainStep(cfg, adamwOf(r));
  const packer = new Packer(seqs, r.batchSize, cfg.nCtx, r.dataSeed, padId);
  const curve: CurvePoint[] = [];
  let acc = 0;
  let n = 0;
  try {
    for (let i = 0; i < r.steps; i++) {
      const s = step.run(state, packer.next());
      if (!Number.isFinite(s.loss)) throw new Error(`${r.id}: loss became ${s.loss} at step ${i}`);
      acc += s.loss;
      n++;
      if ((i + 1) % logEvery === 0 || i === 0 || i + 1 === r.steps) {
        const point = { step: i + 1, loss: acc / n, lr: s.lr };
        curve.push(point);
        o.onLog?.({ ...point, elapsedS: (performance.now() - t0) / 1000 });
        acc = 0;
        n = 0;
      }
    }
    const tensors = exportParams(state.params, { hfPrefix: true });
    const cpu = process.cpuUsage(cpu0);
    return {
      tensors, curve, steps: r.steps, tokensSeen: r.steps * r.batchSize * cfg.nCtx,
      wallSeconds: (performance.now() - t0) / 1000, cpuSeconds: (cpu.user + cpu.system) / 1e6,
    };
  } finally {
    step.dispose();
    disposeTrainState(state);
  }
}
