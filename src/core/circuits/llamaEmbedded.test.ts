// The one-click refusal circuit on the forge's Llama-architecture model (models/anchor-llama: GQA 4 over 2 heads,
// RoPE, SwiGLU, RMSNorm, tied), through the same engine calls as the UI: a pruned circuit of at most 5 % of the
// edges that carries the refusal metric (random circuits of its size do not), and corrupt-patching it during
// generation lowers refusal. Weights change when the forge retrains, so these assert properties, with margins
// measured on the committed model (README, circuits: 13 of 262 edges recover 0.68, refusal 0.96 → 0.00).
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createNodeCircuitsEngine } from './modelNode';

const root = join(import.meta.dirname, '../../..');

describe('anchor-llama (Llama architecture)', () => {
  it('loads as a GQA llama model and its one-click refusal circuit is small, faithful and refusal-specific', async () => {
    const engine = createNodeCircuitsEngine(root);
    const info = await engine.loadModel('anchor-llama');
    expect(info).toMatchObject({ family: 'llama', nLayers: 3, nHeads: 4, nKvHeads: 2, nEdges: 262 });
    const r = await engine.refusalCircuit('anchor-llama', { pairs: 8, ablationPrompts: 6, maxNewTokens: 6, acdc: false });
    expect(r.circuit.size).toBeGreaterThan(0);
    expect(r.circuit.size).toBeLessThanOrEqual(0.05 * info.nEdges);
    expect(r.circuit.recovered).toBeGreaterThan(r.circuit.randomRecovered + 0.3);
    expect(r.ablation.refusalBefore).toBeGreaterThanOrEqual(0.5);
    expect(r.ablation.refusalAfter).toBeLessThan(r.ablation.refusalBefore);
    expect(r.ablation.randomRefusalAfter!).toBeGreaterThan(r.ablation.refusalAfter); // a random circuit of its size leaves refusal
    expect(r.evidence).toMatchObject({ kind: 'mechanistic', model: 'anchor-llama', modelSha256: info.weightsSha256 });
    console.log(`anchor-llama one click: ${r.circuit.size}/${info.nEdges} edges recover ${r.circuit.recovered.toFixed(2)} ` +
      `(random ${r.circuit.randomRecovered.toFixed(2)}); refusal ${r.ablation.refusalBefore.toFixed(2)} → ${r.ablation.refusalAfter.toFixed(2)}`);
  }, 600_000);
});
