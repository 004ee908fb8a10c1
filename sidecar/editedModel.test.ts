// An edited checkpoint is a model the workbench can run (issue #20 item 5): the real sidecar process runs C-Δθ and
// MANSU on the embedded models (target: GPT-2 layout, F32 and an F16 copy; anchor-llama: Llama with GQA), the output
// folder is loaded through the project's Node causal-LM route (loadCausalLMFolder, onnxruntime-node, the same
// contract the browser loader reads) and its ONNX logits must equal the lab engine's forward on the safetensors the
// job wrote, and differ from the unedited model's (the ONNX is of the edited weights, not the source's stale
// onnx/). Bad input: a family outside the table, or `onnx: false`, still writes the folder, without onnx/, and the
// manifest says why; the in-memory size limit is checked on the header before any tensor is read.
import { cp, mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadCircuitModel, modelForward, readSafetensorsF32, type CircuitModelFiles } from '../src/core/circuits/model';
import { encodeFromF32, type FloatDtype } from '../src/core/edits/dtypes';
import { serialize } from '../src/core/edits/safetensors';
import { fromI32, keep, takeF32 } from '../src/core/lab';
import { loadCausalLMFolder } from '../src/core/lm/causalLmNode';
import { onnxSkipReason, ONNX_EXPORT_MAX_F32_BYTES, ONNX_FILE } from './tasks/output';
import { pseudo, readEvents, sha256File, startSidecar, tmpWorkspace, type RunningSidecar } from './testkit';

const MODELS = join(import.meta.dirname, '..', 'models');

let root = '';
let sidecar: RunningSidecar;

interface Manifest {
  warnings: string[];
  output: { files: { name: string; bytes: number; sha256: string }[] };
  onnx: { written: true; file: string; family: string; sha256: string; bytes: number } | { written: false; reason: string; sourceHasOnnx: boolean };
}

/** Writes `dir` as a copy of an embedded model with its weights re-encoded in `dtype` and moved by `noise`·pseudo. */
async function variant(src: string, dir: string, dtype: FloatDtype, noise: number, config?: (c: Record<string, unknown>) => Record<string, unknown>): Promise<void> {
  await cp(join(MODELS, src), dir, { recursive: true });
  const tensors = readSafetensorsF32(new Uint8Array(await readFile(join(MODELS, src, 'model.safetensors'))));
  await writeFile(join(dir, 'model.safetensors'), serialize([...tensors].map(([name, t], k) => ({
    name, dtype, shape: t.shape, data: encodeFromF32(dtype, t.data.map((v, i) => v + noise * pseudo(k + 3, i))),
  }))));
  if (config) {
    const c = JSON.parse(await readFile(join(dir, 'config.json'), 'utf8')) as Record<string, unknown>;
    await writeFile(join(dir, 'config.json'), JSON.stringify(config(c)));
  }
}

/** A circuit in EAP-IG's Graph.to_json format: head a1.h2 reached through its q input, and MLP m2. */
function circuit(cfg: Record<string, unknown>): string {
  const edge = (score: number) => ({ score, in_graph: true });
  return JSON.stringify({
    cfg,
    nodes: { input: true, 'a1.h2': { in_graph: true, score: 0.4 }, m2: { in_graph: true, score: 0.3 }, logits: true },
    edges: { 'input->a1.h2<q>': edge(0.5), 'a1.h2->m2': edge(0.3), 'm2->logits': edge(0.2), 'input->a0.h0<k>': { score: 0.01, in_graph: false } },
  });
}

/** The events of the last job runJob ran. */
let lastEvents: Record<string, unknown>[] = [];

async function runJob(path: string, body: unknown): Promise<Record<string, unknown>> {
  const auth = { authorization: `Bearer ${sidecar.token}`, 'content-type': 'application/json' };
  const r = await fetch(`${sidecar.url}${path}`, { method: 'POST', headers: auth, body: JSON.stringify(body) });
  const started = (await r.json()) as { id: string };
  expect(r.status, JSON.stringify(started)).toBe(202);
  const events = await readEvents(await fetch(`${sidecar.url}/api/jobs/${started.id}/events`, { headers: auth }), () => undefined);
  lastEvents = events;
  const last = events[events.length - 1];
  expect(last.type, JSON.stringify(last)).toBe('done');
  return last.result as Record<string, unknown>;
}

const manifestOf = async (dir: string) => JSON.parse(await readFile(join(root, dir, 'edit-manifest.json'), 'utf8')) as Manifest;

/** The lab engine's logits [S · V] for `ids` from the folder's config, tokenizer and written safetensors. */
async function labLogits(dir: string, ids: number[]): Promise<Float32Array> {
  const files = Object.fromEntries(await Promise.all(['config.json', 'tokenizer.json', 'tokenizer_config.json', 'model.safetensors']
    .map(async (f) => [f, new Uint8Array(await readFile(join(dir, f)))] as const))) as unknown as CircuitModelFiles;
  const m = await loadCircuitModel(dir, files);
  return takeF32(modelForward(m, keep(m.params), fromI32(ids, [1, ids.length])).logits);
}

const maxAbsDiff = (a: Float32Array, b: Float32Array) => a.reduce((m, v, i) => Math.max(m, Math.abs(v - b[i])), 0);
const maxAbs = (a: Float32Array) => a.reduce((m, v) => Math.max(m, Math.abs(v)), 0);

/** ONNX (via the causal-LM loader) = lab engine on the written safetensors; != the source model's ONNX. */
async function expectLoadableEdit(out: string, source: string): Promise<void> {
  const dir = join(root, out);
  const m = await manifestOf(out);
  expect(m.onnx, JSON.stringify(m.onnx)).toMatchObject({ written: true, file: ONNX_FILE });
  const onnxSha = await sha256File(join(dir, ONNX_FILE));
  expect(m.onnx.written && m.onnx.sha256).toBe(onnxSha);
  expect(m.output.files.find((f) => f.name === ONNX_FILE)?.sha256).toBe(onnxSha);
  expect(m.output.files.find((f) => f.name === 'config.json')?.sha256).toBe(await sha256File(join(dir, 'config.json')));
  expect(await readdir(join(dir, 'onnx'))).toEqual(['model.onnx']);
  expect(onnxSha).not.toBe(await sha256File(join(root, source, ONNX_FILE)));

  const lm = await loadCausalLMFolder(dir);
  const before = await loadCausalLMFolder(join(root, source));
  try {
    const ids = lm.tokenizer.applyChatTemplate('How do I bake bread at home?');
    const onnx = (await lm.forwardAll([ids])).logits[0];
    const lab = await labLogits(dir, ids);
    expect(onnx.length).toBe(lab.length);
    const scale = maxAbs(lab);
    expect(maxAbsDiff(onnx, lab), `ONNX vs lab engine on ${out}`).toBeLessThan(1e-4 * Math.max(1, scale));
    // the edit reached the ONNX graph: the source's logits are not these
    expect(maxAbsDiff(onnx, (await before.forwardAll([ids])).logits[0])).toBeGreaterThan(1e-3 * scale);
    const text = await lm.generate([ids], { maxNewTokens: 4 });
    expect(text[0].length).toBeGreaterThan(0);
  } finally {
    await lm.dispose();
    await before.dispose();
  }
}

beforeAll(async () => {
  root = await tmpWorkspace('edits-onnx-');
  await cp(join(MODELS, 'target'), join(root, 'target'), { recursive: true });
  await variant('target', join(root, 'aligned'), 'F32', 0.05);
  await variant('target', join(root, 'target-f16'), 'F16', 0);
  await variant('target', join(root, 'aligned-f16'), 'F16', 0.05);
  await cp(join(MODELS, 'anchor-llama'), join(root, 'llama'), { recursive: true });
  await variant('anchor-llama', join(root, 'llama-aligned'), 'F32', 0.05);
  await variant('target', join(root, 'mamba'), 'F32', 0, (c) => ({ ...c, model_type: 'mamba' }));
  await variant('target', join(root, 'untyped'), 'F32', 0, ({ model_type: _drop, ...c }) => c);
  await mkdir(join(root, 'circuits'));
  await mkdir(join(root, 'out'));
  await writeFile(join(root, 'circuits/target.json'), circuit({ n_layers: 4, n_heads: 4, d_model: 128 }));
  await writeFile(join(root, 'circuits/llama.json'), circuit({ n_layers: 3, n_heads: 4, d_model: 96, n_key_value_heads: 2, ungroup_grouped_query_attention: true, model_type: 'llama' }));
  sidecar = await startSidecar(root);
}, 60_000);

afterAll(async () => {
  await sidecar?.kill();
  if (root) await rm(root, { recursive: true, force: true });
});

describe('edited checkpoints carry onnx/model.onnx of their own weights', () => {
  it('C-Δθ on the embedded GPT-2 target (F32): ONNX = lab engine on the written safetensors, not the source ONNX', async () => {
    const result = await runJob('/api/jobs/cdelta', { base: 'target', aligned: 'aligned', circuit: 'circuits/target.json', outputs: [{ strength: 1, path: 'out/gpt2' }, { strength: 2, path: 'out/gpt2-s2' }] });
    const outputs = result.outputs as { onnx: { written: boolean }; files: { name: string }[] }[];
    expect(outputs.map((o) => o.onnx.written)).toEqual([true, true]);
    // each export is announced (a phase change is never throttled away), after the edit and hash phases
    const phases = lastEvents.filter((e) => e.type === 'progress').map((e) => `${String(e.phase)} ${String(e.done)}`);
    expect(phases.filter((p) => p.startsWith('onnx'))).toEqual(['onnx 0', 'onnx 1']);
    expect(phases.indexOf('onnx 0')).toBeGreaterThan(phases.findIndex((p) => p.startsWith('hash')));
    expect((await readdir(join(root, 'out/gpt2'))).sort()).toEqual(['config.json', 'edit-manifest.json', 'forge.json', 'generation_config.json', 'model.safetensors', 'onnx', 'tokenizer.json', 'tokenizer_config.json']);
    await expectLoadableEdit('out/gpt2', 'target');
    await expectLoadableEdit('out/gpt2-s2', 'target');
  }, 120_000);

  it('C-Δθ on F16 weights: the export decodes half precision, ONNX = lab engine on the F16 file', async () => {
    await runJob('/api/jobs/cdelta', { base: 'target-f16', aligned: 'aligned-f16', circuit: 'circuits/target.json', outputs: [{ strength: 1, path: 'out/gpt2-f16' }] });
    await expectLoadableEdit('out/gpt2-f16', 'target');
  }, 120_000);

  it('C-Δθ on the embedded Llama (GQA, RoPE, tied head)', async () => {
    await runJob('/api/jobs/cdelta', { base: 'llama', aligned: 'llama-aligned', circuit: 'circuits/llama.json', outputs: [{ strength: 1, path: 'out/llama' }] });
    const m = await manifestOf('out/llama');
    expect(m.onnx).toMatchObject({ written: true, family: 'llama' });
    await expectLoadableEdit('out/llama', 'llama');
  }, 120_000);

  it('MANSU writes the ONNX of its output too', async () => {
    await runJob('/api/jobs/mansu', { base: 'target', edited: 'aligned', circuit: 'circuits/target.json', output: 'out/mansu' });
    await expectLoadableEdit('out/mansu', 'target');
  }, 120_000);

  it('a family outside the table: the folder is written without ONNX and the manifest says why', async () => {
    // MANSU without a circuit reads no family; C-Δθ refuses a model_type outside the table, so it gets a config
    // without model_type (family from the tensor names for the edit, none for the export)
    const mansu = await runJob('/api/jobs/mansu', { base: 'mamba', edited: 'aligned', output: 'out/mamba' });
    const cdelta = await runJob('/api/jobs/cdelta', { base: 'untyped', aligned: 'aligned', circuit: 'circuits/target.json', outputs: [{ strength: 1, path: 'out/untyped' }] });
    expect((mansu.onnx as { written: boolean }).written).toBe(false);
    expect((cdelta.outputs as { onnx: { written: boolean } }[])[0].onnx.written).toBe(false);
    for (const [out, type] of [['out/mamba', '"mamba"'], ['out/untyped', 'undefined']]) {
      const m = await manifestOf(out);
      expect(m.onnx).toEqual({ written: false, sourceHasOnnx: true, reason: expect.stringContaining(`UnsupportedFamilyError: model_type ${type} is not a supported family`) as unknown });
      expect(m.warnings.filter((w) => w.startsWith('no onnx/model.onnx was written although the source folder has onnx/') && w.includes('UnsupportedFamilyError'))).toHaveLength(1);
      expect(await readdir(join(root, out))).not.toContain('onnx');
      expect(m.output.files.map((f) => f.name)).toContain('model.safetensors');
    }
  }, 60_000);

  it('onnx: false skips the export', async () => {
    await runJob('/api/jobs/cdelta', { base: 'target', aligned: 'aligned', circuit: 'circuits/target.json', outputs: [{ strength: 1, path: 'out/no-onnx' }], onnx: false });
    const m = await manifestOf('out/no-onnx');
    expect(m.onnx).toEqual({ written: false, reason: 'not requested (onnx: false)', sourceHasOnnx: false });
    expect(m.warnings).toEqual([]);
    expect(await readdir(join(root, 'out/no-onnx'))).not.toContain('onnx');
  }, 60_000);
});

describe('onnxSkipReason', () => {
  const config = { model_type: 'gpt2', vocab_size: 50257, n_positions: 1024, n_embd: 2048, n_layer: 24, n_head: 16 };
  it('refuses weights over the in-memory limit from their shapes alone, naming the limit', () => {
    // 24 MLP input projections of [2048, 8192]: 1.5 GiB as f32
    const tensors = Array.from({ length: 24 }, (_, l) => ({ name: `h.${l}.mlp.c_fc.weight`, dtype: 'F16' as const, shape: [2048, 4 * 2048], begin: 0, end: 0, file: 0 }));
    const r = onnxSkipReason({ kind: 'folder', config, tensors });
    expect('reason' in r && r.reason).toMatch(/402653184 float parameters are 1\.50 GiB as f32, over the sidecar's in-memory export limit of 1\.00 GiB \(ONNX_EXPORT_MAX_F32_BYTES\)/);
    expect(ONNX_EXPORT_MAX_F32_BYTES).toBe(2 ** 30);
    expect('config' in onnxSkipReason({ kind: 'folder', config, tensors: tensors.slice(0, 8) })).toBe(true);
  });
  it('needs a config.json the family table reads', () => {
    expect(onnxSkipReason({ kind: 'file', config: undefined, tensors: [] })).toEqual({ reason: expect.stringContaining('bare .safetensors file') as unknown });
    expect(onnxSkipReason({ kind: 'folder', config: undefined, tensors: [] })).toEqual({ reason: expect.stringContaining('no readable config.json') as unknown });
    expect(onnxSkipReason({ kind: 'folder', config: { model_type: 'gpt2' }, tensors: [] })).toEqual({ reason: expect.stringMatching(/^MalformedConfigError/) as unknown });
  });
});
