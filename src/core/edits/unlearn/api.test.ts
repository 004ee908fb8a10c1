// The in-browser unlearning engine run in-thread on the embedded `target` (the worker runs this same object):
// a short job gives a serialisable result with the four properties and CAD, a checkpoint under the model's names,
// progress on one bar that only moves forward to 100; MANSU runs with its switches; a shared cancel flag stops a
// run between steps; bad input is named.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_CORPUS_OPTIONS, generateCorpus } from '../../../../models/forge/corpus/generate';
import { parseHeader, parseHeaderLength } from '../safetensors';
import { createUnlearnEngine, mansuStepSwitches, type UnlearnJobProgress, type UnlearnJobRequest } from './api';
import { resolveMansuOptions } from './mansuPipeline';

const ROOT = new URL('../../../../', import.meta.url).pathname;

// one engine for the file's jobs, as the page keeps one worker: the model and the corpus load once (the engine caches
// both per id / version) instead of once per test; the first job still loads them, so its bar includes the load
const engine = createUnlearnEngine({
  readModelFiles: async (id, files) => new Map(await Promise.all(files.map(async (f) => [f, new Uint8Array(await readFile(join(ROOT, 'models', id, f)))] as const))),
  corpus: async () => {
    const c = generateCorpus(DEFAULT_CORPUS_OPTIONS);
    return { records: c.examples, source: `forge corpus seed ${c.options.seed}, sha256 ${c.hash}` };
  },
});

const REQUEST: UnlearnJobRequest = {
  modelId: 'target', method: 'grad_ascent', forgetTopic: 'poison', forgetSize: 8, retainSize: 16, steps: 2, batchSize: 2, seed: 3, lr: null,
  evalSize: 4, behaviourPrompts: 1, maxNewTokens: 4, cadPairs: 2,
};

describe('createUnlearnEngine (in-thread, target)', () => {
  it('runs a short job: split as asked, four quantized variants, histogram, behaviour, a checkpoint under the model\'s names', async () => {
    const api = engine;
    const events: UnlearnJobProgress[] = [];
    const r = await api.runUnlearn(REQUEST, (p) => events.push(p));
    expect(r.split.sizes).toMatchObject({ forget: 8, retain: 16 });
    expect(r.split.forgetTopic).toBe('poison');
    expect(r.manifest).toMatchObject({ step: 2, status: 'done', method: 'grad_ascent' });
    expect(r.manifest.config.seed).toBe(3);
    expect(r.quant.variants.map((v) => v.variant)).toEqual(['nf4-b64', 'nf4-dq-b64', 'fp4-b64', 'fp4-dq-b64']);
    for (const v of r.quant.variants) expect(v.ptqGap).toBeCloseTo(v.forgetNll - r.quant.fullPrecision.forgetNll, 9);
    const nf4 = r.quant.updates.find((u) => u.type === 'nf4')!;
    expect(nf4.ratioHistogram.reduce((a, b) => a + b, 0)).toBe(nf4.changed);
    expect(nf4.changed).toBeGreaterThan(0);
    expect(r.quant.touched.changed).toBeGreaterThan(0);
    expect(r.quant.fullPrecision.behaviour?.forget.n).toBe(1);
    expect(r.baseBehaviour?.benign.n).toBe(1);
    // the checkpoint: the model's own tensor names, as model.safetensors has them
    const bytes = r.checkpoint.safetensors;
    const names = (b: Uint8Array) => parseHeader(b.byteLength, parseHeaderLength(b.byteLength, b.subarray(0, 8), 'x'), b.subarray(8, 8 + parseHeaderLength(b.byteLength, b.subarray(0, 8), 'x')), 'x').tensors.map((t) => t.name).sort();
    expect(names(bytes)).toEqual(names(new Uint8Array(await readFile(join(ROOT, 'models/target/model.safetensors')))));
    expect(JSON.parse(r.checkpoint.manifestJson)).toMatchObject({ kind: 'unlearn-checkpoint', step: 2 });
    // one bar: never backwards, ends at 100, every training step reported
    const done = events.map((e) => e.done);
    expect(done.every((d, i) => i === 0 || d >= done[i - 1])).toBe(true);
    expect(done.at(-1)).toBe(100);
    expect(events.filter((e) => e.step).map((e) => e.step!.step)).toEqual([1, 2]);
    expect(JSON.parse(JSON.stringify({ ...r, checkpoint: null })).quant.variants).toHaveLength(4); // serialisable
    // the four properties on NF4, CAD between the base's and the edit's attribution of the same pairs
    expect(r.properties.variant).toBe('nf4-b64');
    expect(r.properties.ptqGap.value).toBeCloseTo(Math.exp(-r.quant.variants[0].forgetNll) - Math.exp(-r.quant.fullPrecision.forgetNll), 12);
    expect(r.cad!.cad).toBeGreaterThan(0);
    expect(r.properties.structural!.value).toBe(r.cad!.cad);
    expect(r.graphs!.before.edges.map((e) => e.id)).toEqual(r.graphs!.after.edges.map((e) => e.id));
    expect(r.graphs!.before.edges.some((e) => e.inGraph)).toBe(true);
    expect(JSON.parse(r.checkpoint.manifestJson).properties.forgetting.threshold).toBe(r.properties.forgetting.threshold);
    expect(r.mansu).toBeNull();
  }, 120_000);

  it('MANSU\'s retain guard switch reaches the pipeline\'s options: on when asked, off when absent (requests from before it)', () => {
    const sw = { objective: 'grad_diff' as const, circuit: true, fisher: false, nullSpace: true, floor: true };
    expect(resolveMansuOptions(mansuStepSwitches({ ...sw, retainGuard: true })).retainGuard.enabled).toBe(true);
    expect(resolveMansuOptions(mansuStepSwitches({ ...sw, retainGuard: false })).retainGuard.enabled).toBe(false);
    expect(resolveMansuOptions(mansuStepSwitches(sw))).toMatchObject({ retainGuard: { enabled: false }, fisher: { enabled: false }, nullSpace: { enabled: true }, floor: { enabled: true } });
  });

  it('runs MANSU with its switches: circuit, null space and floor report what they did, Fisher (off) reports nothing; CAD on the same edges', async () => {
    const api = engine;
    const mansu = { objective: 'grad_diff' as const, circuit: true, fisher: false, nullSpace: true, floor: true };
    const done: number[] = [];
    const r = await api.runUnlearn({ ...REQUEST, method: 'mansu', mansu, behaviourPrompts: 0 }, (p) => done.push(p.done));
    // MANSU's stages (circuit, subspaces, gated training, floor) fill the bar in the order they run
    expect(done.every((d, i) => i === 0 || d >= done[i - 1]), done.join(' → ')).toBe(true);
    expect(done.at(-1)).toBe(100);
    expect(r.manifest.method).toBe('mansu');
    expect(r.manifest.given).toMatchObject({ method: 'grad_diff', mansu });
    expect(r.mansu!.circuit!.edges).toBeGreaterThan(0);
    expect(r.mansu!.fisher).toBeNull();
    expect(r.mansu!.nullSpace!.length).toBeGreaterThan(0);
    expect(r.mansu!.floor!.kept).toBeGreaterThan(0);
    expect(r.properties.structural).not.toBeNull();
    expect(r.graphs!.before.edges.length).toBe(r.graphs!.after.edges.length);
    // the floor keeps a share of the quantized updates and grows each past a decision midpoint: they change code
    const nf4 = r.quant.updates.find((u) => u.type === 'nf4')!;
    expect(nf4.crossingShare!).toBeGreaterThan(0.9);
  }, 180_000);

  it('a shared cancel flag stops the run after the current step; the engine then runs the next job; bad input is named', async () => {
    const api = engine;
    const flag = new Int32Array(new SharedArrayBuffer(4));
    const steps: number[] = [];
    const cancelled = api.runUnlearn({ ...REQUEST, steps: 6, behaviourPrompts: 0, cadPairs: 0 }, (p) => {
      if (p.step) steps.push(p.step.step);
      if (p.step?.step === 1) Atomics.store(flag, 0, 1);
    }, flag);
    await expect(cancelled).rejects.toMatchObject({ name: 'CancelledError' });
    expect(steps).toEqual([1]);
    await expect(api.runUnlearn({ ...REQUEST, forgetTopic: 'knitting' })).rejects.toMatchObject({ name: 'EmptySetError' });
    await expect(api.runUnlearn({ ...REQUEST, method: 'refusal_sft' })).rejects.toMatchObject({ name: 'UnlearnConfigError' });
    await expect(api.runUnlearn({ ...REQUEST, steps: 0 })).rejects.toMatchObject({ name: 'UnlearnConfigError' });
    await expect(api.runUnlearn({ ...REQUEST, cadPairs: -1 })).rejects.toMatchObject({ name: 'UnlearnConfigError' });
    const ok = await api.runUnlearn({ ...REQUEST, steps: 1, behaviourPrompts: 0, cadPairs: 0 });
    expect(ok.manifest.step).toBe(1);
    expect(ok.baseBehaviour).toBeNull();
    expect([ok.cad, ok.graphs, ok.properties.structural]).toEqual([null, null, null]);
  }, 120_000);
});

describe('createUnlearnEngine splits the corpus of the job\'s model', () => {
  it('asks for corpus v4 for target-v4 and v3 for target; one load per version', async () => {
    const asked: (string | undefined)[] = [];
    const api = createUnlearnEngine({
      readModelFiles: async (id, files) => new Map(await Promise.all(files.map(async (f) => [f, new Uint8Array(await readFile(join(ROOT, 'models', id, f)))] as const))),
      // records of the asked corpus, but empty: the split then fails with the named error before any training
      corpus: async (version?: string) => {
        asked.push(version);
        return { records: [], source: `corpus ${version ?? 'v3'}` };
      },
    });
    await expect(api.runUnlearn({ ...REQUEST, modelId: 'target-v4', forgetTopic: 'diversion' })).rejects.toThrow(/topic "diversion"/);
    await expect(api.runUnlearn({ ...REQUEST, modelId: 'target' })).rejects.toThrow(/topic "poison"/);
    await expect(api.runUnlearn({ ...REQUEST, modelId: 'target-v4' })).rejects.toThrow(/topic "poison"/);
    expect(asked).toEqual(['v4', 'v3']);
  }, 60_000);
});
