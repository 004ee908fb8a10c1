// Teacher tab results: k-fold cross-validated AUC per teacher (mean ± sd and every fold) with prediction latency.
import type { TeacherReport } from '../../core/tabular/api';
import { DigestNote, SkippedNote, fmt } from './format';

export function TeacherResults({ report, expectedDigest }: { report: TeacherReport; expectedDigest?: string }) {
  return (
    <div className="card" data-testid="teacher-results">
      <h2>Teachers: {report.folds}-fold cross-validated AUC on {report.dataset} ({report.rows} rows)</h2>
      <SkippedNote skipped={report.skipped} />
      <table className="table" data-testid="teacher-table">
        <thead>
          <tr><th>teacher</th><th>AUC mean</th><th>± sd</th>{report.scores[0]?.foldAuc.map((_, f) => <th key={f}>fold {f + 1}</th>)}<th>ms / fold</th><th>µs / query row</th></tr>
        </thead>
        <tbody>
          {report.scores.map((s) => (
            <tr key={s.teacher} title={s.label}>
              <td>{s.teacher}</td>
              <td data-testid={`teacher-auc-${s.teacher}`}>{fmt(s.aucMean, 4)}</td>
              <td>{fmt(s.aucSd, 4)}</td>
              {s.foldAuc.map((a, f) => <td key={f}>{fmt(a, 4)}</td>)}
              <td>{fmt(s.latencyMsMean, 1)}</td>
              <td>{fmt(s.usPerRow, 1)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <p className="muted">Each fold's training rows (preprocessed on those rows only) are the teacher's context; the held-out fold is the query. Latency is wall-clock in this browser's worker.</p>
      <DigestNote digest={report.digest} expected={expectedDigest} />
    </div>
  );
}
