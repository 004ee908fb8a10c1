// Protocol tab results (one dataset): per in-context teacher its test-fold AUC, its GBDT student's on out-of-fold
// soft targets, retention, the baseline's AUC, calibration and the subgroup fairness gap teacher → student, batch-1
// latency and speedup; the pool's mean pairwise Yule's Q and, with the context study, the variance split. The
// cross-dataset analyses (Wilcoxon against the baseline, rank transfer, gains by dimensionality) need several
// datasets: the same spec as a sweep over `dataset.id` gives them, merged from its run records.
import type { ProtocolReport } from '../../core/tabular/api';
import { DigestNote, SkippedNote, fmt } from './format';

const pct = (v: number) => (Number.isFinite(v) ? `${(100 * v).toFixed(1)} %` : '—');

export function ProtocolResults({ report, expectedDigest }: { report: ProtocolReport; expectedDigest?: string }) {
  const r = report.result;
  const a = r.analyses;
  const ds = r.datasets[0];
  const fairness = new Map(a.fairness.map((f) => [f.teacher, f]));
  const latency = new Map(r.latency.map((l) => [l.teacher, l]));
  const variance = a.variance.find((v) => v.scope === ds?.id);
  const baselineAuc = a.distill[0]?.baselineAuc;
  return (
    <div data-testid="protocol-results">
      <SkippedNote skipped={report.skipped} />
      <div className="card">
        <h2>Protocol on {ds?.id}: {ds?.rows} rows, {ds?.features} features, minority “{ds?.minorityClass}” {pct(ds?.minorityShare ?? NaN)}</h2>
        <p className="muted">
          {r.config.foldsRun} of {r.config.folds} stratified outer folds; students (GBDT) on {r.config.labelFolds}-fold out-of-fold soft targets of each
          training fold; baseline {r.baseline.id}: {r.baseline.note}. Baseline AUC {fmt(baselineAuc, 4)}.
        </p>
        <table className="table" data-testid="protocol-table">
          <thead>
            <tr>
              <th>teacher</th><th>teacher AUC</th><th>student AUC</th><th>retention</th><th>student − baseline</th><th>ECE teacher → student</th>
              {fairness.size > 0 && <th>AUC gap teacher → student (baseline)</th>}<th>µs/row batch 1 teacher / student</th><th>speedup</th>
            </tr>
          </thead>
          <tbody>
            {a.distill.map((d) => {
              const f = fairness.get(d.teacher);
              const l = latency.get(d.teacher);
              return (
                <tr key={d.teacher} data-testid={`protocol-row-${d.teacher}`}>
                  <td>{d.teacher}</td><td>{fmt(d.teacherAuc, 4)}</td><td>{fmt(d.studentAuc, 4)}</td><td>{pct(d.retention)}</td>
                  <td>{fmt(d.studentAuc - d.baselineAuc, 4)}</td><td>{fmt(d.teacherEce)} → {fmt(d.studentEce)}</td>
                  {fairness.size > 0 && <td>{f ? `${fmt(f.teacherAucGap)} → ${fmt(f.studentAucGap)} (${fmt(f.baselineAucGap)})` : '—'}</td>}
                  <td>{l ? `${fmt(l.teacherBatch1UsPerRow, 0)} / ${fmt(l.studentBatch1UsPerRow, 1)}` : '—'}</td><td>{l ? `×${fmt(l.speedupBatch1, 0)}` : '—'}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
        {fairness.size > 0 && <p className="muted">Fairness: {[...fairness.values()][0].attribute}, largest − smallest group AUC with the minority class as positive.</p>}
        <p data-testid="protocol-q">Pool mean pairwise Yule&apos;s Q {fmt(a.diversity.meanQ)} (teachers only {fmt(a.diversity.meanQTeachers)}): near 1 means a near-redundant pool.</p>
        {variance && (
          <p data-testid="protocol-variance">
            Context study, AUC variance: strategy {pct(variance.strategy)}, teacher {pct(variance.teacher)}, size {pct(variance.size)},
            strategy×teacher {pct(variance.strategyXTeacher)}, residual {pct(variance.residual)}.
          </p>
        )}
        <p className="muted">
          Wilcoxon against the baseline, teacher → student rank transfer and gains by dimensionality compare datasets: run this spec as a sweep over
          dataset.id (sweeps/examples/tabular-protocol.json) and merge its run records (bench/tabular-protocol.ts, PROTOCOL_FROM_RECORDS).
        </p>
        <DigestNote digest={report.digest} expected={expectedDigest} />
      </div>
    </div>
  );
}
