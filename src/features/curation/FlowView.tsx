// The flow of samples through a run (flow.ts): one stacked horizontal bar per stage — samples generated, each
// gate's verdicts on the first attempts, first pass, recovery, final — with the counts also in a table (test ids
// `flow-<row key>-<segment>`) so they can be read exactly and compared with the metrics table. Pure props → view.
import { useMemo } from 'react';
import { Bar, BarChart, CartesianGrid, Legend, Tooltip, XAxis, YAxis } from 'recharts';
import { SEGMENTS, type Flow } from './flow';

const COLORS: Record<(typeof SEGMENTS)[number], string> = { pass: '#2e7d32', reject: '#c62828', abstain: '#9e9e9e', 'parse-failure': '#ef6c00' };
const NAMES = { pass: 'pass / kept', reject: 'reject / lost', abstain: 'abstain', 'parse-failure': 'parse failure' };

export function FlowView({ flow }: { flow: Flow }) {
  const data = useMemo(() => flow.rows.map((r) => ({ stage: r.stage, pass: r.pass, reject: r.reject, abstain: r.abstain, 'parse-failure': r['parse-failure'] })), [flow]);
  const labelWidth = Math.min(220, 10 + 7 * Math.max(...flow.rows.map((r) => r.stage.length)));
  return (
    <figure className="card" data-testid="curation-flow" data-rows={flow.rows.length}>
      <figcaption><strong>Flow of samples</strong> <span className="muted">generated → each gate (first attempts; every gate judges every sample) → first pass → recovery → accepted</span></figcaption>
      <BarChart width={labelWidth + 460} height={50 + 30 * data.length} data={data} layout="vertical" margin={{ left: 10 }}>
        <CartesianGrid strokeDasharray="3 3" />
        <XAxis type="number" allowDecimals={false} />
        <YAxis type="category" dataKey="stage" width={labelWidth} />
        <Tooltip />
        <Legend />
        {SEGMENTS.map((s) => <Bar key={s} dataKey={s} name={NAMES[s]} stackId="flow" fill={COLORS[s]} isAnimationActive={false} />)}
      </BarChart>
      <table className="table" data-testid="flow-table">
        <thead><tr><th>stage</th>{SEGMENTS.map((s) => <th key={s}>{NAMES[s]}</th>)}</tr></thead>
        <tbody>
          {flow.rows.map((r) => (
            <tr key={r.key}>
              <td>{r.stage}</td>
              {SEGMENTS.map((s) => (
                <td key={s} data-testid={`flow-${r.key}-${s}`} data-count={r[s]} title={r.labels[s]}>{r[s]}{r.labels[s] !== s && r.labels[s] !== 'parse failure' ? <span className="muted"> {r.labels[s]}</span> : null}</td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </figure>
  );
}
