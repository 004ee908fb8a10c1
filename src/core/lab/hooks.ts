// Named hook points of the GPT (TransformerLens naming), and the small runner that caches, patches or perturbs
// an activation as the forward pass crosses it. Hook names, patch and delta values are a static structure
// plus arrays, so the same forward works eagerly and under `jit` (the value arrays are traced inputs).
import type { GptConfig } from './config';
import { headDim } from './config';
import type { Arr } from './engine';

export type LayerHook =
  | 'hook_resid_pre' | 'hook_resid_mid' | 'hook_resid_post' | 'hook_attn_out' | 'hook_mlp_in' | 'hook_mlp_out'
  | 'attn.hook_q_input' | 'attn.hook_k_input' | 'attn.hook_v_input'
  | 'attn.hook_pattern' | 'attn.hook_z' | 'attn.hook_head_out' | 'mlp.hook_post';

export type HookName = 'hook_embed' | 'hook_logits' | `blocks.${number}.${LayerHook}`;

export const LAYER_HOOKS: readonly LayerHook[] = [
  'hook_resid_pre', 'attn.hook_q_input', 'attn.hook_k_input', 'attn.hook_v_input', 'attn.hook_pattern',
  'attn.hook_z', 'attn.hook_head_out', 'hook_attn_out', 'hook_resid_mid', 'hook_mlp_in', 'mlp.hook_post',
  'hook_mlp_out', 'hook_resid_post',
];

export interface HookOptions {
  /** Activations to return in `ForwardResult.cache` (each a fresh reference the caller owns). */
  cache?: Iterable<HookName>;
  /** Activation replacements, consumed. Shapes as `hookShapes`. */
  patch?: Partial<Record<HookName, Arr>>;
  /**
   * Added to the activation (after any patch), consumed. Pass zeros and differentiate w.r.t. the delta to get
   * ∂metric/∂activation without changing the forward value.
   */
  delta?: Partial<Record<HookName, Arr>>;
}

/**
 * The sizes the hook shapes need, for GPT-2 configs and the family decoders alike (decoder.ts `decoderDims`).
 * headDim may differ from dModel / nHead (Qwen3, Gemma set `head_dim`).
 */
export interface HookDims {
  nLayer: number;
  nHead: number;
  dModel: number;
  headDim: number;
  dMlp: number;
  lmHeadWidth: number;
}

export const hookDims = (c: GptConfig | HookDims): HookDims => ('headDim' in c ? c : { ...c, headDim: headDim(c) });

/** Every hook of a config in forward order, with its documented shape for batch B and length T. */
export function hookShapes(config: GptConfig | HookDims, B: number, T: number): Map<HookName, number[]> {
  const c = hookDims(config);
  const d = c.dModel;
  const H = c.nHead;
  const per: Record<LayerHook, number[]> = {
    hook_resid_pre: [B, T, d],
    'attn.hook_q_input': [B, T, H, d],
    'attn.hook_k_input': [B, T, H, d],
    'attn.hook_v_input': [B, T, H, d],
    'attn.hook_pattern': [B, H, T, T], // [batch, head, dest (query) pos, src (key) pos]
    'attn.hook_z': [B, T, H, c.headDim],
    'attn.hook_head_out': [B, T, H, d], // each head's write to the residual, without c_proj.bias
    hook_attn_out: [B, T, d], // Σ_h head_out + c_proj.bias (Gemma: then its post-attention norm)
    hook_resid_mid: [B, T, d],
    hook_mlp_in: [B, T, d],
    'mlp.hook_post': [B, T, c.dMlp],
    hook_mlp_out: [B, T, d],
    hook_resid_post: [B, T, d],
  };
  const out = new Map<HookName, number[]>([['hook_embed', [B, T, d]]]);
  for (let l = 0; l < c.nLayer; l++) for (const h of LAYER_HOOKS) out.set(`blocks.${l}.${h}`, per[h]);
  out.set('hook_logits', [B, T, c.lmHeadWidth]);
  return out;
}

/** Applies the hook options at each point; collects the cache. */
export class HookRunner {
  readonly cache: Partial<Record<HookName, Arr>> = {};
  private readonly want: Set<string>;
  private readonly patch: Partial<Record<HookName, Arr>>;
  private readonly delta: Partial<Record<HookName, Arr>>;

  constructor(c: GptConfig | HookDims, opts: HookOptions) {
    this.want = new Set(opts.cache ?? []);
    this.patch = { ...opts.patch };
    this.delta = { ...opts.delta };
    const valid = new Set<string>(hookShapes(c, 1, 1).keys());
    for (const n of [...this.want, ...Object.keys(this.patch), ...Object.keys(this.delta)]) {
      if (!valid.has(n)) throw new Error(`unknown hook "${n}" for a ${c.nLayer}-layer model`);
    }
  }

  /** True when any option touches `name`: the forward then materialises that activation. */
  touches(name: HookName): boolean {
    return this.want.has(name) || name in this.patch || name in this.delta;
  }

  /** Passes `x` through hook `name`: patch, then delta, then cache. Consumes `x`, returns the activation. */
  at(name: HookName, x: Arr): Arr {
    const p = this.patch[name];
    if (p) {
      if (p.shape.join() !== x.shape.join()) {
        throw new Error(`patch for ${name} has shape [${p.shape}] but the activation is [${x.shape}]`);
      }
      x.dispose();
      x = p;
    }
    const dlt = this.delta[name];
    if (dlt) x = x.add(dlt);
    if (this.want.has(name)) this.cache[name] = x.ref;
    return x;
  }
}
