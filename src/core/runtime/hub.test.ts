// Hub ids are refused offline before any network access; with opt-in the URL follows transformers.js's env.
import { describe, expect, it } from 'vitest';
import { configureTransformers, hubFileUrl, loadHubFiles, normalizeHubUrl } from './hub';

describe('hub models', () => {
  it('refuse to load without allowRemote and never call fetch', async () => {
    const calls: string[] = [];
    const p = loadHubFiles('Xenova/gpt2', ['config.json'], { fetch: async (u) => { calls.push(u); throw new Error('network'); } });
    await expect(p).rejects.toMatchObject({ code: 'REMOTE_DISABLED', message: 'Offline: hub model Xenova/gpt2 cannot be fetched because remote models are disabled' });
    expect(calls).toEqual([]);
  });

  it('build file URLs from the transformers.js host and template', async () => {
    expect(await hubFileUrl('Xenova/gpt2', 'onnx/model.onnx')).toBe('https://huggingface.co/Xenova/gpt2/resolve/main/onnx/model.onnx');
  });

  it('build file URLs on another hub (a mirror, the loopback hub) when a hub URL is given', async () => {
    expect(await hubFileUrl('workbench/target', 'config.json', { hubUrl: 'http://127.0.0.1:4310', revision: 'v1' })).toBe('http://127.0.0.1:4310/workbench/target/resolve/v1/config.json');
    expect(normalizeHubUrl(' https://hf-mirror.example/base ')).toBe('https://hf-mirror.example/base/');
    expect(() => normalizeHubUrl('file:///models/')).toThrow(/http\(s\)/);
    expect(() => normalizeHubUrl('127.0.0.1:4310')).toThrow(/not a URL/);
  });

  it('switch transformers.js to offline by default', async () => {
    await configureTransformers({ localModelPath: '/models/' });
    const { env } = await import('@huggingface/transformers');
    expect(env.allowRemoteModels).toBe(false);
    expect(env.localModelPath).toBe('/models/');
    expect(env.remoteHost).toBe('https://huggingface.co/');
    await configureTransformers({ hubUrl: 'http://127.0.0.1:4310' });
    expect(env.remoteHost).toBe('http://127.0.0.1:4310/');
    await configureTransformers();
  });
});
