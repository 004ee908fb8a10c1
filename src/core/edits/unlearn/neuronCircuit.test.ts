// The neuron-granularity circuit cut (neuronCircuit.ts, archMap.ts neurons): a neuron's mask is exactly its row
// of the MLP input matrix, its bias entry and its row of the output matrix (GPT-2 Conv1D layout on `target`;
// nn.Linear rows / columns and a fused gate_up on the Llama-3 and Phi-3 replicas, through the same family table),
// nothing of the shared norm or down bias; the budget cut stays under its budget and is greedy by |score|; a
// neuron or layer the model does not have is a named error; the grad × activation score of a unit equals the
// metric's derivative under scaling that unit's output rows (finite difference), for a head and a neuron.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { jit } from '@jax-js/jax';
import { generateCorpus } from '../../../../models/forge/corpus/generate';
import { fromF32, fromI32, importDecoderParams, initEngine, keep, makeBatch, readF32, release, type Arr, type ArrRecord, type Example } from '../../lab';
import { normalizeConfig } from '../../lm/families';
import { replicaSpec, replicaWeights } from '../../lm/replicas/specs';
import { loadTokenizer } from '../../lm/tokenizer';
import { MaskMappingError } from '../errors';
import { cdeltaLab, circuitParamCount } from './cdeltaLab';
import { ForeignCircuitError } from './errors';
import { circuitMasks, familyUnlearnModel, type UnlearnModel } from './model';
import { mlpWidth, neuronBudgetCut, unitScores, unitSelection, type ScoredUnit } from './neuronCircuit';
import { sequenceNll } from './objectives';
import { loadUnlearnModelFolder } from './runNode';
import { encode } from './trainer';

const ROOT = join(__dirname, '../../../..');
let model: UnlearnModel;

beforeAll(async () => {
  model = await loadUnlearnModelFolder(join(ROOT, 'models/target'));
}, 120_000);
afterAll(() => release(model?.params));

/** Set indices of a 0/1 mask, as [row, col] of a [rows, cols] view. */
const setCells = (m: Float32Array, cols: number): [number, number][] => [...m.keys()].filter((i) => m[i] === 1).map((i) => [Math.floor(i / cols), i % cols]);

describe('neuron masks on target (GPT-2 Conv1D layout)', () => {
  it('own exactly the c_fc columns, c_fc bias entries and mlp c_proj rows of the neurons', () => {
    const masks = circuitMasks(model, unitSelection([{ kind: 'neuron', layer: 1, index: 5 }, { kind: 'neuron', layer: 1, index: 300 }]), Object.keys(model.params));
    const file = (n: string) => model.fileName(n);
    const got = [...masks.keys()].map(file).sort();
    expect(got.map((n) => n.replace(/^transformer\./, ''))).toEqual(['h.1.mlp.c_fc.bias', 'h.1.mlp.c_fc.weight', 'h.1.mlp.c_proj.weight']);
    const d = model.dModel;
    for (const [n, m] of masks) {
      const shape = model.params[n].shape;
      const name = file(n);
      if (name.endsWith('c_fc.weight')) {
        expect(shape).toEqual([d, 4 * d]);
        const cells = setCells(m, shape[1]);
        expect(cells.length).toBe(2 * d);
        expect(new Set(cells.map(([, c]) => c))).toEqual(new Set([5, 300]));
      } else if (name.endsWith('c_fc.bias')) {
        expect(setCells(m, shape[0]).map(([, c]) => c)).toEqual([5, 300]);
      } else {
        expect(shape).toEqual([4 * d, d]);
        const cells = setCells(m, shape[1]);
        expect(cells.length).toBe(2 * d);
        expect(new Set(cells.map(([r]) => r))).toEqual(new Set([5, 300]));
      }
    }
    expect(circuitParamCount(model, unitSelection([{ kind: 'neuron', layer: 1, index: 5 }])).masked).toBe(2 * d + 1);
  });

  it('C-Δθ on a neuron circuit changes exactly the masked entries', async () => {
    const sel = unitSelection([{ kind: 'neuron', layer: 2, index: 17 }, { kind: 'head', layer: 0, index: 1 }]);
    const aligned: ArrRecord = Object.fromEntries(Object.entries(model.params).map(([n, a]) => [n, fromF32(readF32(a).map((v) => v + 1), [...a.shape])]));
    const r = cdeltaLab(model, model.params, aligned, sel, [1]);
    const masks = circuitMasks(model, sel, Object.keys(model.params));
    let changed = 0;
    let wrong = 0;
    for (const n of Object.keys(model.params)) {
      const t = readF32(model.params[n]);
      const o = readF32(r.params[0][n]);
      const m = masks.get(n);
      for (let i = 0; i < t.length; i++) {
        if (o[i] !== t[i]) changed++;
        if ((o[i] !== t[i]) !== (m ? m[i] === 1 : false)) wrong++;
      }
    }
    expect(wrong).toBe(0);
    expect(changed).toBe(r.masked);
    expect(r.masked).toBe(circuitParamCount(model, sel).masked);
    r.params.forEach(release);
    release(aligned);
  });

  it('fails loudly on neurons or layers the model does not have (a circuit of another model)', () => {
    const all = Object.keys(model.params);
    expect(() => circuitMasks(model, unitSelection([{ kind: 'neuron', layer: 0, index: 4 * model.dModel }]), all)).toThrow(ForeignCircuitError);
    expect(() => circuitMasks(model, unitSelection([{ kind: 'neuron', layer: model.nLayers, index: 0 }]), all)).toThrow(ForeignCircuitError);
    expect(() => circuitParamCount(model, unitSelection([{ kind: 'neuron', layer: 0, index: 5000 }]))).toThrow(MaskMappingError);
    expect(() => circuitParamCount(model, unitSelection([{ kind: 'neuron', layer: 0, index: -1 }]))).toThrow(/does not exist/);
  });
});

describe('neuron masks through the family table (no GPT-2 branch)', () => {
  it('Llama-3 replica: gate/up rows, down columns; Phi-3 replica: fused gate_up rows j and I + j', async () => {
    await initEngine();
    const tokenizer = await loadTokenizer(join(ROOT, 'models/tokenizers/family-a'));
    for (const fam of ['llama3', 'phi3'] as const) {
      const config = { ...replicaSpec(fam).config, vocab_size: 1024, max_position_embeddings: 256 };
      const lm = normalizeConfig(config);
      const m = familyUnlearnModel(`${fam}-replica`, lm, importDecoderParams(lm, replicaWeights(lm)), tokenizer, config);
      try {
        const I = lm.intermediateSize;
        const masks = circuitMasks(m, unitSelection([{ kind: 'neuron', layer: 0, index: 3 }]), Object.keys(m.params));
        const byFile = new Map([...masks].map(([n, x]) => [m.fileName(n), { x, shape: m.params[n].shape }]));
        const expectRows = (name: string, rows: number[]) => {
          const e = byFile.get(name)!;
          expect(e, name).toBeDefined();
          const cells = setCells(e.x, e.shape[1]);
          expect(new Set(cells.map(([r]) => r))).toEqual(new Set(rows));
          expect(cells.length).toBe(rows.length * e.shape[1]);
        };
        const down = byFile.get('model.layers.0.mlp.down_proj.weight')!;
        expect(down.shape).toEqual([lm.hiddenSize, I]);
        const dc = setCells(down.x, I);
        expect(new Set(dc.map(([, c]) => c))).toEqual(new Set([3]));
        expect(dc.length).toBe(lm.hiddenSize);
        if (fam === 'llama3') {
          expectRows('model.layers.0.mlp.gate_proj.weight', [3]);
          expectRows('model.layers.0.mlp.up_proj.weight', [3]);
          expect([...byFile.keys()].sort()).toEqual(['model.layers.0.mlp.down_proj.weight', 'model.layers.0.mlp.gate_proj.weight', 'model.layers.0.mlp.up_proj.weight']);
        } else {
          expectRows('model.layers.0.mlp.gate_up_proj.weight', [3, I + 3]);
          expect([...byFile.keys()].sort()).toEqual(['model.layers.0.mlp.down_proj.weight', 'model.layers.0.mlp.gate_up_proj.weight']);
        }
        expect(() => circuitMasks(m, unitSelection([{ kind: 'neuron', layer: 0, index: I }]), Object.keys(m.params))).toThrow(ForeignCircuitError);
      } finally {
        release(m.params);
      }
    }
  }, 120_000);
});

describe('neuron circuit on target-v4 (Llama layout: GQA heads, gate/up/down MLP, RMSNorm)', () => {
  it('a 5 % heads + neurons cut stays within budget and owns per role exactly what its units own', async () => {
    const v4 = await loadUnlearnModelFolder(join(ROOT, 'models/target-v4'));
    try {
      const cfg = v4.configJson as { hidden_size: number; intermediate_size: number; num_attention_heads: number; num_key_value_heads: number; head_dim: number };
      const d = cfg.hidden_size;
      const hd = cfg.head_dim;
      const group = cfg.num_attention_heads / cfg.num_key_value_heads;
      expect(v4.family).toBe('llama');
      expect(v4.nHeads).toBe(cfg.num_attention_heads);
      for (let l = 0; l < v4.nLayers; l++) expect(mlpWidth(v4, l)).toBe(cfg.intermediate_size);
      // deterministic scores: heads a1.h0 and a1.h1 (one KV group) on top, then neurons by |sin|
      const scored: ScoredUnit[] = [];
      for (let l = 0; l < v4.nLayers; l++) {
        for (let h = 0; h < v4.nHeads; h++) scored.push({ kind: 'head', layer: l, index: h, score: l === 1 && h < 2 ? 50 - h : 0.001 });
        for (let j = 0; j < mlpWidth(v4, l); j++) scored.push({ kind: 'neuron', layer: l, index: j, score: Math.sin(7 * l + j) });
      }
      const budget = 0.05;
      const c = neuronBudgetCut(v4, scored, budget);
      expect(c.masked / c.total).toBeLessThanOrEqual(budget);
      expect(c.masked / c.total).toBeGreaterThan(budget * 0.9);
      expect(c.selection.heads).toEqual(expect.arrayContaining([[1, 0], [1, 1]]));
      const masks = circuitMasks(v4, c.selection, Object.keys(v4.params));
      let total = 0;
      const byRole = new Map<string, number>();
      for (const [n, m] of masks) {
        const set = m.reduce((a, v) => a + v, 0);
        total += set;
        const file = v4.fileName(n);
        expect(file, 'no norm gain, embedding or lm_head is owned by a unit').toMatch(/\.(q|k|v|o|gate|up|down)_proj\.weight$/);
        const key = `${file.match(/layers\.(\d+)/)![1]}.${file.match(/(q|k|v|o|gate|up|down)_proj/)![1]}`;
        byRole.set(key, set);
      }
      expect(total).toBe(c.masked);
      for (let l = 0; l < v4.nLayers; l++) {
        const heads = c.selection.heads.filter(([x]) => x === l).map(([, h]) => h);
        const groups = new Set(heads.map((h) => Math.floor(h / group))).size;
        const neurons = (c.selection.neurons ?? []).filter(([x]) => x === l).length;
        const at = (r: string) => byRole.get(`${l}.${r}`) ?? 0;
        // q rows and o columns per query head; k/v rows per KV group (GQA: shared by the group's heads)
        expect(at('q')).toBe(heads.length * hd * d);
        expect(at('o')).toBe(heads.length * hd * d);
        expect(at('k')).toBe(groups * hd * d);
        expect(at('v')).toBe(groups * hd * d);
        // a neuron: its gate row, its up row and its down column
        expect(at('gate')).toBe(neurons * d);
        expect(at('up')).toBe(neurons * d);
        expect(at('down')).toBe(neurons * d);
      }
      expect((c.selection.neurons ?? []).length).toBeGreaterThan(50);
    } finally {
      release(v4.params);
    }
  }, 120_000);
});

describe('neuronBudgetCut', () => {
  it('keeps units by |score| while the mask stays within the budget', () => {
    const scored: ScoredUnit[] = [];
    for (let l = 0; l < model.nLayers; l++) {
      for (let h = 0; h < model.nHeads; h++) scored.push({ kind: 'head', layer: l, index: h, score: l === 3 && h === 2 ? -9 : 0.01 * h });
      for (let j = 0; j < 4 * model.dModel; j++) scored.push({ kind: 'neuron', layer: l, index: j, score: Math.sin(l * 1000 + j) });
    }
    const budget = 0.05;
    const c = neuronBudgetCut(model, scored, budget);
    expect(c.masked / c.total).toBeLessThanOrEqual(budget);
    expect(c.masked).toBe(circuitParamCount(model, c.selection).masked);
    // the top unit (a3.h2, |score| 9) is in; the neurons kept are the largest |score| ones
    expect(c.selection.heads).toContainEqual([3, 2]);
    const neuronsKept = c.kept.filter((u) => u.kind === 'neuron');
    const minKept = Math.min(...neuronsKept.map((u) => Math.abs(u.score)));
    const keptSet = new Set(neuronsKept.map((u) => `${u.layer}.${u.index}`));
    const rejected = scored.filter((u) => u.kind === 'neuron' && !keptSet.has(`${u.layer}.${u.index}`));
    expect(Math.max(...rejected.map((u) => Math.abs(u.score)))).toBeLessThanOrEqual(minKept);
    // one more neuron would break the budget
    const next = circuitParamCount(model, unitSelection([...c.kept, rejected.sort((a, b) => Math.abs(b.score) - Math.abs(a.score))[0]]));
    expect(next.masked / next.total).toBeGreaterThan(budget);
    expect(() => neuronBudgetCut(model, scored, 0)).toThrow(/budget/);
  });
});

describe('unitScores (grad × activation from the output projections)', () => {
  it('equals the finite-difference derivative of the metric under scaling a unit\'s output rows', () => {
    const corpus = generateCorpus().examples.filter((e) => e.split === 'train' && e.category === 'harmful' && e.topic === 'poison');
    const short = (k: string) => corpus.filter((e) => e.responseKind === k).map((e) => ({ id: e.id, prompt: e.prompt, response: e.response }))
      .filter((p) => model.tokenizer.encodeChat(p.prompt, p.response).ids.length <= 48).slice(0, 3);
    const ref: Example[] = encode(model, short('refusal'));
    const com: Example[] = encode(model, short('compliance'));
    expect(ref.length).toBe(3);
    expect(com.length).toBe(3);
    const scores = unitScores(model, model.params, ref, com, 4);
    expect(scores.length).toBe(model.nLayers * (model.nHeads + 4 * model.dModel));
    const T = Math.max(...[...ref, ...com].map((e) => e.tokens.length)) - 1;
    const f = jit((p: ArrRecord, tok: Arr, tgt: Arr, mask: Arr): Arr => sequenceNll(model.forward(p, tok).logits, tgt, mask));
    const logp = (p: ArrRecord, xs: Example[]) => {
      const b = makeBatch(xs, T, 0);
      const nll = readF32(f(keep(p), fromI32(b.tokens, [xs.length, T]), fromI32(b.targets, [xs.length, T]), fromF32(b.mask, [xs.length, T])));
      return -nll.reduce((a, v) => a + v, 0) / xs.length;
    };
    const metric = (p: ArrRecord) => logp(p, ref) - logp(p, com);
    // scale a unit's rows of the output matrix by (1 ± ε): d m / d α at α = 1 is the unit's grad × activation
    const scaled = (name: string, rows: [number, number], k: number): ArrRecord => {
      const a = model.params[name];
      const w = Float32Array.from(readF32(a));
      const cols = a.shape[1];
      for (let i = rows[0] * cols; i < rows[1] * cols; i++) w[i] *= k;
      return { ...Object.fromEntries(Object.entries(model.params).map(([n, x]) => [n, x.ref])), [name]: fromF32(w, [...a.shape]) };
    };
    const name = (suffix: string) => Object.keys(model.params).find((n) => model.fileName(n).endsWith(suffix))!;
    const hd = model.dModel / model.nHeads;
    const cases: [string, [number, number], ScoredUnit][] = [
      [name('h.1.attn.c_proj.weight'), [2 * hd, 3 * hd], scores.find((u) => u.kind === 'head' && u.layer === 1 && u.index === 2)!],
      [name('h.2.mlp.c_proj.weight'), [40, 41], scores.find((u) => u.kind === 'neuron' && u.layer === 2 && u.index === 40)!],
    ];
    const eps = 0.05;
    for (const [n, rows, unit] of cases) {
      const up = scaled(n, rows, 1 + eps);
      const dn = scaled(n, rows, 1 - eps);
      const fd = (metric(up) - metric(dn)) / (2 * eps);
      release(up);
      release(dn);
      expect(Math.abs(unit.score - fd)).toBeLessThan(0.02 * Math.abs(fd) + 1e-3);
    }
    // neurons carry nonzero, varied scores (the metric's gradient reaches them)
    expect(new Set(scores.filter((u) => u.kind === 'neuron').map((u) => u.score.toFixed(6))).size).toBeGreaterThan(100);

    // the Δ-weighted variant: a change Δ confined to neuron m2.n40's weights scores Δ·∇m for that neuron (the
    // derivative of m along Δ, finite difference) and exactly 0 for every other unit
    const sel = unitSelection([{ kind: 'neuron', layer: 2, index: 40 }]);
    const masks = circuitMasks(model, sel, Object.keys(model.params));
    const shifted = (k: number): ArrRecord => Object.fromEntries(Object.entries(model.params).map(([n, a]) => {
      const m = masks.get(n);
      if (!m) return [n, a.ref];
      const w = Float32Array.from(readF32(a));
      for (let i = 0; i < w.length; i++) if (m[i]) w[i] += k * 0.01 * Math.sin(i);
      return [n, fromF32(w, [...a.shape])];
    }));
    const before = shifted(-1);
    const deltaScores = unitScores(model, model.params, ref, com, 4, before);
    const target = deltaScores.find((u) => u.kind === 'neuron' && u.layer === 2 && u.index === 40)!;
    expect(deltaScores.filter((u) => u !== target).every((u) => u.score === 0)).toBe(true);
    const up = shifted(0.5);
    const dn = shifted(-0.5);
    const fdDelta = metric(up) - metric(dn);
    expect(Math.abs(target.score - fdDelta)).toBeLessThan(0.02 * Math.abs(fdDelta) + 1e-4);
    expect(Math.abs(target.score)).toBeGreaterThan(0);
    [before, up, dn].forEach(release);
    f.dispose();
  }, 300_000);
});
