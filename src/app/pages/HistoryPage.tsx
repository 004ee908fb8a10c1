// Local history: saved experiments (spec + result summary) from IndexedDB, with open, delete, export and import.
// `#/history?entry=<id>` (the assurance page's "saved" link) highlights that entry and scrolls it into view.
import { useCallback, useEffect, useState } from 'react';
import { encodeLink, parseRoute } from '../../state/linkCodec';
import { useHash } from '../useHashRoute';
import type { HistoryEntry } from '../../state/historyFormat';
import { historyStore } from '../historyContext';

export function HistoryPage() {
  const [entries, setEntries] = useState<HistoryEntry[] | undefined>();
  const [message, setMessage] = useState<{ kind: 'ok' | 'error'; text: string }>();

  const refresh = useCallback(async () => setEntries(await historyStore().list()), []);
  useEffect(() => { void refresh(); }, [refresh]);
  const focus = parseRoute(useHash()).params.get('entry');
  useEffect(() => {
    if (focus && entries) document.querySelector(`[data-entry-id="${CSS.escape(focus)}"]`)?.scrollIntoView({ block: 'center' });
  }, [focus, entries]);

  const exportFile = async () => {
    const blob = new Blob([await historyStore().exportJson()], { type: 'application/json' });
    const a = document.createElement('a');
    a.href = URL.createObjectURL(blob);
    a.download = `workbench-history-${new Date().toISOString().slice(0, 10)}.json`;
    a.click();
    URL.revokeObjectURL(a.href);
  };

  const importFile = async (file: File | undefined) => {
    if (!file) return;
    try {
      const n = await historyStore().importJson(await file.text());
      setMessage({ kind: 'ok', text: `Imported ${n} entr${n === 1 ? 'y' : 'ies'} from ${file.name}.` });
      await refresh();
    } catch (e) {
      setMessage({ kind: 'error', text: e instanceof Error ? e.message : String(e) });
    }
  };

  return (
    <section data-testid="page-history" data-state={entries ? 'ready' : 'loading'}>
      <h1>History</h1>
      <p>Experiments saved in this browser (IndexedDB). Specs only: uploaded files and tokens are never stored here.</p>
      <div className="toolbar">
        <button onClick={() => void exportFile()} data-testid="history-export">Export JSON</button>
        <label className="button">
          Import JSON
          <input type="file" accept="application/json,.json" hidden data-testid="history-import" onChange={(e) => void importFile(e.target.files?.[0])} />
        </label>
        <button onClick={() => void historyStore().clear().then(refresh)} data-testid="history-clear">Clear all</button>
      </div>
      {message && <p className={message.kind === 'error' ? 'error' : 'ok'} role={message.kind === 'error' ? 'alert' : 'status'} data-testid="history-message">{message.text}</p>}
      {entries && entries.length === 0 && <p data-testid="history-empty">No saved experiments yet.</p>}
      {focus && entries && !entries.some((e) => e.id === focus) && <p className="error" data-testid="history-entry-missing">History entry {focus} is not in this browser's history (deleted, or saved in another browser).</p>}
      {entries && entries.length > 0 && (
        <table className="table" data-testid="history-table">
          <thead><tr><th>Saved</th><th>Module</th><th>Title</th><th>Summary</th><th /></tr></thead>
          <tbody>
            {entries.map((e) => (
              <tr key={e.id} data-testid="history-row" data-entry-id={e.id} data-focused={e.id === focus ? 'yes' : undefined} className={e.id === focus ? 'focused' : undefined}>
                <td>{new Date(e.createdAt).toLocaleString()}</td>
                <td>{e.module}</td>
                <td><a href={safeLink(e)}>{e.title}</a></td>
                <td>{Object.entries(e.summary).map(([k, v]) => `${k}: ${typeof v === 'number' ? v.toFixed(4) : v}`).join(', ')}</td>
                <td><button onClick={() => void historyStore().remove(e.id).then(refresh)}>Delete</button></td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

function safeLink(e: HistoryEntry): string {
  try {
    return encodeLink(e.module, e.spec, e.digest);
  } catch {
    return `#/${e.module}`;
  }
}
