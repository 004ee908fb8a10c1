// Trains one forge model from tokenized sequences: seeded init, packed batches, the lab's jitted AdamW step.
// Pure compute (no file I/O) so the same function runs in `npm run forge`, in the tiny test and in a bundled
// standalone trainer. Returns host weights (HF names of the architecture) and the loss curve. GPT-2 recipes run
// the lab's gpt.ts; Llama recipes the family decoder (decoder.ts) through the same jitted AdamW step.
import {
  decoderForward, disposeTrainState, exportParams, importDecoderParams, initDecoderParams, initParams, initTrainState, makeTrainStep, makeTrainStepFor,
  type TrainStep,
} from '../../../src/core/lab';
import { adamwOf, contextOf, type ModelArch, type Recipe } from './recipe';
import { Packer, type Sequence } from './pack';

export type HostTensors = Map<string, { data: Float32Array; shape: number[] }>;

export interface CurvePoint {
  step: number;
  /** Mean masked cross-entropy over the steps since the previous point. */
  loss: number;
  lr: number;
}

export interface TrainResult {
  /** HF names: GPT2LMHeadModel's (with the `transformer.` prefix) or the family's (LlamaForCausalLM's). */
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
  /** Warm start: initial weights (HF names of the architecture) instead of the seeded init (Llama recipes). */
  initTensors?: HostTensors;
}

export function trainModel(r: Recipe, arch: ModelArch, seqs: readonly Sequence[], padId: number, o: TrainOptions = {}): TrainResult {
  const logEvery = o.logEvery ?? 25;
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  let state: ReturnType<typeof initTrainState>;
  let step: TrainStep;
  if (arch.kind === 'gpt2') {
    state = initTrainState(initParams(arch.cfg, r.initSeed));
    step = makeTrainStep(arch.cfg, adamwOf(r));
  } else {
    const c = arch.cfg;
    state = initTrainState(o.initTensors ? importDecoderParams(c, o.initTensors) : initDecoderParams(c, r.initSeed));
    step = makeTrainStepFor((p, tok) => decoderForward(c, p, tok).logits, adamwOf(r));
  }
  const nCtx = contextOf(arch);
  const packer = new Packer(seqs, r.batchSize, nCtx, r.dataSeed, padId);
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
    const tensors = exportParams(state.params, { hfPrefix: arch.kind === 'gpt2' });
    const cpu = process.cpuUsage(cpu0);
    return {
      tensors, curve, steps: r.steps, tokensSeen: r.steps * r.batchSize * nCtx,
      wallSeconds: (performance.now() - t0) / 1000, cpuSeconds: (cpu.user + cpu.system) / 1e6,
    };
  } finally {
    step.dispose();
    disposeTrainState(state);
  }
}
