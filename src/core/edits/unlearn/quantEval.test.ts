// Evaluation after 4-bit PTQ: the quantize-dequantize reproduces quant4's bitsandbytes fixtures and the Conv1D
// transpose, and on `target` a hand-made update — 0.1 bin for half the edited weights, 1 bin for the other half,
// from bases placed a quarter bin above an NF4 code — gives the crossing share, |update|/bin quantiles, touched
// counts and the PTQ gap computed by hand (the quantized edit is known value by value).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { fromF32, readF32, release, type ArrRecord } from '../../lab';
import { bitDifference } from '../../numeric/bitDifference';
import { NF4_CODE } from '../quant4';
import { ratioBin } from '../survival';
import type { UnlearnModel } from './model';
import { bnbLinearWeights, evaluateQuantized, fromBnbOrder, quantDequant, quantizedParams, toBnbOrder, touched, updateStats, type QuantVariant } from './quantEval';
import { forgeUnlearnData, loadUnlearnModelFolder } from './runNode';
import type { UnlearnData } from './splits';

const NF4: QuantVariant = { type: 'nf4', doubleQuant: false, blocksize: 64 };
const ROOT = join(__dirname, '../../../..');
let model: UnlearnModel;
let data: UnlearnData;

beforeAll(async () => {
  model = await loadUnlearnModelFolder(join(ROOT, 'models/target'));
  data = (await forgeUnlearnData({ forgetTopic: 'forgery', forgetSize: 16, retainSize: 32, seed: 0 })).data;
}, 120_000);

describe('quantize-dequantize', () => {
  it('matches quant4 bitsandbytes fixtures (NF4 absmax 2, FP4 absmax 12)', () => {
    const nf = new Float32Array(64);
    nf.set([2.0, 1.0, -1.0, 0.08, 0.0795, 0, -2.0, 0.6]);
    const codes = [15, 12, 2, 8, 7, 7, 0, 11];
    expect(Array.from(quantDequant(nf, NF4).slice(0, 8))).toEqual(codes.map((c) => Math.fround(NF4_CODE[c] * 2)));
    const fp = new Float32Array(64);
    fp.set([12, 3, -6, 0.03, 0.032, 7, -0.5, 5]);
    // codes 0011, 0111, 1101, 0000, 0001, 0010, 1001, 0100 of the quant4 fixture: 12, 3, -6, 0, 1/16, 8, -1/16, 4
    const d = quantDequant(fp, { type: 'fp4', doubleQuant: false, blocksize: 64 });
    expect(d[0]).toBe(12);
    expect(d[5]).toBe(8);
    expect(d[2]).toBe(-6);
    expect(d[3]).toBe(0);
    expect(Math.abs(d[7] - 4)).toBeLessThan(1e-6);
  });

  it('quantizes GPT-2 Conv1D weights in nn.Linear order (transposed), only the block projections', () => {
    expect(Array.from(toBnbOrder(Float32Array.from([1, 2, 3, 4, 5, 6]), [2, 3], true))).toEqual([1, 4, 2, 5, 3, 6]);
    expect(Array.from(fromBnbOrder(Float32Array.from([1, 4, 2, 5, 3, 6]), [2, 3], true))).toEqual([1, 2, 3, 4, 5, 6]);
    const names = bnbLinearWeights(model);
    expect(names).toHaveLength(4 * 4);
    expect(names.every((n) => /^h\.\d\.(attn\.c_attn|attn\.c_proj|mlp\.c_fc|mlp\.c_proj)\.weight$/.test(n))).toBe(true);
    const q = quantizedParams(model, model.params, NF4);
    try {
      for (const n of ['wte.weight', 'wpe.weight', 'h.0.ln_1.weight', 'h.0.mlp.c_fc.bias']) expect(bitDifference(readF32(q[n]), readF32(model.params[n])), n).toBeNull();
      // c_fc is [in 128, out 512]: blocks of 64 run along the 128 inputs of one output feature (a column).
      const w = readF32(model.params['h.0.mlp.c_fc.weight']);
      const col0 = Float32Array.from({ length: 64 }, (_, r) => w[r * 512]);
      const got = readF32(q['h.0.mlp.c_fc.weight']);
      expect(Array.from({ length: 64 }, (_, r) => got[r * 512])).toEqual(Array.from(quantDequant(col0, NF4)));
    } finally {
      release(q);
    }
  });
});

describe('a hand-made update on the NF4 grid', () => {
  let grid: ArrRecord;
  let base: ArrRecord;
  let baseModel: UnlearnModel;
  let edited: ArrRecord;
  let handQuantized: ArrRecord;
  let nSub = 0;
  let nSupra = 0;
  const editedTensors: string[] = [];

  beforeAll(() => {
    // Every bnb weight on the NF4 grid (block absmax m, values f32(c_k·m)); then two weights in three with codes
    // 1..13 move a quarter of their upper gap U = c_{k+1} − c_k up: the base. Its bracketing codes are c_k, c_{k+1}
    // (bin width U·m) and it still quantizes to c_k (below the midpoint). Edits: sub-bin +0.1·U·m (to 0.35 U,
    // same code) and supra-bin +1·U·m (to c_{k+1} + 0.25 U, below the next midpoint as no NF4 gap is under half
    // the previous one: code k+1). Absmax elements (codes 0, 15) never move, so the blocks keep their absmax.
    grid = quantizedParams(model, model.params, NF4);
    base = { ...grid };
    edited = { ...grid };
    handQuantized = { ...grid };
    for (const n of bnbLinearWeights(model)) {
      const shape = [...grid[n].shape];
      const g = toBnbOrder(readF32(grid[n]), shape, true);
      const [b, e, h] = [Float32Array.from(g), Float32Array.from(g), Float32Array.from(g)];
      for (let i = 0; i < g.length; i++) {
        if (i % 3 === 2) continue;
        let m = 0;
        for (let j = i - (i % 64); j < i - (i % 64) + 64; j++) m = Math.max(m, Math.abs(g[j]));
        const k = NF4_CODE.findIndex((c) => Math.fround(c * m) === g[i]);
        if (k < 1 || k > 13) continue;
        const U = NF4_CODE[k + 1] - NF4_CODE[k];
        b[i] = Math.fround((NF4_CODE[k] + 0.25 * U) * m);
        if (i % 3 === 0) {
          e[i] = Math.fround(b[i] + 0.1 * U * m);
          nSub++;
        } else {
          e[i] = Math.fround(b[i] + U * m);
          h[i] = Math.fround(NF4_CODE[k + 1] * m);
          nSupra++;
        }
      }
      base[n] = fromF32(fromBnbOrder(b, shape, true), shape);
      edited[n] = fromF32(fromBnbOrder(e, shape, true), shape);
      handQuantized[n] = fromF32(fromBnbOrder(h, shape, true), shape);
      editedTensors.push(`transformer.${n}`);
    }
    baseModel = { ...model, params: base };
  });
  afterAll(() => {
    for (const n of bnbLinearWeights(model)) for (const r of [base, edited, handQuantized]) r[n].dispose();
    release(grid);
  });

  it('crossing share, ratio quantiles and touched are the hand counts', () => {
    expect(nSub).toBeGreaterThan(50_000);
    expect(nSupra).toBeGreaterThan(50_000);
    const u = updateStats(baseModel, base, edited, 'nf4');
    expect(u.changed).toBe(nSub + nSupra);
    expect(u.codeChanged).toBe(nSupra);
    expect(u.crossingShare).toBeCloseTo(nSupra / (nSub + nSupra), 12);
    // ratios are 0.1 (sub) and 1 (supra), about half each
    expect(u.ratioQuantiles!.p05).toBeCloseTo(0.1, 4);
    expect(u.ratioQuantiles!.p95).toBeCloseTo(1, 4);
    expect(u.ratioQuantiles!.max).toBeCloseTo(1, 4);
    expect(u.ratioHistogram[ratioBin(0.1)]).toBe(nSub);
    expect(u.ratioHistogram.reduce((a, b) => a + b, 0)).toBe(nSub + nSupra);
    const t = touched(baseModel, base, edited);
    expect(t).toMatchObject({ changed: nSub + nSupra, changedQuantized: nSub + nSupra });
    expect([...t.tensors].sort()).toEqual([...editedTensors].sort());
  });

  it('PTQ gap = NLL(hand-quantized edit) − NLL(edit): sub-bin moves vanish, supra-bin ones land one code up', () => {
    const r = evaluateQuantized(baseModel, edited, data, { evalSize: 8, variants: [NF4] });
    const hand = evaluateQuantized({ ...model, params: grid }, handQuantized, data, { evalSize: 8, variants: [] });
    const v = r.variants[0];
    expect(v.forgetNll).toBeCloseTo(hand.fullPrecision.forgetNll, 6);
    expect(v.ptqGap).toBeCloseTo(hand.fullPrecision.forgetNll - r.fullPrecision.forgetNll, 6);
    expect(v.retainGap).toBeCloseTo(hand.fullPrecision.retainNll - r.fullPrecision.retainNll, 6);
    expect(Math.abs(v.ptqGap)).toBeGreaterThan(1e-4); // quantization did move the edited model
    // the base quantizes back onto the grid
    expect(v.baseForgetNll).toBeCloseTo(hand.fullPrecision.baseForgetNll, 6);
  }, 120_000);
});
