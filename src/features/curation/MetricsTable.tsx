// The metrics of a run (src/core/curation/metrics.ts): yield, first pass, recovery rate, injected failures caught,
// per-gate verdict counts with injection recall and precision (and recall per failure mode), the gates' overlap
// (Jaccard of their rejected sets) and the cost in model calls. Cells carry `data-value` for exact reading.
import type { RunMetrics } from '../../core/curation/metrics';

const pct = (x: number | null) => (x === null ? '—' : `${(100 * x).toFixed(1)} %`);

export function MetricsTable({ metrics }: { metrics: RunMetrics }) {
  const m = metrics;
  const rows: [string, string, string | number][] = [
    ['samples', 'samples', m.samples],
    ['accepted', 'accepted', m.statuses.accepted],
    ['yield', 'yield (accepted / samples)', pct(m.yield)],
    ['first-pass', 'accepted on the first attempt', m.firstPassAccepted],
    ['failed-first', 'failed the first attempt', m.failedFirst],
    ['recovered', 'recovered', m.recovered],
    ['recovery-rate', 'recovery rate (recovered / failed first)', pct(m.recoveryRate)],
    ['injected', 'injected failures', m.injected],
    ['any-recall', 'caught by any gate: recall', pct(m.anyGate.injectionRecall)],
    ['any-precision', 'caught by any gate: precision', pct(m.anyGate.injectionPrecision)],
    ['calls', 'model calls', m.cost.calls],
    ['calls-recovery', 'model calls in recovery', m.cost.recovery],
    ['calls-per-accepted', 'model calls per accepted sample', m.cost.perAccepted === null ? '—' : m.cost.perAccepted.toFixed(2)],
  ];
  return (
    <div className="card" data-testid="curation-metrics">
      <strong>Metrics</strong>
      <table className="table">
        <tbody>
          {rows.map(([key, label, value]) => <tr key={key}><td>{label}</td><td data-testid={`metric-${key}`} data-value={value}>{value}</td></tr>)}
          <tr><td>final statuses</td><td data-testid="metric-statuses">{Object.entries(m.statuses).filter(([, n]) => n > 0).map(([s, n]) => `${s} ${n}`).join(' · ')}</td></tr>
        </tbody>
      </table>
      <table className="table" data-testid="gate-metrics">
        <thead><tr><th>gate</th><th>pass</th><th>reject</th><th>abstain</th><th>parse failure</th><th>injection recall</th><th>injection precision</th><th>recall by mode</th></tr></thead>
        <tbody>
          {m.gates.map((g) => (
            <tr key={g.gate} data-testid={`gate-metrics-${g.gate}`}>
              <td>{g.gate}</td>
              {(['pass', 'reject', 'abstain', 'parse-failure'] as const).map((o) => <td key={o} data-testid={`gate-${g.gate}-${o}`} data-value={g.counts[o]}>{g.counts[o]}</td>)}
              <td>{pct(g.injectionRecall)}</td>
              <td>{pct(g.injectionPrecision)}</td>
              <td className="muted">{Object.entries(g.recallByMode).map(([mode, r]) => `${mode} ${pct(r ?? null)}`).join(' · ') || '—'}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {m.overlap.length > 0 && (
        <p className="muted" data-testid="gate-overlap">Overlap of the gates’ rejections (Jaccard): {m.overlap.map((o) => `${o.a} / ${o.b}: ${o.jaccard === null ? '—' : o.jaccard.toFixed(2)} (${o.both} both)`).join(' · ')}</p>
      )}
    </div>
  );
}
