// Resume in the browser training engine (api.ts `resume`, checkpointRead.ts), in-thread: a 4-step run cancelled
// after step 2 and continued from its checkpoint's files ends byte for byte as the uninterrupted 4-step run
// (logs, model.safetensors, trainer_state.safetensors; LoRA: the adapter files too); another base model's checkpoint is foreign-checkpoint, a
// changed lr or data incompatible-resume naming the field; a missing or corrupt file is named before anything
// loads; downloaded file names map back to the checkpoint's files.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_CORPUS_OPTIONS, generateCorpus } from '../../../../models/forge/corpus/generate';
import { initEngine } from '../../lab';
import { findModel, type Manifest } from '../../runtime/registry';
import { createTrainEngine, validateTrainRequest, type TrainJobRequest, type TrainJobResult } from './api';
import { checkpointFileOf } from './checkpointRead';
import { TrainError } from './errors';

const manifest = JSON.parse(readFileSync('models/manifest.json', 'utf8')) as Manifest;
let forgeCorpus: ReturnType<typeof generateCorpus> | undefined;
const engine = createTrainEngine({
  readModelFiles: async (id, files) => {
    const listed = new Set(findModel(manifest, id).files.map((f) => (typeof f === 'string' ? f : (f as { path: string }).path)));
    return new Map(files.filter((f) => listed.has(f)).map((f) => [f, new Uint8Array(readFileSync(join('models', id, f)))]));
  },
  // the corpus is a pure function of fixed options: generated once for the file, not on every forge-sample run
  // (the engine asks its dep each run; what is checked here is the engine, not the generator)
  corpus: async () => ({ records: (forgeCorpus ??= generateCorpus(DEFAULT_CORPUS_OPTIONS)).examples, source: 'forge corpus' }),
});

const four: TrainJobRequest = { method: 'sft', model: 'target', steps: 4, batchSize: 2, lr: 1e-3, seed: 5, data: { kind: 'forge-sample', size: 4 } };
const same = (a: Uint8Array, b: Uint8Array) => Buffer.from(a).equals(Buffer.from(b));

async function refusedAsync(p: Promise<unknown>, kind: string, text: RegExp) {
  const e = await p.then(() => null, (x: unknown) => x);
  expect(e).toBeInstanceOf(TrainError);
  expect((e as TrainError).kind).toBe(kind);
  expect((e as Error).message).toMatch(text);
}

beforeAll(async () => {
  await initEngine();
});

describe('browser training resume', () => {
  let stopped: TrainJobResult;

  it('cancelled after step 2 and continued to step 4 = the uninterrupted 4-step run, byte for byte', async () => {
    const whole = await engine.runTrain(four);
    expect(whole.status).toBe('done');
    expect(whole.resumedFrom).toBeNull();
    const flag = new Int32Array(new SharedArrayBuffer(4));
    stopped = await engine.runTrain(four, (p) => {
      if (p.step?.step === 2) Atomics.store(flag, 0, 1);
    }, flag);
    expect(stopped.status).toBe('cancelled');
    expect(stopped.checkpoint?.step).toBe(2);
    // a resumed run's steps are new work: the cancelled checkpoint differs from the finished one
    expect(stopped.checkpoint!.weightsSha256).not.toBe(whole.checkpoint!.weightsSha256);

    const steps: number[] = [];
    const resumed = await engine.runTrain({ ...four, resume: { name: 'step 2', files: stopped.checkpoint!.files } }, (p) => p.step && steps.push(p.step.step));
    expect(resumed.status).toBe('done');
    expect(resumed.resumedFrom).toBe(2);
    expect(steps).toEqual([3, 4]);
    expect(resumed.logs).toEqual(whole.logs);
    expect(resumed.checkpoint!.weightsSha256).toBe(whole.checkpoint!.weightsSha256);
    for (const f of ['model.safetensors', 'trainer_state.safetensors']) expect(same(resumed.checkpoint!.files[f], whole.checkpoint!.files[f]), f).toBe(true);
    const state = JSON.parse(new TextDecoder().decode(resumed.checkpoint!.files['training_state.json'])) as { status: string; step: number; logs: unknown[] };
    expect(state).toMatchObject({ status: 'done', step: 4 });
    expect(state.logs).toHaveLength(4);
  }, 240_000);

  it('LoRA: cancelled after step 2 and continued equals the uninterrupted run, adapter files included', async () => {
    const lora: TrainJobRequest = { ...four, lora: { r: 4 } };
    const whole = await engine.runTrain(lora);
    const flag = new Int32Array(new SharedArrayBuffer(4));
    const cut = await engine.runTrain(lora, (p) => {
      if (p.step?.step === 2) Atomics.store(flag, 0, 1);
    }, flag);
    expect(cut.checkpoint?.step).toBe(2);
    const resumed = await engine.runTrain({ ...lora, resume: { name: 'lora step 2', files: cut.checkpoint!.files } });
    expect(resumed.resumedFrom).toBe(2);
    expect(resumed.logs).toEqual(whole.logs);
    for (const f of ['model.safetensors', 'trainer_state.safetensors', 'adapter_model.safetensors', 'adapter_config.json']) expect(same(resumed.checkpoint!.files[f], whole.checkpoint!.files[f]), f).toBe(true);
    // a full fine-tuning spec on the LoRA checkpoint names the lora field
    await refusedAsync(engine.runTrain({ ...four, resume: { name: 'lora step 2', files: cut.checkpoint!.files } }), 'incompatible-resume', /differs from the checkpoint's in lora/);
  }, 240_000);

  it('refuses another base model\'s checkpoint and a changed spec or data, naming the fields', async () => {
    const resume = { name: 'step 2', files: stopped.checkpoint!.files };
    await refusedAsync(engine.runTrain({ ...four, model: 'target-v4', resume }), 'foreign-checkpoint', /trained from target \(gpt2.*this run's base is target-v4 \(llama/);
    await refusedAsync(engine.runTrain({ ...four, lr: 2e-3, resume }), 'incompatible-resume', /differs from the checkpoint's in lr/);
    await refusedAsync(engine.runTrain({ ...four, data: { kind: 'forge-sample', size: 6 }, resume }), 'incompatible-resume', /differs from the checkpoint's in data/);
    await refusedAsync(engine.runTrain({ ...four, steps: 1, resume }), 'incompatible-resume', /differs from the checkpoint's in steps/);
  }, 240_000);

  it('names a missing or corrupt checkpoint file before anything loads', () => {
    const files = stopped.checkpoint!.files;
    const refused = (resume: TrainJobRequest['resume'], text: RegExp) => {
      let e: unknown;
      try {
        validateTrainRequest({ ...four, resume });
      } catch (x) {
        e = x;
      }
      expect(e).toBeInstanceOf(TrainError);
      expect((e as TrainError).kind).toBe('incompatible-resume');
      expect((e as Error).message).toMatch(text);
    };
    refused({ name: 'picked', files: { 'training_state.json': files['training_state.json'] } }, /picked lacks trainer_state\.safetensors/);
    refused({ name: 'picked', files: { 'trainer_state.safetensors': files['trainer_state.safetensors'] } }, /picked lacks training_state\.json/);
    refused({ name: 'picked', files: { ...files, 'trainer_state.safetensors': files['trainer_state.safetensors'].subarray(0, 100) } }, /picked\/trainer_state\.safetensors is corrupt/);
    refused({ name: 'picked', files: { ...files, 'training_state.json': new TextEncoder().encode('{"step": 2') } }, /picked is not a training checkpoint \(training_state\.json/);
    refused({ name: 'picked', files: { ...files, 'training_state.json': new TextEncoder().encode('{"format": "other"}') } }, /format other v.*not workbench-train-checkpoint v1/);
    expect(validateTrainRequest({ ...four, resume: { name: 'picked', files } }).resume?.state.step).toBe(2);
  });

  it('maps the panel\'s download names back to checkpoint files', () => {
    expect(checkpointFileOf('target-sft-step2-training_state.json')).toBe('training_state.json');
    expect(checkpointFileOf('target-sft-step2-trainer_state.safetensors')).toBe('trainer_state.safetensors');
    expect(checkpointFileOf('target-sft-lora-step2-adapter_model.safetensors')).toBe('adapter_model.safetensors');
    expect(checkpointFileOf('target-sft-step2.safetensors')).toBe('model.safetensors');
    expect(checkpointFileOf('training_state.json')).toBe('training_state.json');
    expect(checkpointFileOf('rows.jsonl')).toBeNull();
  });
});
