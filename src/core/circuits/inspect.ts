// Read-outs of the residual stream and attention through the lab engine's hooks (src/core/lab/hooks.ts):
//   residuals      resid after 0..L blocks (0 = embeddings) at each prompt's last token: probe features
//   logitLens      each layer's residual through ln_f and the unembedding, top-k tokens per position
//   attention      every head's pattern on one prompt, [dest][src]
// Forwards are jitted at one padded length per call (right padding does not reach earlier positions).
import { jit, nn, numpy as np, type OwnedFunction } from '@jax-js/jax';
import { atPositions, familyNorm, fromI32, keep, layerNorm, matmul, softcap, takeF32, type Arr, type GptParams, type HookName } from '../lab';
import { CircuitsInputError } from './errors';
import { refusalTokens } from './heldout';
import { modelForward, type CircuitModel } from './model';
import { encodePrompt } from './pairs';
import { posMask } from './runner';
import type { AttentionPattern, AttentionRequest, LogitLensRequest, LogitLensRow } from './types';

const residHooks = (L: number): HookName[] => ['hook_embed', ...Array.from({ length: L }, (_, l) => `blocks.${l}.hook_resid_post` as HookName)];

/** Residual stream at the last token of each prompt: one Float32Array [n × d] per layer 0..L. */
export function residuals(model: CircuitModel, prompts: string[], opts: { batchSize?: number; chatTemplate?: boolean } = {}): Float32Array[] {
  const c = model.cfg;
  const L = c.nLayer;
  const enc = prompts.map((p) => encodePrompt(model, p, opts.chatTemplate));
  const T = Math.max(1, ...enc.map((e) => e.length));
  const B = Math.max(1, Math.min(opts.batchSize ?? 32, prompts.length));
  const hooks = residHooks(L);
  const fn: OwnedFunction<(p: GptParams, t: Arr, m: Arr) => Arr> = jit((p: GptParams, t: Arr, m: Arr) => {
    const { logits, cache } = modelForward(model, p, t, { cache: hooks });
    logits.dispose();
    const at = hooks.map((h) => atPositions(cache[h]!, m.ref)); // (L+1) × [B,d]
    m.dispose();
    return np.stack(at); // [L+1,B,d]
  });
  const out = Array.from({ length: L + 1 }, () => new Float32Array(prompts.length * c.dModel));
  try {
    for (let s = 0; s < prompts.length; s += B) {
      const tokens = new Int32Array(B * T);
      const pos = new Array<number>(B).fill(0);
      for (let r = 0; r < B && s + r < prompts.length; r++) {
        tokens.set(enc[s + r], r * T);
        pos[r] = enc[s + r].length - 1;
      }
      const res = takeF32(fn(keep(model.params), fromI32(tokens, [B, T]), posMask(pos, T))); // [L+1,B,d]
      const rows = Math.min(B, prompts.length - s);
      for (let l = 0; l <= L; l++) out[l].set(res.subarray(l * B * c.dModel, (l * B + rows) * c.dModel), s * c.dModel);
    }
  } finally {
    fn.dispose();
  }
  return out;
}

export function logitLens(model: CircuitModel, req: Omit<LogitLensRequest, 'modelId'>): LogitLensRow[] {
  const c = model.cfg;
  const L = c.nLayer;
  const ids = encodePrompt(model, req.prompt, req.chatTemplate);
  const T = ids.length;
  const positions = req.positions ?? [T - 1];
  for (const p of positions) if (!Number.isInteger(p) || p < 0 || p >= T) throw new CircuitsInputError(`position ${p} is outside the prompt (0..${T - 1})`);
  const topK = Math.max(1, Math.min(req.topK ?? 5, c.vocabSize));
  const hooks = residHooks(L);
  const { logits, cache } = modelForward(model, keep(model.params), fromI32(ids, [1, T]), { cache: hooks });
  logits.dispose();
  const resid = np.stack(hooks.map((h) => cache[h]!)).reshape([L + 1, T, c.dModel]); // [L+1,T,d]
  const all = takeF32(nn.softmax(unembed(model, resid), -1)); // [L+1,T,Vh]
  const vh = c.lmHeadWidth;
  const target = req.target !== undefined ? model.tokenizer.encode(req.target)[0] : refusalTokens(model.tokenizer)[0]?.id;
  const rows: LogitLensRow[] = [];
  for (let l = 0; l <= L; l++) {
    for (const t of positions) {
      const row = all.subarray((l * T + t) * vh, (l * T + t + 1) * vh);
      const top = Array.from({ length: c.vocabSize }, (_, i) => i).sort((a, b) => row[b] - row[a]).slice(0, topK)
        .map((id) => ({ id, text: model.tokenizer.decodeToken(id), prob: row[id] }));
      rows.push({ layer: l, position: t, top, targetProb: target !== undefined ? row[target] : undefined });
    }
  }
  return rows;
}

export function attentionPatterns(model: CircuitModel, req: Omit<AttentionRequest, 'modelId'>): AttentionPattern[] {
  const c = model.cfg;
  const ids = encodePrompt(model, req.prompt, req.chatTemplate);
  const T = ids.length;
  const hooks = Array.from({ length: c.nLayer }, (_, l) => `blocks.${l}.attn.hook_pattern` as HookName);
  const { logits, cache } = modelForward(model, keep(model.params), fromI32(ids, [1, T]), { cache: hooks });
  logits.dispose();
  const tokens = ids.map((id) => model.tokenizer.decodeToken(id));
  const out: AttentionPattern[] = [];
  for (const [l, h] of hooks.entries()) {
    const pat = takeF32(cache[h]!); // [1,H,T,T]
    for (let head = 0; head < c.nHead; head++) {
      const weights = Array.from({ length: T }, (_, q) => Array.from(pat.subarray((head * T + q) * T, (head * T + q + 1) * T)));
      out.push({ layer: l, head, tokens, weights });
    }
  }
  return out;
}

/** Residuals [..., d] through the model's final norm and unembedding (and Gemma 2's final soft-cap): [..., Vh]. Consumes x. */
function unembed(model: CircuitModel, x: Arr): Arr {
  const p = model.params;
  const lm = model.lm;
  if (lm) {
    const t = lm.tensors;
    const normed = familyNorm(lm.block, x, p[t.finalNorm].ref, t.finalNormBias ? p[t.finalNormBias].ref : undefined, lm.normEps);
    const head = p[lm.tieWordEmbeddings ? t.embed : t.lmHead].ref; // [V,d]
    return softcap(matmul(normed, head.transpose()), lm.finalLogitSoftcap);
  }
  const wU = (model.cfg.tiedEmbeddings ? p['wte.weight'] : p['lm_head.weight']).ref; // [Vh,d]
  return matmul(layerNorm(x, p['ln_f.weight'].ref, p['ln_f.bias'].ref, model.cfg.lnEps), wU.transpose());
}
