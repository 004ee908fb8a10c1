// graphForward (graphForward.ts) for the decoder families of src/core/lm/families.ts (Llama, Mistral, Qwen2/3,
// Gemma 2/3, Phi-3): the same EAP-IG graph — sources input, every query head, every MLP; destinations each head's
// q, k and v input, each MLP input, the logits — with the block ops of the lab's family decoder
// (src/core/lab/decoder.ts), so the two cannot drift apart (graphFamily.test.ts checks the logits agree).
// GQA follows the EAP-IG library (it runs GQA models through TransformerLens with
// `ungroup_grouped_query_attention`): one node per query head; the k and v inputs of head h are its own residual
// mixtures, projected through the weights of its KV group h // (H / KV).
// Gemma's sandwich norm after attention, norm(Σ_h head_h), is not a sum over heads. Each head's source output is
// its share of that write at this run's scale, w ⊙ head_h / rms(Σ_h head_h), so the outputs still sum to the
// block's write exactly; a patched or interpolated run recomputes the scale from its own heads.
import { numpy as np } from '@jax-js/jax';
import {
  atPositions, attentionBias, attendHeads, embedTokens, familyNorm, matmul, mlpBlock, ParamTaker, projectPerHead, qkvWeights,
  ropeTables, softcap, disposeRope, type Arr, type DecoderParams, type RopeTables,
} from '../lab';
import { tensorName, type LayerType, type NormalizedLmConfig } from '../lm/families';
import type { GraphRun, GraphRunResult } from './graphForward';

/** The residual input of a destination group: resid − Pᵀ·(a − c) over the sources computed so far. */
export type GroupInput = (resid: Arr, P: Arr | undefined, G: number) => Arr;

/**
 * One run of a family model over the graph. `groupInput` is graphForward's mixer over `sources` (the outputs
 * a_u pushed here in forward order). Consumes params and every array in `run`.
 */
export function familyGraphForward(c: NormalizedLmConfig, params: DecoderParams, run: GraphRun, sources: Arr[],
  groupInput: (B: number, T: number, d: number) => GroupInput): GraphRunResult {
  const p = new ParamTaker(params, c);
  const embed = p.take(c.tensors.embed); // [V, d]
  let x: Arr; // residual stream [B,T,d]
  if (run.embed) {
    x = run.embed;
    run.tokens?.dispose();
  } else {
    if (!run.tokens) throw new Error('graphForward needs tokens or embed');
    const T = run.tokens.shape[1];
    if (T > c.maxPositions) throw new Error(`sequence length ${T} exceeds max_position_embeddings ${c.maxPositions}`);
    x = embedTokens(c, p, run.tokens, embed.ref, T, run.gatherEmbed);
  }
  const [B, T, d] = x.shape;
  const H = c.numHeads;
  const hd = c.headDim;
  const mix = groupInput(B, T, d);
  sources.push(x.ref);
  const ropes = new Map<LayerType, RopeTables>();
  const masks = new Map<LayerType, Arr>();
  for (let l = 0; l < c.numLayers; l++) {
    const type = c.layerTypes[l];
    if (c.rotaryDim && !ropes.has(type)) ropes.set(type, ropeTables(c, type, T));
    if (!masks.has(type)) masks.set(type, attentionBias(T, type === 'sliding_attention' ? c.slidingWindow : null));
    // attention: 3H inputs (q heads, k heads, v heads), each its own residual mixture
    let inp = mix(x.ref, run.patch?.attn[l], 3 * H); // [3H,B,T,d]
    if (run.delta) inp = inp.add(run.delta.attn[l]);
    const normB = c.block.norm === 'layernorm' ? p.layer('attn_norm_bias', l) : undefined;
    const normed = familyNorm(c.block, inp, p.layer('attn_norm', l), normB, c.normEps); // [3H,B,T,d]
    const inputs = np.split(normed, 3, 0).map((a) => a.transpose([1, 0, 2, 3])) as [Arr, Arr, Arr]; // 3 × [B,H,T,d]
    const { w, b } = qkvWeights(c, p, l);
    const [q, k, v] = projectPerHead(c, w, b, inputs); // 3 × [B,H,T,hd]
    const z = attendHeads(c, p, l, q, k, v, ropes.get(type), masks.get(type)!); // [B,H,T,hd]
    const wO = p.layerInOut('o', l).reshape([H, hd, d]); // rows h·hd..(h+1)·hd of o_proj's input belong to head h
    let heads = matmul(z, wO); // [B,H,T,hd]@[H,hd,d] → [B,H,T,d]
    if (c.block.sandwichNorms) heads = sandwichShares(c, p, l, heads); // [B,H,T,d], Σ_h = norm(Σ_h heads)
    const headOuts = np.split(heads.ref, H, 1).map((a) => a.reshape([B, T, d])); // H × [B,T,d]
    const oBias = p.maybe(tensorName(c.tensors, 'o_bias', l));
    const attnOut = oBias ? heads.sum(1).add(oBias) : heads.sum(1); // [B,T,d]
    sources.push(...headOuts);
    x = x.add(attnOut); // resid_mid
    // MLP
    let mIn = mix(x.ref, run.patch?.mlp[l], 1); // [B,T,d]
    if (run.delta) mIn = mIn.add(run.delta.mlp[l]);
    const hidden = run.delta?.mlpHidden?.[l];
    let mOut = mlpBlock(c, p, l, mIn, hidden ? (act: Arr) => act.add(hidden) : undefined); // [B,T,d]
    if (c.block.sandwichNorms) mOut = familyNorm(c.block, mOut, p.layer('post_ffn_norm', l), undefined, c.normEps);
    sources.push(mOut.ref);
    x = x.add(mOut); // resid_post
  }
  for (const r of ropes.values()) disposeRope(r);
  for (const m of masks.values()) m.dispose();
  let fin = mix(x, run.patch?.logits, 1); // [B,T,d]
  if (run.delta) fin = fin.add(run.delta.logits);
  let xf = familyNorm(c.block, fin, p.take(c.tensors.finalNorm), p.maybe(c.tensors.finalNormBias), c.normEps); // [B,T,d]
  if (run.readAt) xf = atPositions(xf, run.readAt); // [B,d]
  const head = c.tieWordEmbeddings ? embed : (embed.dispose(), p.take(c.tensors.lmHead)); // [V, d]
  const logits = softcap(matmul(xf, head.transpose()), c.finalLogitSoftcap); // [B,T,V] or [B,V]
  p.done();
  return { logits };
}

/**
 * Gemma's post-attention norm split over heads: head h's share is w' ⊙ head_h / rms(Σ_h head_h), with w' = 1 + w
 * for the (1 + w) RMSNorm; the shares sum to familyNorm(Σ_h head_h). Consumes heads [B,H,T,d].
 */
function sandwichShares(c: NormalizedLmConfig, p: ParamTaker, l: number, heads: Arr): Arr {
  const sum = heads.ref.sum(1); // [B,T,d]
  const inv = np.reciprocal(np.sqrt(np.square(sum).mean(-1, { keepdims: true }).add(c.normEps))); // [B,T,1]
  const w = p.layer('post_attn_norm', l); // [d]
  const gain = c.block.norm === 'rmsnorm-1p' ? w.add(1) : w;
  const [B, , T] = heads.shape;
  return heads.mul(inv.reshape([B, 1, T, 1])).mul(gain); // [B,H,T,d]
}
