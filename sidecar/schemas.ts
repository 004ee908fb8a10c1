// Request bodies of the sidecar's job endpoints (zod). Paths are workspace-relative strings; they are
// resolved and confined by Workspace before any file is touched.

import { z } from 'zod';

const rel = z.string().min(1).max(1024);
const blocksize = z.union([z.literal(64), z.literal(128), z.literal(256), z.literal(512), z.literal(1024), z.literal(2048), z.literal(4096)]).default(64);
const quant = z.enum(['nf4', 'fp4']).default('nf4');
/** A circuit is a workspace path to an EAP-IG Graph.to_json file, or the same JSON inline. */
const circuitFields = { circuit: rel.optional(), circuitJson: z.record(z.string(), z.unknown()).optional() };
/** Write onnx/model.onnx for the edited weights where the family table and the size limit allow (tasks/output.ts). */
const onnx = z.boolean().default(true);

export const CDeltaBody = z.object({
  base: rel,
  aligned: rel,
  target: rel.optional(),
  ...circuitFields,
  outputs: z.array(z.object({ strength: z.number(), path: rel })).min(1).max(8),
  nHeads: z.number().int().positive().optional(),
  onnx,
}).strict();

export const SurvivalBody = z.object({
  base: rel,
  edited: rel,
  quant,
  blocksize,
  output: rel.refine((p) => p.endsWith('.json'), 'the survival report output must be a .json path'),
}).strict();

export const MansuBody = z.object({
  base: rel,
  edited: rel,
  stats: rel.optional(),
  ...circuitFields,
  nHeads: z.number().int().positive().optional(),
  fisher: z.object({ mode: z.enum(['zero', 'downweight']), threshold: z.number().nonnegative().optional(), lambda: z.number().nonnegative().optional() }).strict().optional(),
  covariance: z.object({ topK: z.number().int().positive().max(4096) }).strict().optional(),
  floor: z.boolean().default(true),
  quant,
  blocksize,
  output: rel,
  onnx,
}).strict();

export type CDeltaBodyT = z.infer<typeof CDeltaBody>;
export type SurvivalBodyT = z.infer<typeof SurvivalBody>;
export type MansuBodyT = z.infer<typeof MansuBody>;
