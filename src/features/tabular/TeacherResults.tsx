// Teacher tab results: k-fold cross-validated AUC per teacher (mean ± sd and every fold) with prediction latency,
// and the minority class's recall and balanced accuracy at argmax next to the same at the cut-off tuned on each
// fold's out-of-fold training scores (src/core/tabular/teacherCutoff.ts).
import type { TeacherReport, TeacherScore } from '../../core/tabular/api';
import { DigestNote, SkippedNote, fmt } from './format';

const CRITERION = { youden: "Youden's J", f1: 'F1' } as const;

function TunedCells({ s }: { s: TeacherScore }) {
  if (s.cutoff.status === 'skipped') return <td colSpan={2} className="muted" data-testid={`teacher-cutoff-skipped-${s.teacher}`} title={s.cutoff.reason}>not tuned</td>;
  const thresholds = s.cutoff.thresholds.map((t) => fmt(t, 3)).join(', ');
  return (
    <>
      <td data-testid={`teacher-recall-tuned-${s.teacher}`} title={`cut-off on P(minority) per fold: ${thresholds}; precision ${fmt(s.cutoff.precision, 3)}`}>{fmt(s.cutoff.minorityRecall, 3)}</td>
      <td data-testid={`teacher-bacc-tuned-${s.teacher}`}>{fmt(s.cutoff.balancedAccuracy, 3)}</td>
    </>
  );
}

export function TeacherResults({ report, expectedDigest }: { report: TeacherReport; expectedDigest?: string }) {
  const reasons = [...new Set(report.scores.flatMap((s) => (s.cutoff.status === 'skipped' ? [`${s.teacher}: ${s.cutoff.reason}`] : [])))];
  return (
    <div className="card" data-testid="teacher-results">
      <h2>Teachers: {report.folds}-fold cross-validated AUC on {report.dataset} ({report.rows} rows)</h2>
      <SkippedNote skipped={report.skipped} />
      <table className="table" data-testid="teacher-table">
        <thead>
          <tr>
            <th rowSpan={2}>teacher</th><th rowSpan={2}>AUC mean</th><th rowSpan={2}>± sd</th>
            {report.scores[0]?.foldAuc.map((_, f) => <th key={f} rowSpan={2}>fold {f + 1}</th>)}
            <th colSpan={2}>at argmax</th><th colSpan={2}>at tuned cut-off ({CRITERION[report.cutoff.criterion]})</th>
            <th rowSpan={2}>ms / fold</th><th rowSpan={2}>µs / query row</th>
          </tr>
          <tr><th>recall ({report.minorityClass})</th><th>bal. acc.</th><th>recall ({report.minorityClass})</th><th>bal. acc.</th></tr>
        </thead>
        <tbody>
          {report.scores.map((s) => (
            <tr key={s.teacher} title={s.label}>
              <td>{s.teacher}</td>
              <td data-testid={`teacher-auc-${s.teacher}`}>{fmt(s.aucMean, 4)}</td>
              <td>{fmt(s.aucSd, 4)}</td>
              {s.foldAuc.map((a, f) => <td key={f}>{fmt(a, 4)}</td>)}
              <td data-testid={`teacher-recall-argmax-${s.teacher}`}>{fmt(s.minorityRecallArgmax, 3)}</td>
              <td>{fmt(s.balancedAccuracyArgmax, 3)}</td>
              <TunedCells s={s} />
              <td data-testid={`teacher-ms-${s.teacher}`}>{fmt(s.latencyMsMean, 1)}</td>
              <td>{fmt(s.usPerRow, 1)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <p className="muted">
        Each fold's training rows (preprocessed on those rows only) are the teacher's context; the held-out fold is the query. Recall is the
        minority class's, means over folds. The tuned cut-off on P({report.minorityClass}) is chosen on out-of-fold scores of each fold's
        training rows (5 inner folds, never the held-out rows) and then applied to the held-out fold; its time is not in the latency columns.
        Latency is wall-clock in this browser's worker.
      </p>
      {reasons.length > 0 && <p className="muted" data-testid="cutoff-skipped">No tuned cut-off for {reasons.join('; ')}.</p>}
      <DigestNote digest={report.digest} expected={expectedDigest} />
    </div>
  );
}
