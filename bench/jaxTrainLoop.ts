// The training loop the TFM replica benches share (bench/tfm-replica-train.ts, bench/tabicl-arch-train.ts): one jitted
// step (loss, gradients, global-norm clip, AdamW), run until a step or wall-clock cap, with the mean loss every
// `logEvery` steps. A non-finite loss stops the run naming its step. Returns the trained parameters (owned by the
// caller) and the loss curve; the optimiser state is released here.
import { jit, valueAndGrad, type OwnedFunction } from '@jax-js/jax';
import { adamwScalars, adamwUpdate, clipByGlobalNorm, keep, release, type AdamWConfig, type Arr, type ArrRecord } from '../src/core/lab';

export interface TrainLoopOptions<I> {
  params: ArrRecord;
  /** the loss of one batch: inputs, integer targets, per-target weights */
  loss: (p: ArrRecord, inputs: I, target: Arr, weight: Arr) => Arr;
  /** the batch of step `s` (deterministic from `s`) */
  batch: (s: number) => { inputs: I; target: Arr; weight: Arr };
  optim: AdamWConfig;
  maxSteps: number;
  minutes: number;
  logEvery: number;
}

export interface TrainLoopResult {
  params: ArrRecord;
  steps: number;
  seconds: number;
  curve: { step: number; loss: number; seconds: number }[];
}

export function trainJitAdamw<I>(o: TrainLoopOptions<I>): TrainLoopResult {
  type StepFn = (p: ArrRecord, m: ArrRecord, v: ArrRecord, inputs: I, target: Arr, weight: Arr, lr: Arr, bc1: Arr, bc2: Arr) => [ArrRecord, ArrRecord, ArrRecord, Arr];
  const raw: StepFn = (p, m, v, inputs, target, weight, lr, bc1, bc2) => {
    // the inputs are a tree of arrays (each bench's own interface); jax-js types its trees structurally, so the
    // generic is viewed as a record here
    const loss = o.loss as unknown as (p: ArrRecord, inputs: ArrRecord, target: Arr, weight: Arr) => Arr;
    const [l, grads] = valueAndGrad(loss)(keep(p), inputs as unknown as ArrRecord, target, weight);
    const [clipped, norm] = clipByGlobalNorm(grads, o.optim.gradClip);
    norm.dispose();
    const next = adamwUpdate(o.optim, p, clipped, m, v, { lr, bc1, bc2 });
    return [next.params, next.m, next.v, l];
  };
  const step = jit(raw) as OwnedFunction<StepFn>;
  const zeros = (): ArrRecord => Object.fromEntries(Object.entries(o.params).map(([k, a]) => [k, a.ref.mul(0)]));
  let state = { p: o.params, m: zeros(), v: zeros() };
  const t0 = performance.now();
  const elapsed = () => Math.round((performance.now() - t0) / 1000);
  const curve: TrainLoopResult['curve'] = [];
  let acc = 0;
  let steps = 0;
  for (; steps < o.maxSteps && performance.now() - t0 < o.minutes * 60_000; steps++) {
    const b = o.batch(steps);
    const sc = adamwScalars(o.optim, steps);
    const [p, m, v, l] = step(state.p, state.m, state.v, b.inputs, b.target, b.weight, sc.lr, sc.bc1, sc.bc2);
    state = { p, m, v };
    const lv = l.item();
    if (!Number.isFinite(lv)) throw new Error(`loss ${lv} at step ${steps}`);
    acc += lv;
    if ((steps + 1) % o.logEvery === 0) {
      curve.push({ step: steps + 1, loss: +(acc / o.logEvery).toFixed(4), seconds: elapsed() });
      console.log(`step ${steps + 1} loss ${(acc / o.logEvery).toFixed(4)} ${elapsed()} s`);
      acc = 0;
    }
  }
  step.dispose();
  release(state.m);
  release(state.v);
  return { params: state.p, steps, seconds: elapsed(), curve };
}
