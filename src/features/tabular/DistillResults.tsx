// Distill tab results: the teacher and each student on the held-out rows (AUC, log-loss, ECE, AUC retention,
// agreement, latency and speedup, fairness gap), and how soft the teacher's training targets are (the label-
// leakage check: naive labelling collapses them towards one-hot).
import { useState } from 'react';
import { Bar, BarChart, CartesianGrid, Tooltip, XAxis, YAxis } from 'recharts';
import type { DistillReport } from '../../core/tabular/api';
import type { StudentKind } from '../../core/tabular/students/types';
import { DigestNote, SkippedNote, fmt } from './format';
import { ReliabilityDiagram } from '../../viz/ReliabilityDiagram';

export interface DistillResultsProps {
  report: DistillReport;
  labelling: 'oof' | 'naive';
  expectedDigest?: string;
  /** resolves with an error message, or undefined once the download started */
  onExport: (kind: StudentKind, what: 'onnx' | 'manifest') => Promise<string | undefined>;
}

export function DistillResults({ report, labelling, expectedDigest, onExport }: DistillResultsProps) {
  const [exportError, setExportError] = useState<string>();
  const exportAs = async (kind: StudentKind, what: 'onnx' | 'manifest') => setExportError(await onExport(kind, what));
  const t = report.teacher;
  const c = report.collapse;
  const hasFairness = Boolean(t.fairness);
  return (
    <div data-testid="distill-results">
      <SkippedNote skipped={report.skipped} />
      {report.warnings.map((w) => <p key={w} className="muted">{w}</p>)}
      <div className="card">
        <h2>Students vs teacher “{report.teacherId}” on {report.testRows} held-out rows (trained on {report.trainRows})</h2>
        <table className="table" data-testid="distill-table">
          <thead>
            <tr><th>model</th><th>AUC</th><th>log-loss</th><th>ECE</th><th>accuracy</th><th>AUC retention</th><th>agreement</th><th>µs/row (batch 1)</th><th>µs/row (batched)</th><th>speedup (batch 1)</th><th>train ms</th>{hasFairness && <th>AUC gap / TPR gap</th>}<th>export</th></tr>
          </thead>
          <tbody>
            <tr>
              <td>teacher {report.teacherId}</td><td>{fmt(t.report.auc, 4)}</td><td>{fmt(t.report.logLoss)}</td><td>{fmt(t.report.ece)}</td><td>{fmt(t.report.accuracy)}</td>
              <td>1</td><td>1</td><td>{fmt(t.latency.batch1UsPerRow, 1)}</td><td>{fmt(t.latency.batchedUsPerRow, 1)}</td><td>1</td><td>—</td>
              {hasFairness && <td>{fmt(t.fairness?.aucGap)} / {fmt(t.fairness?.tprGap)}</td>}
              <td />
            </tr>
            {report.students.map((s) => (
              <tr key={s.kind}>
                <td>{s.kind}</td><td data-testid={`student-auc-${s.kind}`}>{fmt(s.report.auc, 4)}</td><td>{fmt(s.report.logLoss)}</td><td>{fmt(s.report.ece)}</td><td>{fmt(s.report.accuracy)}</td>
                <td>{fmt(s.retention)}</td><td>{fmt(s.agreement)}</td><td>{fmt(s.latency.batch1UsPerRow, 1)}</td><td>{fmt(s.latency.batchedUsPerRow, 1)}</td>
                <td>{fmt(s.speedupBatch1, 1)}×</td><td>{fmt(s.trainMs, 0)}</td>
                {hasFairness && <td>{fmt(s.fairness?.aucGap)} / {fmt(s.fairness?.tprGap)}</td>}
                <td>
                  <button data-testid={`export-onnx-${s.kind}`} onClick={() => void exportAs(s.kind, 'onnx')}>ONNX</button>{' '}
                  <button data-testid={`export-manifest-${s.kind}`} title="preprocessing plans, input columns, class names, sha256" onClick={() => void exportAs(s.kind, 'manifest')}>manifest</button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        {exportError && <p className="error" role="alert" data-testid="export-error">{exportError}</p>}
        <p className="muted">The ONNX student takes preprocessed rows (the manifest holds the imputation, encoding and scaling fitted on the training rows). Teacher label AUC on the training rows ({labelling === 'oof' ? 'out-of-fold' : 'naive: the teacher scored its own context'}): {fmt(t.labelAuc, 4)}.</p>
      </div>
      <figure className="card" data-testid="collapse-chart">
        <figcaption>
          <strong>Soft targets ({labelling === 'oof' ? 'out-of-fold' : 'naive'} labelling): largest class probability per training row</strong>
          <span className="muted"> — mean normalised entropy {fmt(c.meanNormalisedEntropy)}, {fmt(100 * c.shareConfident, 1)}% of rows above {c.threshold}</span>
        </figcaption>
        <BarChart width={560} height={220} data={c.maxProbHistogram.map((b) => ({ bin: `${b.lo.toFixed(2)}–${b.hi.toFixed(2)}`, rows: b.count }))}>
          <CartesianGrid strokeDasharray="3 3" />
          <XAxis dataKey="bin" fontSize={10} />
          <YAxis fontSize={11} />
          <Tooltip />
          <Bar dataKey="rows" fill="#4a6fa5" isAnimationActive={false} />
        </BarChart>
      </figure>
      <ReliabilityDiagram testId="reliability-diagram" title="Reliability on the held-out rows (ECE in the table)"
        series={[{ name: `teacher ${report.teacherId}`, bins: t.report.reliability }, ...report.students.map((s) => ({ name: s.kind, bins: s.report.reliability }))]} />
      <DigestNote digest={report.digest} expected={expectedDigest} />
    </div>
  );
}
