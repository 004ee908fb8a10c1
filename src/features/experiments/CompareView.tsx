// The comparison of two or more runs: specs side by side (differing fields highlighted), environments, input
// sha256s, result digests, one metric table and the overlaid curves. Rows come from viewModel.ts; this file only draws.
import { CartesianGrid, Legend, Line, LineChart, Tooltip, XAxis, YAxis } from 'recharts';
import type { RunRecord } from '../../core/experiments/record';
import { curveSets, digestRows, environmentRows, inputRows, metricTable, specRows, type CompareRow } from './viewModel';

const COLOURS = ['#1f5fbf', '#c0392b', '#1e8449', '#8e44ad', '#d68910', '#17a589'];
const DIFFERS = { background: '#fff3c4' };

function RowsTable({ title, rows, labels, testId, onlyDiffering }: { title: string; rows: CompareRow[]; labels: string[]; testId: string; onlyDiffering?: boolean }) {
  const shown = onlyDiffering ? rows.filter((r) => r.differs) : rows;
  const differing = rows.filter((r) => r.differs).length;
  return (
    <div className="card" data-testid={testId}>
      <h3>{title} <span className="muted">({differing ? `${differing} of ${rows.length} differ` : `all ${rows.length} equal`})</span></h3>
      {shown.length > 0 && (
        <table className="table">
          <thead><tr><th>field</th>{labels.map((l, i) => <th key={i}>{l}</th>)}</tr></thead>
          <tbody>
            {shown.map((r) => (
              <tr key={r.path} data-testid={`${testId}-row`} data-path={r.path} data-differs={r.differs} style={r.differs ? DIFFERS : undefined}>
                <td><code>{r.path}</code></td>
                {r.values.map((v, i) => <td key={i}><code>{v.length > 80 ? `${v.slice(0, 77)}…` : v}</code></td>)}
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}

export function CompareView({ records, labels }: { records: RunRecord[]; labels: string[] }) {
  const metrics = metricTable(records);
  const curves = curveSets(records);
  return (
    <div data-testid="compare-view">
      <RowsTable title="Experiment spec" rows={specRows(records)} labels={labels} testId="compare-spec" />
      <RowsTable title="Input files (sha256)" rows={inputRows(records)} labels={labels} testId="compare-inputs" />
      <RowsTable title="Result digests" rows={digestRows(records)} labels={labels} testId="compare-digests" />
      <RowsTable title="Environment (differences only)" rows={environmentRows(records)} labels={labels} testId="compare-environment" onlyDiffering />
      <div className="card" data-testid="compare-metrics">
        <h3>Metrics</h3>
        {metrics.length === 0 ? <p className="muted">These results have no numeric metrics.</p> : (
          <table className="table">
            <thead><tr><th>metric</th>{labels.map((l, i) => <th key={i}>{l}</th>)}</tr></thead>
            <tbody>
              {metrics.map((m) => (
                <tr key={m.metric} data-testid="compare-metrics-row" data-differs={m.differs} style={m.differs ? DIFFERS : undefined}>
                  <td>{m.metric}</td>
                  {m.values.map((v, i) => <td key={i}>{v === null ? '—' : v.toFixed(4)}</td>)}
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </div>
      {curves.length > 0 && (
        <div className="card" data-testid="compare-curves">
          <h3>Curves</h3>
          {curves.map((c) => {
            // one row per x with one column per run, as recharts wants
            const xs = Math.max(...c.runs.map((r) => r.length));
            const data = Array.from({ length: xs }, (_, x) => Object.fromEntries([['x', x], ...c.runs.map((r, i) => [`run${i}`, r[x]?.y ?? null])]));
            return (
              <figure key={c.name} data-testid="compare-curve">
                <figcaption>{c.name}</figcaption>
                <LineChart width={520} height={200} data={data} margin={{ top: 8, right: 16, bottom: 8, left: 8 }}>
                  <CartesianGrid strokeDasharray="3 3" />
                  <XAxis dataKey="x" label={{ value: c.xLabel, position: 'insideBottomRight', offset: -4 }} />
                  <YAxis domain={['auto', 'auto']} width={56} />
                  <Tooltip />
                  <Legend />
                  {c.runs.map((_, i) => <Line key={i} dataKey={`run${i}`} name={labels[i]} stroke={COLOURS[i % COLOURS.length]} dot={false} isAnimationActive={false} connectNulls />)}
                </LineChart>
              </figure>
            );
          })}
        </div>
      )}
    </div>
  );
}
