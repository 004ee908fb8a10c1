// Results of an ensembles analysis: the strategy table for the chosen metric, Friedman / Iman–Davenport, the CD
// diagram, the Yule's Q heatmap and the compute-cost chart.
import { Bar, BarChart, CartesianGrid, Tooltip, XAxis, YAxis } from 'recharts';
import type { EnsembleReport } from '../../core/ensembles/analyse';
import { METRICS, type MetricId } from '../../core/ensembles/metrics';
import { Heatmap } from '../../viz/Heatmap';
import { SvgFigure } from '../../viz/SvgFigure';
import { ReproductionNote } from '../../viz/DigestNote';

const fmt = (v: number | null | undefined, digits = 4) => (v === null || v === undefined || !Number.isFinite(v) ? '—' : v.toFixed(digits));

export function EnsembleResults({ report, metric, digest, expectedDigest }: { report: EnsembleReport; metric: MetricId; digest: string; expectedDigest?: string }) {
  const comparison = report.comparisons[metric];
  const table = report.scores[metric] ?? [];
  const mean = (j: number) => {
    const vals = table.map((row) => row[j]).filter((v): v is number => v !== null);
    return vals.length ? vals.reduce((a, b) => a + b, 0) / vals.length : null;
  };
  const cost = new Map(report.costs.map((c) => [c.strategy, c]));
  return (
    <div data-testid="ensembles-results">
      <ReproductionNote digest={digest} expected={expectedDigest} />
      {report.skipped.map((s) => <p key={s.strategy} className="muted">Skipped {s.strategy}: {s.reason}</p>)}
      <div className="card">
        <h2>{METRICS[metric].label} ({METRICS[metric].direction} is better) over {report.datasets.length} datasets × {report.models.length} models</h2>
        <table className="table" data-testid="strategy-table">
          <thead><tr><th>strategy</th><th>mean {METRICS[metric].label}</th><th>average rank</th><th>model calls</th><th>cost × best single</th></tr></thead>
          <tbody>
            {report.strategies.map((s, j) => (
              <tr key={s.id}>
                <td>{s.label}</td>
                <td>{fmt(mean(j))}</td>
                <td>{comparison && 'avgRanks' in comparison ? fmt(comparison.avgRanks[comparison.methods.indexOf(s.id)], 2) : '—'}</td>
                <td>{fmt(cost.get(s.id)?.meanModelCalls, 1)}</td>
                <td>{fmt(cost.get(s.id)?.meanCostMultiple, 2)}</td>
              </tr>
            ))}
          </tbody>
        </table>
        {comparison && 'friedman' in comparison && (
          <p data-testid="friedman">
            Friedman χ²({comparison.friedman.df}) = {fmt(comparison.friedman.chiSquare, 3)}{comparison.friedman.tieCorrection !== 1 ? ` (tie-corrected, C = ${fmt(comparison.friedman.tieCorrection, 4)})` : ''}, p = {comparison.friedman.p.toExponential(2)};
            Iman–Davenport F({comparison.friedman.df1}, {comparison.friedman.df2}) = {fmt(comparison.friedman.imanDavenport, 3)}, p = {comparison.friedman.pImanDavenport.toExponential(2)};
            Nemenyi CD = {fmt(comparison.nemenyi.cd, 3)} (α = {report.options.alpha}, k = {comparison.methods.length}, N = {comparison.datasets.length}).
          </p>
        )}
        {comparison && 'bonferroniDunn' in comparison && comparison.bonferroniDunn && (
          <p data-testid="bonferroni-dunn">
            Bonferroni–Dunn against {comparison.bonferroniDunn.control}: CD = {fmt(comparison.bonferroniDunn.cd, 3)} (q = {comparison.bonferroniDunn.q});
            {' '}significantly different: {comparison.bonferroniDunn.versus.filter((v) => v.significant).map((v) => v.method).join(', ') || 'none'}.
          </p>
        )}
        {comparison && 'error' in comparison && <p className="error">{comparison.error}</p>}
      </div>
      {comparison && 'cdSvg' in comparison && (
        <SvgFigure svg={comparison.cdSvg} fileName={`cd-diagram-${metric}.svg`} title={`Critical-difference diagram (${METRICS[metric].label})`} testId="cd-diagram" />
      )}
      <div className="grid2">
        <Heatmap labels={report.diversity.models} values={report.diversity.q} min={-1} max={1} title={`Yule's Q (mean ${fmt(report.diversity.meanQ, 3)}; 1 = identical errors)`} testId="q-heatmap" />
        <figure className="card" data-testid="cost-chart">
          <figcaption><strong>Compute cost (model calls per prediction, × best single model)</strong></figcaption>
          <BarChart width={480} height={300} data={report.costs.map((c) => ({ name: c.strategy, cost: Number(c.meanCostMultiple.toFixed(2)) }))} margin={{ bottom: 60 }}>
            <CartesianGrid strokeDasharray="3 3" />
            <XAxis dataKey="name" angle={-35} textAnchor="end" interval={0} fontSize={11} />
            <YAxis fontSize={11} />
            <Tooltip />
            <Bar dataKey="cost" fill="#4a6fa5" isAnimationActive={false} />
          </BarChart>
        </figure>
      </div>
      <p className="muted" data-testid="result-digest">result digest {digest}</p>
    </div>
  );
}
