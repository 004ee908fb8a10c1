// Memory formula for EAP / EAP-IG on a family decoder (fp32, bytes), to check against bench/lab-scale.ts's
// measurement and to extrapolate to sizes the bench does not run. Symbols: L layers, H query heads, d hidden,
// hd head size, F MLP width, V vocab, P parameters, nF = 1 + L(H+1) graph sources, nB = L(3H+1) + 1 destinations.
// Exact terms (arrays the code keeps):
//   acts run (kept):   nF·B·T·d            every source output, [nF,B,T,d]; A, C and C − A during scoring
//   gradient outputs:  nB·B·T·d            one per destination input, twice (the grads and their concatenation)
//   logits:            2·B·T·V             logits and their cotangent (decoderForward unembeds every position)
// Fitted terms (what jax-js's jitted backward holds; fitted on 4-layer SmolLM2-width runs, B1, T16 and T64, with
// and without the per-head deltas, then checked against the 30-layer cases in the bench's JSON):
//   weight copies:     V·d + 2.3·P_layer·L transposed / per-head broadcast weights, all alive at once (grad − params
//                                          at 1, 4, 8 layers, T16: 140, 231, 355 MiB = one 108 MiB embedding + 30.7
//                                          MiB per layer, 2.3 × the layer's 13.5 MiB)
//   saved per layer:   10·3H·B·T·d         the per-head q/k/v inputs: broadcast, delta, norm steps, transposes
//                                          (per token and layer 0.49 MiB more with the deltas than without: 8.2 ×
//                                          3H·d·4 on top of the shared path's)
//                    + 4.4·(3·B·H·T·hd + 3·B·T·F + 4·B·T·d)   q/k/v, MLP gate/up/product, residual-sized arrays
//                                          (the shared path's growth, 0.17 MiB per token and layer)
//                    + 2·B·H·T²            scores and pattern
import { graphConfigForLm, nBackward, nForward } from '../src/core/circuits/graph';
import type { NormalizedLmConfig } from '../src/core/lm/families';
import type { ScaleCaseResult } from './labScaleCase';

export interface ScaleFormula {
  paramBytes: number;
  /** one run's source outputs [nF,B,T,d] */
  actsBytes: number;
  /** all destination-input gradients [nB,B,T,d] */
  gradOutBytes: number;
  /** activations the backward keeps for one layer */
  savedPerLayerBytes: number;
  logitsBytes: number;
  /** the jitted backward's weight copies (empirical, see the header) */
  weightCopiesBytes: number;
  /** params + the acts forward's two kept runs + one layer's working set + one-hot and logits (a rough bound) */
  actsPeakBytes: number;
  /** params + weight copies + A, C and C − A + every layer's saved activations + logits and cotangent + gradients twice */
  gradPeakBytes: number;
}

const F32 = 4;
/** fitted factors (header): weight copies per layer in layer weights; saved copies of the per-head inputs; of the rest */
const LAYER_COPY_FACTOR = 2.3;
const PER_HEAD_COPIES = 10;
const SHARED_COPIES = 4.4;

export function scaleFormula(c: NormalizedLmConfig, B: number, T: number, paramCount: number): ScaleFormula {
  const { numLayers: L, numHeads: H, hiddenSize: d, headDim: hd, intermediateSize: F, vocabSize: V } = c;
  const btd = B * T * d;
  const nF = nForward(graphConfigForLm(c));
  const nB = nBackward(graphConfigForLm(c));
  const P = paramCount;
  const paramBytes = P * F32;
  const actsBytes = nF * btd * F32;
  const gradOutBytes = nB * btd * F32;
  const savedPerLayerBytes = (PER_HEAD_COPIES * 3 * H * btd + SHARED_COPIES * (3 * B * H * T * hd + 3 * B * T * F + 4 * btd) + 2 * B * H * T * T) * F32;
  const logitsBytes = B * T * V * F32;
  const embedParams = V * d * (c.tieWordEmbeddings ? 1 : 2);
  const layerParams = Math.max(0, (P - embedParams - d) / L);
  const weightCopiesBytes = (V * d + LAYER_COPY_FACTOR * layerParams * L) * F32;
  return {
    paramBytes, actsBytes, gradOutBytes, savedPerLayerBytes, logitsBytes, weightCopiesBytes,
    actsPeakBytes: paramBytes + 2 * actsBytes + savedPerLayerBytes + 2 * logitsBytes,
    gradPeakBytes: paramBytes + weightCopiesBytes + 3 * actsBytes + L * savedPerLayerBytes + 2 * logitsBytes + 2 * gradOutBytes,
  };
}

/** What a whole run holds besides one batch's working set: A and C of every prepared batch (preparePairs). */
export const preparedPairsBytes = (c: NormalizedLmConfig, pairs: number, T: number): number =>
  2 * nForward(graphConfigForLm(c)) * pairs * T * c.hiddenSize * F32;

export interface EapIgPlan {
  m: number;
  /** 2 acts forwards + m gradient calls, wall ms per batch of B pairs (second-call timings) */
  perBatchMs: number;
  perBatchCpuMs: number | null;
  /** the gradient stage's high-water mark: the most a batch needs at once */
  peakMemoryBytes: number | null;
}

export function eapIgPlan(r: ScaleCaseResult, m: number): EapIgPlan {
  const acts = r.stages.find((s) => s.stage === 'acts');
  const g = r.stages.find((s) => s.stage === 'grad');
  if (!acts?.ms || !g?.ms) throw new Error(`case ${r.config} B${r.B} T${r.T} has no acts and grad timings`);
  const cpu = acts.cpuMs !== undefined && g.cpuMs !== undefined ? 2 * acts.cpuMs + m * g.cpuMs : null;
  return { m, perBatchMs: 2 * acts.ms + m * g.ms, perBatchCpuMs: cpu, peakMemoryBytes: g.memoryBytes };
}

/** wasm32's ceiling: jax-js allocates every engine array from one WebAssembly.Memory of at most 4 GiB */
export const WASM32_BYTES = 2 ** 32;

/**
 * Measured peak / formula on the 30-layer SmolLM2 gradient calls: 1.14 (1×16), 1.23 (1×32), > 1.22 (1×64, which
 * failed): the allocator's size classes (a freed block serves only a request of its own size class) and what the
 * fit missed. Since the engine's `materialize` gives transposed weights buffers of their own: 1.32 (1×16) and 1.40
 * (1×32, runner path). Plans divide the limit by it.
 */
export const MEASURED_OVER_FORMULA = 1.4;

/**
 * The largest tokens per gradient call (T growing at B = 1; B growing at T = 32) whose formula peak, times the
 * measured margin, fits `limit`.
 */
export function maxTokensPerGradCall(c: NormalizedLmConfig, paramCount: number, limit = WASM32_BYTES / MEASURED_OVER_FORMULA): { atB1: number; atT32: number } {
  let T = 0;
  while (T < c.maxPositions && scaleFormula(c, 1, T + 1, paramCount).gradPeakBytes <= limit) T++;
  let B = 0;
  while (B < 1024 && scaleFormula(c, B + 1, 32, paramCount).gradPeakBytes <= limit) B++;
  return { atB1: T, atT32: 32 * B };
}
