// Unlearning fine-tuning in the lab engine: one jitted step per run (forward(s), the method's objective, grads,
// global-norm clip, AdamW on the trainable tensors only, a circuit mask when given), seeded forget / retain
// batches, progress events, cancellation between steps, evaluation of the forget / retain NLL on held-out pairs,
// and checkpoints (safetensors under the model's own tensor names + a JSON manifest) handed to a sink that writes
// them all-or-nothing. A loss, gradient norm or parameter that is NaN / ±∞ stops the run with the step named; the
// last good checkpoint is never overwritten by a bad one. Pure: no Node (runNode.ts adds the file system).
import { jit, numpy as np, valueAndGrad, type OwnedFunction } from '@jax-js/jax';
import { adamwUpdate, Batcher, clipByGlobalNorm, fromF32, fromI32, keep, makeBatch, materialize, matmul, release, takeF32, type AdamWConfig, type Arr, type ArrRecord, type Example, type HostBatch } from '../../lab';
import { Pcg32 } from '../../lab';
import type { CircuitSelection } from '../circuit';
import { serialize } from '../safetensors';
import { resolveUnlearnConfig, unlearnLrAt, type UnlearnConfig } from './config';
import { NonFiniteLossError, UnlearnConfigError } from './errors';
import { checkpointTensors, circuitMasks, matchParams, roleParams, type UnlearnModel } from './model';
import { needsReference, objectiveLoss, sequenceNll, type ObjectiveInputs, type UnlearnMethod } from './objectives';
import { checkUnlearnData, type SplitRecord, type TextPair, type UnlearnData } from './splits';
import { UNLEARN_MANIFEST_VERSION, type StepLog, type UnlearnManifest, type UnlearnMetrics } from './manifest';

export type UnlearnProgress =
  | { kind: 'prepare'; message: string }
  | { kind: 'step'; step: number; total: number; log: StepLog }
  | { kind: 'eval'; step: number; metrics: UnlearnMetrics }
  | { kind: 'checkpoint'; step: number }
  | { kind: 'done'; step: number; total: number; status: 'done' | 'cancelled' };

/** Receives each checkpoint; must write it all-or-nothing (runNode.ts: a temp folder renamed into place). */
export interface CheckpointSink {
  write(c: { step: number; safetensors: Uint8Array; manifest: UnlearnManifest }): Promise<void>;
}

export interface UnlearnRunOptions {
  split?: SplitRecord;
  sink?: CheckpointSink;
  onProgress?: (p: UnlearnProgress) => void;
  signal?: AbortSignal;
  /**
   * Per-step update gates applied after AdamW (MANSU, mansuPipeline.ts): `scale` multiplies a tensor's step
   * elementwise (the Fisher retain bound), `project` removes its component along an orthonormal basis u [din, k] of
   * the tensor's input axis (`axis` 0: [in, out] layouts; 1: [out, in]), so the run's total change stays in the
   * retain inputs' null space.
   */
  gates?: { scale?: Map<string, Float32Array>; project?: Map<string, { u: Float32Array; din: number; k: number; axis: 0 | 1 }> };
  /** Restricts updates to the circuit's slices of the trainable tensors (per-element masks). */
  circuit?: CircuitSelection;
  /**
   * A retain-validation guard (MANSU's `retainGuard`, mansuPipeline.ts): after every update the token-mean NLL of
   * `examples` (retain pairs the run does not train on) is measured; an update that raises it more than `maxRise`
   * nats above the starting model's is undone (params and AdamW moments restored) and the learning rate scaled by
   * `backoff` for the rest of the run (0: stop at the last accepted update). Absent: every update is kept.
   * `baseNll`: the starting model's guard NLL when the caller has measured it already (MANSU does, for its floor
   * check), so it is not computed a second time.
   */
  retainGuard?: { examples: TextPair[]; maxRise: number; backoff: number; baseNll?: number };
}

export interface UnlearnResult {
  status: 'done' | 'cancelled';
  /** Updates applied. */
  step: number;
  /** Engine arrays of the trained model (every parameter); the caller releases them. */
  params: ArrRecord;
  manifest: UnlearnManifest;
  /** Optimizer steps per second, the first (compiling) step excluded; null with fewer than 2 steps. */
  stepsPerSecond: number | null;
}

type Encoded = Example & { id: string };

export function encode(model: UnlearnModel, pairs: TextPair[]): Encoded[] {
  return pairs.map((p) => {
    const { ids, responseStart } = model.tokenizer.encodeChat(p.prompt, p.response);
    return { id: p.id, tokens: ids, lossFrom: responseStart };
  });
}

/** RMU's activation mask: 1 where the token itself is a response token = the loss mask moved one position right. */
function actMask(b: HostBatch): Float32Array {
  const out = new Float32Array(b.B * b.T);
  for (let i = 0; i < b.B; i++) for (let t = 1; t < b.T; t++) out[i * b.T + t] = b.mask[i * b.T + t - 1];
  return out;
}

function batchArrays(prefix: 'f' | 'r', b: HostBatch): ArrRecord {
  const s = [b.B, b.T];
  return { [`${prefix}Tok`]: fromI32(b.tokens, s), [`${prefix}Tgt`]: fromI32(b.targets, s), [`${prefix}Mask`]: fromF32(b.mask, s), [`${prefix}Act`]: fromF32(actMask(b), s) };
}

const pick = (r: ArrRecord, names: readonly string[]): ArrRecord => Object.fromEntries(names.map((n) => [n, r[n]]));
const finite = (xs: Iterable<number>): boolean => {
  for (const x of xs) if (!Number.isFinite(x)) return false;
  return true;
};

/** The tensors a run trains: config.trainable regexes, else all (RMU: layers l−2…l's MLP down-projection). */
function trainableNames(model: UnlearnModel, c: UnlearnConfig, layer: number): string[] {
  if (c.trainable) {
    const names = matchParams(model, c.trainable);
    if (names.length === 0) throw new UnlearnConfigError(`trainable ${JSON.stringify(c.trainable)} matches no parameter of ${model.id}`);
    return names;
  }
  if (c.method === 'rmu') return roleParams(model, 'down', [layer - 2, layer - 1, layer].filter((l) => l >= 0));
  return Object.keys(model.params);
}

/** Runs one unlearning fine-tune of `model` (its params stay untouched: they are the frozen reference). */
export async function runUnlearning(
  model: UnlearnModel, data: UnlearnData, given: Partial<UnlearnConfig> & { method: UnlearnMethod }, opts: UnlearnRunOptions = {},
): Promise<UnlearnResult> {
  const c = resolveUnlearnConfig(given);
  checkUnlearnData(data);
  const layer = c.rmuLayer ?? Math.floor(model.nLayers / 2);
  if (layer >= model.nLayers) throw new UnlearnConfigError(`rmuLayer ${layer} does not exist: ${model.id} has ${model.nLayers} layers`);
  const trainable = trainableNames(model, c, layer);
  const masks = opts.circuit ? circuitMasks(model, opts.circuit, trainable) : null;
  const train = masks ? trainable.filter((n) => masks.has(n)) : trainable;
  const frozenNames = Object.keys(model.params).filter((n) => !train.includes(n));
  const progress = opts.onProgress ?? (() => undefined);

  progress({ kind: 'prepare', message: 'tokenising' });
  const sets = { forget: encode(model, data.forget), retain: encode(model, data.retain), evalForget: encode(model, data.evalForget.slice(0, c.evalSize)),
    evalRetain: encode(model, data.evalRetain.slice(0, c.evalSize)), trainForget: encode(model, data.forget.slice(0, c.evalSize)),
    guard: encode(model, opts.retainGuard?.examples ?? []) };
  const maxLen = Math.max(...Object.values(sets).flat().map((e) => e.tokens.length));
  const T = Math.min(model.maxPositions, maxLen - 1);
  const pad = model.tokenizer.padId ?? 0;
  const forgetBatches = new Batcher(sets.forget, c.batchSize, T, 2 * c.seed, pad);
  const retainBatches = new Batcher(sets.retain, c.batchSize, T, 2 * c.seed + 1, pad);

  const forward = model.forward;
  const frozen = pick(model.params, frozenNames);
  const evalFn = makeEvaluator(model, T, pad);
  const metricsAt = (params: ArrRecord, step: number): UnlearnMetrics => {
    const m: UnlearnMetrics = { step, forgetNll: evalFn(params, sets.evalForget), retainNll: evalFn(params, sets.evalRetain), forgetTrainNll: evalFn(params, sets.trainForget) };
    release(params);
    progress({ kind: 'eval', step, metrics: m });
    return m;
  };

  // RMU: c·u with u ~ U[0,1)^d normalised (open-unlearning get_control_vector), c from config or the activation norm.
  let control: Float32Array | null = null;
  let activationNorm: number | null = null;
  if (c.method === 'rmu') {
    activationNorm = meanActivationNorm(model, layer, makeBatch(sets.forget.slice(0, 16), T, pad));
    const rng = new Pcg32(c.seed, 13);
    const u = Float32Array.from({ length: model.dModel }, () => rng.uniform());
    const norm = Math.hypot(...u);
    const coeff = c.steeringCoeff ?? activationNorm / 4;
    control = u.map((x) => (x / norm) * coeff);
  }

  const manifest: UnlearnManifest = {
    version: UNLEARN_MANIFEST_VERSION,
    kind: 'unlearn-checkpoint',
    model: { id: model.id, family: model.family, weightsSha256: model.weightsSha256 },
    method: c.method,
    given: { ...given },
    config: c,
    effective: {
      trainable: train, sequenceLength: T,
      rmu: c.method === 'rmu' ? { layer, steeringCoeff: Math.hypot(...control!), forgetActivationNorm: activationNorm! } : null,
      circuit: opts.circuit ? { heads: opts.circuit.heads, mlps: opts.circuit.mlps, maskedElements: [...masks!.values()].reduce((s, m) => s + m.reduce((a, b) => a + b, 0), 0) } : null,
    },
    split: opts.split ?? null,
    step: 0,
    status: 'running',
    losses: [],
    metrics: [],
  };

  const o: AdamWConfig = { lr: c.lr, beta1: c.beta1, beta2: c.beta2, eps: c.eps, weightDecay: c.weightDecay, gradClip: c.gradClip, warmupSteps: 0, totalSteps: c.steps, minLrRatio: 0 };
  const step = makeStep(c, o, forward, layer);
  const maskArrs = (): ArrRecord => {
    const out: ArrRecord = masks ? Object.fromEntries([...masks].map(([n, m]) => [n, fromF32(m, [...model.params[n].shape])])) : {};
    for (const [n, sc] of opts.gates?.scale ?? []) if (train.includes(n)) out[`${n}|scale`] = fromF32(sc, [...model.params[n].shape]);
    for (const [n, b] of opts.gates?.project ?? []) if (train.includes(n) && b.k > 0) out[`${n}|u${b.axis}`] = fromF32(b.u, [b.din, b.k]);
    return out;
  };
  let params = keep(pick(model.params, train));
  let m: ArrRecord = Object.fromEntries(train.map((n) => [n, np.zeros([...model.params[n].shape])]));
  let v: ArrRecord = Object.fromEntries(train.map((n) => [n, np.zeros([...model.params[n].shape])]));
  const full = () => ({ ...keep(frozen), ...keep(params) });
  let lastGood: number | null = null;
  let status: 'done' | 'cancelled' = 'done';
  let done = 0;
  let t1: number | null = null;
  // the retain guard: its starting NLL, the learning-rate scale its rejections leave, the updates accepted (AdamW's t)
  const guard = opts.retainGuard && sets.guard.length ? opts.retainGuard : null;
  const guardNll = (): number => {
    const all = full();
    const g = evalFn(all, sets.guard);
    release(all);
    return g;
  };
  const guardBase = guard ? (guard.baseNll ?? guardNll()) : 0;
  let lrScale = 1;
  let accepted = 0;
  const t0 = Date.now();
  try {
    manifest.metrics.push(metricsAt(full(), 0));
    for (let s = 0; s < c.steps; s++) {
      if (opts.signal?.aborted) {
        status = 'cancelled';
        break;
      }
      if (lrScale === 0) break; // the guard stopped the run: the last accepted update is the result
      const inputs: ArrRecord = { ...batchArrays('f', forgetBatches.next()), ...batchArrays('r', retainBatches.next()) };
      if (control) inputs.ctrl = fromF32(control, [model.dModel]);
      const lr = unlearnLrAt(c, s) * lrScale;
      const t = s + 1;
      const ta = accepted + 1; // = t without a guard; a rejected update does not advance AdamW's bias correction
      const sc = { lr: np.array(lr), bc1: np.array(1 - c.beta1 ** ta), bc2: np.array(1 - c.beta2 ** ta) };
      const ref = needsReference(c.method) ? keep(model.params) : {};
      const prev = guard ? { params: keep(params), m: keep(m), v: keep(v) } : null;
      const [p2, m2, v2, loss, f, r, norm] = step.fn(params, keep(frozen), ref, m, v, inputs, maskArrs(), sc.lr, sc.bc1, sc.bc2);
      params = p2;
      m = m2;
      v = v2;
      const log: StepLog = { step: t, loss: loss.item(), forget: f.item(), retain: r.item(), gradNorm: norm.item(), lr };
      if (guard && prev) {
        log.guardNll = guardNll();
        log.rejected = !(log.guardNll - guardBase <= guard.maxRise); // NaN counts as a rise
        if (log.rejected) {
          release(params);
          release(m);
          release(v);
          ({ params, m, v } = prev);
          lrScale *= guard.backoff;
        } else {
          release(prev.params);
          release(prev.m);
          release(prev.v);
          accepted++;
        }
      } else accepted++;
      done = t;
      if (s === 0) t1 = Date.now();
      manifest.losses.push(log);
      progress({ kind: 'step', step: t, total: c.steps, log });
      const bad = !Number.isFinite(log.loss) ? 'the loss' : !Number.isFinite(log.gradNorm) ? 'the gradient norm' : null;
      if (bad) throw new NonFiniteLossError(t, bad, lastGood);
      if (t % c.checkpointEvery === 0 || t === c.steps) {
        const all = full();
        const tensors = checkpointTensors(model, all);
        release(all);
        for (const [name, x] of tensors) if (!finite(x.data)) throw new NonFiniteLossError(t, `parameter ${name}`, lastGood);
        manifest.metrics.push(metricsAt(full(), t));
        manifest.step = t;
        manifest.status = t === c.steps ? 'done' : 'running';
        if (opts.sink) {
          const names = [...tensors.keys()].sort();
          const bytes = serialize(names.map((name) => {
            const x = tensors.get(name)!;
            return { name, dtype: 'F32' as const, shape: x.shape, data: new Uint8Array(x.data.buffer, x.data.byteOffset, x.data.byteLength) };
          }), { format: 'pt' });
          await opts.sink.write({ step: t, safetensors: bytes, manifest: structuredClone(manifest) });
          progress({ kind: 'checkpoint', step: t });
        }
        lastGood = t;
      }
    }
    // the guard stopped the run between checkpoints: the metrics of the update it ends on
    if (lrScale === 0 && manifest.metrics[manifest.metrics.length - 1].step !== done) manifest.metrics.push(metricsAt(full(), done));
  } catch (e) {
    release(params);
    throw e;
  } finally {
    release(m);
    release(v);
    step.dispose();
    evalFn.dispose();
  }
  manifest.step = done;
  manifest.status = status;
  const elapsed = t1 !== null && done > 1 ? (Date.now() - t1) / 1000 : null;
  manifest.timing = { wallSeconds: (Date.now() - t0) / 1000, stepsPerSecond: elapsed ? (done - 1) / elapsed : null };
  progress({ kind: 'done', step: done, total: c.steps, status });
  return { status, step: done, params: { ...keep(frozen), ...params }, manifest, stepsPerSecond: manifest.timing.stepsPerSecond };
}

type StepFn = (p: ArrRecord, frozen: ArrRecord, ref: ArrRecord, m: ArrRecord, v: ArrRecord, x: ArrRecord, masks: ArrRecord, lr: Arr, bc1: Arr, bc2: Arr) =>
  [ArrRecord, ArrRecord, ArrRecord, Arr, Arr, Arr, Arr];

/** The jitted step: objective, grads of the trainable tensors, mask, clip, AdamW, masked update. */
function makeStep(c: UnlearnConfig & { lr: number }, o: AdamWConfig, forward: UnlearnModel['forward'], layer: number): { fn: StepFn; dispose: () => void } {
  const method = c.method;
  const w = { gamma: c.gamma, alpha: c.alpha, beta: c.beta, layer };
  const lossOf = (p: ArrRecord, frozen: ArrRecord, ref: ArrRecord, x: ArrRecord): [Arr, [Arr, Arr]] => {
    const { ctrl, ...rest } = x;
    return objectiveLoss(method, w, forward, { ...frozen, ...p }, ref, rest as ObjectiveInputs, ctrl ?? null);
  };
  const raw: StepFn = (p, frozen, ref, m, v, x, gates, lr, bc1, bc2) => {
    const masks = Object.fromEntries(Object.entries(gates).filter(([k]) => !k.includes('|')));
    const [[loss, [f, r]], grads] = valueAndGrad(lossOf, { hasAux: true })(keep(p), frozen, ref, x);
    for (const [k, mk] of Object.entries(masks)) grads[k] = grads[k].mul(mk.ref); // restrict to the circuit
    const [clipped, norm] = clipByGlobalNorm(grads, o.gradClip);
    const gated = [...new Set(Object.keys(gates).map((k) => k.split('|')[0]))];
    const old = keep(pick(p, gated));
    const next = adamwUpdate(o, p, clipped, m, v, { lr, bc1, bc2 });
    for (const k of gated) {
      // weight decay moves every element: the mask keeps the masked-out ones exactly where they were
      let upd = next.params[k].sub(old[k].ref);
      if (masks[k]) upd = upd.mul(masks[k].ref);
      if (gates[`${k}|scale`]) upd = upd.mul(gates[`${k}|scale`]); // the Fisher retain bound
      const u = gates[`${k}|u0`] ?? gates[`${k}|u1`];
      if (u) {
        // remove the step's component along the retain inputs' subspace U [din, k] (input axis 0 or 1)
        const ut = materialize(u.ref.transpose());
        upd = gates[`${k}|u0`] ? upd.ref.sub(matmul(u, matmul(ut, upd))) : upd.ref.sub(matmul(matmul(upd, u), ut));
        if (masks[k]) upd = upd.mul(masks[k].ref); // a head's o rows: the projection mixes rows, the mask cuts back
      }
      next.params[k] = old[k].add(upd);
    }
    release(masks);
    return [next.params, next.m, next.v, loss, f, r, norm];
  };
  const compiled = jit(raw) as OwnedFunction<StepFn>;
  return { fn: compiled, dispose: () => compiled.dispose() };
}

/** Token-mean NLL of the response tokens of a set (batches of 16, padded rows carry no mask). Does not consume params. */
export function makeEvaluator(model: UnlearnModel, T: number, pad: number): ((params: ArrRecord, set: Example[]) => number) & { dispose: () => void } {
  const fn = jit((p: ArrRecord, tok: Arr, tgt: Arr, mask: Arr): [Arr, Arr] => [sequenceNll(model.forward(p, tok).logits, tgt, mask.ref).sum(), mask.sum()]);
  const B = 16;
  const evaluate = (params: ArrRecord, set: Example[]): number => {
    let nll = 0;
    let count = 0;
    for (let i = 0; i < set.length; i += B) {
      const rows = set.slice(i, i + B);
      const b = makeBatch([...rows, ...Array.from({ length: B - rows.length }, () => ({ tokens: [pad], lossFrom: 1 }))], T, pad);
      const [s, n] = fn(keep(params), fromI32(b.tokens, [B, T]), fromI32(b.targets, [B, T]), fromF32(b.mask, [B, T]));
      nll += s.item();
      count += n.item();
    }
    return count ? nll / count : NaN;
  };
  return Object.assign(evaluate, { dispose: () => fn.dispose() });
}

/** Mean L2 norm of the frozen model's layer-`layer` output over the response tokens of a forget batch. */
function meanActivationNorm(model: UnlearnModel, layer: number, b: HostBatch): number {
  const hook = `blocks.${layer}.hook_resid_post` as const;
  const r = model.forward(keep(model.params), fromI32(b.tokens, [b.B, b.T]), { cache: [hook] });
  r.logits.dispose();
  const h = takeF32(r.cache[hook]!); // [B,T,d]
  const mask = actMask(b);
  const d = model.dModel;
  let sum = 0;
  let n = 0;
  for (let i = 0; i < b.B * b.T; i++) {
    if (!mask[i]) continue;
    let sq = 0;
    for (let j = 0; j < d; j++) sq += h[i * d + j] ** 2;
    sum += Math.sqrt(sq);
    n++;
  }
  return n ? sum / n : 1;
}
