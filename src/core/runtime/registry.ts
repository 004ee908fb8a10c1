// models/manifest.json: the list of embedded models with file sizes and sha256 (written by the forge through
// registryNode.ts, read by the loaders). Sizes give the progress bar its fixed total; hashes catch stale caches.
import { z } from 'zod';
import { CorruptModelError, ModelNotFoundError, RemoteDisabledError } from './errors';

const safePath = z.string().min(1)
  .refine((p) => !p.startsWith('/') && !p.split('/').includes('..') && !p.includes('\\'), 'must be a relative path inside the model folder');

export const manifestFileSchema = z.object({
  path: safePath,
  size: z.number().int().nonnegative(),
  sha256: z.string().regex(/^[0-9a-f]{64}$/, 'lower-case hex sha256'),
});

export const manifestModelSchema = z.looseObject({
  id: z.string().regex(/^[a-z0-9][a-z0-9._-]*$/, 'lower-case id: letters, digits, . _ -'),
  /** e.g. 'gpt2' (byte-level BPE), 'llama' (metaspace), 'tfm', 'judge'. */
  family: z.string().min(1),
  description: z.string().optional(),
  files: z.array(manifestFileSchema).min(1),
});

export const manifestSchema = z.object({
  version: z.literal(1).default(1),
  models: z.array(manifestModelSchema),
}).refine((m) => new Set(m.models.map((x) => x.id)).size === m.models.length, 'model ids must be unique');

export type ManifestFile = z.infer<typeof manifestFileSchema>;
export type ManifestModel = z.infer<typeof manifestModelSchema>;
export type Manifest = z.infer<typeof manifestSchema>;

export function parseManifest(json: unknown): Manifest {
  const r = manifestSchema.safeParse(json);
  if (!r.success) throw new CorruptModelError('models/manifest.json', r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '));
  return r.data;
}

export function findModel(manifest: Manifest, id: string): ManifestModel {
  const m = manifest.models.find((x) => x.id === id);
  if (!m) throw new ModelNotFoundError(id, `not in models/manifest.json (available: ${manifest.models.map((x) => x.id).join(', ') || 'none'})`);
  return m;
}

export type ModelSource = { kind: 'embedded'; model: ManifestModel } | { kind: 'hub'; id: string };

/**
 * Embedded ids win; anything else that looks like a hub id ('org/name') is remote and needs the user's opt-in.
 * Offline is the default because no model can be downloaded on CI or in this project's sandbox.
 */
export function resolveModelSource(id: string, manifest: Manifest, options: { allowRemote?: boolean } = {}): ModelSource {
  const embedded = manifest.models.find((x) => x.id === id);
  if (embedded) return { kind: 'embedded', model: embedded };
  if (!/^[\w.-]+\/[\w.-]+$/.test(id)) return { kind: 'embedded', model: findModel(manifest, id) };
  if (!options.allowRemote) throw new RemoteDisabledError(id);
  return { kind: 'hub', id };
}
