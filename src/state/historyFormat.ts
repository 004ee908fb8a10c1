// The history export file format and its validation. Import runs every entry's spec through the same
// migrate → defaults → clamp path as share links, so a file from an older workbench still loads and a bad file
// is refused with the entry and field that is wrong, before anything is written.
// An entry may carry its run record (src/core/experiments/record.ts): it is checked with the record's own reader
// (version, schema, digest of its results), and a bad record refuses the file like a bad spec.
import { z } from 'zod';
import { ExperimentError } from '../core/experiments/errors';
import { parseRunRecord, type RunRecord } from '../core/experiments/record';
import { isModuleId, type ModuleId } from './modules';
import { historySafeSpec } from './persistence';
import { restoreSpec } from './linkCodec';
import { LinkError } from './linkErrors';
import { specFor, type AnySpec } from './specs';

export const HISTORY_FORMAT = 'workbench-history';
export const HISTORY_FORMAT_VERSION = 1;
export const MAX_HISTORY_FILE_BYTES = 20 * 1024 * 1024;

export interface HistoryEntry {
  id: string;
  module: ModuleId;
  specVersion: number;
  spec: AnySpec;
  title: string;
  createdAt: string;
  /** small scalar results shown in the list (e.g. best AUC) */
  summary: Record<string, string | number>;
  /** digest of the full result, to check a re-run reproduces it */
  digest?: string;
  /** the run record (src/core/experiments/record.ts) when the run went through the experiment runner; older entries have none */
  record?: RunRecord;
}

const entrySchema = z.object({
  id: z.string().min(1).max(100),
  module: z.string(),
  specVersion: z.number().int().min(0),
  spec: z.record(z.string(), z.unknown()),
  title: z.string().max(300),
  createdAt: z.string().refine((s) => !Number.isNaN(Date.parse(s)), 'not a date'),
  summary: z.record(z.string(), z.union([z.string().max(500), z.number()])).default({}),
  digest: z.string().max(128).optional(),
  record: z.unknown().optional(),
});

const fileSchema = z.object({
  format: z.literal(HISTORY_FORMAT),
  version: z.number().int(),
  entries: z.array(z.unknown()),
});

export class HistoryImportError extends Error {
  constructor(detail: string) {
    super(`History file refused: ${detail}. Nothing was imported.`);
    this.name = 'HistoryImportError';
  }
}

export function serialiseHistory(entries: HistoryEntry[]): string {
  return JSON.stringify({ format: HISTORY_FORMAT, version: HISTORY_FORMAT_VERSION, exportedAt: new Date().toISOString(), entries }, null, 2);
}

/** Parses and validates an export file; throws HistoryImportError naming the first problem. */
export function parseHistoryFile(text: string): HistoryEntry[] {
  if (text.length > MAX_HISTORY_FILE_BYTES) throw new HistoryImportError(`the file is ${(text.length / 1e6).toFixed(1)} MB, over the 20 MB limit`);
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new HistoryImportError(`it is not valid JSON (${e instanceof Error ? e.message : String(e)})`);
  }
  const file = fileSchema.safeParse(json);
  if (!file.success) throw new HistoryImportError(`it is not a workbench history export (${file.error.issues[0].path.join('.') || 'root'}: ${file.error.issues[0].message})`);
  if (file.data.version > HISTORY_FORMAT_VERSION) throw new HistoryImportError(`it was written by a newer workbench (format version ${file.data.version})`);
  return file.data.entries.map((raw, i) => {
    const parsed = entrySchema.safeParse(raw);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new HistoryImportError(`entry ${i}: ${issue.path.join('.') || '(entry)'}: ${issue.message}`);
    }
    const e = parsed.data;
    if (!isModuleId(e.module)) throw new HistoryImportError(`entry ${i}: unknown module "${e.module}"`);
    let spec: AnySpec;
    try {
      spec = historySafeSpec(e.module, restoreSpec(e.module, e.spec, e.specVersion));
    } catch (err) {
      throw new HistoryImportError(`entry ${i} (${e.module}): ${err instanceof LinkError ? err.message.replace(/^Share link refused /, '') : String(err)}`);
    }
    let record: RunRecord | undefined;
    if (e.record !== undefined) {
      try {
        record = parseRunRecord(e.record);
      } catch (err) {
        throw new HistoryImportError(`entry ${i} (${e.module}): run record: ${err instanceof ExperimentError ? err.message.replace(/^Experiment refused /, '') : String(err)}`);
      }
      if (record.experiment.module !== e.module) throw new HistoryImportError(`entry ${i}: its run record is of module "${record.experiment.module}", the entry of "${e.module}"`);
    }
    const { record: _raw, ...rest } = e;
    return { ...rest, module: e.module, specVersion: specFor(e.module)?.version ?? e.specVersion, spec, ...(record ? { record } : {}) };
  });
}
