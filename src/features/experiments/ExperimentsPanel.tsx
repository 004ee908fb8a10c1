// Experiments page (#/experiments): the runs in history that carry a run record, picked two or more at a time for
// the comparison (CompareView), each exportable as a run bundle (record + the input files this browser holds) and
// reproducible here; a bundle from another browser is imported into history and reproduced the same way.
// Reproduce re-runs the record through the experiment runners in this page (reproduce.ts with the browser host):
// ensembles and tabular run here (tabular in the main thread; the embedded TFM on ORT-web), inputs from the held
// artefacts or, after a reload, from what the app serves (sample datasets, embedded models).
// Below the runs: training an embedded model in this browser (TrainPanel.tsx).
import { useCallback, useEffect, useState } from 'react';
import type { FeaturePanelProps } from '../../app/featureTypes';
import { historyStore } from '../../app/historyContext';
import { browserBackendHost } from '../../core/experiments/backends/hosts';
import { ExperimentError } from '../../core/experiments/errors';
import type { RunRecord } from '../../core/experiments/record';
import { reproduce, type ReproduceOutcome } from '../../core/experiments/reproduce';
import type { InputRef } from '../../core/experiments/runner';
import type { HistoryEntry } from '../../state/historyFormat';
import { SPEC_CATALOGUE, workbenchRunners } from '../../state/experiments';
import { artefactFor, artefactLoader, BundleError, parseBundle, rememberArtefact, serialiseBundle } from './bundle';
import { CompareView } from './CompareView';
import { fetchServedInput } from './tabularRecord';
import { SweepPanel } from './SweepPanel';
import { TrainPanel } from './TrainPanel';
import { runLabel } from './viewModel';

type RecordedEntry = HistoryEntry & { record: RunRecord };
type Message = { kind: 'ok' | 'error'; text: string; remedy?: string; errorKind?: string };
type Reproduction = { status: 'running' } | { status: 'done'; outcome: ReproduceOutcome } | { status: 'error'; message: string };

function describeOutcome(o: ReproduceOutcome): string {
  if (o.same) return `Reproduced: digest ${o.rerun.digest.slice(0, 12)}…${o.environment.length ? ` (environment differs: ${o.environment.map((c) => c.field).join(', ')})` : ''}`;
  const parts = [
    o.spec.length ? `spec ${o.spec.join(', ')}` : '',
    o.inputs.length ? `inputs ${o.inputs.map((i) => i.id).join(', ')}` : '',
    o.digest ? `digest ${o.digest.recorded.slice(0, 12)}… → ${o.digest.now.slice(0, 12)}…${o.resultPaths.length ? ` (first at ${o.resultPaths.slice(0, 3).join(', ')})` : ''}` : '',
  ].filter(Boolean);
  return `Differs: ${parts.join('; ')}`;
}

function download(text: string, name: string) {
  const a = document.createElement('a');
  a.href = URL.createObjectURL(new Blob([text], { type: 'application/json' }));
  a.download = name;
  a.click();
  setTimeout(() => URL.revokeObjectURL(a.href), 1000);
}

export function ExperimentsPanel({ onResult }: FeaturePanelProps) {
  const [entries, setEntries] = useState<RecordedEntry[]>();
  const [picked, setPicked] = useState<string[]>([]);
  const [message, setMessage] = useState<Message>();
  const [reproductions, setReproductions] = useState<Record<string, Reproduction>>({});

  const refresh = useCallback(async () => {
    const all = await historyStore().list();
    setEntries(all.filter((e): e is RecordedEntry => Boolean(e.record)));
  }, []);
  useEffect(() => { void refresh(); }, [refresh]);

  const toggle = (id: string) => setPicked((p) => (p.includes(id) ? p.filter((x) => x !== id) : [...p, id]));

  const exportBundle = (e: RecordedEntry) => {
    try {
      const text = serialiseBundle(e.record, e.title, (input) => artefactFor(input));
      download(text, `run-${e.record.experiment.module}-seed${e.record.seed}-${e.record.digest.slice(0, 8)}.json`);
      setMessage({ kind: 'ok', text: `Exported ${e.title} (${(text.length / 1024).toFixed(1)} kB).` });
    } catch (err) {
      setMessage(errorMessage(err));
    }
  };

  const importBundle = async (file: File | undefined) => {
    if (!file) return;
    try {
      // everything is checked before anything is written: a refused bundle leaves history as it was
      const bundle = parseBundle(await file.text());
      for (const a of bundle.artefacts) rememberArtefact(a.bytes, a.sha256);
      const entry = await historyStore().addRecord(bundle.record, `${bundle.title} (imported)`);
      setMessage({ kind: 'ok', text: `Imported ${file.name}: ${bundle.artefacts.length} artefact(s)${bundle.missing.length ? `; missing ${bundle.missing.map((m) => m.id).join(', ')} (provide them to reproduce)` : ''}.` });
      await refresh();
      setPicked((p) => [...p, entry.id]);
    } catch (err) {
      setMessage(errorMessage(err));
    }
  };

  const runReproduce = async (e: RecordedEntry) => {
    setReproductions((r) => ({ ...r, [e.id]: { status: 'running' } }));
    try {
      // inputs: the artefacts this page holds, else what the app serves itself (embedded models, sample datasets)
      const held = artefactLoader(e.record);
      const loadInput = async (ref: InputRef) => {
        try {
          return await held(ref);
        } catch (missing) {
          const served = await fetchServedInput(ref).catch(() => undefined);
          if (!served) throw missing;
          return served;
        }
      };
      const outcome = await reproduce(e.record, { runners: workbenchRunners(), catalogue: SPEC_CATALOGUE, host: browserBackendHost(), loadInput });
      setReproductions((r) => ({ ...r, [e.id]: { status: 'done', outcome } }));
    } catch (err) {
      const text = err instanceof ExperimentError ? `${err.message} ${err.remedy}` : err instanceof Error ? err.message : String(err);
      setReproductions((r) => ({ ...r, [e.id]: { status: 'error', message: text } }));
    }
  };

  const chosen = (entries ?? []).filter((e) => picked.includes(e.id));
  return (
    <div data-testid="experiments-page" data-state={entries ? 'ready' : 'loading'}>
      <p>Runs saved to history with their run record (spec, environment, input sha256s, results digest). Pick two or more to compare; export a run as a bundle for another browser.</p>
      <div className="toolbar">
        <label className="button">
          Import bundle
          <input type="file" accept="application/json,.json" hidden data-testid="bundle-file" onChange={(ev) => { void importBundle(ev.target.files?.[0]); ev.target.value = ''; }} />
        </label>
      </div>
      {message && (
        <p className={message.kind} role={message.kind === 'error' ? 'alert' : 'status'} data-testid="experiments-message" data-error-kind={message.errorKind}>
          {message.text}{message.remedy ? ` ${message.remedy}` : ''}
        </p>
      )}
      {entries && entries.length === 0 && <p data-testid="experiments-empty">No recorded runs yet: run Ensembles or Tabular and press "Save to history", or import a bundle.</p>}
      {entries && entries.length > 0 && (
        <table className="table" data-testid="runs-table">
          <thead><tr><th>compare</th><th>Saved</th><th>Module</th><th>Title</th><th>seed</th><th>digest</th><th /></tr></thead>
          <tbody>
            {entries.map((e) => {
              const rep = reproductions[e.id];
              return (
                <tr key={e.id} data-testid="run-row" data-entry-id={e.id} data-seed={e.record.seed}>
                  <td><input type="checkbox" checked={picked.includes(e.id)} onChange={() => toggle(e.id)} data-testid="run-pick" aria-label={`compare ${e.title}`} /></td>
                  <td>{new Date(e.createdAt).toLocaleString()}</td>
                  <td>{e.module}</td>
                  <td>{e.title}</td>
                  <td>{e.record.seed}</td>
                  <td><code>{e.record.digest.slice(0, 12)}…</code></td>
                  <td>
                    <button onClick={() => exportBundle(e)} data-testid="run-export">Export bundle</button>{' '}
                    <button onClick={() => void runReproduce(e)} disabled={rep?.status === 'running'} data-testid="run-reproduce">Reproduce</button>
                    {rep && (
                      <div data-testid="run-reproduction" className={rep.status === 'done' ? (rep.outcome.same ? 'ok' : 'error') : rep.status === 'error' ? 'error' : 'muted'}>
                        {rep.status === 'running' ? 'Re-running…' : rep.status === 'done' ? describeOutcome(rep.outcome) : rep.message}
                      </div>
                    )}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
      {chosen.length === 1 && <p className="muted">Pick one more run to compare.</p>}
      {chosen.length >= 2 && <CompareView records={chosen.map((e) => e.record)} labels={chosen.map((e) => runLabel(e.record, e.title))} />}
      <SweepPanel onLanded={() => void refresh()} />
      <TrainPanel onResult={onResult} />
    </div>
  );
}

function errorMessage(err: unknown): Message {
  if (err instanceof BundleError) return { kind: 'error', text: err.message, remedy: err.remedy, errorKind: err.kind };
  if (err instanceof ExperimentError) return { kind: 'error', text: err.message, remedy: err.remedy, errorKind: err.kind };
  return { kind: 'error', text: err instanceof Error ? err.message : String(err) };
}
