// Which contract a user's TFM export follows: the sidecar JSON's "format" when given, else the ONNX graph's input
// names (TabPFN v2: X, y [, single_eval_pos, only_return_standard_out]; TabICL: X, y_train; the workbench contract:
// x_context, y_context, x_query). An export that matches none is refused with its real inputs named.
import type { z } from 'zod';
import { TeacherContractError } from '../../teachers/teacher';
import { tabiclConfigSchema, type TabiclConfig } from './tabicl';
import { tabpfnV2ConfigSchema, type TabpfnV2Config } from './tabpfnV2';

export const TFM_FORMATS = ['workbench-tfm-contract', 'tabpfn-v2', 'tabicl'] as const;
export type TfmFormat = (typeof TFM_FORMATS)[number];

const SIGNATURES: { format: TfmFormat; inputs: string[] }[] = [
  { format: 'workbench-tfm-contract', inputs: ['x_context', 'y_context', 'x_query'] },
  { format: 'tabicl', inputs: ['X', 'y_train'] },
  { format: 'tabpfn-v2', inputs: ['X', 'y'] },
];

/** Parses the sidecar text ('' = none) to an object; errors name the JSON problem. */
export function parseSidecar(text: string): Record<string, unknown> | undefined {
  if (!text.trim()) return undefined;
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new TeacherContractError(`The TFM sidecar JSON is not valid JSON (${e instanceof Error ? e.message : String(e)}).`);
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) throw new TeacherContractError('The TFM sidecar JSON must be an object such as {"format": "tabpfn-v2"}.');
  return json as Record<string, unknown>;
}

/** The format of an export from its sidecar's "format" or, without one, from the graph's input names. */
export function detectTfmFormat(inputNames: readonly string[], sidecar?: Record<string, unknown>): TfmFormat {
  if (sidecar && 'format' in sidecar) {
    const f = sidecar.format;
    if (typeof f === 'string' && (TFM_FORMATS as readonly string[]).includes(f)) return f as TfmFormat;
    throw new TeacherContractError(`Unknown TFM format ${JSON.stringify(f)} in the sidecar JSON; supported: ${TFM_FORMATS.map((x) => `"${x}"`).join(', ')}.`);
  }
  const have = new Set(inputNames);
  const hit = SIGNATURES.find((s) => s.inputs.every((n) => have.has(n)));
  if (hit) return hit.format;
  throw new TeacherContractError(`Not a TFM export this workbench recognises: its inputs are ${inputNames.map((n) => `"${n}"`).join(', ')}. `
    + 'Supported: TabPFN v2 (X, y[, single_eval_pos, only_return_standard_out]), TabICL (X, y_train), or any model with a workbench contract JSON (x_context, y_context, x_query, renamable).');
}

function parseWith<S extends z.ZodTypeAny>(schema: S, json: Record<string, unknown>, label: string): z.infer<S> {
  const parsed = schema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new TeacherContractError(`The ${label} sidecar JSON is invalid at "${issue.path.join('.') || '(root)'}": ${issue.message}.`);
  }
  return parsed.data;
}

export const parseTabpfnV2Config = (json: Record<string, unknown> = {}): TabpfnV2Config =>
  parseWith(tabpfnV2ConfigSchema, { ...json, format: 'tabpfn-v2' }, 'TabPFN v2');

export const parseTabiclConfig = (json: Record<string, unknown> = {}): TabiclConfig =>
  parseWith(tabiclConfigSchema, { ...json, format: 'tabicl' }, 'TabICL');
