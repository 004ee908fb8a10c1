// Test helper for the emitter tests: completes a draft the way the shell does (the ledger's completeEvidence:
// format, version, id, date, run link, parsed by the record schema, class checked), so a draft that would not be a
// valid evidence record fails its test; and checks that the draft declares its class's own access level.
import { completeEvidence } from '../ledger';
import { EVIDENCE_CLASSES, type EvidenceDraft, type EvidenceRecord } from '../types';

export function completeDraft(d: EvidenceDraft): EvidenceRecord {
  const record = completeEvidence(d, { module: d.module, link: `#/${d.module}` }, new Date('2026-12-06T00:00:00Z'));
  const known = EVIDENCE_CLASSES[record.evidenceClass as keyof typeof EVIDENCE_CLASSES];
  if (known.access !== record.access) throw new Error(`${record.evidenceClass} is ${known.access} evidence, the draft says ${record.access}`);
  return record;
}

export const completeAll = (ds: readonly EvidenceDraft[]): EvidenceRecord[] => ds.map((d) => completeDraft(d));
