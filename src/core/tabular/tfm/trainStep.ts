// One jitted TFM training step (forward, masked cross-entropy on query rows, grads, global-norm clip, AdamW from
// core/lab) and a jitted evaluation forward. jit compiles once per batch shape, so the forge draws batch shapes
// from a few fixed buckets.
import { jit, valueAndGrad, nn, type OwnedFunction } from '@jax-js/jax';
import { adamwScalars, adamwUpdate, clipByGlobalNorm, keep, release, takeF32, type AdamWConfig, type Arr, type ArrRecord } from '../../lab';
import { targetsOf, toInputs, type HostBatch } from './batch';
import type { TfmConfig } from './config';
import { tfmForward, tfmLoss, type TfmInputs } from './model';

export interface TfmTrainState {
  params: ArrRecord;
  m: ArrRecord;
  v: ArrRecord;
  step: number;
}

export function initTfmTrainState(params: ArrRecord): TfmTrainState {
  const zeros = (): ArrRecord => Object.fromEntries(Object.entries(params).map(([k, a]) => [k, a.ref.mul(0)]));
  return { params, m: zeros(), v: zeros(), step: 0 };
}

export function disposeTfmTrainState(s: TfmTrainState): void {
  release(s.params);
  release(s.m);
  release(s.v);
}

type StepFn = (p: ArrRecord, m: ArrRecord, v: ArrRecord, inp: TfmInputs, yq: Arr, wq: Arr, lr: Arr, bc1: Arr, bc2: Arr) =>
  [ArrRecord, ArrRecord, ArrRecord, Arr, Arr];

export interface TfmStepStats { loss: number; gradNorm: number; lr: number }

export function makeTfmTrainStep(c: TfmConfig, o: AdamWConfig): { run: (s: TfmTrainState, b: HostBatch) => TfmStepStats; dispose: () => void } {
  const lossOf = (p: ArrRecord, inp: TfmInputs, yq: Arr, wq: Arr): Arr => tfmLoss(tfmForward(c, p, inp), yq, wq);
  const raw: StepFn = (p, m, v, inp, yq, wq, lr, bc1, bc2) => {
    const [loss, grads] = valueAndGrad(lossOf)(keep(p), inp, yq, wq);
    const [clipped, norm] = clipByGlobalNorm(grads, o.gradClip);
    const next = adamwUpdate(o, p, clipped, m, v, { lr, bc1, bc2 });
    return [next.params, next.m, next.v, loss, norm];
  };
  const compiled = jit(raw) as OwnedFunction<StepFn>;
  return {
    run(s, b) {
      const sc = adamwScalars(o, s.step);
      const lr = sc.lr.ref.item();
      const t = targetsOf(b);
      const [params, m, v, loss, norm] = compiled(s.params, s.m, s.v, toInputs(b), t.yq, t.wq, sc.lr, sc.bc1, sc.bc2);
      Object.assign(s, { params, m, v, step: s.step + 1 });
      return { loss: loss.item(), gradNorm: norm.item(), lr };
    },
    dispose: () => compiled.dispose(),
  };
}

/** Jitted probabilities [B, Nq, K] for a host batch; does not consume `params`. */
export function makeTfmPredict(c: TfmConfig): { run: (params: ArrRecord, b: HostBatch) => Float32Array; dispose: () => void } {
  const compiled = jit((p: ArrRecord, inp: TfmInputs) => nn.softmax(tfmForward(c, p, inp), -1)) as OwnedFunction<(p: ArrRecord, inp: TfmInputs) => Arr>;
  return {
    run: (params, b) => takeF32(compiled(keep(params), toInputs(b))),
    dispose: () => compiled.dispose(),
  };
}
