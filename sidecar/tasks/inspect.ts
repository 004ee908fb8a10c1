// What GET /api/checkpoints/inspect answers: architecture, files, tensors, parameter count. It parses every
// header (up to 100 MB of JSON each), so the sidecar runs it on a worker thread (see ../offThread.ts).

import { detectFamily } from '../../src/core/edits/archMap';
import { numel } from '../../src/core/edits/safetensors';
import { closeCheckpoint, openCheckpoint } from '../checkpoint';
import type { InputRef } from './common';

export async function inspectCheckpoint(ref: InputRef): Promise<Record<string, unknown>> {
  const ck = await openCheckpoint(ref.abs, ref.rel);
  try {
    const tensors = ck.tensors.map((t) => ({ name: t.name, dtype: t.dtype, shape: t.shape, bytes: t.end - t.begin, file: ck.files[t.file].name }));
    return {
      path: ref.rel, kind: ck.kind, arch: detectFamily(ck.tensors.map((t) => t.name)),
      files: ck.files.map((f) => ({ name: f.name, bytes: f.source.size, metadata: f.header.metadata })),
      params: ck.tensors.reduce((s, t) => s + numel(t.shape), 0), config: ck.config ?? null, tensors,
    };
  } finally {
    await closeCheckpoint(ck);
  }
}
