// What the loader decided about a table, where the user can see and undo it: the CSV header setting (detected
// or forced) and the loader's warnings — renamed duplicate columns, missing and infinite cells and how they are
// imputed, a column made categorical by a few text cells, a Latin-1 fallback. Pure props → view.
import type { DatasetSummary } from '../../core/tabular/api';
import type { HeaderMode } from '../../core/tabular/data/csv';

export interface LoadReportProps {
  dataset: DatasetSummary;
  /** the spec's header setting (absent = 'auto') */
  mode: HeaderMode | undefined;
  onHeader: (mode: HeaderMode) => void;
}

const MODES: { value: string; mode: HeaderMode; label: (present: boolean) => string }[] = [
  { value: 'auto', mode: 'auto', label: (present) => `detect (${present ? 'found' : 'none found'})` },
  { value: 'true', mode: true, label: () => 'first row is names' },
  { value: 'false', mode: false, label: () => 'none: first row is data' },
];

export function LoadReport({ dataset, mode, onHeader }: LoadReportProps) {
  const header = dataset.header;
  // the header decision has its own line; the list holds the rest
  const warnings = dataset.warnings.filter((w) => w.kind !== 'header');
  return (
    <>
      {header && (
        <div className="toolbar">
          <label>header row <select value={String(mode ?? 'auto')} data-testid="header-mode" onChange={(e) => onHeader(MODES.find((m) => m.value === e.target.value)!.mode)}>
            {MODES.map((m) => <option key={m.value} value={m.value}>{m.label(header.present)}</option>)}
          </select></label>
          <span data-testid="header-detected" data-present={String(header.present)}>
            {header.present ? 'The first row was read as column names.' : 'No header row: the first row is data and columns are named by position.'}
          </span>
        </div>
      )}
      {warnings.length > 0 && (
        <ul className="muted" data-testid="dataset-warnings">
          {warnings.map((w, i) => <li key={i} data-kind={w.kind}>{w.message}</li>)}
        </ul>
      )}
    </>
  );
}
