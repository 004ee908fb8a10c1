// Edits spec: which sidecar job, on which workspace checkpoints, with which strength and quantization format.
// Paths are relative to the sidecar's workspace; the sidecar token never enters a spec (see persistence.ts).
import { z } from 'zod';
import { seed } from './common';
import { clampInt, clampNumber, type SpecDefinition } from './types';

const relPath = z.string().max(500).default('');

const schema = z.object({
  seed,
  job: z.enum(['cdtheta', 'survival', 'mansu']).default('cdtheta'),
  base: relPath,
  aligned: relPath,
  target: relPath,
  circuit: relPath,
  output: relPath,
  strength: z.number().default(1),
  quant: z.enum(['nf4', 'fp4']).default('nf4'),
  blockSize: z.number().int().default(64),
  floorMargin: z.number().default(0.05),
});

export type EditsSpec = z.infer<typeof schema>;

export const editsSpec: SpecDefinition<EditsSpec> = {
  module: 'edits',
  version: 1,
  schema,
  migrations: {},
  clamp: (s) => ({
    ...s,
    strength: clampNumber(s.strength, -8, 8),
    blockSize: [32, 64, 128, 256].includes(s.blockSize) ? s.blockSize : 64,
    floorMargin: clampNumber(s.floorMargin, 0, 1),
    seed: clampInt(s.seed, 0, 2 ** 31 - 1),
  }),
};
