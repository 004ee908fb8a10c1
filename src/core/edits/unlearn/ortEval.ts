// The quantized edited model run through onnxruntime, as users run it (issue #20 item 4). bitsandbytes' Linear4bit
// computes with the dequantized weight (dequantize_4bit, then an fp16/fp32 matmul), so "the NF4 model" is the
// checkpoint whose bnb-quantized projections are replaced by their quantize-dequantize (quantEval.ts
// `quantizedParams`): exported here as the fp32 ONNX decoder of onnxExport.ts (KV cache, the transformers.js
// contract) and decoded greedily by the runtime's CausalLM (prefill of left-padded prompts, then one cached step
// per token), next to the lab engine's own greedy decode (behaviour.ts: right-padded, a full forward per token).
// Both decode the same prompt ids for the same number of tokens and are scored by the same code (refusal,
// reproduction); the report adds their token-level agreement (identical continuations, first divergence) and
// both decoders' wall time. The ORT backend is injected (onnxruntime-node in Node), so this file imports neither
// runtime. Pure: no Node, no DOM.
import { release, type ArrRecord } from '../../lab';
import { CausalLM } from '../../lm/causalLm';
import { normalizeConfig } from '../../lm/families';
import type { OrtBackend } from '../../runtime/session';
import { exportCheckpointOnnx } from '../onnxExport';
import { behaviourItems, greedyDecode, rateContinuations, type BehaviourItem, type BehaviourPrompts, type BehaviourRates } from './behaviour';
import { checkpointTensors, type UnlearnModel } from './model';
import { quantizedParams, variantName, type QuantVariant } from './quantEval';

export interface DecodeAgreement {
  /** Prompts decoded by both. */
  n: number;
  /** Share of prompts whose continuations (cut after eos) are token for token identical. */
  identical: number;
  /** Share of generated positions (over both decoders' common length) before each prompt's first divergence. */
  tokenAgreement: number;
  /** The prompts that diverge: index in the behaviour items, its set, the first differing position (0-based). */
  divergences: { index: number; set: keyof BehaviourPrompts; position: number }[];
}

export interface OrtVariantReport {
  /** 'fp32' (the edit at full precision) or a quantEval variant name ('nf4-b64', 'fp4-dq-b64'…). */
  variant: string;
  lab: BehaviourRates;
  ort: BehaviourRates;
  agreement: DecodeAgreement;
  /** Both decoders' continuations of the behaviour items (behaviour.ts `behaviourItems` order), cut after eos. */
  continuations: { lab: number[][]; ort: number[][] };
  /** Tokens each decoder produced (prompts × maxNewTokens: neither stops early) and its wall time. */
  newTokens: number;
  labDecodeMs: number;
  ortDecodeMs: number;
  /** Building the ONNX file and opening its session (once per variant, not part of the decode). */
  ortExportMs: number;
  ortSessionMs: number;
}

export interface OrtEvalOptions {
  maxNewTokens?: number;
  /** Also report the edit at full precision (default true). */
  fullPrecision?: boolean;
}

const now = () => performance.now();

/** Cuts a continuation after its first eos (behaviour.ts's rule, so both decoders' outputs compare as scored). */
function cutAtEos(out: number[], eos: number | null): number[] {
  const e = eos === null ? -1 : out.indexOf(eos);
  return e >= 0 ? out.slice(0, e + 1) : out;
}

/** Token-level agreement of two decoders' continuations of the same items. */
export function decodeAgreement(items: readonly BehaviourItem[], lab: readonly number[][], ort: readonly number[][]): DecodeAgreement {
  const divergences: DecodeAgreement['divergences'] = [];
  let agreed = 0;
  let positions = 0;
  items.forEach((item, i) => {
    const [a, b] = [lab[i], ort[i]];
    const common = Math.min(a.length, b.length);
    let p = 0;
    while (p < common && a[p] === b[p]) p++;
    agreed += p;
    positions += common;
    if (p < common || a.length !== b.length) divergences.push({ index: i, set: item.set, position: p });
  });
  return { n: items.length, identical: items.length ? 1 - divergences.length / items.length : 1, tokenAgreement: positions ? agreed / positions : 1, divergences };
}

/**
 * Greedy continuations of `promptIds` by ORT running the fp32 ONNX export of `params` (maxNew tokens each, cut
 * after eos as the lab's decode), with the time spent exporting, opening and decoding. Does not consume params.
 */
export async function ortGreedyDecode(model: UnlearnModel, params: ArrRecord, promptIds: number[][], maxNew: number, backend: OrtBackend):
  Promise<{ outs: number[][]; exportMs: number; sessionMs: number; decodeMs: number }> {
  const longest = Math.max(...promptIds.map((p) => p.length));
  if (longest + maxNew > model.maxPositions) throw new RangeError(`a prompt of ${longest} tokens + ${maxNew} new ones exceeds ${model.id}'s ${model.maxPositions} positions`);
  const t0 = now();
  const onnx = exportCheckpointOnnx(model.configJson, checkpointTensors(model, params));
  const t1 = now();
  const session = await backend.createSession(onnx, { file: `${model.id} (edited)/onnx/model.onnx` });
  const t2 = now();
  try {
    const config = normalizeConfig(model.configJson);
    // the lab model's own tokenizer: both decoders see the same ids and no eos stops ORT early (stopIds: [])
    const lm = new CausalLM(`${model.id} (edited)`, config, model.tokenizer, session);
    const raw = await lm.generate(promptIds, { maxNewTokens: maxNew, stopIds: [] });
    const decodeMs = now() - t2;
    return { outs: raw.map((r) => cutAtEos(r, model.tokenizer.eosId)), exportMs: t1 - t0, sessionMs: t2 - t1, decodeMs };
  } finally {
    await session.dispose();
  }
}

/** Lab-engine and ORT greedy behaviour of one parameter record, and their agreement. Does not consume params. */
export async function compareDecoders(model: UnlearnModel, params: ArrRecord, prompts: BehaviourPrompts, variant: string, backend: OrtBackend, maxNew = 16): Promise<OrtVariantReport> {
  const items = behaviourItems(model, prompts);
  const ids = items.map((x) => x.promptIds);
  const t0 = now();
  const labOuts = greedyDecode(model, params, ids, maxNew);
  const labDecodeMs = now() - t0;
  const ort = await ortGreedyDecode(model, params, ids, maxNew, backend);
  return {
    variant,
    lab: rateContinuations(model, prompts, items, labOuts),
    ort: rateContinuations(model, prompts, items, ort.outs),
    agreement: decodeAgreement(items, labOuts, ort.outs),
    continuations: { lab: labOuts, ort: ort.outs },
    newTokens: items.length * maxNew,
    labDecodeMs, ortDecodeMs: ort.decodeMs, ortExportMs: ort.exportMs, ortSessionMs: ort.sessionMs,
  };
}

/**
 * Per quantization variant (quantEval's QUANT_VARIANTS: NF4 / FP4 × ± double quantization, block 64) and, first, at full precision:
 * the edited model's greedy behaviour in the lab engine and through ORT, and how far the two decodes agree.
 * `edited` holds every parameter (as evaluateQuantized's); it is not consumed.
 */
export async function evaluateQuantizedOrt(model: UnlearnModel, edited: ArrRecord, prompts: BehaviourPrompts,
  variants: readonly QuantVariant[], backend: OrtBackend, o: OrtEvalOptions = {}): Promise<OrtVariantReport[]> {
  const maxNew = o.maxNewTokens ?? 16;
  const out: OrtVariantReport[] = [];
  if (o.fullPrecision ?? true) out.push(await compareDecoders(model, edited, prompts, 'fp32', backend, maxNew));
  for (const v of variants) {
    const q = quantizedParams(model, edited, v);
    try {
      out.push(await compareDecoders(model, q, prompts, variantName(v), backend, maxNew));
    } finally {
      release(q);
    }
  }
  return out;
}
