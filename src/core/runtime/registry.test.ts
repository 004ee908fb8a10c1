// The manifest schema accepts what the forge writes and rejects what would break loading; hub ids need opt-in.
import { mkdtemp, mkdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseManifest, resolveModelSource } from './registry';
import { updateManifest } from './registryNode';

const file = { path: 'onnx/model.onnx', size: 10, sha256: 'a'.repeat(64) };

describe('manifest schema', () => {
  it('accepts extra model fields and defaults the version', () => {
    const m = parseManifest({ models: [{ id: 'target', family: 'gpt2', task: 'causal-lm', files: [file] }] });
    expect(m.version).toBe(1);
    expect(m.models[0]).toMatchObject({ id: 'target', task: 'causal-lm' });
  });

  it.each([
    // outside-path-ok: must be refused
    ['a path escaping the folder', { id: 'x', family: 'f', files: [{ ...file, path: '../secret' }] }, 'relative path'],
    ['an upper-case sha', { id: 'x', family: 'f', files: [{ ...file, sha256: 'A'.repeat(64) }] }, 'sha256'],
    ['no files', { id: 'x', family: 'f', files: [] }, 'files'],
    ['an id with spaces', { id: 'my model', family: 'f', files: [file] }, 'lower-case id'],
  ])('rejects %s as CorruptModelError', (_l, model, msg) => {
    expect(() => parseManifest({ models: [model] })).toThrow(expect.objectContaining({ code: 'CORRUPT_MODEL', message: expect.stringContaining(msg) }));
  });

  it('rejects duplicate ids', () => {
    expect(() => parseManifest({ models: [{ id: 'a', family: 'f', files: [file] }, { id: 'a', family: 'f', files: [file] }] })).toThrow('unique');
  });
});

describe('updateManifest', () => {
  it('hashes a model folder and merges the entry by id, keeping others', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'runtime-registry-'));
    await mkdir(join(dir, 'm', 'onnx'), { recursive: true });
    await writeFile(join(dir, 'm', 'config.json'), '{}');
    await writeFile(join(dir, 'm', 'onnx', 'model.onnx'), 'abc');
    await writeFile(join(dir, 'manifest.json'), JSON.stringify({ version: 1, models: [{ id: 'other', family: 'f', files: [file] }] }));
    await updateManifest(dir, 'm', { family: 'gpt2' });
    await updateManifest(dir, 'm', { family: 'gpt2', description: 'second run replaces the first' });
    const m = parseManifest(JSON.parse(await readFile(join(dir, 'manifest.json'), 'utf8')));
    expect(m.models.map((x) => x.id)).toEqual(['m', 'other']);
    expect(m.models[0]).toEqual({ id: 'm', family: 'gpt2', description: 'second run replaces the first', files: [
      { path: 'config.json', size: 2, sha256: '44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a' },
      { path: 'onnx/model.onnx', size: 3, sha256: 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad' },
    ] });
  });
});

describe('resolveModelSource', () => {
  const manifest = parseManifest({ models: [{ id: 'target', family: 'gpt2', files: [file] }] });
  it('prefers embedded models, refuses hub ids offline, allows them with opt-in', () => {
    expect(resolveModelSource('target', manifest)).toMatchObject({ kind: 'embedded' });
    expect(() => resolveModelSource('Xenova/gpt2', manifest)).toThrow(expect.objectContaining({ code: 'REMOTE_DISABLED', message: expect.stringContaining('Offline: hub model Xenova/gpt2 cannot be fetched') }));
    expect(resolveModelSource('Xenova/gpt2', manifest, { allowRemote: true })).toEqual({ kind: 'hub', id: 'Xenova/gpt2' });
    expect(() => resolveModelSource('nope', manifest)).toThrow(expect.objectContaining({ code: 'MODEL_NOT_FOUND', message: expect.stringContaining('available: target') }));
  });
});
