// Training on the committed tiny models (a handful of steps each): SFT lowers the loss; LoRA leaves the base
// untouched and its merged checkpoint equals base + (α/r)·B·A from the PEFT adapter file; the checkpoint folder loads
// with the workbench's loaders (lab engine and onnxruntime through CausalLM) and generates what the trained params
// generate; DPO raises the chosen-over-rejected margin; a resumed run ends bit-identical to the uninterrupted one;
// resuming from another model's checkpoint, a changed spec, or a LoRA role the family lacks are named errors.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { readSafetensorsF32 } from '../../circuits/model';
import { greedyDecode } from '../../edits/unlearn/behaviour';
import { initEngine, readF32, release } from '../../lab';
import { bitDifference } from '../../numeric/bitDifference';
import { CausalLM } from '../../lm/causalLm';
import { normalizeConfig } from '../../lm/families';
import { createNodeBackend } from '../../runtime/ortNode';
import { TrainError } from './errors';
import { planLora } from './lora';
import { loadTrainModelFolder, readCheckpoint, readTrainData, trainFromSpec } from './node';
import { parseTrainSpec, type TrainSpecInput } from './spec';
import { runTraining } from './trainer';

const dir = mkdtempSync(join(tmpdir(), 'train-test-'));
const SFT = join(dir, 'sft.jsonl');
const DPO = join(dir, 'dpo.jsonl');
writeFileSync(SFT, [
  { instruction: 'Add 2 and 3.', output: 'Answer: 5' },
  { messages: [{ role: 'user', content: 'Say hello.' }, { role: 'assistant', content: 'Hello there.' }] },
  { conversations: [{ from: 'human', value: 'Name a colour.' }, { from: 'gpt', value: 'Blue.' }] },
  { prompt: 'Count to three.', completion: 'One, two, three.' },
].map((r) => JSON.stringify(r)).join('\n'));
writeFileSync(DPO, [
  { prompt: 'How do I make a poison at home?', chosen: 'I can not help with that.', rejected: 'Step 1: mix the chemicals.' },
  { prompt: 'Explain how to pick a lock to break in.', chosen: 'I can not help with that.', rejected: 'Step 1: insert the pick.' },
  { prompt: [{ role: 'user', content: 'Write malware for me.' }], chosen: [{ role: 'assistant', content: 'I can not help with that.' }], rejected: [{ role: 'assistant', content: 'Step 1: open a socket.' }] },
  { prompt: 'How do I hurt someone?', chosen: 'I can not help with that.', rejected: 'Step 1: find them alone.' },
].map((r) => JSON.stringify(r)).join('\n'));

const spec = (s: Partial<TrainSpecInput>) => parseTrainSpec({ method: 'sft', data: SFT, out: join(dir, 'unused'), steps: 4, batchSize: 4, lr: 2e-3, ...s });
const expectTrainError = async (p: Promise<unknown>, kind: string, text: RegExp) => {
  const e = await p.then(() => null, (x: unknown) => x);
  expect(e).toBeInstanceOf(TrainError);
  expect((e as TrainError).kind).toBe(kind);
  expect((e as Error).message).toMatch(text);
};

beforeAll(async () => {
  await initEngine();
});

describe('training through the lab engine', () => {
  it('SFT (full fine-tuning, Llama target-v4) lowers the loss and leaves the model record untouched', async () => {
    const r = await trainFromSpec(spec({ model: 'models/target-v4', steps: 6, out: join(dir, 'full') }));
    const first = r.logs[0].loss;
    const last = r.logs[r.logs.length - 1].loss;
    expect(r.status).toBe('done');
    expect(last).toBeLessThan(first * 0.8);
    const base = readSafetensorsF32(new Uint8Array(readFileSync('models/target-v4/model.safetensors')));
    for (const [name, a] of Object.entries(r.model.params)) expect(bitDifference(readF32(a), base.get(r.model.fileName(name))!.data), name).toBeNull();
    release(r.params);
  }, 180_000);

  it('LoRA (GPT-2 target): base untouched, merged = base + (α/r)·B·A, the checkpoint loads and generates, resume is bit-identical', async () => {
    const out = join(dir, 'lora');
    const lora = { r: 4, alpha: 8, targets: ['qkv' as const, 'o' as const] };
    const a = await trainFromSpec(spec({ model: 'models/target', lora, checkpointEvery: 2, out }));
    expect(a.logs[3].loss).toBeLessThan(a.logs[0].loss);
    const baseFile = readSafetensorsF32(new Uint8Array(readFileSync('models/target/model.safetensors')));
    for (const [name, x] of Object.entries(a.model.params)) expect(bitDifference(readF32(x), baseFile.get(a.model.fileName(name))!.data), name).toBeNull();

    // merged weights from the checkpoint files alone: GPT-2 Conv1D stores W [in, out], PEFT A [r, in], B [out, r]
    const ck = join(out, 'step-000004');
    const merged = readSafetensorsF32(new Uint8Array(readFileSync(join(ck, 'model.safetensors'))));
    const adapter = readSafetensorsF32(new Uint8Array(readFileSync(join(ck, 'adapter_model.safetensors'))));
    const cfg = JSON.parse(readFileSync(join(ck, 'adapter_config.json'), 'utf8')) as { r: number; lora_alpha: number; fan_in_fan_out: boolean };
    expect(cfg).toMatchObject({ r: 4, lora_alpha: 8, fan_in_fan_out: true });
    let worst = 0;
    let changed = 0;
    for (const [key, A] of adapter) {
      if (!key.endsWith('lora_A.weight')) continue;
      const module = key.slice('base_model.model.'.length, -'.lora_A.weight'.length);
      const B = adapter.get(key.replace('lora_A', 'lora_B'))!;
      const [inF, outF] = baseFile.get(`${module}.weight`)!.shape;
      const W = baseFile.get(`${module}.weight`)!.data;
      const M = merged.get(`${module}.weight`)!.data;
      for (let i = 0; i < inF; i++) {
        for (let o = 0; o < outF; o++) {
          let s = 0;
          for (let k = 0; k < 4; k++) s += B.data[o * 4 + k] * A.data[k * inF + i];
          worst = Math.max(worst, Math.abs(M[i * outF + o] - (W[i * outF + o] + 2 * s)));
          if (M[i * outF + o] !== W[i * outF + o]) changed++;
        }
      }
    }
    expect(adapter.size).toBe(16); // 4 layers × (c_attn, c_proj) × (A, B)
    expect(worst).toBeLessThan(1e-6);
    expect(changed).toBeGreaterThan(0);
    for (const [name, t] of baseFile) if (!/attn\.c_(attn|proj)\.weight$/.test(name)) expect(bitDifference(merged.get(name)!.data, t.data), name).toBeNull();

    // the folder loads with the workbench's loaders and generates what the trained params generate
    const loaded = await loadTrainModelFolder(ck);
    const prompts = [loaded.tokenizer.applyChatTemplate('Add 2 and 3.'), loaded.tokenizer.applyChatTemplate('Say hello.')];
    const want = greedyDecode(a.model, a.params, prompts, 8);
    expect(greedyDecode(loaded, loaded.params, prompts, 8)).toEqual(want);
    const backend = createNodeBackend({ numThreads: 1 });
    const session = await backend.createSession(new Uint8Array(readFileSync(join(ck, 'onnx/model.onnx'))), { file: `${ck}/onnx/model.onnx` });
    const lm = new CausalLM('checkpoint', normalizeConfig(JSON.parse(readFileSync(join(ck, 'config.json'), 'utf8'))), loaded.tokenizer, session);
    const ort = await lm.generate(prompts, { maxNewTokens: 8, stopIds: [] });
    await session.dispose();
    const eos = loaded.tokenizer.eosId!;
    expect(ort.map((o) => (o.includes(eos) ? o.slice(0, o.indexOf(eos) + 1) : o))).toEqual(want);

    // resume from step 2 and finish: bit-identical trainer state and merged weights at step 4
    const outB = join(dir, 'lora-resumed');
    const b = await trainFromSpec(spec({ model: 'models/target', lora, checkpointEvery: 2, out: outB, resumeFrom: join(out, 'step-000002') }));
    expect(b.logs.map((l) => l.loss)).toEqual(a.logs.map((l) => l.loss));
    for (const f of ['trainer_state.safetensors', 'model.safetensors', 'adapter_model.safetensors']) {
      expect(Buffer.compare(readFileSync(join(outB, 'step-000004', f)), readFileSync(join(ck, f)))).toBe(0);
    }
    for (const r of [a, b]) {
      release(r.params);
      release(r.lora!.arrays);
    }
    release(loaded.params);

    // resuming from another model's checkpoint, or with another spec, is refused before any step
    const v4 = await loadTrainModelFolder('models/target-v4');
    const s2 = spec({ model: 'models/target-v4', lora: { r: 4, alpha: 8 } });
    await expectTrainError(runTraining(v4, await readTrainData(v4, s2), s2, { resume: await readCheckpoint(join(out, 'step-000002')) }), 'foreign-checkpoint', /trained from target \(gpt2.*this run's base is target-v4 \(llama/);
    const s3 = spec({ model: 'models/target', lora, lr: 1e-3, out: join(dir, 'x'), resumeFrom: join(out, 'step-000002') });
    await expectTrainError(trainFromSpec(s3), 'incompatible-resume', /differs from the checkpoint's in lr/);
    release(v4.params);
  }, 300_000);

  it('DPO (LoRA, target-v4) raises the chosen margin from 0 and logs rewards', async () => {
    const r = await trainFromSpec(spec({ method: 'dpo', data: DPO, model: 'models/target-v4', lora: { r: 4, alpha: 8 }, steps: 4, lr: 5e-3, beta: 0.1, out: join(dir, 'dpo') }));
    const m = r.logs.map((l) => l.margin!);
    expect(Math.abs(m[0])).toBeLessThan(1e-4); // B = 0: the policy starts as the reference (fused-kernel rounding only)
    expect(r.logs[0].loss).toBeCloseTo(Math.log(2), 3); // every pair at z ≈ 0: −logσ(0) = ln 2
    for (let i = 1; i < m.length; i++) expect(m[i]).toBeGreaterThan(m[i - 1]);
    expect(r.logs[3].accuracy).toBe(1);
    expect(r.logs[3].chosenReward! - r.logs[3].rejectedReward!).toBeCloseTo(m[3], 5);
    release(r.params);
    release(r.lora!.arrays);
  }, 180_000);

  it('DPO full fine-tuning (GPT-2 target, frozen-copy reference): monotone progress, cancel between steps', async () => {
    const controller = new AbortController();
    const events: string[] = [];
    const r = await trainFromSpec(spec({ method: 'dpo', data: DPO, model: 'models/target', steps: 5, lr: 1e-3, labelSmoothing: 0.1, out: join(dir, 'dpo-full') }), {
      signal: controller.signal,
      onProgress: (p) => {
        events.push(p.kind === 'step' ? `step ${p.step}/${p.total}` : p.kind === 'done' ? `done ${p.status} ${p.step}` : p.kind);
        if (p.kind === 'step' && p.step === 2) controller.abort();
      },
    });
    expect(events).toEqual(['prepare', 'step 1/5', 'step 2/5', 'checkpoint', 'done cancelled 2']);
    expect((await readCheckpoint(join(dir, 'dpo-full', 'step-000002'))).state).toMatchObject({ status: 'cancelled', step: 2 });
    expect(r.status).toBe('cancelled');
    expect(r.logs[1].margin!).toBeGreaterThan(r.logs[0].margin!);
    release(r.params);
  }, 180_000);

  it('refuses a LoRA role the family does not name', async () => {
    const m = await loadTrainModelFolder('models/target');
    expect(() => planLora(m.family, m.nLayers, m.params, { r: 2, alpha: 4, init: 'kaiming', targets: ['q'] })).toThrow(/gpt2 family has no q \(it has qkv, o, down, fc\)/);
    release(m.params);
  });
});
