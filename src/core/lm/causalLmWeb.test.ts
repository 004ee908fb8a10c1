// The browser's ORT path (onnxruntime-web WASM, run here in Node) through the same CausalLM: the llama3 replica's
// fp32 weights in onnx/model.onnx_data reach the session through ORT's externalData option, and the fp16 file's
// float16 KV cache (Uint16Array bits where the JS engine has no Float16Array) is fed back step after step —
// with the logits of onnxruntime-node. Without its side file, a session names the file it lacks.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createNodeBackend } from '../runtime/ortNode';
import { createWebBackend } from '../runtime/ortWeb';
import { loadCausalLMFolder } from './causalLmNode';
import { writeReplica, type WrittenReplica } from './replicas/writeReplicaNode';

const work = mkdtempSync(join(tmpdir(), 'lmruntime-web-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const maxAbs = (a: ArrayLike<number>, b: ArrayLike<number>): number => {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
};

describe('llama3 replica on onnxruntime-web (WASM) and onnxruntime-node', () => {
  let rep: WrittenReplica;
  beforeAll(async () => {
    rep = await writeReplica('llama3', join(work, 'llama3'), { variants: ['fp32', 'fp16'], externalData: true });
  }, 120_000);

  it.each(['fp32', 'fp16'] as const)('%s: same logits and cached steps on both runtimes (external data on fp32)', async (dtype) => {
    const web = await loadCausalLMFolder(rep.dir, createWebBackend({ wasmPaths: null, numThreads: 1, providers: ['wasm'] }), { dtype });
    const node = await loadCausalLMFolder(rep.dir, createNodeBackend(), { dtype });
    try {
      const ids = web.tokenizer.encode('Hydrogen is a gas');
      let w = await web.prefill([ids]);
      let n = await node.prefill([ids]);
      for (let i = 0; i < 3; i++) {
        expect(maxAbs(w.logits[0], n.logits[0])).toBeLessThan(dtype === 'fp16' ? 1e-2 : 1e-4);
        w = await web.step(w.cache, [1000 + i]);
        n = await node.step(n.cache, [1000 + i]);
      }
      expect(w.cache.past['past_key_values.1.value'].type).toBe(dtype === 'fp16' ? 'float16' : 'float32');
    } finally {
      await web.dispose();
      await node.dispose();
    }
    // ~20 s on a quiet 2-core box; a loaded one (other benches beside the suite) has taken 60 s
  }, 180_000);

  it('a graph whose side file is not supplied names it (ExternalDataMissingError, not an unsupported model)', async () => {
    const bytes = new Uint8Array(readFileSync(join(rep.dir, 'onnx', 'model.onnx')));
    await expect(createNodeBackend().createSession(bytes)).rejects.toMatchObject({
      code: 'EXTERNAL_DATA_MISSING', files: ['model.onnx_data'], message: expect.stringContaining('external data file model.onnx_data (not supplied'),
    });
  });
});
