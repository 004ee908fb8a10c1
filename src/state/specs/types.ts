// A module's experiment spec: a versioned zod schema plus migrations from older versions and a clamp step.
// Decoding is tolerant in the excalidraw/tf-playground way: parse → migrate → fill defaults → clamp.
import type { z } from 'zod';
import type { ModuleId } from '../modules';

export type Migration = (old: Record<string, unknown>) => Record<string, unknown>;

export interface SpecDefinition<S extends Record<string, unknown>> {
  module: ModuleId;
  /** current spec version; links and history entries carry it */
  version: number;
  /** schema of the current version; every field has a default so `{}` parses to the default spec */
  schema: z.ZodType<S>;
  /** migrations[v] turns a version-v spec into version v+1 */
  migrations: Record<number, Migration>;
  /** brings values into their legal ranges after parsing (links may be hand-edited) */
  clamp: (spec: S) => S;
}

export function clampNumber(value: number, min: number, max: number): number {
  if (Number.isNaN(value)) return min;
  return Math.min(max, Math.max(min, value));
}

export function clampInt(value: number, min: number, max: number): number {
  return Math.round(clampNumber(value, min, max));
}
