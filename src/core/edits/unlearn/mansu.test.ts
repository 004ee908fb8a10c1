// MANSU on the embedded `target` (short pairs, a few steps): the circuit step restricts training to the forget
// circuit's tensors, the null-space gate keeps the update off the retain inputs' subspace, the floor makes every
// kept change of a quantized projection change its NF4 code, each step can be switched off, bad options are
// named errors; CAD and the four properties on hand-made inputs.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readF32, release } from '../../lab';
import type { CircuitGraph } from '../../circuits/types';
import { bitDifference } from '../../numeric/bitDifference';
import { UnlearnConfigError } from './errors';
import { circuitAttributionDivergence } from './forgetCircuit';
import { resolveMansuOptions, runMansu } from './mansuPipeline';
import { OutputExistsError, writeMansuFolder } from './mansuNode';
import type { UnlearnModel } from './model';
import { fourProperties, summarizeSeeds } from './properties';
import { bnbLinearWeights, updateStats, type QuantEvalResult } from './quantEval';
import { forgeUnlearnData, loadUnlearnModelFolder } from './runNode';
import type { UnlearnData } from './splits';

const ROOT = join(__dirname, '../../../..');
let model: UnlearnModel;
let data: UnlearnData;

beforeAll(async () => {
  model = await loadUnlearnModelFolder(join(ROOT, 'models/target'));
  const s = await forgeUnlearnData({ forgetTopic: 'forgery', forgetSize: 24, retainSize: 64, seed: 0 });
  const ok = (ps: UnlearnData['forget']) => ps.filter((p) => model.tokenizer.encodeChat(p.prompt, p.response).ids.length <= 52);
  data = { forget: ok(s.data.forget), retain: ok(s.data.retain), evalForget: ok(s.data.evalForget).slice(0, 8), evalRetain: ok(s.data.evalRetain).slice(0, 8) };
}, 120_000);
afterAll(() => release(model?.params));

const objective = { method: 'grad_diff' as const, steps: 3, batchSize: 4, evalSize: 4, checkpointEvery: 3 };

describe('MANSU pipeline', () => {
  it('circuit → gated training → floor: changes stay in the circuit, off the retain subspace, and cross NF4 bins', async () => {
    const r = await runMansu(model, data, { objective, circuit: { edges: 12, pairs: 4, igSteps: 2 }, nullSpace: { examples: 16 }, fisher: { examples: 8 }, floor: { keep: 0.2 }, retainGuard: { enabled: false } });
    try {
      const c = r.report.circuit!;
      expect(c.edges).toBeGreaterThan(0);
      expect(c.edges).toBeLessThanOrEqual(12);
      expect(JSON.parse(c.json).nodes).toBeTruthy();
      const trained = new Set(r.report.train.effective.trainable);
      // nothing outside the trained (circuit) tensors moved
      for (const n of Object.keys(model.params)) {
        if (trained.has(n)) continue;
        expect(bitDifference(readF32(r.params[n]), readF32(model.params[n])), n).toBeNull();
      }
      // the gate held for tensors whose circuit mask is whole along the input axis (MLPs): re-projection removes ~nothing
      for (const ns of r.report.nullSpace!) {
        if (/mlp/.test(ns.tensor) && ns.normBefore > 0) expect(ns.normAfter / ns.normBefore).toBeGreaterThan(0.999);
        expect(ns.rank).toBeGreaterThan(0);
      }
      expect(r.report.fisher!.retainQuadratic).toBeGreaterThanOrEqual(0);
      const f = r.report.floor!;
      expect(f.kept).toBeGreaterThan(0);
      expect(f.failed).toBe(0);
      expect(f.zeroed).toBe(f.candidates - Math.ceil(0.2 * f.candidates));
      const u = updateStats(model, model.params, r.params, 'nf4');
      // every changed quantized parameter changes its NF4 code, bar the saturated ones (already at the extreme code)
      expect(u.codeChanged).toBeGreaterThanOrEqual(u.changed - f.saturated);
      expect(r.baseGraph!.edges.length).toBeGreaterThan(100);
      // the edit as a loadable model folder (safetensors + ONNX + mansu.json + circuit.json), never overwritten
      const dir = await mkdtemp(join(tmpdir(), 'mansu-'));
      try {
        const out = join(dir, 'edited');
        await writeMansuFolder(out, join(ROOT, 'models/target'), model, r.params, r.report, null);
        expect((await readdir(out)).sort()).toEqual(['circuit.json', 'config.json', 'generation_config.json', 'mansu.json', 'model.safetensors', 'onnx', 'tokenizer.json', 'tokenizer_config.json']);
        const back = await loadUnlearnModelFolder(out);
        for (const n of Object.keys(model.params)) expect(bitDifference(readF32(back.params[n]), readF32(r.params[n])), n).toBeNull();
        release(back.params);
        expect(JSON.parse(await readFile(join(out, 'mansu.json'), 'utf8')).floor.failed).toBe(0);
        await expect(writeMansuFolder(out, join(ROOT, 'models/target'), model, r.params, r.report, null)).rejects.toThrow(OutputExistsError);
        expect((await readdir(dir)).filter((n) => n.startsWith('.tmp'))).toEqual([]);
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    } finally {
      release(r.params);
    }
  }, 600_000);

  it('every step switches off: no circuit, no Fisher, no null space, no floor, no retain guard = the objective alone', async () => {
    const off = { enabled: false };
    const r = await runMansu(model, data, { objective, circuit: off, fisher: off, nullSpace: off, floor: off, retainGuard: off });
    try {
      expect(r.report.retainGuard).toBeNull();
      expect(r.report.train.losses.some((l) => l.guardNll !== undefined)).toBe(false);
      expect(r.report.circuit).toBeNull();
      expect(r.report.fisher).toBeNull();
      expect(r.report.nullSpace).toBeNull();
      expect(r.report.floor).toBeNull();
      expect(r.baseGraph).toBeNull();
      expect(r.report.train.effective.trainable.length).toBe(Object.keys(model.params).length);
      const u = updateStats(model, model.params, r.params, 'nf4');
      // without the floor most updates stay inside their bin (the paper's failure mode)
      expect(u.crossingShare!).toBeLessThan(0.5);
      expect(u.changed).toBeGreaterThan(0.5 * bnbLinearWeights(model).reduce((s, n) => s + model.params[n].size, 0));
    } finally {
      release(r.params);
    }
  }, 600_000);

  it('bad options are named errors', () => {
    expect(() => resolveMansuOptions({ floor: { keep: 0 } })).toThrow(UnlearnConfigError);
    expect(() => resolveMansuOptions({ nullSpace: { energy: 1 } })).toThrow(/energy/);
    expect(() => resolveMansuOptions({ circuit: { edges: 0 } })).toThrow(/edges/);
    expect(() => resolveMansuOptions({ floorr: {} } as never)).toThrow(/unknown MANSU option/);
    expect(() => resolveMansuOptions({ fisher: { lamda: 1 } as never })).toThrow(/unknown fisher option/);
  });
});

describe('CAD and the four properties', () => {
  const graph = (scores: number[]): CircuitGraph => ({ cfg: { nLayers: 1, nHeads: 1, dModel: 4, parallelAttnMlp: false }, nodes: [], meta: {},
    edges: scores.map((score, i) => ({ id: `e${i}`, from: 'a', to: 'b', score, inGraph: false })) } as CircuitGraph);

  it('CAD is 0 for the same attribution, 1 for an orthogonal one, 2 for a reversed one', () => {
    const a = graph([3, -1, 0, 2]);
    expect(circuitAttributionDivergence(a, graph([6, -2, 0, 4]), 2).cad).toBeCloseTo(0, 12);
    expect(circuitAttributionDivergence(graph([1, 0]), graph([0, 1]), 1).cad).toBeCloseTo(1, 12);
    expect(circuitAttributionDivergence(a, graph([-3, 1, 0, -2]), 2).cad).toBeCloseTo(2, 12);
    const moved = circuitAttributionDivergence(a, graph([0, 0, 5, 0]), 2);
    expect(moved.topJaccard).toBeCloseTo(1 / 3, 12);
    expect(moved.massShift).toBeCloseTo(1 - 1 / 6, 12);
    expect(() => circuitAttributionDivergence(a, graph([1]), 1)).toThrow(RangeError);
  });

  it('checks each property against its margin and summarises seeds', () => {
    const e = (forget: number, qForget: number, retain: number) => ({
      fullPrecision: { forgetNll: forget, retainNll: retain, baseForgetNll: 0.1, baseRetainNll: 0.2 },
      variants: [{ variant: 'nf4-b64', forgetNll: qForget, retainNll: retain, baseForgetNll: 0.1, baseRetainNll: 0.2, ptqGap: qForget - forget, retainGap: 0 }],
      updates: [], touched: {}, evalSizes: { forget: 1, retain: 1 },
    }) as unknown as QuantEvalResult;
    const cad = { cad: 0.3, topJaccard: 0, massShift: 0, totalBefore: 1, totalAfter: 1, edges: 1, topN: 1 };
    const good = fourProperties(e(3, 3.5, 0.21), cad);
    expect(good.allPass).toBe(true);
    expect(good.ptqGap.value).toBeLessThan(0); // quantization moved it further from the forget response
    const recovered = fourProperties(e(3, 1, 0.21), cad);
    expect(recovered.ptqGap.pass).toBe(false);
    expect(recovered.ptqGap.value).toBeCloseTo(Math.exp(-1) - Math.exp(-3), 12);
    const broke = fourProperties(e(3, 3, 1), null);
    expect(broke.retain.pass).toBe(false);
    expect(broke.structural).toBeNull();
    expect(broke.allPass).toBe(false);
    const s = summarizeSeeds([good, recovered, good]);
    expect(s.allPass).toBe(2);
    expect(s.ptqGap.passes).toBe(2);
    expect(s.ptqGap.minMargin).toBeLessThan(0);
    expect(() => fourProperties(e(1, 1, 1), null, { variant: 'fp4-b64' })).toThrow(/no fp4-b64/);
  });
});
