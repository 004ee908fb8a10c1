// The in-browser unlearning engine run in-thread on the embedded `target` (the worker runs this same object):
// a short job gives a serialisable result whose checkpoint loads back as the edited model, progress on one bar
// that only moves forward to 100, a shared cancel flag that stops a run between steps, and named errors.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_CORPUS_OPTIONS, generateCorpus } from '../../../../models/forge/corpus/generate';
import { parseHeader, parseHeaderLength } from '../safetensors';
import { createUnlearnEngine, type UnlearnJobProgress, type UnlearnJobRequest } from './api';

const ROOT = new URL('../../../../', import.meta.url).pathname;

const engine = () => createUnlearnEngine({
  readModelFiles: async (id, files) => new Map(await Promise.all(files.map(async (f) => [f, new Uint8Array(await readFile(join(ROOT, 'models', id, f)))] as const))),
  corpus: async () => {
    const c = generateCorpus(DEFAULT_CORPUS_OPTIONS);
    return { records: c.examples, source: `forge corpus seed ${c.options.seed}, sha256 ${c.hash}` };
  },
});

const REQUEST: UnlearnJobRequest = {
  modelId: 'target', method: 'grad_ascent', forgetTopic: 'poison', forgetSize: 8, retainSize: 16, steps: 2, batchSize: 2, seed: 3, lr: null,
  evalSize: 4, behaviourPrompts: 1, maxNewTokens: 4,
};

describe('createUnlearnEngine (in-thread, target)', () => {
  it('runs a short job: split as asked, four quantized variants, histogram, behaviour, a checkpoint under the model\'s names', async () => {
    const api = engine();
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
  }, 120_000);

  it('a shared cancel flag stops the run after the current step; the engine then runs the next job; bad input is named', async () => {
    const api = engine();
    const flag = new Int32Array(new SharedArrayBuffer(4));
    const steps: number[] = [];
    const cancelled = api.runUnlearn({ ...REQUEST, steps: 6, behaviourPrompts: 0 }, (p) => {
      if (p.step) steps.push(p.step.step);
      if (p.step?.step === 1) Atomics.store(flag, 0, 1);
    }, flag);
    await expect(cancelled).rejects.toMatchObject({ name: 'CancelledError' });
    expect(steps).toEqual([1]);
    await expect(api.runUnlearn({ ...REQUEST, forgetTopic: 'knitting' })).rejects.toMatchObject({ name: 'EmptySetError' });
    await expect(api.runUnlearn({ ...REQUEST, method: 'refusal_sft' })).rejects.toMatchObject({ name: 'UnlearnConfigError' });
    await expect(api.runUnlearn({ ...REQUEST, steps: 0 })).rejects.toMatchObject({ name: 'UnlearnConfigError' });
    const ok = await api.runUnlearn({ ...REQUEST, steps: 1, behaviourPrompts: 0 });
    expect(ok.manifest.step).toBe(1);
    expect(ok.baseBehaviour).toBeNull();
  }, 120_000);
});
