// The evidence list: every stored record, filtered by class and access level (the model is chosen above, shared with
// the report), grouped by model, class or access, each row linking to the run it came from and to its history
// entry when the run was saved. Pure props → view; the filter and grouping are local interaction state.
import { useMemo, useState } from 'react';
import { ACCESS_LEVELS, type AccessLevel, type EvidenceRecord } from '../../core/assurance/types';
import { classLabel, metricText, shortHash } from './format';

export type GroupBy = 'model' | 'class' | 'access';

interface Props {
  records: EvidenceRecord[];
  /** ids of the history entries that still exist */
  historyIds: Set<string>;
  /** flag kinds per record id, from the report */
  flagKinds: Map<string, string[]>;
  onDelete: (id: string) => void;
}

function groupKey(r: EvidenceRecord, by: GroupBy): string {
  if (by === 'model') return r.model.id;
  if (by === 'class') return classLabel(r.evidenceClass);
  return r.access;
}

function RunLinks({ r, historyIds }: { r: EvidenceRecord; historyIds: Set<string> }) {
  const h = r.run.historyId;
  return (
    <>
      {r.run.link?.startsWith('#/') ? <a href={r.run.link} data-testid="evidence-run-link">open run</a> : <span className="muted">{r.run.module} (no link)</span>}
      {h && historyIds.has(h) && <> · <a href={`#/history?entry=${encodeURIComponent(h)}`} data-testid="evidence-history-link" title={`history entry ${h}`}>saved</a></>}
      {h && !historyIds.has(h) && <> · <span className="error" data-testid="evidence-history-gone">history entry deleted</span></>}
      {r.run.digest && <div className="muted">digest {shortHash(r.run.digest)}</div>}
    </>
  );
}

export function EvidenceTable({ records, historyIds, flagKinds, onDelete }: Props) {
  const [evidenceClass, setEvidenceClass] = useState('');
  const [access, setAccess] = useState<AccessLevel | ''>('');
  const [groupBy, setGroupBy] = useState<GroupBy>('model');
  const classes = useMemo(() => [...new Set(records.map((r) => r.evidenceClass))].sort(), [records]);
  const groups = useMemo(() => {
    const shown = records.filter((r) => (!evidenceClass || r.evidenceClass === evidenceClass) && (!access || r.access === access));
    const map = new Map<string, EvidenceRecord[]>();
    for (const r of shown) map.set(groupKey(r, groupBy), [...(map.get(groupKey(r, groupBy)) ?? []), r]);
    return [...map.entries()].sort(([a], [b]) => a.localeCompare(b));
  }, [records, evidenceClass, access, groupBy]);

  return (
    <div className="card" data-testid="evidence-list">
      <h2>Evidence ({records.length})</h2>
      <div className="toolbar">
        <label>class <select value={evidenceClass} onChange={(e) => setEvidenceClass(e.target.value)} data-testid="evidence-filter-class">
          <option value="">all</option>
          {classes.map((c) => <option key={c} value={c}>{classLabel(c)}</option>)}
        </select></label>
        <label>access <select value={access} onChange={(e) => setAccess(e.target.value as AccessLevel | '')} data-testid="evidence-filter-access">
          <option value="">all</option>
          {ACCESS_LEVELS.map((a) => <option key={a} value={a}>{a}</option>)}
        </select></label>
        <label>group by <select value={groupBy} onChange={(e) => setGroupBy(e.target.value as GroupBy)} data-testid="evidence-group-by">
          <option value="model">model</option><option value="class">class</option><option value="access">access level</option>
        </select></label>
      </div>
      {records.length === 0 && <p data-testid="evidence-empty">No evidence yet: run a module (its results write evidence here) or import a ledger file.</p>}
      {groups.map(([key, rows]) => (
        <div key={key} data-testid="evidence-group" data-group={key}>
          <h3>{key} <span className="muted">({rows.length})</span></h3>
          <table className="table">
            <thead><tr><th>class</th><th>access</th><th>model</th><th>scope</th><th>metrics (95 % CI)</th><th>run</th><th>flags</th><th /></tr></thead>
            <tbody>
              {rows.map((r) => (
                <tr key={r.id} data-testid="evidence-row" data-record-id={r.id} data-class={r.evidenceClass} data-access={r.access}>
                  <td>{classLabel(r.evidenceClass)}</td>
                  <td>{r.access}</td>
                  <td>{r.model.id}<div className="muted">sha256 {shortHash(r.model.sha256)}</div></td>
                  <td>{r.scope.behaviour}{r.scope.suite && <div className="muted">{r.scope.suite}</div>}<div className="muted">n = {r.scope.sampleSize} · {r.scope.properties.join(', ')}</div></td>
                  <td>{r.metrics.map((m) => <div key={m.name}>{metricText(m)}</div>)}</td>
                  <td><RunLinks r={r} historyIds={historyIds} /></td>
                  <td data-testid="evidence-row-flags">{(flagKinds.get(r.id) ?? []).map((k) => <span key={k} className="badge badge-flag">{k}</span>)}</td>
                  <td><button onClick={() => onDelete(r.id)} data-testid="evidence-delete">Delete</button></td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ))}
    </div>
  );
}
