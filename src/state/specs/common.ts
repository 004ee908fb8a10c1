// Fields every module spec carries, so a run is reproducible from its spec alone: seed, backend preference, and
// the identity (id + revision + sha256) of models and data.
import { z } from 'zod';

export const backendPreference = z.enum(['auto', 'webgpu', 'wasm']).default('auto');

export const seed = z.number().int().default(1234);

export const modelRef = z.object({
  id: z.string().min(1).max(200),
  revision: z.string().max(80).default('embedded'),
  sha256: z.string().regex(/^[0-9a-f]{64}$/).optional(),
});

export const dataRef = z.object({
  id: z.string().min(1).max(200),
  sha256: z.string().regex(/^[0-9a-f]{64}$/).optional(),
});

export type ModelRef = z.infer<typeof modelRef>;
export type DataRef = z.infer<typeof dataRef>;
