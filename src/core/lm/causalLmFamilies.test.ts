// The one causal-LM runtime on every family's architecture replica (replicas/: real config keys, real npm
// tokenizers, the onnx-community I/O contract, fp32/fp16/q4 files, llama3 with external data), loaded through
// loadCausalLMFolder exactly as a user's folder would be: logits equal the float64 reference forward pass of the
// weights each variant holds, KV-cache steps equal a full recompute, a left-padded batch equals one-by-one, the
// eos list comes from generation_config.json, and the 2-turn chat renders as the family's real template does.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createNodeBackend } from '../runtime/ortNode';
import type { CausalLM } from './causalLm';
import { pickToken } from './causalLm';
import { loadCausalLMFolder } from './causalLmNode';
import type { ChatMessage } from './chatTemplate';
import { weightsAsVariant, type OnnxVariant } from './replicas/onnxDecoder';
import { referenceForward } from './replicas/reference';
import { writeReplica, type WrittenReplica } from './replicas/writeReplicaNode';

const work = mkdtempSync(join(tmpdir(), 'lmruntime-families-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));
const backend = createNodeBackend({ numThreads: 1 });

const CONVERSATION: ChatMessage[] = [{ role: 'user', content: 'Hi!' }, { role: 'assistant', content: 'Hello.' }, { role: 'user', content: 'Name a gas.' }];

/**
 * The 2-turn conversation with add_generation_prompt, as each family's real template writes it (checked by hand
 * against the model cards' format: Llama 3 headers, Zephyr for TinyLlama, Mistral [INST], ChatML for Qwen,
 * Gemma turns with the assistant as "model", Phi-3 tags). null: the real model ships no template (GPT-2).
 */
const EXPECTED_CHAT: Record<string, string | null> = {
  gpt2: null,
  llama3: '<|begin_of_text|><|start_header_id|>user<|end_header_id|>\n\nHi!<|eot_id|><|start_header_id|>assistant<|end_header_id|>\n\nHello.<|eot_id|>'
    + '<|start_header_id|>user<|end_header_id|>\n\nName a gas.<|eot_id|><|start_header_id|>assistant<|end_header_id|>\n\n',
  tinyllama: '<|user|>\nHi!</s>\n<|assistant|>\nHello.</s>\n<|user|>\nName a gas.</s>\n<|assistant|>\n',
  mistral: '<s>[INST] Hi! [/INST]Hello.</s>[INST] Name a gas. [/INST]',
  qwen2: '<|im_start|>user\nHi!<|im_end|>\n<|im_start|>assistant\nHello.<|im_end|>\n<|im_start|>user\nName a gas.<|im_end|>\n<|im_start|>assistant\n',
  qwen3: '<|im_start|>user\nHi!<|im_end|>\n<|im_start|>assistant\nHello.<|im_end|>\n<|im_start|>user\nName a gas.<|im_end|>\n<|im_start|>assistant\n',
  gemma2: '<bos><start_of_turn>user\nHi!<end_of_turn>\n<start_of_turn>model\nHello.<end_of_turn>\n<start_of_turn>user\nName a gas.<end_of_turn>\n<start_of_turn>model\n',
  gemma3: '<bos><start_of_turn>user\nHi!<end_of_turn>\n<start_of_turn>model\nHello.<end_of_turn>\n<start_of_turn>user\nName a gas.<end_of_turn>\n<start_of_turn>model\n',
  phi3: '<|user|>\nHi!<|end|>\n<|assistant|>\nHello.<|end|>\n<|user|>\nName a gas.<|end|>\n<|assistant|>\n',
};

/** The first id of the rendered chat: the template's BOS where it writes one. */
const CHAT_FIRST_ID: Record<string, number> = { llama3: 128000, mistral: 1, qwen2: 151644, qwen3: 151644, gemma2: 2, gemma3: 2 };

/** What the runtime must read from each graph: KV heads (GQA: 2 under 4 query heads) and position_ids. */
const HAS_POSITION_IDS: Record<string, boolean> = { gemma2: false };

const maxAbs = (a: ArrayLike<number>, b: ArrayLike<number>): number => {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
};

describe.each(Object.keys(EXPECTED_CHAT))('replica %s through CausalLM', (id) => {
  let rep: WrittenReplica;
  let lm: CausalLM;
  const prompts = ['The ideal gas law', 'Water boils at', 'Hi'];
  let ids: number[][];

  beforeAll(async () => {
    rep = await writeReplica(id, join(work, id));
    lm = await loadCausalLMFolder(rep.dir, backend, { dtype: 'fp32' });
    ids = prompts.map((p) => lm.tokenizer.encode(p));
  }, 120_000);
  afterAll(async () => { await lm?.dispose(); });

  it('reads the normalised config and the graph: GQA heads, head size, cache dtype, optional inputs, eos list', () => {
    expect(lm.config.family).toBe(rep.config.family);
    expect(lm.kv).toMatchObject({ layers: rep.config.numLayers, kvHeads: rep.config.numKvHeads, headDim: rep.config.headDim, cacheDtype: 'float32' });
    if (id !== 'gpt2') expect([lm.kv.kvHeads, lm.nHead]).toEqual([2, 4]); // grouped-query: 2 KV heads under 4 query heads
    expect(lm.kv.hasPositionIds).toBe(HAS_POSITION_IDS[id] ?? true);
    expect(lm.eosIds).toEqual(rep.config.eosTokenIds);
    if (id === 'llama3') expect(existsSync(join(rep.dir, 'onnx', 'model.onnx_data'))).toBe(true); // fp32 weights in external data
  });

  it.each(['fp32', 'fp16', 'q4'] as OnnxVariant[])('%s logits equal the reference forward of the weights that file holds', async (v) => {
    const model = v === 'fp32' ? lm : await loadCausalLMFolder(rep.dir, backend, { dtype: v });
    try {
      expect(model.dtype).toBe(v);
      expect(model.kv.cacheDtype).toBe(v === 'fp16' ? 'float16' : 'float32');
      const seq = ids[0];
      const ort = (await model.forwardAll([seq])).logits[0];
      const ref = referenceForward(rep.config, weightsAsVariant(rep.config, rep.weights, v), {
        inputIds: [seq], attentionMask: [seq.map(() => 1)], positionIds: [seq.map((_, t) => t)],
      }).logits;
      expect(ort.length).toBe(ref.length);
      // fp16 files round activations, caches and logits to half precision: the replicas' own bound for them
      // (2e-3 of the largest logit + 1e-3); fp32 and q4 (dequantised weights in the reference) within 1e-4
      const scale = ref.reduce((a, r) => Math.max(a, Math.abs(r)), 0);
      const tol = v === 'fp16' ? 2e-3 * scale + 1e-3 : 1e-4;
      expect(maxAbs(ort, ref)).toBeLessThan(tol);
      // the variant's own cache (float16 tensors for fp16) fed back through two steps equals its recompute
      let res = await model.prefill([seq.slice(0, -2)]);
      for (const t of seq.slice(-2)) res = await model.step(res.cache, [t]);
      expect(res.cache.past['past_key_values.0.key'].type).toBe(v === 'fp16' ? 'float16' : 'float32');
      expect(maxAbs(res.logits[0], ort.slice((seq.length - 1) * model.lmHeadWidth))).toBeLessThan(tol);
    } finally {
      if (model !== lm) await model.dispose();
    }
  }, 60_000);

  it('KV-cache steps give the logits of a full recompute', async () => {
    let res = await lm.prefill([ids[1]]);
    const seq = [...ids[1]];
    for (let i = 0; i < 4; i++) {
      const next = pickToken(res.logits[0], lm.vocabSize);
      seq.push(next);
      res = await lm.step(res.cache, [next]);
      const full = (await lm.forwardAll([seq])).logits[0].slice((seq.length - 1) * lm.lmHeadWidth);
      expect(maxAbs(res.logits[0], full)).toBeLessThan(1e-4);
    }
  }, 60_000);

  it('a left-padded batch of 3 decodes each row as if it were alone', async () => {
    const batched = await lm.generate(ids, { maxNewTokens: 5, stopIds: [] });
    const first = await lm.prefill(ids);
    for (const [k, p] of ids.entries()) {
      expect(batched[k]).toEqual((await lm.generate([p], { maxNewTokens: 5, stopIds: [] }))[0]);
      expect(maxAbs(first.logits[k], (await lm.prefill([p])).logits[0])).toBeLessThan(1e-4);
    }
  }, 60_000);

  it('renders a 2-turn chat as the family\'s real template does (or names the missing template)', () => {
    const want = EXPECTED_CHAT[id];
    if (want === null) {
      expect(() => lm.renderChat(CONVERSATION)).toThrow(expect.objectContaining({ code: 'CHAT_TEMPLATE' }));
      return;
    }
    expect(lm.renderChat(CONVERSATION)).toBe(want);
    const enc = lm.encodeChat(CONVERSATION);
    if (CHAT_FIRST_ID[id] !== undefined) expect(enc[0]).toBe(CHAT_FIRST_ID[id]);
    expect(enc[1]).not.toBe(enc[0]); // the template's BOS is not doubled by the encoder
    // byte-level vocabularies round-trip exactly (SentencePiece ones re-insert their word-start spaces)
    if (['llama3', 'qwen2', 'qwen3'].includes(id)) expect(lm.tokenizer.decode(enc)).toBe(want);
  });
});
