// Edits spec: which sidecar job, on which workspace checkpoints, with which strength and quantization format.
// Paths are relative to the sidecar's workspace; the sidecar token never enters a spec (see persistence.ts).
// Field roles per job (kept from the first v1 links, whose golden fixtures must keep decoding unchanged):
//   cdtheta  — base, aligned, target (defaults to base), circuit, output folder, strength
//   survival — base = checkpoint before the edit, target = the edited checkpoint, output = report (.json),
//              quant, blockSize
//   mansu    — base, target = the edited (unlearned) checkpoint, circuit (optional), output folder, quant,
//              blockSize (circuit mask + magnitude floor; Fisher/covariance statistics are not in the spec yet)
// floorMargin stays only so v1 links decode: the sidecar's magnitude floor moves each update to the first
// representable value past the 4-bit decision threshold and has no margin knob, so the panel never sends it.
import { z } from 'zod';
import { seed } from './common';
import { clampInt, clampNumber, type SpecDefinition } from './types';

const relPath = z.string().max(500).default('');

/** Block sizes the sidecar accepts (bitsandbytes quantize_4bit). */
export const EDIT_BLOCK_SIZES = [64, 128, 256, 512, 1024, 2048, 4096] as const;

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
    blockSize: (EDIT_BLOCK_SIZES as readonly number[]).includes(s.blockSize) ? s.blockSize : 64,
    floorMargin: clampNumber(s.floorMargin, 0, 1),
    seed: clampInt(s.seed, 0, 2 ** 31 - 1),
  }),
};
