// Test helper for the emitter tests: completes a draft the way the ledger does (format, version, id, date, run
// link) and parses it with the record schema, so a draft that would not be a valid evidence record fails its test.
import { EVIDENCE_CLASSES, EVIDENCE_FORMAT, EVIDENCE_VERSION, evidenceRecordSchema, type EvidenceDraft, type EvidenceRecord } from '../types';

export function completeDraft(d: EvidenceDraft, i = 0): EvidenceRecord {
  const record = evidenceRecordSchema.parse({
    format: EVIDENCE_FORMAT, version: EVIDENCE_VERSION, id: `test-${i}`, createdAt: '2026-12-06T00:00:00.000Z',
    ...d, run: { module: d.module, ...d.run },
  });
  // the schema keeps the class open (the ledger flags unknown ones); an emitter must use a known class at its access
  const known = EVIDENCE_CLASSES[record.evidenceClass as keyof typeof EVIDENCE_CLASSES];
  if (!known) throw new Error(`unknown evidence class ${record.evidenceClass}`);
  if (known.access !== record.access) throw new Error(`${record.evidenceClass} is ${known.access} evidence, the draft says ${record.access}`);
  return record;
}

export const completeAll = (ds: readonly EvidenceDraft[]): EvidenceRecord[] => ds.map((d, i) => completeDraft(d, i));

