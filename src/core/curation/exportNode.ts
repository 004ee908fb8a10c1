// Node side of the curation export: writes exportDataset's files into a folder (through a temporary folder renamed
// into place, so an export is complete or absent) and hashes the models and source files the manifest lists.
import { createHash } from 'node:crypto';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { ExportFile } from './export';

export async function fileSha256(path: string): Promise<string> {
  return createHash('sha256').update(await readFile(path)).digest('hex');
}

/** sha256 of a model folder's weights: model.safetensors, else onnx/model.onnx. */
export async function modelSha256(folder: string): Promise<string> {
  for (const f of ['model.safetensors', join('onnx', 'model.onnx')]) {
    try {
      return await fileSha256(join(folder, f));
    } catch {
      // next candidate
    }
  }
  throw new Error(`${folder}: no model.safetensors or onnx/model.onnx to hash`);
}

/** Writes the files under `folder` (replacing an earlier export there). */
export async function writeCurationExport(folder: string, files: readonly ExportFile[]): Promise<void> {
  const tmp = `${folder}.tmp-${process.pid}`;
  await rm(tmp, { recursive: true, force: true });
  for (const f of files) {
    await mkdir(dirname(join(tmp, f.path)), { recursive: true });
    await writeFile(join(tmp, f.path), f.text);
  }
  await rm(folder, { recursive: true, force: true });
  await mkdir(dirname(folder), { recursive: true });
  await rename(tmp, folder);
}
