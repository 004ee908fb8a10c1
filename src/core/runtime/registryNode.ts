// Node-only side of the registry: computes manifest entries from model folders and writes models/manifest.json
// atomically (temp file + rename), so an interrupted forge never leaves a half-written manifest.
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readdir, readFile, rename, stat, writeFile } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { manifestSchema, parseManifest, type Manifest, type ManifestFile, type ManifestModel } from './registry';

async function sha256File(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

async function listFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const full = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await listFiles(full)));
    else if (entry.isFile()) out.push(full);
  }
  return out;
}

/** Lists every file of a model folder (sorted, '/'-separated) with its size and sha256. */
export async function manifestFilesFromFolder(folder: string): Promise<ManifestFile[]> {
  const files = (await listFiles(folder)).sort();
  return Promise.all(files.map(async (f) => ({
    path: relative(folder, f).split(sep).join('/'),
    size: (await stat(f)).size,
    sha256: await sha256File(f),
  })));
}

export async function readManifest(path: string): Promise<Manifest> {
  try {
    return parseManifest(JSON.parse(await readFile(path, 'utf8')));
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return { version: 1, models: [] };
    throw e;
  }
}

export async function writeManifest(path: string, manifest: Manifest): Promise<void> {
  const valid = manifestSchema.parse(manifest);
  const sorted = { ...valid, models: [...valid.models].sort((a, b) => a.id.localeCompare(b.id)) };
  const tmp = `${path}.${process.pid}.tmp`;
  await writeFile(tmp, `${JSON.stringify(sorted, null, 2)}\n`);
  await rename(tmp, path);
}

/**
 * Adds or replaces one model in `<modelsDir>/manifest.json`, hashing `<modelsDir>/<id>/`. `meta` carries
 * family and any extra fields (description, task, tokenizer family...).
 */
export async function updateManifest(modelsDir: string, id: string, meta: { family: string; description?: string; [extra: string]: unknown }): Promise<ManifestModel> {
  const path = join(modelsDir, 'manifest.json');
  const manifest = await readManifest(path);
  const entry: ManifestModel = { ...meta, id, files: await manifestFilesFromFolder(join(modelsDir, id)) };
  await writeManifest(path, { ...manifest, models: [...manifest.models.filter((m) => m.id !== id), entry] });
  return entry;
}
