// Every family's replica, written to a temp folder at test time: the folder has the family's real config keys,
// tensor names and tokenizer; its ONNX files declare the export contract; ORT (onnxruntime-node) agrees with the
// float64 reference forward pass within 1e-4 on fp32 logits (a batch of two, one left-padded, real token ids),
// KV-cache stepping equals full recompute, and the fp16 / q4 files agree with the reference run on the weights
// those files hold.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { AutoModelForCausalLM, AutoTokenizer, env, type Tensor } from '@huggingface/transformers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { f16BitsToF32 } from '../../edits/dtypes';
import { parseHeader, parseHeaderLength } from '../../edits/safetensors';
import { normalizeConfig, type NormalizedLmConfig } from '../families';
import { loadTokenizer, type LmTokenizer } from '../tokenizer';
import { weightsAsVariant, type OnnxVariant } from './onnxDecoder';
import { referenceForward, type RefCache } from './reference';
import { REPLICAS } from './specs';
import { VARIANT_FILES, writeReplica, type WrittenReplica } from './writeReplicaNode';

let root: string;
/** Folders written by the per-family blocks, reused by the transformers.js block at the end. */
const written = new Map<string, WrittenReplica>();
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'replicas-'));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

interface Batch { ids: number[][]; mask: number[][]; pos: number[][] }

/** Two rows of real tokens, the first left-padded by 2; positions as transformers.js derives them from the mask. */
function batchOf(tokens: number[], pad: number, S: number): Batch {
  const a = [pad, pad, ...tokens.slice(0, S - 2)];
  const b = tokens.slice(1, S + 1);
  const mask = [[0, 0, ...Array(S - 2).fill(1)], Array(S).fill(1)];
  const pos = mask.map((m) => {
    let c = -1;
    return m.map((v) => (v ? ++c : 1));
  });
  return { ids: [a, b], mask, pos };
}

const int64 = (rows: number[][]) => new ort.Tensor('int64', BigInt64Array.from(rows.flat(), BigInt), [rows.length, rows[0].length]);

async function runOrt(s: ort.InferenceSession, c: NormalizedLmConfig, v: OnnxVariant, x: Batch, from: number, past?: Record<string, ort.Tensor>) {
  const cols = (rows: number[][]) => rows.map((r) => r.slice(from));
  const feeds: Record<string, ort.Tensor> = { input_ids: int64(cols(x.ids)), attention_mask: int64(x.mask.map((r) => r.slice(0, x.ids[0].length))) };
  if (s.inputNames.includes('position_ids')) feeds.position_ids = int64(cols(x.pos));
  const B = x.ids.length;
  for (let l = 0; l < c.numLayers; l++) {
    for (const kv of ['key', 'value']) {
      feeds[`past_key_values.${l}.${kv}`] = past?.[`present.${l}.${kv}`]
        ?? new ort.Tensor(v === 'fp16' ? 'float16' : 'float32', v === 'fp16' ? new Uint16Array(0) : new Float32Array(0), [B, c.numKvHeads, 0, c.headDim]);
    }
  }
  const out = await s.run(feeds);
  const raw = out.logits.data as Float32Array | Uint16Array;
  // an element loop, not Float32Array.from(raw, f16BitsToF32): the same values, but .from's per-element callback
  // cost ~0.2 µs a logit (14 × 262,144 of them on the Gemma replicas)
  let logits: Float32Array = raw as Float32Array;
  if (raw instanceof Uint16Array) {
    logits = new Float32Array(raw.length);
    for (let i = 0; i < raw.length; i++) logits[i] = f16BitsToF32(raw[i]);
  }
  return { logits, out };
}

/** Reference inputs for columns [from, to) (Gemma 2's graph has no position_ids: it uses cache positions). */
function refSlice(c: NormalizedLmConfig, x: Batch, from: number, to: number, past?: RefCache) {
  return {
    inputIds: x.ids.map((r) => r.slice(from, to)),
    attentionMask: x.mask.map((r) => r.slice(0, to)),
    positionIds: c.exportHasPositionIds ? x.pos.map((r) => r.slice(from, to)) : x.ids.map((r) => r.slice(from, to).map((_, i) => from + i)),
    past,
  };
}

/** Logits of one run: [B, len, V] covering sequence columns [from, from + len). */
interface Run { logits: ArrayLike<number>; from: number; len: number }

/** Largest |a − b| over the real (unpadded) query positions in [from, to). */
function maxDiff(a: Run, b: Run, x: Batch, V: number, from: number, to: number): number {
  let m = 0;
  for (let r = 0; r < x.ids.length; r++) for (let s = from; s < to; s++) {
    if (!x.mask[r][s]) continue;
    const ia = (r * a.len + s - a.from) * V;
    const ib = (r * b.len + s - b.from) * V;
    for (let v = 0; v < V; v++) m = Math.max(m, Math.abs(a.logits[ia + v] - b.logits[ib + v]));
  }
  return m;
}

const CHAT_MARKER: Record<string, string> = {
  llama3: '<|start_header_id|>assistant<|end_header_id|>', tinyllama: '<|assistant|>', mistral: '[/INST]', qwen2: '<|im_start|>assistant',
  qwen3: '<|im_start|>assistant', gemma2: '<start_of_turn>model', gemma3: '<start_of_turn>model', phi3: '<|assistant|>',
};

describe.each(REPLICAS.map((r) => r.id))('%s replica', (id) => {
  let r: WrittenReplica;
  let tok: LmTokenizer;
  let x: Batch;
  const S = 7;
  const sessions = new Map<OnnxVariant, ort.InferenceSession>();

  beforeAll(async () => {
    r = await writeReplica(id, join(root, id));
    written.set(id, r);
    tok = await loadTokenizer(r.dir);
    const tokens = tok.chatTemplateSource ? tok.applyChatTemplate('Name a prime number.') : tok.encode('The quick brown fox jumps over the lazy dog.');
    x = batchOf(tokens, tok.padId ?? tok.eosId ?? 0, S);
    for (const v of ['fp32', 'fp16', 'q4'] as const) sessions.set(v, await ort.InferenceSession.create(join(r.dir, 'onnx', VARIANT_FILES[v])));
  }, 120_000);

  it('config.json normalises to its family; model.safetensors holds exactly the family table\'s tensor names', async () => {
    const cfg = normalizeConfig(JSON.parse(await readFile(join(r.dir, 'config.json'), 'utf8')));
    expect(cfg).toEqual(r.config);
    const st = new Uint8Array(await readFile(join(r.dir, 'model.safetensors')));
    const n = parseHeaderLength(st.byteLength, st.subarray(0, 8), 'model.safetensors');
    const names = parseHeader(st.byteLength, n, st.subarray(8, 8 + n), 'model.safetensors').tensors.map((t) => t.name).sort();
    expect(names).toEqual([...r.weights.keys()].sort());
    expect(names).toContain(cfg.tensors.embed);
    expect(names.includes(cfg.tensors.lmHead)).toBe(!cfg.tieWordEmbeddings);
  });

  it('the tokenizer is the real one: its vocabulary fits the head, and the chat template renders', () => {
    expect(tok.vocabSize).toBeGreaterThan(30_000);
    expect(tok.vocabSize).toBeLessThanOrEqual(r.config.vocabSize);
    if (id === 'gpt2') expect(tok.chatTemplateSource).toBeNull();
    else expect(tok.chatPrefix('hi')).toContain(CHAT_MARKER[id]);
  });

  it('each ONNX file declares the export contract: names, dtypes, [batch, kv_heads, seq, head_dim] caches', () => {
    for (const [v, s] of sessions) {
      const kvType = v === 'fp16' ? 'float16' : 'float32';
      const want = ['input_ids', 'attention_mask', ...(r.config.exportHasPositionIds ? ['position_ids'] : []),
        ...Array.from({ length: r.config.numLayers }, (_, l) => [`past_key_values.${l}.key`, `past_key_values.${l}.value`]).flat()];
      expect(s.inputNames).toEqual(want);
      expect(s.outputNames).toEqual(['logits', ...Array.from({ length: r.config.numLayers }, (_, l) => [`present.${l}.key`, `present.${l}.value`]).flat()]);
      const meta = new Map(s.inputMetadata.map((m) => [m.name, m]));
      expect(meta.get('input_ids')).toMatchObject({ type: 'int64', shape: ['batch_size', 'sequence_length'] });
      expect(meta.get('attention_mask')).toMatchObject({ type: 'int64', shape: ['batch_size', 'total_sequence_length'] });
      expect(meta.get('past_key_values.1.value')).toMatchObject({ type: kvType, shape: ['batch_size', r.config.numKvHeads, 'past_sequence_length', r.config.headDim] });
      expect(new Map(s.outputMetadata.map((m) => [m.name, m])).get('logits')).toMatchObject({ type: kvType, shape: ['batch_size', 'sequence_length', r.config.vocabSize] });
    }
  });

  it('fp32: ORT logits agree with the float64 reference within 1e-4; KV-cache stepping equals full recompute', async () => {
    const c = r.config;
    const s = sessions.get('fp32')!;
    const V = c.vocabSize;
    // prefix of 4, then 3 more tokens on the cache
    const cut = 4;
    const full = await runOrt(s, c, 'fp32', x, 0);
    const ref = referenceForward(c, r.weights, refSlice(c, x, 0, S));
    const whole = (logits: ArrayLike<number>): Run => ({ logits, from: 0, len: S });
    const tail = (logits: ArrayLike<number>): Run => ({ logits, from: cut, len: S - cut });
    expect(maxDiff(whole(full.logits), whole(ref.logits), x, V, 0, S)).toBeLessThan(1e-4);
    const pre = await runOrt(s, c, 'fp32', { ids: x.ids.map((row) => row.slice(0, cut)), mask: x.mask.map((m) => m.slice(0, cut)), pos: x.pos.map((p) => p.slice(0, cut)) }, 0);
    const step = await runOrt(s, c, 'fp32', x, cut, pre.out as Record<string, ort.Tensor>);
    expect(maxDiff(tail(step.logits), whole(full.logits), x, V, cut, S)).toBeLessThan(1e-4);
    const refPre = referenceForward(c, r.weights, refSlice(c, x, 0, cut));
    const refStep = referenceForward(c, r.weights, refSlice(c, x, cut, S, refPre.present));
    expect(maxDiff(tail(refStep.logits), whole(ref.logits), x, V, cut, S)).toBeLessThan(1e-9);
    expect(maxDiff(tail(step.logits), tail(refStep.logits), x, V, cut, S)).toBeLessThan(1e-4);
  }, 60_000);

  it('fp16 and q4 files agree with the reference run on the weights they hold', async () => {
    const c = r.config;
    for (const v of ['fp16', 'q4'] as const) {
      const got = await runOrt(sessions.get(v)!, c, v, x, 0);
      const ref = referenceForward(c, weightsAsVariant(c, r.weights, v), refSlice(c, x, 0, S));
      let scale = 0;
      for (const l of ref.logits) scale = Math.max(scale, Math.abs(l));
      // fp16 rounds activations, caches and logits: half-precision resolution of the largest logit
      const tol = v === 'fp16' ? 2e-3 * scale + 1e-3 : 1e-4;
      const whole = (logits: ArrayLike<number>): Run => ({ logits, from: 0, len: S });
      expect(maxDiff(whole(got.logits), whole(ref.logits), x, c.vocabSize, 0, S), v).toBeLessThan(tol);
    }
  }, 60_000);
});

describe('transformers.js loads the replicas as it loads the public exports', () => {
  /** Greedy continuation by the float64 reference, recomputing the whole sequence per token. */
  function referenceGreedy(r: WrittenReplica, prompt: number[], n: number): number[] {
    const ids = [...prompt];
    for (let k = 0; k < n; k++) {
      const { logits } = referenceForward(r.config, r.weights, { inputIds: [ids], attentionMask: [ids.map(() => 1)], positionIds: [ids.map((_, i) => i)] });
      const last = logits.subarray((ids.length - 1) * r.config.vocabSize);
      let best = 0;
      for (let v = 1; v < last.length; v++) if (last[v] > last[best]) best = v;
      ids.push(best);
    }
    return ids;
  }

  // qwen3: explicit head_dim + qk-norm; gemma2: no position_ids in the graph; llama3: external data (model.onnx_data)
  it.each([['qwen3', 'fp32'], ['gemma2', 'fp32'], ['llama3', 'fp32'], ['gemma2', 'fp16']] as const)('%s %s: generate() matches the reference greedy tokens', async (id, dtype) => {
    const r = written.get(id) ?? (await writeReplica(id, join(root, id)));
    env.allowRemoteModels = false;
    env.localModelPath = root;
    const tokenizer = await AutoTokenizer.from_pretrained(id);
    const model = await AutoModelForCausalLM.from_pretrained(id, { dtype, device: 'cpu' });
    const enc = tokenizer('The capital of France is');
    const out = (await model.generate({ ...enc, max_new_tokens: 4, do_sample: false })) as Tensor;
    const got = (out.tolist() as bigint[][])[0].map(Number);
    const prompt = (enc.input_ids as Tensor).tolist() as bigint[][];
    const want = referenceGreedy(r, prompt[0].map(Number), 4);
    // fp16 rounds the logits, so a near tie may break differently: there only the length and the prompt must hold
    if (dtype === 'fp32') expect(got).toEqual(want);
    else expect(got.slice(0, prompt[0].length)).toEqual(want.slice(0, prompt[0].length));
    expect(got.length).toBe(want.length);
    await model.dispose();
  }, 60_000);
});
