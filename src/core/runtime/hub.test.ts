// Hub ids are refused offline before any network access; with opt-in the URL follows transformers.js's env.
import { describe, expect, it } from 'vitest';
import { configureTransformers, hubFileUrl, loadHubFiles } from './hub';

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

  it('switch transformers.js to offline by default', async () => {
    await configureTransformers({ localModelPath: '/models/' });
    const { env } = await import('@huggingface/transformers');
    expect(env.allowRemoteModels).toBe(false);
    expect(env.localModelPath).toBe('/models/');
  });
});
