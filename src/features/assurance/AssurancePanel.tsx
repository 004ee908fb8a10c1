// The assurance page (#/assurance): the evidence ledger stored in this browser (src/state/evidenceStore.ts), listed by
// model, class and access level; the audit-gap report for the model chosen (or all) against the instrument inventory
// (data/assurance/instruments.json); the incentive gradient; exports; and the Annex IV-style section. It reads the
// history only to know which saved runs still exist (a deleted one makes its evidence `run-missing`, never deleted).
import { useCallback, useEffect, useMemo, useState } from 'react';
import rawInventory from '../../../data/assurance/instruments.json';
import { parseInventory } from '../../core/assurance/inventory';
import { buildAuditGapReport } from '../../core/assurance/report';
import type { EvidenceRecord, Instrument } from '../../core/assurance/types';
import { evidenceStore } from '../../state/evidenceStoreContext';
import type { StoredFlag } from '../../state/evidenceStore';
import { historyStore } from '../../app/historyContext';
import type { FeaturePanelProps } from '../../app/featureTypes';
import { AnnexSection } from './AnnexSection';
import { AuditReport } from './AuditReport';
import { EvidenceTable } from './EvidenceTable';
import { ExportBar } from './ExportBar';
import { IncentiveChart } from './IncentiveChart';
import './assurance.css';

/** The inventory is data shipped with the build: read once, and a bad row is an error shown on the page. */
function loadInventory(): { instruments: Instrument[]; error?: string } {
  try {
    return { instruments: parseInventory(rawInventory) };
  } catch (e) {
    return { instruments: [], error: e instanceof Error ? e.message : String(e) };
  }
}
const INVENTORY = loadInventory();

interface Loaded {
  records: EvidenceRecord[];
  flags: StoredFlag[];
  historyIds: Set<string>;
}

/** Import flags for the model shown: those naming one of its records, and those whose records could not be stored (their model is unknown). */
function flagsFor(flags: StoredFlag[], records: EvidenceRecord[], model: string): StoredFlag[] {
  if (!model) return flags;
  const modelOf = new Map(records.map((r) => [r.id, r.model.id]));
  return flags.filter((f) => f.recordIds.length === 0 || f.recordIds.some((id) => modelOf.get(id) === model || !modelOf.has(id)));
}

export function AssurancePanel(_props: FeaturePanelProps) {
  const [loaded, setLoaded] = useState<Loaded>();
  const [model, setModel] = useState('');
  const [error, setError] = useState<string>();

  const refresh = useCallback(async () => {
    try {
      const [records, flags, history] = await Promise.all([evidenceStore().list(), evidenceStore().flags(), historyStore().list()]);
      setLoaded({ records, flags, historyIds: new Set(history.map((h) => h.id)) });
    } catch (e) {
      setError(`The evidence ledger could not be read from IndexedDB: ${e instanceof Error ? e.message : String(e)}`);
    }
  }, []);
  useEffect(() => { void refresh(); }, [refresh]);

  const models = useMemo(() => [...new Set((loaded?.records ?? []).map((r) => r.model.id))].sort(), [loaded]);
  const shown = useMemo(() => (loaded?.records ?? []).filter((r) => !model || r.model.id === model), [loaded, model]);
  const report = useMemo(() => loaded && buildAuditGapReport({
    records: loaded.records,
    instruments: INVENTORY.instruments,
    existingRunIds: loaded.historyIds,
    model: model || undefined,
    flags: flagsFor(loaded.flags, loaded.records, model),
  }), [loaded, model]);
  const flagKinds = useMemo(() => {
    const m = new Map<string, string[]>();
    for (const f of report?.flags ?? []) for (const id of f.recordIds) m.set(id, [...new Set([...(m.get(id) ?? []), f.kind])]);
    return m;
  }, [report]);

  return (
    <div data-testid="assurance-panel" data-state={loaded && report ? 'ready' : 'loading'} data-records={loaded?.records.length ?? 0}>
      <p className="muted no-print">
        Every run whose module emits evidence writes it here (IndexedDB <code>workbench-evidence</code>), linked to the run; the report weighs it
        against the {INVENTORY.instruments.length} governance instruments of the inventory.
      </p>
      {INVENTORY.error && <p className="card error" role="alert" data-testid="inventory-error">{INVENTORY.error}</p>}
      {error && <p className="card error" role="alert">{error}</p>}
      {loaded && report && (
        <>
          <div className="toolbar no-print">
            <label>model <select value={model} onChange={(e) => setModel(e.target.value)} data-testid="assurance-model">
              <option value="">all models ({models.length})</option>
              {models.map((m) => <option key={m} value={m}>{m}</option>)}
            </select></label>
            <button onClick={() => { if (window.confirm('Delete every evidence record stored in this browser?')) void evidenceStore().clear().then(refresh); }} data-testid="evidence-clear">Clear ledger</button>
          </div>
          <ExportBar report={report} records={shown} instruments={INVENTORY.instruments} scope={model || 'all-models'} onImported={() => void refresh()} />
          <AuditReport report={report} instruments={INVENTORY.instruments} />
          <IncentiveChart gradient={report.incentiveGradient} />
          <div className="no-print">
            <EvidenceTable records={shown} historyIds={loaded.historyIds} flagKinds={flagKinds} onDelete={(id) => void evidenceStore().remove(id).then(refresh)} />
          </div>
          <AnnexSection report={report} records={shown} />
        </>
      )}
    </div>
  );
}
