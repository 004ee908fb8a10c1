// The audit-gap report on the page: the flags first (never merged silently), then per property the access the
// instruments require against the access the evidence reached, its status, the fragile badge and the reason, with
// the mechanistic evidence the workbench could add next as one-click buttons that open the module pre-filled (each
// button's tooltip says what that evidence would show).
import type { AuditGapReport, Instrument, LedgerFlag, PropertyAssessment } from '../../core/assurance/types';
import { PROPERTIES } from '../../core/assurance/types';
import { classLabel } from './format';
import { nextEvidenceLink } from './nextLink';

const FLAG_TITLES: Record<LedgerFlag['kind'], string> = {
  'unknown-class': 'Unknown evidence class',
  'unknown-version': 'Unknown record version',
  'invalid-record': 'Invalid record',
  'run-missing': 'Run missing',
  'model-hash-mismatch': 'Model hash mismatch',
  'duplicate-id': 'Duplicate record id',
};

export function FlagList({ flags }: { flags: LedgerFlag[] }) {
  if (flags.length === 0) return <p className="ok" data-testid="report-no-flags">No flags: every record was read, its class and version are known, its run exists and model hashes agree.</p>;
  return (
    <div className="card error" role="alert" data-testid="report-flags">
      <h3>{flags.length} flag{flags.length === 1 ? '' : 's'}: these records are not merged into the assessment as if nothing were wrong</h3>
      <ul>
        {flags.map((f, i) => (
          <li key={`${f.kind}-${i}`} data-testid="report-flag" data-kind={f.kind}>
            <strong>{FLAG_TITLES[f.kind] ?? f.kind}</strong>: {f.detail}
            {f.recordIds.length > 0 && <span className="muted"> (records {f.recordIds.join(', ')})</span>}
          </li>
        ))}
      </ul>
    </div>
  );
}

function NextButtons({ p }: { p: PropertyAssessment }) {
  if (p.next.length === 0) return <span className="muted">—</span>;
  return (
    <>
      {p.next.map((n, i) => {
        const link = nextEvidenceLink(n);
        return (
          <div key={`${n.evidenceClass}-${i}`} className="next-evidence">
            <button
              data-testid="next-evidence-open" data-module={n.module} data-prefilled={link.prefilled ? 'yes' : 'no'} data-href={link.href}
              title={link.why ? `${n.why} (opens ${n.module} plain: ${link.why})` : n.why}
              onClick={() => { window.location.hash = link.href; }}
            >
              {classLabel(n.evidenceClass)} → {n.module}
            </button>
          </div>
        );
      })}
    </>
  );
}

export function AuditReport({ report, instruments }: { report: AuditGapReport; instruments: Instrument[] }) {
  const names = new Map(instruments.map((i) => [i.id, i.name]));
  const fragile = report.properties.filter((p) => p.fragile).length;
  return (
    <div className="card print-report" data-testid="audit-report">
      <h2>Audit-gap report</h2>
      <p className="muted">
        {report.models.length === 0 ? 'No model yet' : report.models.map((m) => `${m.id}${m.sha256 ? ` (sha256 ${m.sha256.slice(0, 12)}…)` : ''}`).join(', ')}
        {' · '}{report.records} record{report.records === 1 ? '' : 's'} · {fragile} fragile claim{fragile === 1 ? '' : 's'} · generated {report.generatedAt}
      </p>
      <FlagList flags={report.flags} />
      <table className="table" data-testid="report-properties">
        <thead><tr><th>property</th><th title="instruments of the inventory that require the property (hover a count for their names)">instruments</th><th>required access</th><th>achieved</th><th>status</th><th>reason</th><th className="no-print">next evidence</th></tr></thead>
        <tbody>
          {report.properties.map((p) => (
            <tr key={p.property} data-testid="report-property" data-property={p.property} data-status={p.status} data-fragile={p.fragile ? 'yes' : 'no'}>
              <td>{PROPERTIES[p.property]?.label ?? p.property}</td>
              <td title={p.instruments.map((i) => names.get(i) ?? i).join('\n')}>{p.instruments.length}</td>
              <td>{p.requiredAccess.join(', ') || '—'}</td>
              <td>{p.achievedAccess ?? 'none'}</td>
              <td>
                <span className={`badge badge-${p.status}`}>{p.status}</span>
                {p.fragile && <span className="badge badge-fragile" data-testid="fragile-badge">fragile</span>}
              </td>
              <td>{p.reason}</td>
              <td className="no-print"><NextButtons p={p} /></td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
