// Result digest for share links: what a re-run must reproduce. Edited checkpoints are compared by the sha256 of
// their tensor files (edit-manifest.json carries a timestamp and job id, so it is left out); a survival report
// by its overall counts, since the report file itself also carries a timestamp.
import { sha256Hex } from '../../core/runtime/loaders';
import type { EditManifest, FileDigest } from './sidecarTypes';

const MANIFEST_FILE = 'edit-manifest.json';

function filesLine(files: FileDigest[]): string {
  return files.filter((f) => f.name !== MANIFEST_FILE).map((f) => `${f.name}:${f.sha256}`).sort().join('\n');
}

export async function resultDigest(manifest: EditManifest): Promise<string> {
  const canonical = manifest.kind === 'survival' ? JSON.stringify(manifest.overall) : filesLine(manifest.output.files);
  return sha256Hex(new TextEncoder().encode(canonical));
}
