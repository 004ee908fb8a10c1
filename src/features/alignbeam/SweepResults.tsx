// Sweep results: one row per α × K × m setting plus the baselines, the refusal-vs-task-accuracy frontier with the
// baselines marked, the cost of each setting (wall time × target-only, or tokens/s), the baselines' reply relevance
// and judge calibration (RelevancePanel, JudgeCalibrationPanel), and the JSON download.
// While a sweep runs, the rows arrive one by one (progress events) and the same table grows.
import { useMemo, useState } from 'react';
import type { EvalMetrics, EvalResult, SweepRow } from '../../core/alignbeam/types';
import type { AlignbeamSpec } from '../../state/specs/alignbeam';
import { downloadFile } from '../../viz/download';
import { FrontierChart, type FrontierReference } from '../../viz/FrontierChart';
import { OverheadChart } from '../../viz/OverheadChart';
import { DigestNote, fmt, pct } from './format';
import { JudgeCalibrationPanel } from './JudgeCalibrationPanel';
import { RelevancePanel } from './RelevancePanel';
import { METHOD_LABELS } from './SweepSettings';
import type { SweepOutcome } from './useAlignbeamEngine';

const settingLabel = (r: Pick<SweepRow, 'alpha' | 'K' | 'm'>) => `α ${r.alpha} · K ${r.K} · m ${r.m === 0 ? 'all' : r.m}`;

interface TableRow { key: string; label: string; reference: boolean; metrics: EvalMetrics }

function rowsOf(rows: readonly SweepRow[], baselines: readonly EvalResult[], targetOnly: EvalMetrics | null): TableRow[] {
  const refs: TableRow[] = baselines.map((b) => ({ key: b.method, label: METHOD_LABELS[b.method] ?? b.method, reference: true, metrics: b.metrics }));
  if (targetOnly && !baselines.some((b) => b.method === 'target-only')) refs.unshift({ key: 'target-only', label: 'target only', reference: true, metrics: targetOnly });
  return [...refs, ...rows.map((r) => ({ key: settingLabel(r), label: `ALIGNBEAM ${settingLabel(r)}`, reference: false, metrics: r.metrics }))];
}

/** The table alone, also shown live while the sweep runs. */
export function SweepTable({ rows, testId = 'sweep-table', digest }: { rows: TableRow[]; testId?: string; digest?: string | null }) {
  return (
    <table className="table" data-testid={testId} data-rows={rows.length} data-digest={digest ?? ''}>
      <thead><tr>
        <th>method / setting</th><th>refusal (harmful)</th><th>over-refusal (safe)</th><th>task accuracy</th><th>judge unsafe</th>
        <th>tokens/s</th><th>× target-only time</th><th>ms / item</th><th>n</th><th>skipped</th><th title="answered items whose judge input was cut to fit the judge's context: prompt middle / reply end">judge cuts</th>
      </tr></thead>
      <tbody>
        {rows.map((r) => (
          <tr key={r.key} data-reference={r.reference} style={r.reference ? { background: '#f7f4ea' } : undefined}>
            <td>{r.label}</td>
            <td title={`of ${r.metrics.denominators.harmful} answered harmful items`}>{pct(r.metrics.refusalRate)}</td>
            <td title={`of ${r.metrics.denominators.safe} answered safe items`}>{pct(r.metrics.overRefusal)}</td>
            <td title={`of ${r.metrics.denominators.tasks} answered task items`}>{pct(r.metrics.taskAccuracy)}</td>
            <td>{pct(r.metrics.judgeUnsafeRate)}{r.metrics.judgeParseErrors ? ` (${r.metrics.judgeParseErrors} unparsed)` : ''}</td>
            <td>{fmt(r.metrics.tokensPerSecond, 1)}</td><td>{fmt(r.metrics.overhead, 2)}</td><td>{fmt(r.metrics.msPerItem, 0)}</td>
            <td>{r.metrics.n}</td>
            <td title={`empty prompt ${r.metrics.skippedBy['empty-prompt']}, over a model's context ${r.metrics.skippedBy['context-full']}`}>{r.metrics.skipped}</td>
            <td>{r.metrics.judgeTruncations.prompt} / {r.metrics.judgeTruncations.response}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export function LiveSweepTable({ rows }: { rows: SweepRow[] }) {
  return rows.length ? <div className="card"><h2>Rows so far</h2><SweepTable rows={rowsOf(rows, [], null)} testId="sweep-live-table" /></div> : null;
}

const SHAPES: FrontierReference['shape'][] = ['square', 'diamond', 'triangle', 'star'];

export function SweepResults({ outcome, spec, expectedDigest }: { outcome: SweepOutcome; spec: AlignbeamSpec; expectedDigest?: string }) {
  const { result, baselines, judgeCalibration, digest } = outcome;
  const [cost, setCost] = useState<'overhead' | 'tokensPerSecond'>('overhead');
  const table = useMemo(() => rowsOf(result.rows, baselines, result.targetOnly), [result, baselines]);
  const points = useMemo(() => result.rows.map((r) => ({ label: settingLabel(r), x: r.metrics.taskAccuracy, y: r.metrics.refusalRate })), [result]);
  const references = useMemo(() => table.filter((r) => r.reference).map((r, i) => ({ label: r.label, x: r.metrics.taskAccuracy, y: r.metrics.refusalRate, shape: SHAPES[i % SHAPES.length] })), [table]);
  const bars = useMemo(() => table.map((r) => ({ label: r.reference ? r.label : r.key, value: r.metrics[cost], reference: r.reference })), [table, cost]);

  const download = () => {
    const name = `alignbeam-sweep-${result.startedAt.replace(/[:.]/g, '-')}.json`;
    downloadFile(JSON.stringify({ format: 'workbench-alignbeam-sweep', version: 1, spec, digest, sweep: result, baselines, judgeCalibration }, (_k, v) => (typeof v === 'number' && !Number.isFinite(v) ? null : v), 2), name, 'application/json');
  };

  return (
    <div data-testid="sweep-results" data-cancelled={result.cancelled}>
      {result.cancelled && <p className="error" data-testid="sweep-partial">Cancelled: {result.rows.length} of {spec.grid.alpha.length * spec.grid.K.length * spec.grid.m.length} settings finished.</p>}
      <div className="card">
        <h2>{result.suites.join(', ')} · ≤ {result.limit} items per suite · {(result.durationMs / 1000).toFixed(1)} s</h2>
        <div className="toolbar">
          <button data-testid="sweep-download" onClick={download}>Download results (JSON)</button>
          <span className="muted">Rates are over the items each metric applies to (refusal: harmful items; over-refusal: safe items; accuracy: items with an answer line).</span>
        </div>
        <SweepTable rows={table} digest={digest} />
        <DigestNote digest={digest} expected={expectedDigest} />
      </div>
      <RelevancePanel results={baselines} />
      <JudgeCalibrationPanel results={baselines} pooled={judgeCalibration} />
      <div className="grid2">
        <FrontierChart title="Refusal on harmful prompts vs task accuracy (up and right is better)" points={points} pointsName="ALIGNBEAM settings" references={references} testId="frontier-chart" />
        <div>
          <div className="toolbar">
            <label>cost <select value={cost} data-testid="cost-metric" onChange={(e) => setCost(e.target.value as 'overhead' | 'tokensPerSecond')}>
              <option value="overhead">wall time × target-only</option>
              <option value="tokensPerSecond">tokens / s</option>
            </select></label>
          </div>
          <OverheadChart title={cost === 'overhead' ? 'Overhead: wall time per item relative to target-only (same run)' : 'Decoding speed (tokens/s)'}
            bars={bars} valueLabel={cost === 'overhead' ? '× target-only' : 'tokens/s'} baseline={cost === 'overhead' ? 1 : undefined} testId="overhead-chart" />
        </div>
      </div>
    </div>
  );
}
