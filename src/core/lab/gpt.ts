// GPT-2 forward pass (pre-LayerNorm, learned positions, gelu_new, causal attention) in the nanoGPT spirit, with
// TransformerLens-style hook points (hooks.ts) for caching, patching and activation gradients. Shapes: B batch,
// T positions, d = dModel, H heads, hd = d/H, V = vocab, Vh = lm head width, F = MLP width.
// Written with ops whose gradients are right under jit (FACTS.md): embeddings and position rows are one-hot
// matmuls, never `take`; q/k/v are cut from c_attn with `split`, which jit(grad) handles (gpt.test.ts); every
// product goes through engine `matmul`, which works around a batch-broadcast bug of np.matmul.
import { nn, numpy as np } from '@jax-js/jax';
import { headDim, type GptConfig } from './config';
import { matmul, oneHot, OwnedParams as ParamTaker, type Arr } from './engine';
import { HookRunner, type HookName, type HookOptions } from './hooks';
import type { GptParams } from './params';

export interface ForwardResult {
  /** [B, T, Vh] */
  logits: Arr;
  /** The activations asked for in `opts.cache`, each owned by the caller. */
  cache: Partial<Record<HookName, Arr>>;
}

/**
 * Runs the model. Consumes `params`, `tokens` ([B, T] int32, T ≤ nCtx) and any patch/delta arrays, as every
 * jax-js function does: pass `keep(params)` to keep using them.
 */
export function gptForward(c: GptConfig, params: GptParams, tokens: Arr, opts: HookOptions = {}): ForwardResult {
  const [B, T] = tokens.shape;
  if (T > c.nCtx) throw new Error(`sequence length ${T} exceeds nCtx ${c.nCtx}`);
  const hk = new HookRunner(c, opts);
  const p = new ParamTaker(params);
  const wte = p.take('wte.weight'); // [V, d]
  const tok = matmul(oneHot(tokens, c.vocabSize), c.tiedEmbeddings ? wte.ref : wte); // [B,T,V]@[V,d] → [B,T,d]
  const posOh = oneHot(np.arange(0, T, 1, { dtype: np.int32 }), c.nCtx); // [T, nCtx]
  const pos = matmul(posOh, p.take('wpe.weight')); // [T,nCtx]@[nCtx,d] → [T,d], broadcast over B
  let x = hk.at('hook_embed', tok.add(pos)); // [B,T,d]
  for (let l = 0; l < c.nLayer; l++) x = block(c, hk, p, l, x, B, T);
  x = layerNorm(x, p.take('ln_f.weight'), p.take('ln_f.bias'), c.lnEps); // [B,T,d]
  const wU = c.tiedEmbeddings ? wte : p.take('lm_head.weight'); // [Vh, d]
  const logits = hk.at('hook_logits', matmul(x, wU.transpose())); // [B,T,d]@[d,Vh] → [B,T,Vh]
  p.done();
  return { logits, cache: hk.cache };
}

function block(c: GptConfig, hk: HookRunner, p: ParamTaker, l: number, x: Arr, B: number, T: number): Arr {
  const pre = `h.${l}.`;
  const hp = (h: string) => `blocks.${l}.${h}` as HookName;
  x = hk.at(hp('hook_resid_pre'), x); // [B,T,d]
  const attnOut = hk.at(hp('hook_attn_out'), attention(c, hk, p, l, x.ref, B, T)); // [B,T,d]
  const mid = hk.at(hp('hook_resid_mid'), x.add(attnOut)); // [B,T,d]
  const mlpIn = hk.at(hp('hook_mlp_in'), mid.ref); // [B,T,d]: the MLP's own copy, patchable apart from the residual
  const h = layerNorm(mlpIn, p.take(`${pre}ln_2.weight`), p.take(`${pre}ln_2.bias`), c.lnEps); // [B,T,d]
  const fc = matmul(h, p.take(`${pre}mlp.c_fc.weight`)).add(p.take(`${pre}mlp.c_fc.bias`)); // [B,T,d]@[d,F] → [B,T,F]
  const act = hk.at(hp('mlp.hook_post'), geluNew(fc)); // [B,T,F]
  const proj = matmul(act, p.take(`${pre}mlp.c_proj.weight`)).add(p.take(`${pre}mlp.c_proj.bias`)); // [B,T,F]@[F,d] → [B,T,d]
  const mlpOut = hk.at(hp('hook_mlp_out'), proj); // [B,T,d]
  return hk.at(hp('hook_resid_post'), mid.add(mlpOut)); // [B,T,d]
}

/**
 * Causal self-attention; returns attn_out [B,T,d] and consumes `x` (resid_pre). Heads read their own q/k/v
 * inputs when any q/k/v-input hook of this layer is used (EAP needs a separate residual mixture per head and
 * per q/k/v); otherwise all heads share LN(x) and one fused c_attn product: the same maths, cheaper.
 */
function attention(c: GptConfig, hk: HookRunner, p: ParamTaker, l: number, x: Arr, B: number, T: number): Arr {
  const d = c.dModel;
  const H = c.nHead;
  const hd = headDim(c);
  const pre = `h.${l}.`;
  const hp = (h: string) => `blocks.${l}.attn.${h}` as HookName;
  const wQkv = p.take(`${pre}attn.c_attn.weight`); // [d, 3d] Conv1D: column blocks q | k | v, each split by head
  const bQkv = p.take(`${pre}attn.c_attn.bias`); // [3d]
  const lnW = p.take(`${pre}ln_1.weight`);
  const lnB = p.take(`${pre}ln_1.bias`);
  const names = [hp('hook_q_input'), hp('hook_k_input'), hp('hook_v_input')];
  let qkv: Arr[]; // 3 × [B,H,T,hd]
  if (names.some((n) => hk.touches(n))) {
    // per-head inputs: c_attn viewed as [d,3,H,hd] → [3,H,d,hd], one [d,hd] projection per (q|k|v, head)
    const w = np.split(wQkv.reshape([d, 3, H, hd]).transpose([1, 2, 0, 3]), 3, 0).map((a) => a.reshape([H, d, hd])); // 3 × [H,d,hd]
    const b = np.split(bQkv.reshape([3, H, 1, hd]), 3, 0).map((a) => a.reshape([H, 1, hd])); // 3 × [H,1,hd]
    qkv = [0, 1, 2].map((i) => {
      const perHead = np.broadcastTo(x.ref.reshape([B, T, 1, d]), [B, T, H, d]); // [B,T,H,d]
      const inp = layerNorm(hk.at(names[i], perHead), lnW.ref, lnB.ref, c.lnEps).transpose([0, 2, 1, 3]); // [B,H,T,d]
      return matmul(inp, w[i]).add(b[i]); // [B,H,T,d]@[H,d,hd] → [B,H,T,hd]
    });
    x.dispose();
    lnW.dispose();
    lnB.dispose();
  } else {
    // shared input: one fused product (~25 % faster per train step than three per-head ones)
    const h = matmul(layerNorm(x, lnW, lnB, c.lnEps), wQkv).add(bQkv); // [B,T,d]@[d,3d] → [B,T,3d]
    const heads = h.reshape([B, T, 3, H, hd]).transpose([2, 0, 3, 1, 4]); // [3,B,H,T,hd]
    qkv = np.split(heads, 3, 0).map((a) => a.reshape([B, H, T, hd])); // 3 × [B,H,T,hd]
  }
  const [q, k, v] = qkv;
  const scores = matmul(q, k.transpose([0, 1, 3, 2])).mul(1 / Math.sqrt(hd)); // [B,H,T,hd]@[B,H,hd,T] → [B,H,T,T]
  const masked = scores.add(causalBias(T)); // [B,H,T,T]: future keys get −1e9, so softmax gives them 0
  const pattern = hk.at(hp('hook_pattern'), nn.softmax(masked, -1)); // [B,H,T,T] rows sum to 1
  const z = hk.at(hp('hook_z'), matmul(pattern, v).transpose([0, 2, 1, 3])); // [B,H,T,T]@[B,H,T,hd] → [B,T,H,hd]
  const wO = p.take(`${pre}attn.c_proj.weight`); // [d, d]; rows h·hd..(h+1)·hd belong to head h
  let out: Arr;
  if (hk.touches(hp('hook_head_out'))) {
    const perHead = matmul(z.transpose([0, 2, 1, 3]), wO.reshape([H, hd, d])); // [B,H,T,hd]@[H,hd,d] → [B,H,T,d]
    out = hk.at(hp('hook_head_out'), perHead.transpose([0, 2, 1, 3])).sum(2); // [B,T,H,d] → Σ_h → [B,T,d]
  } else {
    out = matmul(z.reshape([B, T, d]), wO); // [B,T,d]@[d,d] → [B,T,d]
  }
  return out.add(p.take(`${pre}attn.c_proj.bias`)); // [B,T,d]
}

/** [T, T] additive mask: 0 where key ≤ query, −1e9 above the diagonal. */
function causalBias(T: number): Arr {
  return np.tri(T).sub(1).mul(1e9); // tri: 1 on/below the diagonal → (1−1)·1e9 = 0, (0−1)·1e9 = −1e9
}

/** LayerNorm over the last axis (biased variance, as torch). Consumes all three. */
export function layerNorm(x: Arr, w: Arr, b: Arr, eps: number): Arr {
  const mean = x.ref.mean(-1, { keepdims: true }); // [..., 1]
  const xc = x.sub(mean); // [..., d]
  const variance = np.square(xc.ref).mean(-1, { keepdims: true }); // [..., 1]
  return xc.mul(np.reciprocal(np.sqrt(variance.add(eps)))).mul(w).add(b); // [..., d]
}

/** GELU, tanh approximation (HF `gelu_new`), written out so it matches the ONNX export term for term. */
export function geluNew(x: Arr): Arr {
  const inner = x.ref.add(x.ref.mul(x.ref).mul(x.ref).mul(0.044715)).mul(Math.sqrt(2 / Math.PI)); // √(2/π)(x+0.044715x³)
  return x.mul(0.5).mul(np.tanh(inner).add(1));
}
