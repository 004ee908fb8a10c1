// The report's exports and the ledger file: Markdown and JSON of the report, the ledger (export and import), the
// printable page and the Annex IV-style section. Every export is built from what the page shows, for the model chosen.
import { useState } from 'react';
import type { AuditGapReport, EvidenceRecord, Instrument } from '../../core/assurance/types';
import { annexIVSection, reportMarkdown } from '../../core/assurance/render';
import { evidenceStore } from '../../state/evidenceStoreContext';
import { downloadText, today } from './download';

interface Props {
  report: AuditGapReport;
  records: EvidenceRecord[];
  instruments: Instrument[];
  /** file-name part: the model chosen, or "all-models" */
  scope: string;
  onImported: () => void;
}

type Message = { kind: 'ok' | 'error'; text: string };

export function ExportBar({ report, records, instruments, scope, onImported }: Props) {
  const [message, setMessage] = useState<Message>();
  const slug = scope.replace(/[^A-Za-z0-9._-]+/g, '-').slice(0, 60);

  const importFile = async (file: File | undefined) => {
    if (!file) return;
    try {
      const { added, flags } = await evidenceStore().importJson(await file.text(), file.name);
      const flagged = flags.length ? `; ${flags.length} flag${flags.length === 1 ? '' : 's'} (${[...new Set(flags.map((f) => f.kind))].join(', ')}) kept and shown in the report` : '';
      setMessage({ kind: 'ok', text: `Imported ${added} record${added === 1 ? '' : 's'} from ${file.name}${flagged}.` });
      onImported();
    } catch (e) {
      setMessage({ kind: 'error', text: `${file.name} was not imported (nothing was stored): ${e instanceof Error ? e.message : String(e)}` });
    }
  };

  return (
    <div className="card no-print" data-testid="assurance-exports">
      <div className="toolbar">
        <strong>Report</strong>
        <button data-testid="export-markdown" onClick={() => downloadText(reportMarkdown(report, records, instruments), `audit-gap-${slug}-${today()}.md`, 'text/markdown')}>Markdown</button>
        <button data-testid="export-json" onClick={() => downloadText(JSON.stringify({ report, records }, null, 2), `audit-gap-${slug}-${today()}.json`, 'application/json')}>JSON</button>
        <button data-testid="export-annex" onClick={() => downloadText(annexIVSection(report, records), `annex-iv-${slug}-${today()}.md`, 'text/markdown')}>Annex IV section</button>
        <button data-testid="export-print" onClick={() => window.print()}>Print</button>
        <strong>Ledger</strong>
        <button data-testid="ledger-export" onClick={() => void evidenceStore().exportJson().then((t) => downloadText(t, `evidence-ledger-${today()}.json`, 'application/json'))}>Export ledger</button>
        <label className="button">
          Import ledger…
          <input type="file" accept="application/json,.json" hidden data-testid="ledger-import" onChange={(e) => { void importFile(e.target.files?.[0]); e.target.value = ''; }} />
        </label>
      </div>
      {message && <p className={message.kind} role={message.kind === 'error' ? 'alert' : 'status'} data-testid="ledger-message" data-kind={message.kind}>{message.text}</p>}
    </div>
  );
}
