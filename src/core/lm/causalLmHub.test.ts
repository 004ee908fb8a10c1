// Sources that cannot be listed (a hub repo, a folder URL) on the loopback hub with replica folders: dtype 'auto'
// tries transformers.js's default first and falls back on 404 (a repo with only fp16 and q4 files loads q4 on
// CPU), an explicit dtype that is absent is DtypeVariantMissingError, external data comes by the config's
// transformers.js_config count or, without it, by the graph's own locations (a missing one named), an unsupported family is refused after config.json alone, and a failed load
// leaves the cache as it found it.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLoopbackHub, type LoopbackHub } from '../../../scripts/loopbackHub';
import { MemoryCache } from '../runtime/cache';
import type { FetchLike } from '../runtime/loaders';
import { createNodeBackend } from '../runtime/ortNode';
import { loadHubCausalLM } from './causalLmSources';
import { UnsupportedFamilyError } from './families';
import { writeReplica } from './replicas/writeReplicaNode';

const work = mkdtempSync(join(tmpdir(), 'lmruntime-hub-'));
const fetchHttp: FetchLike = (url, init) => fetch(url, init);
const backend = createNodeBackend();
let hub: LoopbackHub;

describe('causal LMs from the loopback hub', () => {
  beforeAll(async () => {
    await writeReplica('phi3', join(work, 'phi3'), { variants: ['fp16', 'q4'] });
    await writeReplica('llama3', join(work, 'llama3'), { variants: ['fp32'], externalData: true });
    const bad = join(work, 'bad');
    await writeReplica('phi3', bad, { variants: ['q4'] });
    const cfg = JSON.parse(readFileSync(join(bad, 'config.json'), 'utf8')) as Record<string, unknown>;
    writeFileSync(join(bad, 'config.json'), JSON.stringify({ ...cfg, model_type: 'rwkv' }));
    // the same replica without transformers.js_config's use_external_data_format hint: the graph alone names its side file
    const nohint = join(work, 'llama3-nohint');
    await writeReplica('llama3', nohint, { variants: ['fp32'], externalData: true });
    const { 'transformers.js_config': _hint, ...plain } = JSON.parse(readFileSync(join(nohint, 'config.json'), 'utf8')) as Record<string, unknown>;
    writeFileSync(join(nohint, 'config.json'), JSON.stringify(plain));
    hub = await startLoopbackHub({ embedded: false, mounts: { 'replica/phi3': join(work, 'phi3'), 'replica/llama3': join(work, 'llama3'), 'replica/llama3-nohint': nohint, 'replica/bad': bad } });
  }, 120_000);
  afterAll(async () => {
    await hub?.close();
    rmSync(work, { recursive: true, force: true });
  });
  const opts = () => ({ fetch: fetchHttp, allowRemote: true, hubUrl: hub.url });

  it('auto falls back past absent variants (fp32, q8 → q4) and an explicit absent dtype is a named error', async () => {
    const lm = await loadHubCausalLM('replica/phi3', backend, opts());
    try {
      expect(lm.dtype).toBe('q4');
      expect(hub.requests.filter((r) => r.path.includes('/onnx/')).map((r) => `${r.path.split('/resolve/main/')[1]} ${r.status}`).slice(0, 2))
        .toEqual(['onnx/model.onnx 404', 'onnx/model_quantized.onnx 404']);
      expect(lm.eosIds).toEqual([32000]);
    } finally {
      await lm.dispose();
    }
    await expect(loadHubCausalLM('replica/phi3', backend, { ...opts(), dtype: 'fp32' })).rejects.toMatchObject({ code: 'DTYPE_VARIANT_MISSING' });
    const fp16 = await loadHubCausalLM('replica/phi3', backend, { ...opts(), dtype: 'fp16' });
    expect(fp16.kv.cacheDtype).toBe('float16');
    await fp16.dispose();
  }, 60_000);

  it('external data arrives by the config\'s use_external_data_format and the model runs', async () => {
    const cache = new MemoryCache();
    const lm = await loadHubCausalLM('replica/llama3', backend, { ...opts(), cache });
    try {
      expect(lm.dtype).toBe('fp32');
      expect((await cache.keys()).some((k) => k.endsWith('onnx/model.onnx_data'))).toBe(true);
      expect((await lm.generate([lm.tokenizer.encode('Hi')], { maxNewTokens: 2, stopIds: [] }))[0]).toHaveLength(2);
    } finally {
      await lm.dispose();
    }
  }, 60_000);

  it('without the config hint, the side file the graph names is fetched after the .onnx; missing, it is ExternalDataMissingError', async () => {
    hub.clearRequests();
    const lm = await loadHubCausalLM('replica/llama3-nohint', backend, opts());
    try {
      expect(hub.requests.filter((r) => r.status === 302).map((r) => r.path.split('/resolve/main/')[1]).slice(-2)).toEqual(['onnx/model.onnx', 'onnx/model.onnx_data']);
      expect((await lm.generate([lm.tokenizer.encode('Hi')], { maxNewTokens: 2, stopIds: [] }))[0]).toHaveLength(2);
    } finally {
      await lm.dispose();
    }
    hub.setFault('replica/llama3-nohint/onnx/model.onnx_data', { kind: 'not-found' });
    const cache = new MemoryCache();
    try {
      await expect(loadHubCausalLM('replica/llama3-nohint', backend, { ...opts(), cache })).rejects.toMatchObject({ code: 'EXTERNAL_DATA_MISSING', files: ['model.onnx_data'] });
    } finally {
      hub.clearFaults();
    }
    expect(await cache.keys()).toEqual([]);
  }, 60_000);

  it('an unsupported family is refused after config.json alone, and the cache keeps nothing', async () => {
    hub.clearRequests();
    const cache = new MemoryCache();
    await expect(loadHubCausalLM('replica/bad', backend, { ...opts(), cache })).rejects.toBeInstanceOf(UnsupportedFamilyError);
    expect(hub.requests.map((r) => r.path.split('/resolve/main/')[1])).toEqual(['config.json']);
    expect(await cache.keys()).toEqual([]);
  });
});
