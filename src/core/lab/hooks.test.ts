import { grad, jit, numpy as np } from '@jax-js/jax';
import { beforeAll, describe, expect, it } from 'vitest';
import { gptConfig } from './config';
import { fromF32, fromI32, initEngine, keep, matmul, readF32, takeF32, type Arr, type ArrRecord } from './engine';
import { gptForward, layerNorm } from './gpt';
import type { HookName } from './hooks';
import { logitAt, positionMask } from './loss';
import { initParams, initParamsHost } from './params';

const cfg = gptConfig({ vocabSize: 17, nCtx: 8, dModel: 8, nHead: 2, nLayer: 2, initStd: 0.3 });
const [B, T, H, d] = [2, 6, 2, 8];
const CLEAN = [3, 1, 4, 1, 5, 9, 2, 6, 5, 3, 5, 8];
const CORRUPT = [3, 1, 4, 1, 5, 2, 2, 6, 5, 3, 5, 14];
const maxDiff = (a: Float32Array, b: Float32Array) => a.reduce((m, v, i) => Math.max(m, Math.abs(v - b[i])), 0);

beforeAll(async () => {
  await initEngine();
});

describe('hook points', () => {
  it('patching one head with a corrupted run moves the logits exactly as a residual recomputation predicts', () => {
    const params = initParams(cfg, 4);
    const want: HookName[] = ['blocks.1.attn.hook_head_out', 'blocks.1.hook_resid_mid'];
    const clean = gptForward(cfg, keep(params), fromI32(CLEAN, [B, T]), { cache: want });
    const bad = gptForward(cfg, keep(params), fromI32(CORRUPT, [B, T]), { cache: want });
    const hoC = takeF32(clean.cache['blocks.1.attn.hook_head_out']!); // [B,T,H,d]
    const hoB = takeF32(bad.cache['blocks.1.attn.hook_head_out']!);
    bad.logits.dispose();
    bad.cache['blocks.1.hook_resid_mid']!.dispose();
    // head 1 of layer 1 takes the corrupted value; head 0 keeps the clean one
    const mixed = hoC.slice();
    for (let bt = 0; bt < B * T; bt++) mixed.set(hoB.subarray((bt * H + 1) * d, (bt * H + 2) * d), (bt * H + 1) * d);
    const patched = takeF32(gptForward(cfg, keep(params), fromI32(CLEAN, [B, T]), { patch: { 'blocks.1.attn.hook_head_out': fromF32(mixed, [B, T, H, d]) } }).logits);
    // prediction: resid_mid' = resid_mid − head_out_clean[h1] + head_out_corrupt[h1], then the rest of the model
    const mid = takeF32(clean.cache['blocks.1.hook_resid_mid']!);
    for (let bt = 0; bt < B * T; bt++) for (let j = 0; j < d; j++) mid[bt * d + j] += hoB[(bt * H + 1) * d + j] - hoC[(bt * H + 1) * d + j];
    const predicted = takeF32(gptForward(cfg, keep(params), fromI32(CLEAN, [B, T]), { patch: { 'blocks.1.hook_resid_mid': fromF32(mid, [B, T, d]) } }).logits);
    const cleanLogits = takeF32(clean.logits);
    expect(maxDiff(patched, cleanLogits)).toBeGreaterThan(1e-3); // the patch matters…
    expect(maxDiff(patched, predicted)).toBeLessThan(1e-5); // …exactly as predicted
  });

  it('zero-patching every head and MLP leaves logits = unembed(ln_f(embed + attention biases))', () => {
    const params = initParams(cfg, 5);
    const zeros: Partial<Record<HookName, Arr>> = {};
    for (let l = 0; l < cfg.nLayer; l++) {
      zeros[`blocks.${l}.attn.hook_head_out`] = np.zeros([B, T, H, d]);
      zeros[`blocks.${l}.hook_mlp_out`] = np.zeros([B, T, d]);
    }
    const r = gptForward(cfg, keep(params), fromI32(CLEAN, [B, T]), { patch: zeros, cache: ['hook_embed'] });
    let x = r.cache.hook_embed!; // [B,T,d]
    for (let l = 0; l < cfg.nLayer; l++) x = x.add(params[`h.${l}.attn.c_proj.bias`].ref);
    const expected = matmul(layerNorm(x, params['ln_f.weight'].ref, params['ln_f.bias'].ref, cfg.lnEps), params['wte.weight'].ref.transpose());
    expect(maxDiff(takeF32(r.logits), takeF32(expected))).toBeLessThan(1e-5);
  });

  it('the residual stream decomposes: embed + Σ heads + Σ attn biases + Σ MLP outs = final resid_post', () => {
    const params = initParams(cfg, 6);
    const names: HookName[] = ['hook_embed', `blocks.${cfg.nLayer - 1}.hook_resid_post`];
    for (let l = 0; l < cfg.nLayer; l++) names.push(`blocks.${l}.attn.hook_head_out`, `blocks.${l}.hook_mlp_out`);
    const { logits, cache } = gptForward(cfg, keep(params), fromI32(CLEAN, [B, T]), { cache: names });
    logits.dispose();
    let sum = cache.hook_embed!;
    for (let l = 0; l < cfg.nLayer; l++) {
      sum = sum.add(cache[`blocks.${l}.attn.hook_head_out`]!.sum(2)).add(params[`h.${l}.attn.c_proj.bias`].ref); // [B,T,H,d] → [B,T,d]
      sum = sum.add(cache[`blocks.${l}.hook_mlp_out`]!);
    }
    const post = takeF32(cache[`blocks.${cfg.nLayer - 1}.hook_resid_post`]!);
    expect(maxDiff(takeF32(sum), post)).toBeLessThan(1e-5);
    expect(Math.max(...post.map(Math.abs))).toBeGreaterThan(0.1);
  });

  it('gradient at a hook via a zero delta agrees with finite differences, eager and under jit', () => {
    // float64 model and delta, so a 1e-3 step is far above rounding (see gpt.test.ts)
    const host = initParamsHost(cfg, 7);
    const params = (): ArrRecord =>
      Object.fromEntries([...host].map(([k, v]) => [k, np.array(Float64Array.from(v.data), { shape: v.shape, dtype: np.float64 })]));
    const hooks: [HookName, number[]][] = [['blocks.0.hook_resid_mid', [B, T, d]], ['blocks.1.attn.hook_k_input', [B, T, H, d]]];
    for (const [hook, shape] of hooks) {
      const metric = (delta: Arr) =>
        logitAt(gptForward(cfg, params(), fromI32(CLEAN, [B, T]), { delta: { [hook]: delta } }).logits, positionMask([5, 5], T), fromI32([7, 2], [B]));
      const n = shape.reduce((a, b) => a * b, 1);
      const zeros = () => np.zeros(shape, { dtype: np.float64 });
      const g = grad(metric)(zeros()).dataSync() as Float64Array;
      const gj = jit(grad(metric))(zeros()).dataSync() as Float64Array;
      const f = jit(metric);
      const eps = 1e-3;
      // coordinates at the attended-to positions (the last one and an earlier one), in both rows
      for (const i of [n / 2 - 1, n - 1, n / 2 - 1 - 2 * (n / (B * T)), 3]) {
        const at = (s: number) => {
          const dl = new Float64Array(n);
          dl[i] = s;
          return f(np.array(dl, { shape, dtype: np.float64 })).item();
        };
        const fd = (at(eps) - at(-eps)) / (2 * eps);
        expect(Math.abs(g[i] - fd)).toBeLessThan(2e-3 * Math.max(1, Math.abs(fd)));
        expect(Math.abs(gj[i] - g[i])).toBeLessThan(1e-6 * Math.max(1, Math.abs(g[i])));
      }
      expect(Math.max(...Array.from(g, Math.abs))).toBeGreaterThan(1e-3);
      f.dispose();
    }
  });

  it('patching works under jit with the patch values as traced inputs', () => {
    const params = initParams(cfg, 9);
    const hook: HookName = 'blocks.0.attn.hook_v_input';
    const f = jit((p: ArrRecord, t: Arr, v: Arr) => gptForward(cfg, p, t, { patch: { [hook]: v } }).logits);
    const vals = Float32Array.from({ length: B * T * H * d }, (_, i) => Math.sin(i));
    const eager = takeF32(gptForward(cfg, keep(params), fromI32(CLEAN, [B, T]), { patch: { [hook]: fromF32(vals, [B, T, H, d]) } }).logits);
    const jitted = takeF32(f(keep(params), fromI32(CLEAN, [B, T]), fromF32(vals, [B, T, H, d])));
    const other = takeF32(f(keep(params), fromI32(CLEAN, [B, T]), fromF32(vals.map((v) => -v), [B, T, H, d])));
    f.dispose();
    expect(maxDiff(jitted, eager)).toBeLessThan(1e-5);
    expect(maxDiff(other, eager)).toBeGreaterThan(1e-3); // a new value reaches the compiled program
  });

  it('a zero delta leaves the forward unchanged and a patch of the wrong shape is refused', () => {
    const params = initParams(cfg, 8);
    const base = takeF32(gptForward(cfg, keep(params), fromI32(CLEAN, [B, T])).logits);
    const withDelta = takeF32(gptForward(cfg, keep(params), fromI32(CLEAN, [B, T]), { delta: { 'blocks.0.attn.hook_q_input': np.zeros([B, T, H, d]) } }).logits);
    expect(maxDiff(base, withDelta)).toBeLessThan(1e-6);
    expect(() => gptForward(cfg, keep(params), fromI32(CLEAN, [B, T]), { patch: { 'blocks.0.hook_mlp_out': np.zeros([B, T, d + 1]) } })).toThrow(/shape/);
    expect(readF32(params['wte.weight']).length).toBe(17 * 8); // params survived every call above
  });
});
