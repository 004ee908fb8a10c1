// The hookable forward pass of every decoder family in src/core/lm/families.ts (GPT-2, Llama, Mistral, Qwen2/3,
// Gemma 2/3, Phi-3), driven by the normalised config's block flags rather than per-family code: LayerNorm /
// RMSNorm / (1 + w) RMSNorm, learned positions or RoPE (default, linear, dynamic, llama3 scaling; Gemma 3's local
// base), grouped-query attention, qkv bias, q/k norm, sliding windows, GELU / SwiGLU / GeGLU, fused Phi-3
// projections, Gemma's embedding scale, sandwich norms and soft-capping, tied or untied heads. Hook names and
// shapes are gpt.ts's (TransformerLens), so circuits code reads both alike.
// GQA and per-head inputs follow TransformerLens' `ungroup_grouped_query_attention` (as the EAP-IG library runs
// GQA models): `attn.hook_k_input` / `hook_v_input` are per *query* head [B,T,H,d], and query head h projects its
// own k/v input through the weights of its KV group h // (H / KV). Without those hooks the shared, cheaper path
// runs (one projection per KV head, repeated over its group): the same maths (decoder.test.ts checks).
// Positions are 0..T−1 (unpadded rows), as in gpt.ts. Shapes: B batch, T positions, d hidden, H query heads,
// KV key/value heads, g = H / KV, hd head size, F MLP width, V vocab.
import { nn, numpy as np } from '@jax-js/jax';
import { tensorName, type LayerRole, type NormalizedLmConfig } from '../lm/families';
import { applyRope, attentionBias, disposeRope, familyNorm, mlpActivation, ropeTables, softcap, type RopeTables } from './blocks';
import type { DecoderParams } from './decoderParams';
import { materialize, matmul, oneHot, OwnedParams, type Arr } from './engine';
import type { ForwardResult } from './gpt';
import { HookRunner, type HookDims, type HookName, type HookOptions } from './hooks';

/** Hook sizes of a family config. */
export const decoderDims = (c: NormalizedLmConfig): HookDims => ({
  nLayer: c.numLayers, nHead: c.numHeads, dModel: c.hiddenSize, headDim: c.headDim, dMlp: c.intermediateSize, lmHeadWidth: c.vocabSize,
});

/**
 * Runs the model on tokens [B, T] int32 (T ≤ maxPositions). Consumes `params`, `tokens` and every patch/delta
 * array, the jax-js ownership rule: pass `keep(params)` to reuse them. `embed` [B,T,d] replaces the token (and
 * position) embedding, for integrated-gradients interpolation.
 */
export function decoderForward(c: NormalizedLmConfig, params: DecoderParams, tokens: Arr, opts: HookOptions & { embed?: Arr } = {}): ForwardResult {
  const [B, T] = tokens.shape;
  if (T > c.maxPositions) throw new Error(`sequence length ${T} exceeds max_position_embeddings ${c.maxPositions}`);
  const hk = new HookRunner(decoderDims(c), opts);
  const p = new ParamTaker(params, c);
  const embed = p.take(c.tensors.embed); // [V, d]
  let x: Arr;
  if (opts.embed) {
    x = opts.embed;
    tokens.dispose();
    if (c.tensors.positionEmbed) p.take(c.tensors.positionEmbed).dispose();
  } else x = embedTokens(c, p, tokens, embed.ref, T);
  x = hk.at('hook_embed', x); // [B,T,d]
  const ropes = new Map<string, RopeTables>();
  const masks = new Map<string, Arr>();
  for (let l = 0; l < c.numLayers; l++) {
    const type = c.layerTypes[l];
    if (c.rotaryDim && !ropes.has(type)) ropes.set(type, ropeTables(c, type, T));
    const window = type === 'sliding_attention' ? c.slidingWindow : null;
    if (!masks.has(type)) masks.set(type, attentionBias(T, window));
    x = block(c, hk, p, l, x, ropes.get(type), masks.get(type)!, B, T);
  }
  for (const r of ropes.values()) disposeRope(r);
  for (const m of masks.values()) m.dispose();
  x = familyNorm(c.block, x, p.take(c.tensors.finalNorm), p.maybe(c.tensors.finalNormBias), c.normEps); // [B,T,d]
  const head = c.tieWordEmbeddings ? embed : (embed.dispose(), p.take(c.tensors.lmHead)); // [V, d]
  const logits = hk.at('hook_logits', softcap(matmul(x, head.transpose()), c.finalLogitSoftcap)); // [B,T,d]@[d,V] → [B,T,V]
  p.done();
  return { logits, cache: hk.cache };
}

/**
 * Token embedding, Gemma's √d scale, learned positions. A one-hot product by default (`take` gradients fail under
 * jit, FACTS.md); `gather` uses `take` (T·d instead of T·V·d per row) for runs never differentiated w.r.t. the table.
 */
export function embedTokens(c: NormalizedLmConfig, p: ParamTaker, tokens: Arr, embed: Arr, T: number, gather = false): Arr {
  let x = gather ? np.take(embed, tokens, 0) : matmul(oneHot(tokens, c.vocabSize), embed); // [B,T,V]@[V,d] → [B,T,d]
  if (c.block.embedScale) x = x.mul(Math.sqrt(c.hiddenSize)); // Gemma: hidden_size ** 0.5 in the weights' dtype
  if (c.tensors.positionEmbed) {
    const posOh = oneHot(np.arange(0, T, 1, { dtype: np.int32 }), c.maxPositions); // [T, P]
    x = x.add(matmul(posOh, p.take(c.tensors.positionEmbed))); // [T,P]@[P,d] → [T,d], broadcast over B
  }
  return x;
}

function block(c: NormalizedLmConfig, hk: HookRunner, p: ParamTaker, l: number, x: Arr, rope: RopeTables | undefined, mask: Arr, B: number, T: number): Arr {
  const hp = (h: string) => `blocks.${l}.${h}` as HookName;
  x = hk.at(hp('hook_resid_pre'), x); // [B,T,d]
  let attnOut = attention(c, hk, p, l, x.ref, rope, mask, B, T); // [B,T,d]
  if (c.block.sandwichNorms) attnOut = familyNorm(c.block, attnOut, p.layer('post_attn_norm', l), undefined, c.normEps);
  const mid = hk.at(hp('hook_resid_mid'), x.add(hk.at(hp('hook_attn_out'), attnOut))); // [B,T,d]
  const mlpIn = hk.at(hp('hook_mlp_in'), mid.ref); // [B,T,d]: the MLP's own copy, patchable apart from the residual
  let mlpOut = mlpBlock(c, p, l, mlpIn, (act) => hk.at(hp('mlp.hook_post'), act)); // [B,T,d]
  if (c.block.sandwichNorms) mlpOut = familyNorm(c.block, mlpOut, p.layer('post_ffn_norm', l), undefined, c.normEps);
  return hk.at(hp('hook_resid_post'), mid.add(hk.at(hp('hook_mlp_out'), mlpOut))); // [B,T,d]
}

/** q, k, v weights as [out, d] (nn.Linear layout) and their biases, cut from Phi-3's / GPT-2's fused tensor. */
export function qkvWeights(c: NormalizedLmConfig, p: ParamTaker, l: number): { w: [Arr, Arr, Arr]; b: (Arr | undefined)[] } {
  const hd = c.headDim;
  const sizes = [c.numHeads * hd, c.numKvHeads * hd]; // split points: q | k | v
  const cut = [sizes[0], sizes[0] + sizes[1]];
  if (tensorName(c.tensors, 'qkv', l)) {
    const fused = p.layerOutIn('qkv', l); // [(H+2KV)·hd, d]
    const w = np.split(fused, cut, 0) as [Arr, Arr, Arr]; // [H·hd,d], [KV·hd,d], [KV·hd,d]
    const bias = c.block.qkvBias ? p.layer('qkv_bias', l) : undefined;
    return { w, b: bias ? np.split(bias, cut, 0) : [undefined, undefined, undefined] };
  }
  const w = [p.layerOutIn('q', l), p.layerOutIn('k', l), p.layerOutIn('v', l)] as [Arr, Arr, Arr];
  const b = c.block.qkvBias ? [p.layer('q_bias', l), p.layer('k_bias', l), p.layer('v_bias', l)] : [undefined, undefined, undefined];
  return { w, b };
}

/** [B,KV,T,hd] → [B,H,T,hd]: each KV head serves its g query heads (HF `repeat_kv`). */
export function repeatKv(a: Arr, B: number, KV: number, g: number, T: number, hd: number): Arr {
  if (g === 1) return a;
  return np.broadcastTo(a.reshape([B, KV, 1, T, hd]), [B, KV, g, T, hd]).reshape([B, KV * g, T, hd]);
}

/** Per-query-head projection matrices [H, d, hd] from [n·hd, d] weights of n = H (q) or KV (k, v) heads. */
export function perHeadWeights(w: Arr, n: number, g: number, hd: number, d: number): Arr {
  const heads = materialize(w.reshape([n, hd, d]).transpose([0, 2, 1])); // [n, d, hd], contiguous (engine materialize)
  if (g === 1) return heads;
  return np.broadcastTo(heads.reshape([n, 1, d, hd]), [n, g, d, hd]).reshape([n * g, d, hd]); // [H, d, hd]
}

export function perHeadBias(b: Arr, n: number, g: number, hd: number): Arr {
  const heads = b.reshape([n, 1, hd]); // [n, 1, hd]
  if (g === 1) return heads;
  return np.broadcastTo(heads.reshape([n, 1, 1, hd]), [n, g, 1, hd]).reshape([n * g, 1, hd]); // [H, 1, hd]
}

/**
 * q, k, v [B,H,T,hd] from per-query-head normalised inputs [B,H,T,d] (q, k, v each): head h projects through its
 * own q weights and its KV group's k/v weights (TransformerLens' ungrouped GQA). Consumes all.
 */
export function projectPerHead(c: NormalizedLmConfig, w: [Arr, Arr, Arr], b: (Arr | undefined)[], inputs: [Arr, Arr, Arr]): [Arr, Arr, Arr] {
  const H = c.numHeads;
  const g = H / c.numKvHeads;
  return [0, 1, 2].map((i) => {
    const n = i === 0 ? H : c.numKvHeads;
    const out = matmul(inputs[i], perHeadWeights(w[i], n, i === 0 ? 1 : g, c.headDim, c.hiddenSize)); // [B,H,T,d]@[H,d,hd] → [B,H,T,hd]
    const bias = b[i];
    return bias ? out.add(perHeadBias(bias, n, i === 0 ? 1 : g, c.headDim)) : out; // [B,H,T,hd]
  }) as [Arr, Arr, Arr];
}

/**
 * Scaled dot-product attention of layer l on q, k, v [B,H,T,hd] (k, v already per query head): q/k norm, RoPE,
 * scale, soft-cap, mask, softmax (through `onPattern`, a hook), then z [B,H,T,hd]. Consumes q, k, v.
 */
export function attendHeads(c: NormalizedLmConfig, p: ParamTaker, l: number, q: Arr, k: Arr, v: Arr, rope: RopeTables | undefined, mask: Arr,
  onPattern: (pattern: Arr) => Arr = (x) => x): Arr {
  if (c.block.qkNorm) {
    q = familyNorm(c.block, q, p.layer('q_norm', l), undefined, c.normEps); // over hd, per head
    k = familyNorm(c.block, k, p.layer('k_norm', l), undefined, c.normEps);
  }
  if (rope) {
    q = applyRope(q, rope); // [B,H,T,hd]
    k = applyRope(k, rope);
  }
  const scores = softcap(matmul(q, k.transpose([0, 1, 3, 2])).mul(c.attnScale), c.attnLogitSoftcap); // [B,H,T,hd]@[B,H,hd,T] → [B,H,T,T]
  const pattern = onPattern(nn.softmax(scores.add(mask.ref), -1)); // [B,H,T,T]: rows sum to 1 over visible keys
  return matmul(pattern, v); // [B,H,T,T]@[B,H,T,hd] → [B,H,T,hd]
}

/** Causal self-attention of layer l; returns the heads' summed write [B,T,d] (before any sandwich norm). Consumes x. */
function attention(c: NormalizedLmConfig, hk: HookRunner, p: ParamTaker, l: number, x: Arr, rope: RopeTables | undefined, mask: Arr, B: number, T: number): Arr {
  const d = c.hiddenSize;
  const H = c.numHeads;
  const KV = c.numKvHeads;
  const g = H / KV;
  const hd = c.headDim;
  const hp = (h: string) => `blocks.${l}.attn.${h}` as HookName;
  const { w, b } = qkvWeights(c, p, l);
  const normW = p.layer('attn_norm', l);
  const normB = c.block.norm === 'layernorm' ? p.layer('attn_norm_bias', l) : undefined;
  const names = [hp('hook_q_input'), hp('hook_k_input'), hp('hook_v_input')];
  let q: Arr;
  let k: Arr;
  let v: Arr; // each [B,H,T,hd]
  if (names.some((n) => hk.touches(n))) {
    // per-query-head inputs, each normalised on its own, then projected through its own (q) or its group's (k, v) weights
    const inputs = names.map((name) => {
      const perHead = np.broadcastTo(x.ref.reshape([B, T, 1, d]), [B, T, H, d]); // [B,T,H,d]
      return familyNorm(c.block, hk.at(name, perHead), normW.ref, normB?.ref, c.normEps).transpose([0, 2, 1, 3]); // [B,H,T,d]
    }) as [Arr, Arr, Arr];
    [q, k, v] = projectPerHead(c, w, b, inputs);
    x.dispose();
    normW.dispose();
    normB?.dispose();
  } else {
    const h = familyNorm(c.block, x, normW, normB, c.normEps); // [B,T,d]
    const project = (wi: Arr, bi: Arr | undefined, n: number): Arr => {
      const y = matmul(h.ref, materialize(wi.transpose())); // [B,T,d]@[d,n·hd] → [B,T,n·hd]
      return (bi ? y.add(bi) : y).reshape([B, T, n, hd]).transpose([0, 2, 1, 3]); // [B,n,T,hd]
    };
    q = project(w[0], b[0], H);
    k = repeatKv(project(w[1], b[1], KV), B, KV, g, T, hd);
    v = repeatKv(project(w[2], b[2], KV), B, KV, g, T, hd);
    h.dispose();
  }
  const z = hk.at(hp('hook_z'), attendHeads(c, p, l, q, k, v, rope, mask, (pat) => hk.at(hp('hook_pattern'), pat)).transpose([0, 2, 1, 3])); // [B,T,H,hd]
  const wO = p.layerInOut('o', l); // [H·hd, d]: rows h·hd..(h+1)·hd belong to head h
  let out: Arr;
  if (hk.touches(hp('hook_head_out'))) {
    const perHead = matmul(z.transpose([0, 2, 1, 3]), wO.reshape([H, hd, d])); // [B,H,T,hd]@[H,hd,d] → [B,H,T,d]
    out = hk.at(hp('hook_head_out'), perHead.transpose([0, 2, 1, 3])).sum(2); // [B,T,H,d] → Σ_h → [B,T,d]
  } else {
    out = matmul(z.reshape([B, T, H * hd]), wO); // [B,T,H·hd]@[H·hd,d] → [B,T,d]
  }
  const oBias = p.maybe(tensorName(c.tensors, 'o_bias', l));
  return oBias ? out.add(oBias) : out; // [B,T,d]
}

/**
 * The MLP of layer l on its input [B,T,d] (consumed): returns its write [B,T,d] (before any sandwich norm).
 * `onHidden` sees the activation [B,T,F] before the down projection (a hook).
 */
export function mlpBlock(c: NormalizedLmConfig, p: ParamTaker, l: number, mlpIn: Arr, onHidden: (act: Arr) => Arr = (x) => x): Arr {
  const I = c.intermediateSize;
  const h = familyNorm(c.block, mlpIn, p.layer('ffn_norm', l), c.block.norm === 'layernorm' ? p.layer('ffn_norm_bias', l) : undefined, c.normEps); // [B,T,d]
  let act: Arr;
  if (c.block.mlp === 'gelu') {
    const fcBias = p.maybe(tensorName(c.tensors, 'fc_bias', l));
    const fc = matmul(h, p.layerInOut('fc', l)); // [B,T,d]@[d,F] → [B,T,F]
    act = mlpActivation(c.block, fcBias ? fc.add(fcBias) : fc, undefined);
  } else if (tensorName(c.tensors, 'gate_up', l)) {
    const [gate, up] = np.split(matmul(h, p.layerInOut('gate_up', l)), [I], -1); // [B,T,2F] → 2 × [B,T,F]
    act = mlpActivation(c.block, gate, up);
  } else {
    const gate = matmul(h.ref, p.layerInOut('gate', l)); // [B,T,d]@[d,F] → [B,T,F]
    const up = matmul(h, p.layerInOut('up', l)); // [B,T,F]
    act = mlpActivation(c.block, gate, up);
  }
  act = onHidden(act); // [B,T,F]
  const out = matmul(act, p.layerInOut('down', l)); // [B,T,F]@[F,d] → [B,T,d]
  const downBias = p.maybe(tensorName(c.tensors, 'down_bias', l));
  return downBias ? out.add(downBias) : out;
}

/** Hands out each parameter once (ownership), by name or by layer role, in a chosen orientation. */
export class ParamTaker extends OwnedParams {
  constructor(params: DecoderParams, private readonly c: NormalizedLmConfig) {
    super(params);
  }

  maybe(name: string | undefined): Arr | undefined {
    return name && this.has(name) ? this.take(name) : undefined;
  }

  layer(role: LayerRole, l: number): Arr {
    const name = tensorName(this.c.tensors, role, l);
    if (!name) throw new Error(`the ${this.c.family} family has no ${role} tensor`);
    return this.take(name);
  }

  /** A projection as [out, in] whatever the checkpoint's layout. */
  layerOutIn(role: LayerRole, l: number): Arr {
    const w = this.layer(role, l);
    return this.c.block.weightLayout === 'out_in' ? w : w.transpose();
  }

  /** A projection as [in, out] (x @ W), in a buffer of its own when transposed (engine `materialize`). */
  layerInOut(role: LayerRole, l: number): Arr {
    const w = this.layer(role, l);
    return this.c.block.weightLayout === 'in_out' ? w : materialize(w.transpose());
  }
}
