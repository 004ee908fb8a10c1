// The forge pipeline on tiny shapes, end to end (corpus → tokenizer → train → export → ORT → parity → eval),
// into a temp dir; plus the packing rules and the safetensors round trip it relies on.
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runForge } from './forge';
import { Packer } from './train/pack';
import { readSafetensors, writeSafetensors } from './safetensors';

describe('Packer', () => {
  const seqs = [
    { ids: [100, 1, 2, 3, 4], responseStart: 3 },
    { ids: [100, 5, 6, 7], responseStart: 2 },
    { ids: [100, 8, 9], responseStart: 2 },
  ];
  it('fills rows with whole examples, masks prompts, padding and the next example\'s first token', () => {
    const b = new Packer(seqs, 2, 8, 1, 0).next();
    for (let r = 0; r < 2; r++) {
      const row = Array.from(b.tokens.slice(r * 8, r * 8 + 8));
      expect(row[0]).toBe(100); // every row starts with an example (position 0, like inference)
      for (let t = 0; t < 8; t++) {
        if (b.mask[r * 8 + t] === 0) continue;
        // a trained target is a response token of the example that contains it
        const tgt = b.targets[r * 8 + t];
        expect([3, 4, 6, 7, 9]).toContain(tgt);
        expect(tgt).not.toBe(0);
      }
    }
    expect(Array.from(b.mask).filter((m) => m === 1).length).toBeGreaterThan(0);
  });
  it('is deterministic for a seed', () => {
    const a = new Packer(seqs, 3, 8, 7, 0);
    const c = new Packer(seqs, 3, 8, 7, 0);
    for (let i = 0; i < 3; i++) expect(Array.from(a.next().tokens)).toEqual(Array.from(c.next().tokens));
  });
});

describe('safetensors', () => {
  it('round-trips F32 tensors with names and shapes', () => {
    const t = new Map([['b', { data: new Float32Array([1, -2.5, 3]), shape: [3] }], ['a', { data: new Float32Array([0.1, 0.2, 0.3, 0.4]), shape: [2, 2] }]]);
    const back = readSafetensors(writeSafetensors(t));
    expect([...back.keys()]).toEqual(['a', 'b']);
    expect(Array.from(back.get('a')!.data)).toEqual(Array.from(t.get('a')!.data));
    expect(back.get('b')!.shape).toEqual([3]);
  });
});

describe('forge --tiny', () => {
  const out = mkdtempSync(join(tmpdir(), 'forge-test-'));
  afterAll(() => rmSync(out, { recursive: true, force: true }));
  it('trains, exports, loads in ORT with lab parity and evaluates, without touching models/', async () => {
    const reports = await runForge({ tiny: true, only: ['target', 'judge'], outDir: out, evalLimit: 2, log: () => {} });
    expect(reports.map((r) => r.id)).toEqual(['target', 'judge']);
    for (const r of reports) {
      expect(r.lastLoss).toBeLessThan(r.firstLoss);
      expect(r.parity.logitsMaxAbsDiff).toBeLessThan(1e-4);
      expect(r.parity.kvMaxAbsDiff).toBeLessThan(1e-4);
      expect(r.parity.greedyEqual).toBe(true);
      for (const f of ['config.json', 'tokenizer.json', 'tokenizer_config.json', 'generation_config.json', 'model.safetensors', 'onnx/model.onnx', 'forge.json']) {
        expect(existsSync(join(out, r.id, f)), f).toBe(true);
      }
      const forge = JSON.parse(readFileSync(join(out, r.id, 'forge.json'), 'utf8')) as { training: { curve: unknown[] }; evaluation: { limit: number } };
      expect(forge.training.curve.length).toBeGreaterThan(1);
      expect(forge.evaluation.limit).toBe(2);
    }
    expect(reports[1].evaluation.judgeAccuracy?.n).toBe(2);
    expect(reports[0].evaluation.taskAccuracy?.n).toBe(2);
  }, 120_000);

  it('trains the Llama recipe with the family decoder and exports a Llama folder whose ORT graph equals the lab', async () => {
    const [r] = await runForge({ tiny: true, only: ['anchor-llama'], outDir: out, evalLimit: 2, log: () => {} });
    expect(r.lastLoss).toBeLessThan(r.firstLoss);
    expect(r.parity.logitsMaxAbsDiff).toBeLessThan(1e-4);
    expect(r.parity.kvMaxAbsDiff).toBeLessThan(1e-4);
    expect(r.parity.greedyEqual).toBe(true);
    const config = JSON.parse(readFileSync(join(out, 'anchor-llama', 'config.json'), 'utf8')) as Record<string, unknown>;
    expect(config).toMatchObject({ model_type: 'llama', architectures: ['LlamaForCausalLM'], num_attention_heads: 4, num_key_value_heads: 2, tie_word_embeddings: true });
    // real Llama tensor names, no lm_head (tied), GQA k/v projections [KV·hd, d]
    const st = readSafetensors(new Uint8Array(readFileSync(join(out, 'anchor-llama', 'model.safetensors'))));
    expect(st.has('lm_head.weight')).toBe(false);
    expect(st.get('model.layers.0.self_attn.k_proj.weight')?.shape).toEqual([16, 32]);
    expect(st.get('model.layers.0.mlp.gate_proj.weight')?.shape).toEqual([64, 32]);
    expect(r.evaluation.harmfulRefusal?.n).toBe(2);
  }, 120_000);
});
