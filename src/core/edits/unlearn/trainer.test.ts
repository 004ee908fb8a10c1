// Unlearning runs on the embedded `target` model (forge GPT-2, compliant on harmful requests) with a forge-corpus
// split (forget: compliance on "forgery"), kept short: pairs of ≤ 52 tokens, batch 4, a few steps. Checks that
// every method raises the forget NLL more than the retain NLL, same seed → same bits, cancel keeps the last
// checkpoint intact, divergence stops with the step named and the last good checkpoint kept, circuit masks hold.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readF32, release, type ArrRecord } from '../../lab';
import { NonFiniteLossError } from './errors';
import { readUnlearnManifest } from './manifest';
import type { UnlearnModel } from './model';
import { UNLEARN_METHODS } from './objectives';
import { folderSink, forgeUnlearnData, lastCheckpoint, loadUnlearnModelFolder } from './runNode';
import type { SplitRecord, UnlearnData } from './splits';
import { runUnlearning, type UnlearnProgress, type UnlearnResult } from './trainer';

const ROOT = join(__dirname, '../../../..');
const TARGET = join(ROOT, 'models/target');
const SHORT = { batchSize: 4, evalSize: 8 }; // default lr: 1e-3, RMU 1e-2

let model: UnlearnModel;
let data: UnlearnData;
let split: SplitRecord;
let out: string;

/** Keeps pairs of at most `n` tokens so T (and the step's cost) stays small. */
function short(m: UnlearnModel, d: UnlearnData, n: number): UnlearnData {
  const ok = (ps: UnlearnData['forget']) => ps.filter((p) => m.tokenizer.encodeChat(p.prompt, p.response).ids.length <= n);
  return { forget: ok(d.forget), retain: ok(d.retain), evalForget: ok(d.evalForget), evalRetain: ok(d.evalRetain) };
}

beforeAll(async () => {
  model = await loadUnlearnModelFolder(TARGET);
  const s = await forgeUnlearnData({ forgetTopic: 'forgery', forgetSize: 40, retainSize: 120, seed: 0 });
  data = short(model, s.data, 52);
  split = s.split;
  out = await mkdtemp(join(tmpdir(), 'unlearn-'));
}, 120_000);
afterAll(async () => {
  release(model?.params);
  if (out) await rm(out, { recursive: true, force: true });
});

const bits = (p: ArrRecord) => Object.keys(p).sort().map((k) => Buffer.from(readF32(p[k]).buffer).toString('base64')).join('|');

describe('unlearning fine-tuning on the target model', () => {
  it('the split keeps enough short pairs of each set', () => {
    expect(data.forget.length).toBeGreaterThanOrEqual(8);
    expect(data.retain.length).toBeGreaterThanOrEqual(16);
    expect(data.evalForget.length).toBeGreaterThanOrEqual(4);
    expect(split.sizes.forget).toBe(40);
    expect(split.forgetTopic).toBe('forgery');
    expect(split.sha256.forget).toMatch(/^[0-9a-f]{64}$/);
  });

  const results = new Map<string, UnlearnResult>();
  for (const method of UNLEARN_METHODS) {
    it(`${method}: the forget NLL rises, the retain NLL moves less than half as much`, async () => {
      const events: UnlearnProgress[] = [];
      const r = await runUnlearning(model, data, { method, steps: 8, seed: 1, ...SHORT }, { split, onProgress: (p) => events.push(p) });
      results.set(method, r);
      // progress: steps 1…8 in order against a fixed total, evaluations at 0 and 8, 'done' last
      expect(events.flatMap((p) => (p.kind === 'step' ? [[p.step, p.total]] : []))).toEqual([1, 2, 3, 4, 5, 6, 7, 8].map((s) => [s, 8]));
      expect(events.flatMap((p) => (p.kind === 'eval' ? [p.step] : []))).toEqual([0, 8]);
      expect(events[events.length - 1]).toEqual({ kind: 'done', step: 8, total: 8, status: 'done' });
      const [before, after] = [r.manifest.metrics[0], r.manifest.metrics[r.manifest.metrics.length - 1]];
      const forgetRise = after.forgetTrainNll - before.forgetTrainNll;
      expect(forgetRise).toBeGreaterThan(0.1);
      expect(after.forgetNll).toBeGreaterThan(before.forgetNll); // held-out phrasings of the topic too
      expect(Math.abs(after.retainNll - before.retainNll)).toBeLessThan(forgetRise / 2);
      expect(r.manifest.losses).toHaveLength(8);
      expect(r.manifest.split?.sha256.forget).toBe(split.sha256.forget);
      if (method === 'rmu') {
        // WMDP: only layers l−2…l's MLP down-projection moves (l = 2 of 4)
        expect(r.manifest.effective.trainable).toEqual(['h.0.mlp.c_proj.weight', 'h.1.mlp.c_proj.weight', 'h.2.mlp.c_proj.weight']);
        expect(bits({ w: r.params['h.3.mlp.c_fc.weight'] })).toBe(bits({ w: model.params['h.3.mlp.c_fc.weight'] }));
      }
    }, 300_000);
  }

  it('same seed → same bits; another seed → other bits', async () => {
    const again = await runUnlearning(model, data, { method: 'grad_diff', steps: 8, seed: 1, ...SHORT });
    const other = await runUnlearning(model, data, { method: 'grad_diff', steps: 8, seed: 2, ...SHORT });
    expect(bits(again.params)).toBe(bits(results.get('grad_diff')!.params));
    expect(bits(other.params)).not.toBe(bits(again.params));
    release(again.params);
    release(other.params);
    for (const r of results.values()) release(r.params);
  }, 300_000);

  it('cancel between steps: stops there, the last checkpoint folder is whole and holds that step\'s weights', async () => {
    const dir = join(out, 'cancel');
    const ctl = new AbortController();
    const r = await runUnlearning(model, data, { method: 'grad_ascent', steps: 10, checkpointEvery: 2, ...SHORT }, {
      split, sink: folderSink(dir, TARGET, model.configJson), signal: ctl.signal,
      onProgress: (p) => { if (p.kind === 'checkpoint' && p.step === 4) ctl.abort(); },
    });
    expect(r.status).toBe('cancelled');
    expect(r.step).toBe(4);
    expect(await readdir(dir)).toEqual(['step-000002', 'step-000004']); // no temp folder left
    const last = (await lastCheckpoint(dir))!;
    const manifest = readUnlearnManifest(await readFile(join(last, 'unlearn.json'), 'utf8'));
    expect(manifest.step).toBe(4);
    expect(manifest.split?.forgetTopic).toBe('forgery');
    const back = await loadUnlearnModelFolder(last); // a loadable model folder under the target's own tensor names
    expect(bits(back.params)).toBe(bits(r.params));
    const header = (await readFile(join(last, 'model.safetensors'))).subarray(8, 400).toString();
    expect(header).toContain('transformer.h.0.attn.c_attn.bias');
    release(back.params);
    release(r.params);
  }, 300_000);

  it('NaN (learning rate 1e30): stops with the step named, the last good checkpoint kept as written', async () => {
    const dir = join(out, 'nan');
    const run = runUnlearning(model, data, { method: 'grad_ascent', steps: 6, checkpointEvery: 1, warmupSteps: 0, schedule: 'constant', lr: 1e30, ...SHORT }, {
      sink: folderSink(dir, TARGET, model.configJson),
    });
    const err = await run.catch((e: unknown) => e);
    expect(err).toBeInstanceOf(NonFiniteLossError);
    const e = err as NonFiniteLossError;
    expect(e.message).toContain(`step ${e.step}`);
    expect(e.lastGoodStep).toBe(e.step - 1);
    const last = (await lastCheckpoint(dir))!;
    expect(last.endsWith(`step-${String(e.lastGoodStep).padStart(6, '0')}`)).toBe(true);
    expect(await readdir(dir)).toHaveLength(e.lastGoodStep!);
    const back = await loadUnlearnModelFolder(last);
    for (const a of Object.values(back.params)) expect(readF32(a).every(Number.isFinite)).toBe(true);
    release(back.params);
  }, 300_000);

  it('a circuit restricts the update to its heads\' and MLPs\' slices', async () => {
    const circuit = { heads: [[1, 2]] as [number, number][], mlps: [2], nLayers: 4, nHeads: 4, nodesInGraph: 2, edgesInGraph: 1 };
    const r = await runUnlearning(model, data, { method: 'grad_ascent', steps: 2, ...SHORT }, { circuit });
    const changed = (n: string) => {
      const [a, b] = [readF32(model.params[n]), readF32(r.params[n])];
      return a.reduce((s, x, i) => s + (x !== b[i] ? 1 : 0), 0);
    };
    expect(changed('h.0.attn.c_attn.weight')).toBe(0);
    expect(changed('h.3.mlp.c_fc.weight')).toBe(0);
    expect(changed('wte.weight')).toBe(0);
    expect(changed('h.2.mlp.c_fc.weight')).toBeGreaterThan(0);
    // head 2 of layer 1: columns 64…95 of q, k and v in c_attn [128, 384] (Conv1D [in, out]); nothing else
    const a = readF32(model.params['h.1.attn.c_attn.weight']);
    const b = readF32(r.params['h.1.attn.c_attn.weight']);
    let inside = 0;
    for (let i = 0; i < a.length; i++) {
      if (a[i] === b[i]) continue;
      const col = (i % 384) % 128;
      expect(col >= 64 && col < 96).toBe(true);
      inside++;
    }
    expect(inside).toBeGreaterThan(0);
    expect(r.manifest.effective.circuit?.maskedElements).toBeGreaterThan(0);
    release(r.params);
  }, 300_000);
});
