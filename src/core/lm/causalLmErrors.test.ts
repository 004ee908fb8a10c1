// Bad input to the causal-LM runtime, on copies of the embedded GPT-2-layout target with one thing broken each:
// an unsupported family, a config that disagrees with the graph, a missing dtype variant, a missing or malformed
// chat template, a tokenizer wider than the head, a model over the size bound — each a named error with a remedy;
// and a browser-style load that fails after its files were fetched leaves nothing in the model cache.
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { createModelLoader } from '../alignbeam/loadModel';
import { MemoryCache } from '../runtime/cache';
import type { FetchLike } from '../runtime/loaders';
import { createNodeBackend } from '../runtime/ortNode';
import { loadCausalLMFolder } from './causalLmNode';
import { UnsupportedFamilyError } from './families';

const MODELS = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'models');
const SRC = join(MODELS, 'target');

const work = mkdtempSync(join(tmpdir(), 'lmruntime-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));
let n = 0;

type Json = Record<string, unknown>;
/** A copy of models/target with JSON files edited. */
function variant(edit: { config?: (c: Json) => void; tokenizerConfig?: (c: Json) => void; tokenizer?: (c: Json) => void } = {}): string {
  const dir = join(work, `m${n++}`);
  cpSync(SRC, dir, { recursive: true });
  const patch = (file: string, f?: (c: Json) => void) => {
    if (!f) return;
    const c = JSON.parse(readFileSync(join(dir, file), 'utf8')) as Json;
    f(c);
    writeFileSync(join(dir, file), JSON.stringify(c));
  };
  patch('config.json', edit.config);
  patch('tokenizer_config.json', edit.tokenizerConfig);
  patch('tokenizer.json', edit.tokenizer);
  return dir;
}

describe('causal-LM bad input', () => {
  const backend = createNodeBackend();

  it('a config of an unsupported family names the supported ones', async () => {
    const err = await loadCausalLMFolder(variant({ config: (c) => { c.model_type = 'mamba'; } }), backend).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UnsupportedFamilyError);
    expect((err as Error).message).toMatch(/"mamba" is not a supported family; supported: gpt2, llama/);
    // a runtime error like the others: a stable code and a remedy that cross the worker boundary
    expect(err).toMatchObject({ code: 'UNSUPPORTED_FAMILY', remedy: expect.stringMatching(/Pick a model of one of these families/) });
  });

  it('a config that disagrees with the graph (layers, heads → head size) lists every problem', async () => {
    const err = await loadCausalLMFolder(variant({ config: (c) => { c.n_layer = 3; c.n_head = 8; } }), backend).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'GRAPH_CONFIG_MISMATCH', name: 'GraphConfigMismatchError' });
    const problems = (err as { problems: string[] }).problems;
    expect(problems).toContain('the graph has 4 cache layers, config.json num_hidden_layers is 3');
    expect(problems).toContain("the graph's KV cache has 4 heads, config.json num_key_value_heads is 8");
    expect(problems).toContain("the graph's KV head size is 32, config.json gives head_dim 16");
    expect((err as { remedy: string }).remedy).toMatch(/config.json that was exported with this ONNX file/);
  });

  it('a vocab_size that disagrees with the graph\'s logits is a mismatch too', async () => {
    await expect(loadCausalLMFolder(variant({ config: (c) => { c.vocab_size = 1000; } }), backend))
      .rejects.toMatchObject({ code: 'GRAPH_CONFIG_MISMATCH', message: expect.stringMatching(/logits have width 1024, config.json vocab_size is 1000/) });
  });

  it('a missing dtype variant lists the variants the folder has', async () => {
    const err = await loadCausalLMFolder(SRC, backend, { dtype: 'q4' }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'DTYPE_VARIANT_MISSING', available: ['fp32'] });
    expect((err as Error).message).toBe('target: no q4 variant (onnx/model_q4.onnx is missing); available: fp32');
    expect((err as { remedy: string }).remedy).toBe('Pick one of the available dtypes (fp32).');
    // auto on wasm would be q8 (transformers.js's default); the folder has only fp32, so auto falls back to it
    const lm = await loadCausalLMFolder(SRC, backend, { dtype: 'auto', provider: 'wasm' });
    expect(lm.dtype).toBe('fp32');
    await lm.dispose();
  });

  it('a missing chat template loads (plain text works) and fails only when a chat prompt is asked for', async () => {
    const lm = await loadCausalLMFolder(variant({ tokenizerConfig: (c) => { delete c.chat_template; } }), backend);
    try {
      expect((await lm.generate([lm.tokenizer.encode('Hello')], { maxNewTokens: 2, stopIds: [] }))[0]).toHaveLength(2);
      expect(() => lm.renderChat([{ role: 'user', content: 'Hi' }])).toThrow(expect.objectContaining({ code: 'CHAT_TEMPLATE', message: expect.stringMatching(/no chat template/) }));
      expect(() => lm.tokenizer.applyChatTemplate('Hi')).toThrow(expect.objectContaining({ code: 'CHAT_TEMPLATE', message: expect.stringMatching(new RegExp(`^${lm.id}: no chat template`)) }));
    } finally {
      await lm.dispose();
    }
  });

  it('a malformed chat template is a ChatTemplateError with the parser\'s message and a remedy', async () => {
    const lm = await loadCausalLMFolder(variant({ tokenizerConfig: (c) => { c.chat_template = '{% for m in messages %}{{ m.content }'; } }), backend);
    try {
      const err = (() => { try { lm.renderChat([{ role: 'user', content: 'Hi' }]); } catch (e) { return e; } })();
      expect(err).toMatchObject({ name: 'ChatTemplateError', code: 'CHAT_TEMPLATE', message: expect.stringMatching(/does not parse/) });
      expect((err as { remedy: string }).remedy).toMatch(/chat_template\.jinja/);
    } finally {
      await lm.dispose();
    }
  });

  it('a chat_template.jinja file is used when tokenizer_config.json has none', async () => {
    const dir = variant({ tokenizerConfig: (c) => { delete c.chat_template; } });
    writeFileSync(join(dir, 'chat_template.jinja'), "{{ bos_token }}{% for m in messages %}[{{ m.role }}] {{ m.content }}\n{% endfor %}{% if add_generation_prompt %}[assistant]{% endif %}");
    const lm = await loadCausalLMFolder(dir, backend);
    try {
      expect(lm.renderChat([{ role: 'user', content: 'Hi' }])).toBe('<|endoftext|>[user] Hi\n[assistant]');
    } finally {
      await lm.dispose();
    }
  });

  it('a tokenizer with text tokens past the head is a VocabularyMismatchError (special ones past it are allowed, as Gemma 3 has)', async () => {
    const added = (id: number, special: boolean) => ({ id, content: `zq${id}`, single_word: false, lstrip: false, rstrip: false, normalized: false, special });
    const onlySpecial = variant({ tokenizer: (c) => { c.added_tokens = [...(c.added_tokens as unknown[]), added(1024, true)]; } });
    const ok = await loadCausalLMFolder(onlySpecial, backend);
    expect([ok.tokenizer.vocabSize, ok.vocabSize]).toEqual([1025, 1024]);
    await ok.dispose();
    const extra = [added(1024, false), added(1025, true)];
    const dir = variant({ tokenizer: (c) => { c.added_tokens = [...(c.added_tokens as unknown[]), ...extra]; } });
    await expect(loadCausalLMFolder(dir, backend)).rejects.toMatchObject({
      code: 'VOCAB_MISMATCH', message: 'target: the tokenizer has 1026 tokens but the model\'s head has 1024 rows (text tokens past the head)'.replace('target', dir.split('/').pop()!),
    });
  });

  it('a model over the size bound is refused before its weights are read, with the sizes', async () => {
    const err = await loadCausalLMFolder(SRC, backend, { limitBytes: 2 ** 20 }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'MODEL_TOO_LARGE', name: 'ModelTooLargeError' });
    expect((err as Error).message).toMatch(/^target: needs about \d+\.\d MiB \(weights \d+\.\d MiB \+ KV cache 512\.0 KiB at 128 tokens\), over the 1\.0 MiB this runtime allows$/);
    expect((err as { remedy: string }).remedy).toMatch(/q4/);
  });

  it('a browser-style load that fails after fetching leaves nothing in the model cache', async () => {
    const dir = variant({ config: (c) => { c.n_layer = 2; } });
    const diskFetch: FetchLike = async (url) => {
      try {
        return new Response(await readFile(url));
      } catch {
        return new Response('missing', { status: 404 });
      }
    };
    const cache = new MemoryCache();
    await cache.put('/unrelated/file', new Uint8Array([1]));
    const load = createModelLoader({ backend: async () => backend, fetch: diskFetch, cache, modelsBaseUrl: 'file:///nowhere/' });
    await expect(load(`${dir}/`)).rejects.toMatchObject({ code: 'GRAPH_CONFIG_MISMATCH' });
    expect(await cache.keys()).toEqual(['/unrelated/file']);
    // the same loader with a good folder caches its files (so the empty cache above is the rollback's doing)
    const lm = await load(`${SRC}/`);
    await lm.dispose();
    expect((await cache.keys()).length).toBeGreaterThan(1);
  });
});
