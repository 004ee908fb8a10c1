// Study tab results: AUC vs context size (one line per strategy), minority recall vs size, the variance
// decomposition of AUC over strategy / teacher / size, and the summary table. A teacher select picks which
// teacher the charts show (the table shows all).
import { useMemo, useState } from 'react';
import { Bar, BarChart, CartesianGrid, Tooltip, XAxis, YAxis } from 'recharts';
import type { StudyReport } from '../../core/tabular/api';
import type { StudySummaryRow } from '../../core/tabular/study/runner';
import { SeriesLineChart, type SeriesRow } from '../../viz/SeriesLineChart';
import { downloadFile } from '../../viz/download';
import { recordsCsv } from './recordsCsv';
import { DigestNote, SkippedNote, fmt } from './format';

/** One row per context size with each strategy's value of `pick` for `teacher`. */
function bySize(rows: StudySummaryRow[], teacher: string, sizes: number[], strategies: string[], pick: (r: StudySummaryRow) => number | null): SeriesRow[] {
  return sizes.map((size) => {
    const row: SeriesRow = { x: size };
    for (const s of strategies) {
      const r = rows.find((q) => q.teacher === teacher && q.size === size && q.strategy === s);
      const v = r ? pick(r) : null;
      row[s] = v !== null && Number.isFinite(v) ? Number(v.toFixed(6)) : null;
    }
    return row;
  });
}

export function StudyResults({ report, expectedDigest }: { report: StudyReport; expectedDigest?: string }) {
  const { result } = report;
  const [teacher, setTeacher] = useState(result.teachers[0]);
  const shown = result.teachers.includes(teacher) ? teacher : result.teachers[0];
  const { strategies, sizes } = result.config;
  const auc = useMemo(() => bySize(result.summary, shown, sizes, strategies, (r) => r.aucMean), [result, shown, sizes, strategies]);
  const recall = useMemo(() => bySize(result.summary, shown, sizes, strategies, (r) => r.minorityRecallMean), [result, shown, sizes, strategies]);
  const variance = result.variance[0];
  const minority = result.datasets[0]?.minorityClass;
  return (
    <div data-testid="study-results">
      <SkippedNote skipped={report.skipped} />
      <div className="toolbar">
        <label>teacher in the charts <select value={shown} data-testid="study-teacher" onChange={(e) => setTeacher(e.target.value)}>
          {result.teachers.map((t) => <option key={t} value={t}>{t}</option>)}
        </select></label>
        <button data-testid="study-download" onClick={() => downloadFile(recordsCsv(result), `${result.datasets[0]?.id ?? 'study'}-context-study.csv`, 'text/csv')}>Download runs (CSV)</button>
        <span className="muted">{result.config.folds} folds × {sizes.length} sizes × {strategies.length} strategies × {result.teachers.length} teachers = {result.records.length} teacher calls</span>
      </div>
      <div className="grid2">
        <SeriesLineChart title={`AUC vs context size (${shown}, mean over folds)`} data={auc} series={strategies} xLabel="context rows" yLabel="AUC" testId="study-auc-chart" />
        <SeriesLineChart title={`Minority-class (“${minority}”) recall at argmax (${shown})`} data={recall} series={strategies} xLabel="context rows" yLabel="recall" yDomain={[0, 1]} format={(v) => v.toFixed(2)} testId="study-recall-chart" />
      </div>
      {variance && (
        <figure className="card" data-testid="variance-chart">
          <figcaption><strong>Where AUC varies: share of the total sum of squares ({variance.scope}, {variance.n} runs)</strong></figcaption>
          <BarChart width={560} height={240} layout="vertical" data={variance.terms.map((t) => ({ term: t.term, share: Number(t.share.toFixed(4)) }))} margin={{ left: 40 }}>
            <CartesianGrid strokeDasharray="3 3" />
            <XAxis type="number" domain={[0, 1]} fontSize={11} />
            <YAxis type="category" dataKey="term" width={120} fontSize={11} />
            <Tooltip />
            <Bar dataKey="share" fill="#4a6fa5" isAnimationActive={false} />
          </BarChart>
        </figure>
      )}
      <div className="card">
        <h2>Summary (mean over folds)</h2>
        <table className="table" data-testid="study-table">
          <thead><tr><th>teacher</th><th>strategy</th><th>context</th><th>AUC</th><th>± sd</th><th>minority recall</th><th>recall at Youden (oracle)</th><th>ms / call</th></tr></thead>
          <tbody>
            {result.summary.map((r) => (
              <tr key={`${r.teacher}|${r.strategy}|${r.size}`}>
                <td>{r.teacher}</td><td>{r.strategy}</td><td>{r.size}</td>
                <td>{fmt(r.aucMean, 4)}</td><td>{fmt(r.aucSd, 4)}</td><td>{fmt(r.minorityRecallMean)}</td><td>{fmt(r.minorityRecallYoudenMean)}</td><td>{fmt(r.latencyMsMean, 1)}</td>
              </tr>
            ))}
          </tbody>
        </table>
        <p className="muted">The Youden recall thresholds P(minority) on the evaluated fold itself: an upper bound for re-thresholding, not a deployable operating point.</p>
        <DigestNote digest={report.digest} expected={expectedDigest} />
      </div>
    </div>
  );
}
