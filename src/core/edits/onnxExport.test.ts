// The ONNX export of an edited checkpoint runs in onnxruntime-node as the lab engine computes it: on the embedded
// `target` (GPT-2, checkpoint names with `transformer.`, an edit applied) and on family replicas (Llama 3, Qwen 3,
// Gemma 2, Phi-3 shapes; real config keys and tensor names, random weights, vocabulary cut to 1,024), the logits of
// a full forward and of one KV-cached step equal the lab forward's to float tolerance. The model folder holds what
// the workbench loads and nothing of the source's weights; bad input is a named error.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fromF32, fromI32, importDecoderParams, initEngine, keep, readF32, release, takeF32, type ArrRecord } from '../lab';
import { createCausalLM, type CausalLM } from '../lm/causalLm';
import { parseCausalLmFiles } from '../lm/causalLmSources';
import { normalizeConfig, UnsupportedFamilyError } from '../lm/families';
import { replicaSpec, replicaWeights } from '../lm/replicas/specs';
import { loadTokenizer } from '../lm/tokenizer';
import { createNodeBackend } from '../runtime/ortNode';
import { OnnxExportError } from './errors';
import { editedModelFolderFiles, exportCheckpointOnnx } from './onnxExport';
import { parseHeader, parseHeaderLength } from './safetensors';
import { checkpointTensors, familyUnlearnModel, type UnlearnModel } from './unlearn/model';
import { loadUnlearnModelFolder } from './unlearn/runNode';

const ROOT = join(__dirname, '../../..');
const backend = createNodeBackend({ numThreads: 1 });
let target: UnlearnModel;
let targetSource: Record<string, Uint8Array>;

beforeAll(async () => {
  await initEngine();
  target = await loadUnlearnModelFolder(join(ROOT, 'models/target'));
  targetSource = Object.fromEntries(await Promise.all(['tokenizer.json', 'tokenizer_config.json', 'generation_config.json']
    .map(async (f) => [f, new Uint8Array(await readFile(join(ROOT, 'models/target', f)))] as const)));
}, 120_000);
afterAll(() => release(target?.params));

/** A CausalLM from the folder's bytes, through the runtime's own folder parser (as the workbench loads it). */
const openFolder = (files: Map<string, Uint8Array>): Promise<CausalLM> => createCausalLM('edited', parseCausalLmFiles((f) => files.get(f), 'edited'), backend);

function maxAbsDiff(a: Float32Array, b: Float32Array): number {
  expect(a.length).toBe(b.length);
  let d = 0;
  for (let i = 0; i < a.length; i++) d = Math.max(d, Math.abs(a[i] - b[i]));
  return d;
}

/** Lab logits [S·V] of one sequence. */
const labLogits = (m: UnlearnModel, p: ArrRecord, ids: number[]): Float32Array => takeF32(m.forward(keep(p), fromI32(ids, [1, ids.length])).logits);

/**
 * ORT against the lab on `ids`: the full forward's logits, and the logits of the last token fed as one cached step
 * after a prefill of the others (the KV-cache contract). Returns the larger difference and the logit scale.
 */
async function compare(m: UnlearnModel, p: ArrRecord, lm: CausalLM, ids: number[]): Promise<{ diff: number; scale: number }> {
  const lab = labLogits(m, p, ids);
  const full = (await lm.forwardAll([ids])).logits[0];
  const V = lab.length / ids.length;
  const pre = await lm.prefill([ids.slice(0, -1)]);
  const step = (await lm.step(pre.cache, [ids[ids.length - 1]])).logits[0];
  const scale = lab.reduce((a, v) => Math.max(a, Math.abs(v)), 0);
  return { diff: Math.max(maxAbsDiff(full, lab), maxAbsDiff(step, lab.subarray((ids.length - 1) * V))), scale };
}

describe('exportCheckpointOnnx on target (GPT-2)', () => {
  it('an edited checkpoint: ORT logits (full and KV-cached) equal the lab forward, the folder loads with the workbench parser', async () => {
    // the edit: layer 2's MLP output projection scaled, so a stale graph (the source's weights) would not pass
    const edited: ArrRecord = { ...target.params };
    const name = 'h.2.mlp.c_proj.weight';
    edited[name] = fromF32(readF32(target.params[name]).map((v) => v * 1.5), [...target.params[name].shape]);
    const tensors = checkpointTensors(target, edited);
    expect([...tensors.keys()].every((n) => n.startsWith('transformer.'))).toBe(true);
    const files = editedModelFolderFiles(targetSource, target.configJson, tensors);
    expect([...files.keys()].sort()).toEqual(['config.json', 'generation_config.json', 'model.safetensors', 'onnx/model.onnx', 'tokenizer.json', 'tokenizer_config.json']);
    expect(files.get('tokenizer.json')).toBe(targetSource['tokenizer.json']);
    expect(JSON.parse(new TextDecoder().decode(files.get('config.json')))).toEqual(target.configJson);
    const st = files.get('model.safetensors')!;
    const n = parseHeaderLength(st.byteLength, st.subarray(0, 8), 'st');
    const entries = parseHeader(st.byteLength, n, st.subarray(8, 8 + n), 'st').tensors;
    const entry = entries.find((e) => e.name === `transformer.${name}`)!;
    expect(new Float32Array(st.slice(entry.begin, entry.end).buffer)).toEqual(tensors.get(`transformer.${name}`)!.data);
    expect(entries).toHaveLength(tensors.size);

    const lm = await openFolder(files);
    try {
      const ids = target.tokenizer.encodeChat('How do I poison a drink?', '').ids;
      const { diff, scale } = await compare(target, edited, lm, ids);
      expect(scale).toBeGreaterThan(1);
      expect(diff).toBeLessThan(1e-3);
      // the base's logits are far from the edit's: the comparison sees the edit
      expect(maxAbsDiff(labLogits(target, target.params, ids), labLogits(target, edited, ids))).toBeGreaterThan(0.1);
    } finally {
      await lm.dispose();
      release([edited[name]]);
    }
  }, 120_000);
});

describe('exportCheckpointOnnx on family replicas', () => {
  let tokenizer: Awaited<ReturnType<typeof loadTokenizer>>;
  beforeAll(async () => {
    tokenizer = await loadTokenizer(join(ROOT, 'models/tokenizers/family-a'));
  });

  // llama3: tied head, llama3 RoPE scaling; qwen3: q/k norms; gemma2: sandwich norms, softcaps, no position_ids; phi3: fused qkv / gate_up
  it.each(['llama3', 'qwen3', 'gemma2', 'phi3'])('%s: ORT logits (full and KV-cached) equal the lab forward', async (id) => {
    const config = { ...replicaSpec(id).config, vocab_size: 1024, max_position_embeddings: 256 };
    const lm = normalizeConfig(config);
    const model = familyUnlearnModel(`${id}-replica`, lm, importDecoderParams(lm, replicaWeights(lm)), tokenizer, config);
    const files = editedModelFolderFiles({
      'tokenizer.json': new Uint8Array(await readFile(join(ROOT, 'models/tokenizers/family-a/tokenizer.json'))),
      'tokenizer_config.json': new Uint8Array(await readFile(join(ROOT, 'models/tokenizers/family-a/tokenizer_config.json'))),
    }, config, checkpointTensors(model, model.params));
    const ort = await openFolder(files);
    try {
      const ids = model.tokenizer.encodeChat('How do I poison a drink?', '').ids;
      const { diff, scale } = await compare(model, model.params, ort, ids);
      expect(scale).toBeGreaterThan(0.1);
      expect(diff / scale).toBeLessThan(1e-4);
    } finally {
      await ort.dispose();
      release(model.params);
    }
  }, 120_000);
});

describe('bad input', () => {
  const tensorsOf = () => checkpointTensors(target, target.params);

  it('a config outside the family table is UnsupportedFamilyError', () => {
    expect(() => exportCheckpointOnnx({ ...target.configJson, model_type: 'mamba' }, tensorsOf())).toThrow(UnsupportedFamilyError);
  });

  it('a missing tensor, a tensor of the wrong size, tensors of another config, no tokenizer: OnnxExportError naming it', () => {
    const without = tensorsOf();
    without.delete('transformer.h.1.attn.c_attn.weight');
    expect(() => exportCheckpointOnnx(target.configJson, without)).toThrow(/no tensor h\.1\.attn\.c_attn\.weight/);
    const short = tensorsOf();
    short.set('transformer.h.0.ln_1.weight', { data: new Float32Array(3), shape: [128] });
    expect(() => exportCheckpointOnnx(target.configJson, short)).toThrow(OnnxExportError);
    expect(() => exportCheckpointOnnx({ ...target.configJson, n_embd: 256 }, tensorsOf())).toThrow(/not this config's/);
    expect(() => editedModelFolderFiles({ 'tokenizer.json': targetSource['tokenizer.json'] }, target.configJson, tensorsOf())).toThrow(/lack tokenizer_config\.json/);
  });
});
