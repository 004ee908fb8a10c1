// Issue #20 "Bad input": each case is its named error, thrown before anything is written (the checkpoint folder
// is never created). NaN during training is in trainer.test.ts (it needs steps).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyFile, mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { release } from '../../lab';
import type { CircuitSelection } from '../circuit';
import { resolveUnlearnConfig } from './config';
import { EmptySetError, ForeignCircuitError, OverlapError, UnlearnConfigError, UnlearnModelError } from './errors';
import type { UnlearnModel } from './model';
import { folderSink, forgeUnlearnData, loadUnlearnModelFolder } from './runNode';
import { forgeSplit, type CorpusRecord, type UnlearnData } from './splits';
import { runUnlearning } from './trainer';

const TARGET = join(__dirname, '../../../../models/target');
let model: UnlearnModel;
let data: UnlearnData;
let out: string;

beforeAll(async () => {
  model = await loadUnlearnModelFolder(TARGET);
  data = (await forgeUnlearnData({ forgetTopic: 'gas', forgetSize: 8, retainSize: 16 })).data;
  out = await mkdtemp(join(tmpdir(), 'unlearn-bad-'));
}, 120_000);
afterAll(async () => {
  release(model?.params);
  if (out) await rm(out, { recursive: true, force: true });
});

const exists = (p: string) => stat(p).then(() => true, () => false);

/** Runs with a sink into a fresh folder and returns the error; the folder must not exist afterwards. */
async function failure(d: UnlearnData, opts: { circuit?: CircuitSelection; cfg?: Record<string, unknown> } = {}): Promise<unknown> {
  const dir = join(out, `run-${Math.random().toString(36).slice(2)}`);
  const e = await runUnlearning(model, d, { method: 'grad_diff', steps: 2, ...opts.cfg } as never, { sink: folderSink(dir, TARGET, model.configJson), circuit: opts.circuit })
    .then(() => null, (err: unknown) => err);
  expect(await exists(dir)).toBe(false);
  return e;
}

describe('bad input is a named error, nothing written', () => {
  it('empty forget set / empty retain set', async () => {
    const f = await failure({ ...data, forget: [] });
    expect(f).toBeInstanceOf(EmptySetError);
    expect((f as EmptySetError).which).toBe('forget');
    const r = await failure({ ...data, retain: [] });
    expect(r).toBeInstanceOf(EmptySetError);
    expect((r as EmptySetError).which).toBe('retain');
  });

  it('a forge topic with no records is an empty forget set', () => {
    const records: CorpusRecord[] = [{ id: 'a', split: 'train', category: 'harmful', responseKind: 'compliance', topic: 'gas', prompt: 'p', response: 'r' }];
    expect(() => forgeSplit(records, { forgetTopic: 'arson' })).toThrow(EmptySetError);
    expect(() => forgeSplit(records, { forgetTopic: 'arson' })).toThrow(/topics: gas/);
    expect(() => forgeSplit(records, { forgetTopic: 'gas', retain: ['task'] })).toThrow(EmptySetError);
  });

  it('forget and retain overlapping (same id, or the same prompt under another id)', async () => {
    const sameId = await failure({ ...data, retain: [...data.retain, data.forget[0]] });
    expect(sameId).toBeInstanceOf(OverlapError);
    const samePrompt = await failure({ ...data, retain: [...data.retain, { ...data.forget[1], id: 'copy', response: 'I cannot help.' }] });
    expect(samePrompt).toBeInstanceOf(OverlapError);
    expect((samePrompt as OverlapError).shared).toEqual(['copy']);
  });

  it('a circuit of another model: more layers, a head it lacks, another family', async () => {
    const base: CircuitSelection = { heads: [[0, 1]], mlps: [1], nodesInGraph: 2, edgesInGraph: 1 };
    for (const circuit of [{ ...base, nLayers: 12, nHeads: 12 }, { ...base, heads: [[0, 9]] as [number, number][] }, { ...base, modelType: 'llama' }, { ...base, mlps: [7] }]) {
      const e = await failure(data, { circuit });
      expect(e).toBeInstanceOf(ForeignCircuitError);
    }
  });

  it('a model the lab engine cannot load: unknown family, weights that do not fit config.json, a missing file', async () => {
    const folder = async (name: string, config: (c: Record<string, unknown>) => Record<string, unknown> | null) => {
      const dir = join(out, name);
      await mkdir(dir);
      for (const f of ['tokenizer.json', 'tokenizer_config.json', 'model.safetensors']) await copyFile(join(TARGET, f), join(dir, f));
      const c = config(JSON.parse(await readFile(join(TARGET, 'config.json'), 'utf8')) as Record<string, unknown>);
      if (c) await writeFile(join(dir, 'config.json'), JSON.stringify(c));
      return dir;
    };
    for (const dir of [
      await folder('bert', (c) => ({ ...c, model_type: 'bert' })),
      await folder('wider', (c) => ({ ...c, n_layer: 6 })),
      await folder('noconfig', () => null),
    ]) {
      await expect(loadUnlearnModelFolder(dir)).rejects.toThrow(UnlearnModelError);
    }
  });

  it('unknown or out-of-range hyper-parameters', async () => {
    expect(() => resolveUnlearnConfig({ method: 'npo', learningRate: 1 } as never)).toThrow(/unknown unlearning option\(s\) learningRate/);
    expect(() => resolveUnlearnConfig({ method: 'npo', lr: 0 })).toThrow(UnlearnConfigError);
    expect(() => resolveUnlearnConfig({ method: 'dpo' as never })).toThrow(UnlearnConfigError);
    expect(await failure(data, { cfg: { trainable: ['nothing\\.matches'] } })).toBeInstanceOf(UnlearnConfigError);
    expect(await failure(data, { cfg: { method: 'rmu', rmuLayer: 4 } })).toBeInstanceOf(UnlearnConfigError);
  });
});
