// The EU AI Act Annex IV-style technical-documentation section, filled from the ledger by
// src/core/assurance/render.ts, shown as the Markdown it downloads as (what the user sees is what they file).
import { useMemo } from 'react';
import type { AuditGapReport, EvidenceRecord } from '../../core/assurance/types';
import { annexIVSection } from '../../core/assurance/render';

export function AnnexSection({ report, records }: { report: AuditGapReport; records: EvidenceRecord[] }) {
  const text = useMemo(() => annexIVSection(report, records), [report, records]);
  return (
    <div className="card print-report" data-testid="annex-iv">
      <h2>Annex IV-style technical documentation</h2>
      <pre className="annex-text" data-testid="annex-iv-text">{text}</pre>
    </div>
  );
}
