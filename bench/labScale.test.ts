// The scale bench's own checks. On a one-layer SmolLM2-width decoder (real width, 1 of 30 layers, B1 T4), through
// decoderForward and through circuits' CircuitRunner, every stage runs and returns an [nF, nB] score matrix, the memory probe sees jax-js's wasm heap (installed before jax-js is imported) hold the weights and
// grow through the acts and gradient calls, and the formula's exact terms agree with the case. Then the formula's
// plan agrees with what the 30-layer cases measured (bench/results/lab-scale.json): a SmolLM2 gradient call of 32
// tokens fits wasm32 and one of 64 does not; no Qwen2.5-0.5B gradient call fits.
import { describe, expect, it } from 'vitest';
import { normalizeConfig } from '../src/core/lm/families';
import { SCALE_CONFIGS, watchWasmMemory } from './labScaleConfigs';
import { maxTokensPerGradCall, preparedPairsBytes, scaleFormula } from './scaleFormula';

const memory = watchWasmMemory();

describe('lab scale bench', () => {
  it.each(['decoder', 'runner'] as const)('%s: measures every stage of a real-width case and sees the engine heap', async (engine) => {
    const { runScaleCase } = await import('./labScaleCase');
    const r = await runScaleCase('smollm2-135m', 1, 4, { memory }, undefined, 1, engine);
    expect(r.failed).toBeUndefined();
    expect(r.stages.map((s) => s.stage)).toEqual(['params', 'acts', 'grad']);
    // one heap for both cases of this file: the runner case starts above the decoder case's mark
    const [params, acts, grad] = r.stages.map((s) => s.memoryBytes ?? 0);
    const c = normalizeConfig({ ...SCALE_CONFIGS['smollm2-135m'], num_hidden_layers: 1 });
    const f = scaleFormula(c, 1, 4, r.paramCount);
    expect(f.paramBytes).toBe(4 * r.paramCount);
    expect(params).toBeGreaterThanOrEqual(f.paramBytes);
    expect(acts).toBeGreaterThanOrEqual(params);
    expect(grad).toBeGreaterThanOrEqual(f.paramBytes + 3 * f.actsBytes + 2 * f.gradOutBytes); // what the call surely holds
    expect(r.stages.every((s) => s.stage === 'params' || (s.ms ?? 0) > 0)).toBe(true);
  }, 240_000);

  it('its formula plans what the 30-layer cases measured', async () => {
    const { decoderParamCount } = await import('../src/core/lab/decoderParams');
    const smol = normalizeConfig(SCALE_CONFIGS['smollm2-135m']);
    const qwen = normalizeConfig(SCALE_CONFIGS['qwen2.5-0.5b']);
    const s = maxTokensPerGradCall(smol, decoderParamCount(smol));
    expect(s.atB1).toBeGreaterThanOrEqual(32);
    expect(s.atB1).toBeLessThan(64);
    expect(maxTokensPerGradCall(qwen, decoderParamCount(qwen))).toEqual({ atB1: 0, atT32: 0 });
    // A and C of every prepared pair: 2 runs × nF sources × T × d floats
    expect(preparedPairsBytes(smol, 32, 32)).toBe(2 * (1 + 30 * 10) * 32 * 32 * 576 * 4);
  });
});
