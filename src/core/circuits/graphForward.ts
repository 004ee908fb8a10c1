// The GPT-2 forward pass organised by the EAP-IG graph (graph.ts): each attention head gets its own q, k and v
// input and each MLP and the logits their own input, so any set of edges can be patched. Patching edge u→v
// means v reads u's corrupted output instead of its current one:
//   input_v = resid − Σ_u P[u,v] · (a_u − c_u)
// where resid is the ordinary residual stream of this run (Σ of every upstream output + biases), a_u the
// output of source u in this run and c_u its output in the corrupted run. P = 0 is the plain forward (exactly:
// nothing is subtracted), P = 1 everywhere is the corrupted run. Faithfulness, exact patching and ablation all
// run through P; EAP / EAP-IG differentiate the metric w.r.t. a zero `delta` added to every destination input.
// Same maths as src/core/lab/gpt.ts (tests check logits agree); written with ops whose gradients are right
// under jit (FACTS.md): one-hot embeddings, `split` not `slice`, products through the lab `matmul`.
import { nn, numpy as np } from '@jax-js/jax';
import { atPositions, geluNew, headDim, layerNorm, matmul, oneHot, type Arr, type GptConfig, type GptParams } from '../lab';
import type { NormalizedLmConfig } from '../lm/families';
import { attnUpstream, mlpUpstream } from './graph';
import { familyGraphForward } from './graphFamily';

/** Patch matrices per destination group; 1 = the edge carries the corrupted value. */
export interface PatchArrays {
  /** per layer [attnUpstream(l), 3H]: column x·H + h is head h's input x ∈ {q,k,v} */
  attn: Arr[];
  /** per layer [mlpUpstream(l), 1] */
  mlp: Arr[];
  /** [nForward, 1] */
  logits: Arr;
}

/** Added to each destination input (zeros: differentiate w.r.t. them). */
export interface DeltaArrays {
  /** per layer [3H, B, T, d] */
  attn: Arr[];
  /** per layer [B, T, d] */
  mlp: Arr[];
  /** [B, T, d] (the final residual, before ln_f) */
  logits: Arr;
  /**
   * Optional per layer [B, T, F], added to the MLP's hidden pre-activation. No destination reads it; the EAP
   * runner differentiates w.r.t. it only so that jax-js materialises that cotangent instead of re-evaluating the
   * activation's derivative inside the next product's inner loop (runner.ts).
   */
  mlpHidden?: Arr[];
}

export interface GraphRun {
  /** [B,T] int32 tokens, or `embed` [B,T,d] to replace tok+pos embeddings (EAP-IG interpolation). */
  tokens?: Arr;
  embed?: Arr;
  /** With `patch`: corrupted source outputs, nForward × [B,T,d]. */
  corrupt?: Arr[];
  patch?: PatchArrays;
  delta?: DeltaArrays;
  /** Return every source output stacked [nForward, B, T, d] (input, a0.h0.., m0, ...). */
  keepActs?: boolean;
  /**
   * [B,T] one-hot rows: unembed only there and return logits [B,Vh]. The metrics read one position, and the
   * unembedding of every position is the costliest product of these small models (T·d·V per row).
   */
  readAt?: Arr;
  /**
   * Embed tokens with `take` instead of a one-hot product (T·V·d per row). Only for runs that are not
   * differentiated w.r.t. the parameters: jit(grad) through `take` fails (FACTS.md); the delta gradients and the
   * EAP-IG runs, which pass `embed`, never go through it.
   */
  gatherEmbed?: boolean;
}

export interface GraphRunResult {
  /** [B, T, Vh], or [B, Vh] with `readAt` */
  logits: Arr;
  acts?: Arr;
}

/**
 * Runs the model. Consumes `params` and every array in `run` (pass `keep(params)` to reuse them), the jax-js
 * ownership rule.
 */
export function graphForward(c: GptConfig | NormalizedLmConfig, params: GptParams, run: GraphRun): GraphRunResult {
  if ('numLayers' in c) {
    // a family model (Llama, Qwen, Gemma...): the family decoder's block ops over the same graph (graphFamily.ts)
    const sources: Arr[] = [];
    const corrupt = run.corrupt ?? [];
    const { logits } = familyGraphForward(c, params, run, sources, (B, T, d) => residualMixer(sources, corrupt, B, T, d));
    for (const a of corrupt) a.dispose();
    return withActs(logits, sources, run.keepActs);
  }
  const p = { ...params };
  const take = (name: string): Arr => {
    const a = p[name];
    if (!a) throw new Error(`parameter ${name} is missing or was already used`);
    delete p[name];
    return a;
  };
  const wte = take('wte.weight'); // [V, d]
  const wpe = take('wpe.weight'); // [nCtx, d]
  let x: Arr; // residual stream [B,T,d]
  if (run.embed) {
    x = run.embed;
    if (run.tokens) run.tokens.dispose();
    wpe.dispose();
  } else {
    if (!run.tokens) throw new Error('graphForward needs tokens or embed');
    const T = run.tokens.shape[1];
    if (T > c.nCtx) throw new Error(`sequence length ${T} exceeds nCtx ${c.nCtx}`);
    const tok = run.gatherEmbed
      ? np.take(wte.ref, run.tokens, 0) // [B,T,d]
      : matmul(oneHot(run.tokens, c.vocabSize), wte.ref); // [B,T,V]@[V,d] → [B,T,d]
    const pos = matmul(oneHot(np.arange(0, T, 1, { dtype: np.int32 }), c.nCtx), wpe); // [T,d]
    x = tok.add(pos);
  }
  const [B, T, d] = x.shape;
  const H = c.nHead;
  const hd = headDim(c);
  const sources: Arr[] = [x.ref]; // outputs a_u in forward order
  const corrupt = run.corrupt ?? [];
  const groupInput = residualMixer(sources, corrupt, B, T, d);

  for (let l = 0; l < c.nLayer; l++) {
    const pre = `h.${l}.`;
    // attention: 3H inputs (q heads, k heads, v heads), each its own residual mixture
    let inp = groupInput(x.ref, run.patch?.attn[l], 3 * H); // [3H,B,T,d]
    if (run.delta) inp = inp.add(run.delta.attn[l]);
    const ln = layerNorm(inp, take(`${pre}ln_1.weight`), take(`${pre}ln_1.bias`), c.lnEps); // [3H,B,T,d]
    const w = take(`${pre}attn.c_attn.weight`).reshape([d, 3, H, hd]).transpose([1, 2, 0, 3]).reshape([3 * H, 1, d, hd]); // [3H,1,d,hd]
    const b = take(`${pre}attn.c_attn.bias`).reshape([3 * H, 1, 1, hd]); // [3H,1,1,hd]
    // q, k, v as three products on the split inputs, not one product split afterwards: the gradient of a split
    // output is a padded sum that jax-js fuses into the input-gradient product, which made that one kernel
    // 2/3 of the EAP backward (bench/circuits.ts); this order keeps every backward product a plain one
    const [lq, lk, lv] = np.split(ln, 3, 0); // 3 × [H,B,T,d]
    const [wq, wk, wv] = np.split(w, 3, 0); // 3 × [H,1,d,hd]
    const [bq, bk, bv] = np.split(b, 3, 0); // 3 × [H,1,1,hd]
    const proj = (x: Arr, wx: Arr, bx: Arr): Arr => matmul(x, wx).add(bx).transpose([1, 0, 2, 3]); // [H,B,T,d]@[H,1,d,hd] → [B,H,T,hd]
    const [q, k, v] = [proj(lq, wq, bq), proj(lk, wk, bk), proj(lv, wv, bv)]; // 3 × [B,H,T,hd]
    const scores = matmul(q, k.transpose([0, 1, 3, 2])).mul(1 / Math.sqrt(hd)); // [B,H,T,T]
    const pattern = nn.softmax(scores.add(np.tri(T).sub(1).mul(1e9)), -1); // [B,H,T,T], causal
    const z = matmul(pattern, v); // [B,H,T,hd]
    const wO = take(`${pre}attn.c_proj.weight`).reshape([H, hd, d]); // rows h·hd..(h+1)·hd belong to head h
    const heads = matmul(z, wO); // [B,H,T,hd]@[H,hd,d] → [B,H,T,d]
    const headOuts = np.split(heads.ref, H, 1).map((a) => a.reshape([B, T, d])); // H × [B,T,d]
    const attnOut = heads.sum(1).add(take(`${pre}attn.c_proj.bias`)); // [B,T,d]
    sources.push(...headOuts);
    x = x.add(attnOut); // resid_mid
    // MLP
    let mIn = groupInput(x.ref, run.patch?.mlp[l], 1); // [B,T,d]
    if (run.delta) mIn = mIn.add(run.delta.mlp[l]);
    const h = layerNorm(mIn, take(`${pre}ln_2.weight`), take(`${pre}ln_2.bias`), c.lnEps);
    let fc = matmul(h, take(`${pre}mlp.c_fc.weight`)).add(take(`${pre}mlp.c_fc.bias`)); // [B,T,F]
    if (run.delta?.mlpHidden) fc = fc.add(run.delta.mlpHidden[l]);
    const mOut = matmul(geluNew(fc), take(`${pre}mlp.c_proj.weight`)).add(take(`${pre}mlp.c_proj.bias`)); // [B,T,d]
    sources.push(mOut.ref);
    x = x.add(mOut); // resid_post
  }
  let fin = groupInput(x, run.patch?.logits, 1); // [B,T,d]
  if (run.delta) fin = fin.add(run.delta.logits);
  let xf = layerNorm(fin, take('ln_f.weight'), take('ln_f.bias'), c.lnEps); // [B,T,d]
  if (run.readAt) xf = atPositions(xf, run.readAt); // [B,d]
  const wU = c.tiedEmbeddings ? wte : (wte.dispose(), take('lm_head.weight')); // [Vh, d]
  const logits = matmul(xf, wU.transpose()); // [B,T,Vh] or [B,Vh]
  for (const a of Object.values(p)) a.dispose();
  for (const a of corrupt) a.dispose();
  return withActs(logits, sources, run.keepActs);
}

/**
 * The input of a destination group: resid − Pᵀ·(a − c) over the sources computed so far (`sources` grows as the
 * forward runs; `corrupt` holds the corrupted run's outputs in the same order). G copies for G destinations.
 */
export function residualMixer(sources: Arr[], corrupt: Arr[], B: number, T: number, d: number): (resid: Arr, P: Arr | undefined, G: number) => Arr {
  return (resid, P, G) => {
    if (!P) return G === 1 ? resid : np.broadcastTo(resid.reshape([1, B, T, d]), [G, B, T, d]);
    const n = P.shape[0];
    const diff = np.stack(sources.slice(0, n).map((a, u) => a.ref.sub(corrupt[u].ref))).reshape([n, B * T * d]); // [n, BTd]
    const sub = matmul(P.transpose(), diff).reshape([G, B, T, d]); // [G,n]@[n,BTd] → [G,B,T,d]
    const out = resid.reshape([1, B, T, d]).sub(sub); // [G,B,T,d]
    return G === 1 ? out.reshape([B, T, d]) : out;
  };
}

function withActs(logits: Arr, sources: Arr[], keepActs: boolean | undefined): GraphRunResult {
  if (!keepActs) {
    for (const a of sources) a.dispose();
    return { logits };
  }
  return { logits, acts: np.stack(sources) }; // [nForward,B,T,d]
}

/** Layer count, head count, width and MLP width of either config kind. */
const dimsOf = (c: GptConfig | NormalizedLmConfig) =>
  'numLayers' in c ? { L: c.numLayers, H: c.numHeads, d: c.hiddenSize, F: c.intermediateSize } : { L: c.nLayer, H: c.nHead, d: c.dModel, F: c.dMlp };

/** Zero deltas for every destination input of a [B,T] run. */
export function zeroDeltas(c: GptConfig | NormalizedLmConfig, B: number, T: number): DeltaArrays {
  const { L, H, d } = dimsOf(c);
  return {
    attn: Array.from({ length: L }, () => np.zeros([3 * H, B, T, d])),
    mlp: Array.from({ length: L }, () => np.zeros([B, T, d])),
    logits: np.zeros([B, T, d]),
  };
}

/** Zero taps on each MLP's hidden layer [B, T, F] (DeltaArrays.mlpHidden). */
export const zeroHiddenTaps = (c: GptConfig | NormalizedLmConfig, B: number, T: number): Arr[] =>
  Array.from({ length: dimsOf(c).L }, () => np.zeros([B, T, dimsOf(c).F]));

/** Upstream counts of each group, to size patch matrices. */
export const groupSizes = (c: GptConfig | NormalizedLmConfig) => {
  const { L, H, d } = dimsOf(c);
  const g = { nLayers: L, nHeads: H, dModel: d, parallelAttnMlp: false };
  return {
    attn: Array.from({ length: L }, (_, l) => attnUpstream(g, l)),
    mlp: Array.from({ length: L }, (_, l) => mlpUpstream(g, l)),
  };
};
