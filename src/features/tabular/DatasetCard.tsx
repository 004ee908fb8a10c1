// Dataset loader: file input (CSV / ARFF / Parquet), the column table with inferred types and missing counts,
// the target (by name, or "last column" by position) and sensitive-attribute selects, the header setting and the
// loader's warnings (LoadReport), and the class balance. Load and parse errors show here, as is.
import type { DatasetSummary, TaskChoice, TaskSummary } from '../../core/tabular/api';
import type { HeaderMode } from '../../core/tabular/data/csv';
import { SHARED_DATASETS } from '../../core/tabular/data/registry';
import type { TabularSpec } from '../../state/specs/tabular';
import { LoadReport } from './LoadReport';
import { SampleDatasets } from './SampleDatasets';
import type { DataState } from './useTabularEngine';

export interface DatasetCardProps {
  spec: TabularSpec;
  data: DataState;
  onFile: (f: File) => void;
  onTask: (choice: TaskChoice) => void;
  /** read the CSV again with another header setting */
  onHeader: (mode: HeaderMode) => void;
}

/** The target select's value for "the last column, whatever its name" (a control character names no real column). */
const LAST_COLUMN = '\u0000last';

function ClassBalance({ task }: { task: TaskSummary }) {
  const total = task.classCounts.reduce((a, b) => a + b, 0);
  return (
    <table className="table" data-testid="class-balance">
      <thead><tr><th>class of “{task.target}”</th><th>rows</th><th>share</th></tr></thead>
      <tbody>
        {task.classNames.map((c, i) => (
          <tr key={c}>
            <td>{c}{c === task.minorityClass ? ' (minority)' : ''}</td>
            <td>{task.classCounts[i]}</td>
            <td><progress max={total} value={task.classCounts[i]} style={{ width: 120 }} /> {((100 * task.classCounts[i]) / total).toFixed(1)}%</td>
          </tr>
        ))}
      </tbody>
      {task.sensitive && (
        <tfoot>
          <tr><td colSpan={3}>sensitive “{task.sensitive.name}”: {task.sensitive.levels.map((l, g) => `${l}: ${task.sensitive!.counts[g]}`).join(' · ')}</td></tr>
        </tfoot>
      )}
    </table>
  );
}

function ColumnTable({ dataset, target, sensitive }: { dataset: DatasetSummary; target?: string; sensitive?: string }) {
  return (
    <table className="table" data-testid="column-table">
      <thead><tr><th>column</th><th>type</th><th>missing</th><th>distinct</th><th>values</th></tr></thead>
      <tbody>
        {dataset.columns.map((c) => (
          <tr key={c.name}>
            <td>{c.name}{c.name === target ? ' (target)' : c.name === sensitive ? ' (sensitive)' : ''}</td>
            <td>{c.kind}</td>
            <td>{c.missing}{c.infinite ? ` (${c.infinite} ∞)` : ''}</td>
            <td>{c.distinct > 100 && c.kind === 'numeric' ? '> 100' : c.distinct}</td>
            <td className="muted">{c.preview}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export function DatasetCard({ spec, data, onFile, onTask, onHeader }: DatasetCardProps) {
  const shared = SHARED_DATASETS.find((s) => s.id === spec.dataset.id);
  const ready = data.status === 'ready' ? data : null;
  const choice = (patch: Partial<TaskChoice>): TaskChoice => ({ target: spec.target ?? '', sensitive: spec.sensitive, sensitiveThreshold: spec.sensitiveThreshold, ...patch });
  const sensitiveColumn = ready?.dataset.columns.find((c) => c.name === spec.sensitive);
  // a target by position is shown by its resolved name (the task's), "last column" keeps its own entry
  const targetName = ready?.task?.target ?? (typeof spec.target === 'string' ? spec.target : undefined);
  const targetValue = spec.target === -1 ? LAST_COLUMN : targetName ?? '';
  return (
    <div className="card" data-testid="dataset-card" data-state={data.status === 'loading' ? 'loading' : data.status === 'error' || ready?.taskError ? 'error' : 'ready'}>
      <h2>Dataset</h2>
      <div className="toolbar">
        <label className="button">
          Load table (CSV / ARFF / Parquet)
          <input type="file" hidden accept=".csv,.tsv,.txt,.arff,.parquet" data-testid="dataset-file" onChange={(e) => { const f = e.target.files?.[0]; if (f) onFile(f); e.target.value = ''; }} />
        </label>
        {ready && (
          <span data-testid="dataset-name">
            {ready.file.name} — {ready.dataset.rows} rows × {ready.dataset.columns.length} columns ({ready.dataset.format})
            {spec.dataset.sha256 && ready.file.sha256 !== spec.dataset.sha256 && <strong className="error"> (not the file this link was made with)</strong>}
          </span>
        )}
        {data.status === 'loading' && <span>Reading…</span>}
      </div>
      <SampleDatasets onFile={onFile} suggested={shared?.id} />
      {data.status === 'empty' && (
        <p className="muted" data-testid="dataset-needed">
          {spec.dataset.sha256
            ? <>This experiment needs the table <strong>{spec.dataset.id}</strong> (sha256 {spec.dataset.sha256.slice(0, 12)}…): choose it above. Files never leave this browser.</>
            : <>Choose a table (a CSV header row is detected){shared ? <>, or load the sample <strong>{shared.id}</strong> above (this experiment's default)</> : <>, or one of the samples above</>}. Files never leave this browser.</>}
        </p>
      )}
      {data.status === 'error' && <p className="error" role="alert" data-testid="dataset-error">{data.message}</p>}
      {ready && (
        <>
          <LoadReport dataset={ready.dataset} mode={spec.header} onHeader={onHeader} />
          <div className="toolbar">
            <label>target <select value={targetValue} data-testid="target-select" onChange={(e) => onTask(choice({ target: e.target.value === LAST_COLUMN ? -1 : e.target.value }))}>
              <option value={LAST_COLUMN}>last column ({ready.dataset.columns[ready.dataset.columns.length - 1].name})</option>
              {ready.dataset.columns.map((c) => <option key={c.name} value={c.name}>{c.name}</option>)}
            </select></label>
            <label>sensitive attribute <select value={spec.sensitive ?? ''} data-testid="sensitive-select" onChange={(e) => onTask(choice({ sensitive: e.target.value || undefined }))}>
              <option value="">none</option>
              {ready.dataset.columns.filter((c) => c.name !== targetName).map((c) => <option key={c.name} value={c.name}>{c.name}</option>)}
            </select></label>
            {sensitiveColumn?.kind === 'numeric' && (
              <label>split at ≤ <input type="number" value={spec.sensitiveThreshold ?? ''} data-testid="sensitive-threshold" style={{ width: 80 }}
                onChange={(e) => onTask(choice({ sensitiveThreshold: e.target.value === '' ? undefined : Number(e.target.value) }))} /></label>
            )}
          </div>
          {ready.taskError && <p className="error" role="alert" data-testid="task-error">{ready.taskError}</p>}
          <div className="grid2">
            <ColumnTable dataset={ready.dataset} target={targetName} sensitive={spec.sensitive} />
            {ready.task && <div><ClassBalance task={ready.task} /><p className="muted">{ready.task.features} feature columns; numeric ones are median-imputed and standardised, categoricals one-hot encoded, fitted on each training fold only.</p></div>}
          </div>
        </>
      )}
    </div>
  );
}
