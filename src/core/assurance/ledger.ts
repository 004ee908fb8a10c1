// The evidence ledger's record and file formats: completing an emitter's draft into a record v1, reading records
// tolerantly (an unknown class or a newer version is flagged, never dropped or merged silently), and the ledger
// file that is exported and imported as JSON with a JSON Schema (public/schemas/evidence-ledger.v1.schema.json,
// generated from the zod schemas below so the two cannot drift). Pure: the IndexedDB store sits in the shell.
import { z } from 'zod';
import { InvalidEvidenceError, LedgerFileError } from './errors';
import {
  EVIDENCE_CLASSES, EVIDENCE_FORMAT, EVIDENCE_VERSION, LEDGER_FORMAT, LEDGER_VERSION, evidenceRecordSchema,
  type EvidenceDraft, type EvidenceRecord, type LedgerFlag,
} from './types';

/** Where the app serves the ledger's JSON Schema (public/ is served at the root). */
export const LEDGER_SCHEMA_PATH = '/schemas/evidence-ledger.v1.schema.json';
/** Ledger files above this size are refused before parsing (a tab would stall on them). */
export const LEDGER_MAX_BYTES = 20 * 1024 * 1024;

export const ledgerFileSchema = z.object({
  format: z.literal(LEDGER_FORMAT),
  version: z.number().int(),
  exportedAt: z.string(),
  /** URL or path of this JSON Schema */
  schema: z.string().optional(),
  records: z.array(evidenceRecordSchema),
}).strict();
export type LedgerFile = z.infer<typeof ledgerFileSchema>;

export function isKnownEvidenceClass(evidenceClass: string): evidenceClass is keyof typeof EVIDENCE_CLASSES {
  return Object.hasOwn(EVIDENCE_CLASSES, evidenceClass);
}

/** 128 random bits; getRandomValues (unlike randomUUID) also exists outside secure contexts. */
function newEvidenceId(): string {
  const bytes = globalThis.crypto.getRandomValues(new Uint8Array(16));
  return `ev-${Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('')}`;
}

function describeIssues(error: z.ZodError): string[] {
  return error.issues.map((issue) => `${issue.path.length ? issue.path.join('.') : '(record)'}: ${issue.message}`);
}

const definedOnly = <T extends object>(o: T | undefined): Partial<T> =>
  Object.fromEntries(Object.entries(o ?? {}).filter(([, v]) => v !== undefined)) as Partial<T>;

/**
 * Completes an emitter's draft into an evidence record v1: format, version, a fresh id, createdAt and the run
 * (the draft's own run fields, overridden by `run`, which the shell knows: module digest, link, history id).
 * Throws InvalidEvidenceError naming every bad field; an unknown evidence class is refused here too (emitters
 * only produce the classes of EVIDENCE_CLASSES; readers of foreign files flag them instead).
 */
export function completeEvidence(draft: EvidenceDraft, run: EvidenceRecord['run'], now = new Date()): EvidenceRecord {
  const candidate = {
    ...draft,
    format: EVIDENCE_FORMAT,
    version: EVIDENCE_VERSION,
    id: newEvidenceId(),
    createdAt: now.toISOString(),
    run: { ...definedOnly(draft.run), ...definedOnly(run) },
  };
  const parsed = evidenceRecordSchema.safeParse(candidate);
  const problems = parsed.success ? [] : describeIssues(parsed.error);
  if (!isKnownEvidenceClass(String(draft.evidenceClass))) {
    problems.push(`evidenceClass: "${String(draft.evidenceClass)}" is not one of ${Object.keys(EVIDENCE_CLASSES).join(', ')}`);
  }
  if (problems.length || !parsed.success) throw new InvalidEvidenceError(problems);
  return parsed.data;
}

/**
 * Reads one record from foreign JSON (an imported ledger, the IndexedDB store). Never throws: a record that
 * cannot be used comes back as a flag; a record of an unknown class comes back with a flag (kept, shown, but the
 * report does not count it towards any property).
 */
export function readEvidence(raw: unknown): { record?: EvidenceRecord; flag?: LedgerFlag } {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    return { flag: { kind: 'invalid-record', recordIds: [], detail: `not an evidence record (got ${Array.isArray(raw) ? 'an array' : typeof raw})` } };
  }
  const obj = raw as Record<string, unknown>;
  const recordIds = typeof obj.id === 'string' ? [obj.id] : [];
  const label = recordIds[0] ? `record ${recordIds[0]}` : 'a record without id';
  if (obj.format !== EVIDENCE_FORMAT) {
    return { flag: { kind: 'invalid-record', recordIds, detail: `${label}: format is ${JSON.stringify(obj.format)}, expected "${EVIDENCE_FORMAT}"` } };
  }
  if (obj.version !== EVIDENCE_VERSION) {
    return { flag: { kind: 'unknown-version', recordIds,
      detail: `${label}: evidence record version ${JSON.stringify(obj.version)} is not one this build reads (it reads ${EVIDENCE_VERSION}); update the workbench to read it` } };
  }
  const parsed = evidenceRecordSchema.safeParse(raw);
  if (!parsed.success) {
    return { flag: { kind: 'invalid-record', recordIds, detail: `${label}: ${describeIssues(parsed.error).join('; ')}` } };
  }
  const record = parsed.data;
  if (!isKnownEvidenceClass(record.evidenceClass)) {
    return { record, flag: { kind: 'unknown-class', recordIds,
      detail: `${label}: evidence class "${record.evidenceClass}" is unknown to this build; kept but not counted towards any property` } };
  }
  return { record };
}

/** The ledger file: records as stored, with the path of the JSON Schema that describes them. */
export function serialiseLedger(records: EvidenceRecord[], now = new Date()): string {
  const file: LedgerFile = { format: LEDGER_FORMAT, version: LEDGER_VERSION, exportedAt: now.toISOString(), schema: LEDGER_SCHEMA_PATH, records };
  return JSON.stringify(file, null, 2);
}

function utf8Length(text: string): number {
  // a UTF-16 code unit is at most 3 UTF-8 bytes, at least 1: only count exactly near the limit
  if (text.length > LEDGER_MAX_BYTES) return text.length;
  if (text.length * 3 <= LEDGER_MAX_BYTES) return text.length;
  return new TextEncoder().encode(text).length;
}

/**
 * Parses a ledger file. Refuses the whole file (LedgerFileError, nothing imported) when it is too large, not JSON,
 * not a ledger, or of a newer ledger version; problems of single records become flags and the rest is imported.
 * Of records sharing an id, the first is kept and the others are flagged `duplicate-id`.
 */
export function parseLedgerFile(text: string): { records: EvidenceRecord[]; flags: LedgerFlag[] } {
  const bytes = utf8Length(text);
  if (bytes > LEDGER_MAX_BYTES) {
    throw new LedgerFileError('LEDGER_TOO_LARGE', `The ledger file is ${(bytes / 1048576).toFixed(1)} MB, over the ${LEDGER_MAX_BYTES / 1048576} MB limit`,
      'Export the evidence of fewer models or runs and import the files one by one.');
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new LedgerFileError('LEDGER_NOT_JSON', `The ledger file is not JSON (${(e as Error).message})`,
      'Choose a file exported from the assurance page (workbench-evidence-ledger JSON).');
  }
  const file = (typeof raw === 'object' && raw !== null && !Array.isArray(raw) ? raw : {}) as Record<string, unknown>;
  if (file.format !== LEDGER_FORMAT) {
    throw new LedgerFileError('LEDGER_WRONG_FORMAT', `The file's format is ${JSON.stringify(file.format)}, not "${LEDGER_FORMAT}"`,
      'Choose a file exported from the assurance page.');
  }
  if (typeof file.version !== 'number' || !Number.isInteger(file.version) || file.version < 1) {
    throw new LedgerFileError('LEDGER_WRONG_FORMAT', `The ledger's version ${JSON.stringify(file.version)} is not a positive integer`,
      'The file was altered or is damaged: export it again.');
  }
  if (file.version > LEDGER_VERSION) {
    throw new LedgerFileError('LEDGER_NEWER_VERSION', `The ledger is version ${file.version}; this build reads version ${LEDGER_VERSION}`,
      'Update the workbench to a build that reads this version.');
  }
  if (!Array.isArray(file.records)) {
    throw new LedgerFileError('LEDGER_WRONG_FORMAT', 'The ledger has no "records" array', 'The file was altered or is damaged: export it again.');
  }
  const records: EvidenceRecord[] = [];
  const flags: LedgerFlag[] = [];
  const seen = new Set<string>();
  const duplicates = new Set<string>();
  for (const raw of file.records) {
    const { record, flag } = readEvidence(raw);
    if (flag) flags.push(flag);
    if (!record) continue;
    if (seen.has(record.id)) {
      duplicates.add(record.id);
      continue;
    }
    seen.add(record.id);
    records.push(record);
  }
  if (duplicates.size) {
    flags.push({ kind: 'duplicate-id', recordIds: [...duplicates],
      detail: `${duplicates.size} id(s) occur more than once in the file; the first record of each was imported, the others were not` });
  }
  return { records, flags };
}

/** The JSON Schema of the ledger file, generated from the zod schemas (the committed file must equal it). */
export function ledgerJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(ledgerFileSchema.meta({
    title: 'Workbench evidence ledger v1',
    description: 'Evidence records emitted by the workbench\'s runs, exported from the assurance page (#/assurance). '
      + 'Generated from src/core/assurance/{types,ledger}.ts; evidenceClass values outside the known classes are read but flagged.',
  }));
  return { $id: LEDGER_SCHEMA_PATH, ...schema };
}
