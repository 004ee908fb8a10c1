// Evaluation of an unlearned model at full precision and after 4-bit post-training quantization (issue #20 item 4):
// does the forgetting survive NF4 / FP4 (block 64, with and without double quantization) as bitsandbytes would
// apply it to the edited checkpoint? Reports the forget / retain NLL of each variant, the PTQ gap (quantized minus
// full-precision forget NLL: negative = quantization brings the forgotten behaviour back), the distribution of
// |update| / local bin width, the share of updates that change their 4-bit code, and the parameters touched.
//
// What bitsandbytes 4-bit PTQ quantizes (transformers' BitsAndBytesConfig(load_in_4bit) → replace_with_bnb_linear):
// nn.Linear modules, and GPT-2's Conv1D ones (transposed to nn.Linear's [out, in] before quantizing, so blocks of
// 64 run along the input features), minus modules_to_not_convert, which defaults to the output head (lm_head).
// Token / position embeddings, norms, biases and the head stay in full precision. Here: the per-layer projection
// roles of the family table (q, k, v, qkv, o, gate, up, gate_up, down, fc), in [out, in] order. Quantization uses
// quant4.ts (the bitsandbytes kernels' thresholds and f32 arithmetic) and dynamicMap.ts for double quantization
// (the absmax vector of each weight, mean-centred, 8-bit dynamic map, block 256). Pure: no Node, no DOM.
import { fromF32, readF32, release, type ArrRecord } from '../../lab';
import { FAMILIES, tensorName, type LayerRole } from '../../lm/families';
import { doubleDequantize, doubleQuantize } from '../dynamicMap';
import { dequantize4bit, normalise, quantize4bit, type QuantType } from '../quant4';
import { CodeLookup } from '../quantLookup';
import { RATIO_BIN_LOWER, ratioBin } from '../survival';
import { behaviourRates, type BehaviourPrompts, type BehaviourRates } from './behaviour';
import type { UnlearnModel } from './model';
import type { UnlearnData } from './splits';
import { encode, makeEvaluator } from './trainer';

export interface QuantVariant {
  type: QuantType;
  doubleQuant: boolean;
  blocksize: number;
}

export const QUANT_VARIANTS: readonly QuantVariant[] = [
  { type: 'nf4', doubleQuant: false, blocksize: 64 },
  { type: 'nf4', doubleQuant: true, blocksize: 64 },
  { type: 'fp4', doubleQuant: false, blocksize: 64 },
  { type: 'fp4', doubleQuant: true, blocksize: 64 },
];

export const variantName = (v: QuantVariant): string => `${v.type}${v.doubleQuant ? '-dq' : ''}-b${v.blocksize}`;

/** The family roles bitsandbytes replaces by Linear4bit (nn.Linear / Conv1D projections inside the blocks). */
const LINEAR_ROLES: readonly LayerRole[] = ['q', 'k', 'v', 'qkv', 'o', 'gate', 'up', 'gate_up', 'down', 'fc'];

/** Engine names of the weights bitsandbytes 4-bit PTQ quantizes, through the family table. */
export function bnbLinearWeights(model: UnlearnModel): string[] {
  const t = FAMILIES[model.family].tensors;
  const out: string[] = [];
  for (let l = 0; l < model.nLayers; l++) {
    for (const role of LINEAR_ROLES) {
      const file = tensorName(t, role, l);
      if (!file) continue;
      const name = Object.keys(model.params).find((n) => n === file || model.fileName(n) === file);
      if (name && model.params[name].shape.length === 2) out.push(name);
    }
  }
  return out;
}

/** Whether the model stores projections as Conv1D [in, out] (GPT-2): bitsandbytes quantizes their transpose. */
const inOut = (model: UnlearnModel): boolean => FAMILIES[model.family].block.weightLayout === 'in_out';

function transpose(data: Float32Array, rows: number, cols: number): Float32Array {
  const out = new Float32Array(data.length);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) out[c * rows + r] = data[r * cols + c];
  return out;
}

/** A weight in bitsandbytes' flattening order ([out, in] row-major) and back. */
export function toBnbOrder(data: Float32Array, shape: readonly number[], layoutInOut: boolean): Float32Array {
  return layoutInOut ? transpose(data, shape[0], shape[1]) : data;
}
export function fromBnbOrder(data: Float32Array, shape: readonly number[], layoutInOut: boolean): Float32Array {
  return layoutInOut ? transpose(data, shape[1], shape[0]) : data;
}

/** Quantize-dequantize of a flattened weight (bitsandbytes order): the values a Linear4bit layer computes with. */
export function quantDequant(data: Float32Array, v: QuantVariant): Float32Array {
  const q = quantize4bit(data, v.type, v.blocksize);
  return dequantize4bit(q, v.doubleQuant ? doubleDequantize(doubleQuantize(q.absmax)) : q.absmax);
}

/** The model's parameters with every bnb-quantized weight replaced by its quantize-dequantize; caller releases. */
export function quantizedParams(model: UnlearnModel, params: ArrRecord, v: QuantVariant): ArrRecord {
  const linear = new Set(bnbLinearWeights(model));
  const out: ArrRecord = {};
  for (const [n, a] of Object.entries(params)) {
    const shape = [...a.shape];
    if (!linear.has(n)) {
      out[n] = a.ref;
      continue;
    }
    const ordered = toBnbOrder(readF32(a), shape, inOut(model));
    out[n] = fromF32(fromBnbOrder(quantDequant(ordered, v), shape, inOut(model)), shape);
  }
  return out;
}

export interface UpdateStats {
  type: QuantType;
  /** Changed parameters among the quantized weights. */
  changed: number;
  /** Changed parameters whose 4-bit code differs (each side with its own block absmax): the survival share's numerator. */
  codeChanged: number;
  /** codeChanged / changed: the share of updates that cross a decision midpoint (null when nothing changed). */
  crossingShare: number | null;
  /** Quantiles of |update| / local bin width over the changed parameters. */
  ratioQuantiles: { p05: number; p25: number; p50: number; p75: number; p95: number; max: number } | null;
  /** Counts per survival.ts RATIO_BIN_LOWER bin (bin 0 [0, 2^-10), bin k [2^(k-11), 2^(k-10)), last [4, ∞)). */
  ratioHistogram: number[];
  ratioBinLower: readonly number[];
}

const quantile = (sorted: Float64Array, p: number): number => sorted[Math.min(sorted.length - 1, Math.floor(p * (sorted.length - 1) + 0.5))];

/**
 * |update| / local bin width of every changed parameter of the bnb-quantized weights. The local bin width of a
 * base weight w in a block of absmax m is (c_hi − c_lo) · m, where c_lo ≤ w/m ≤ c_hi are the two adjacent code
 * values (NF4 or FP4 table) bracketing its normalised position (the lower pair when it sits on a code value;
 * quantLookup.ts CodeLookup.gap, the same definition as survival.ts). A ratio below ~0.5 can change the code only
 * if the weight sits near a decision midpoint; a ratio above 1 always does unless the absmax moves with it.
 */
export function updateStats(model: UnlearnModel, base: ArrRecord, edited: ArrRecord, type: QuantType, blocksize = 64): UpdateStats {
  const lut = new CodeLookup(type);
  const ratios: number[] = [];
  const hist = new Array<number>(RATIO_BIN_LOWER.length).fill(0);
  let codeChanged = 0;
  for (const n of bnbLinearWeights(model)) {
    const shape = [...base[n].shape];
    const b = toBnbOrder(readF32(base[n]), shape, inOut(model));
    const e = toBnbOrder(readF32(edited[n]), shape, inOut(model));
    const qb = quantize4bit(b, type, blocksize);
    const qe = quantize4bit(e, type, blocksize);
    for (let i = 0; i < b.length; i++) {
      if (b[i] === e[i]) continue;
      const m = qb.absmax[Math.floor(i / blocksize)];
      const r = Math.abs(e[i] - b[i]) / (lut.gap(normalise(b[i], m)) * m);
      ratios.push(r);
      hist[ratioBin(r)]++;
      const byte = (q: typeof qb) => (i & 1 ? q.packed[i >> 1] & 0xf : q.packed[i >> 1] >> 4);
      if (byte(qb) !== byte(qe)) codeChanged++;
    }
  }
  const sorted = Float64Array.from(ratios).sort();
  return {
    type, changed: ratios.length, codeChanged, crossingShare: ratios.length ? codeChanged / ratios.length : null,
    ratioQuantiles: sorted.length ? { p05: quantile(sorted, 0.05), p25: quantile(sorted, 0.25), p50: quantile(sorted, 0.5), p75: quantile(sorted, 0.75), p95: quantile(sorted, 0.95), max: sorted[sorted.length - 1] } : null,
    ratioHistogram: hist, ratioBinLower: RATIO_BIN_LOWER,
  };
}

export interface Touched {
  /** Elements that differ from the base, over all parameters / over the bnb-quantized weights. */
  changed: number;
  total: number;
  changedQuantized: number;
  totalQuantized: number;
  /** Tensors with at least one changed element. */
  tensors: string[];
}

export function touched(model: UnlearnModel, base: ArrRecord, edited: ArrRecord): Touched {
  const linear = new Set(bnbLinearWeights(model));
  const t: Touched = { changed: 0, total: 0, changedQuantized: 0, totalQuantized: 0, tensors: [] };
  for (const n of Object.keys(base)) {
    const b = readF32(base[n]);
    const e = readF32(edited[n]);
    let c = 0;
    for (let i = 0; i < b.length; i++) if (b[i] !== e[i]) c++;
    t.changed += c;
    t.total += b.length;
    if (linear.has(n)) {
      t.changedQuantized += c;
      t.totalQuantized += b.length;
    }
    if (c) t.tensors.push(model.fileName(n));
  }
  return t;
}

export interface VariantScores {
  variant: string;
  /** Token-mean NLL of the held-out forget / retain responses (as the unlearning metrics). */
  forgetNll: number;
  retainNll: number;
  /** The base model quantized the same way, for reference. */
  baseForgetNll: number;
  baseRetainNll: number;
  /** forgetNll − the full-precision edited forget NLL (negative: quantization undoes part of the forgetting). */
  ptqGap: number;
  retainGap: number;
  /** Greedy-decoding refusal / reproduction rates of the quantized edited model (when prompts were given). */
  behaviour?: BehaviourRates;
}

export interface QuantEvalResult {
  fullPrecision: { forgetNll: number; retainNll: number; baseForgetNll: number; baseRetainNll: number; behaviour?: BehaviourRates };
  variants: VariantScores[];
  updates: UpdateStats[];
  touched: Touched;
  evalSizes: { forget: number; retain: number };
}

/**
 * Scores base and edited at full precision and after each quantization variant, on the split's held-out pairs
 * (the first `evalSize` of each, as the trainer's metrics). `edited` holds every parameter (a checkpoint loaded
 * with loadUnlearnModelFolder, or runUnlearning's result); neither record is consumed.
 */
export function evaluateQuantized(
  model: UnlearnModel, edited: ArrRecord, data: UnlearnData,
  o: { evalSize?: number; variants?: readonly QuantVariant[]; behaviour?: { prompts: BehaviourPrompts; maxNewTokens?: number } } = {},
): QuantEvalResult {
  const evalSize = o.evalSize ?? 32;
  const sets = { forget: encode(model, data.evalForget.slice(0, evalSize)), retain: encode(model, data.evalRetain.slice(0, evalSize)) };
  const maxLen = Math.max(...[...sets.forget, ...sets.retain].map((e) => e.tokens.length));
  const evalFn = makeEvaluator(model, Math.min(model.maxPositions, maxLen - 1), model.tokenizer.padId ?? 0);
  const score = (p: ArrRecord) => ({ forget: evalFn(p, sets.forget), retain: evalFn(p, sets.retain) });
  const behaviour = (p: ArrRecord) => (o.behaviour ? { behaviour: behaviourRates(model, p, o.behaviour.prompts, o.behaviour.maxNewTokens) } : {});
  try {
    const fp = score(edited);
    const fpBase = score(model.params);
    const variants = (o.variants ?? QUANT_VARIANTS).map((v): VariantScores => {
      const qe = quantizedParams(model, edited, v);
      const qb = quantizedParams(model, model.params, v);
      try {
        const se = score(qe);
        const sb = score(qb);
        return { variant: variantName(v), forgetNll: se.forget, retainNll: se.retain, baseForgetNll: sb.forget, baseRetainNll: sb.retain, ptqGap: se.forget - fp.forget, retainGap: se.retain - fp.retain, ...behaviour(qe) };
      } finally {
        release(qe);
        release(qb);
      }
    });
    const types = [...new Set((o.variants ?? QUANT_VARIANTS).map((v) => v.type))];
    return {
      fullPrecision: { forgetNll: fp.forget, retainNll: fp.retain, baseForgetNll: fpBase.forget, baseRetainNll: fpBase.retain, ...behaviour(edited) },
      variants,
      updates: types.map((t) => updateStats(model, model.params, edited, t)),
      touched: touched(model, model.params, edited),
      evalSizes: { forget: sets.forget.length, retain: sets.retain.length },
    };
  } finally {
    evalFn.dispose();
  }
}
