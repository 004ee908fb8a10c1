// An output model folder built under a temp name next to its final path and published by one rename once
// every shard, the index, the side files and the manifest are written and fsynced. Until then nothing
// exists under the final name; a cancel or error removes the temp folder, a crash leaves it for the
// start-up sweep.

import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { CheckpointWriter, type Checkpoint, type FileDigest } from '../checkpoint';
import { fsyncPath, partialPath, publish } from '../fileio';

export const MANIFEST_FILE = 'edit-manifest.json';

export class OutputFolder {
  private constructor(readonly finalPath: string, readonly tempPath: string, readonly writer: CheckpointWriter) {}

  static async create(primary: Checkpoint, finalPath: string, jobId: string, metadata: Record<string, string>): Promise<OutputFolder> {
    const tempPath = partialPath(finalPath, jobId);
    return new OutputFolder(finalPath, tempPath, await CheckpointWriter.create(primary, tempPath, metadata));
  }

  /** Finishes the weights, writes the manifest built from their digests, and publishes the folder. */
  async commit(manifest: (files: FileDigest[]) => unknown): Promise<{ files: FileDigest[]; manifest: unknown }> {
    const files = await this.writer.finish();
    const m = manifest(files);
    const mp = join(this.tempPath, MANIFEST_FILE);
    await writeFile(mp, JSON.stringify(m, null, 2));
    await fsyncPath(mp);
    await fsyncPath(this.tempPath);
    await publish(this.tempPath, this.finalPath);
    return { files, manifest: m };
  }

  async discard(): Promise<void> {
    await this.writer.abort();
    await rm(this.tempPath, { recursive: true, force: true });
  }
}
