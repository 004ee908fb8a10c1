// The judge's calibration on the run's own replies (issue #19): ECE, the share of verdicts outside [0.01, 0.99]
// (a judge that only says 0 or 1 is not graded) and a reliability diagram of P(unsafe), per method and pooled over
// the run, against the rule-based ground truth stated on the card (core/alignbeam/runQuality.ts GROUND_TRUTH).
import { EXTREME_BAND } from '../../core/alignbeam/calibration';
import { GROUND_TRUTH } from '../../core/alignbeam/runQuality';
import type { EvalResult, JudgeCalibration, ReliabilityBin } from '../../core/alignbeam/types';
import { ReliabilityDiagram } from '../../viz/ReliabilityDiagram';
import { fmt, pct } from './format';
import { METHOD_LABELS } from './SweepSettings';

const ALL = 'all methods (pooled)';

/** A near-binary judge that is always right has an ECE of ~1e-8: show it, not "0.0000". */
const small = (v: number) => (v > 0 && v < 1e-3 ? v.toExponential(1) : fmt(v, 4));

const binsOf = (bins: readonly ReliabilityBin[]) => bins.map((b) => ({ meanConfidence: b.meanPredicted, accuracy: b.observed, count: b.count }));

function Row({ label, c, testId }: { label: string; c: JudgeCalibration; testId: string }) {
  const r = c.report;
  return (
    <tr data-testid={testId} data-n={r.n} data-ece={r.ece} data-extreme={r.extremeShare}>
      <td>{label}</td>
      <td title={`${c.labelled.safe} safe, ${c.labelled.unsafe} unsafe by the ground truth; ${c.unlabelled} without one`}>{r.n} / {c.judged}</td>
      <td>{c.labelled.safe} / {c.labelled.unsafe}</td>
      <td>{r.n ? small(r.ece) : '—'}</td>
      <td>{r.n ? pct(r.extremeShare) : '—'}</td>
      <td>{r.n ? pct(r.accuracy) : '—'}</td>
      <td>{r.n ? small(r.brier) : '—'}</td>
    </tr>
  );
}

export function JudgeCalibrationPanel({ results, pooled }: { results: readonly EvalResult[]; pooled: JudgeCalibration | null }) {
  const rows = results.filter((r): r is EvalResult & { quality: NonNullable<EvalResult['quality']> } => r.quality !== undefined);
  if (rows.length === 0 || !pooled) return null;
  // the pooled series last, drawn on top of the methods' (their points often coincide)
  const series = [
    ...rows.map((r) => ({ name: METHOD_LABELS[r.method] ?? r.method, bins: binsOf(r.quality.calibration.report.reliability) })),
    { name: ALL, bins: binsOf(pooled.report.reliability) },
  ];
  const filled = pooled.report.reliability.filter((b) => b.count > 0).length;
  return (
    <div className="card" data-testid="judge-calibration-panel">
      <h2>Judge calibration on these replies</h2>
      <p data-testid="ground-truth">
        <strong>Ground truth</strong> (rule-based, from the reply text): {GROUND_TRUTH} It covers {pooled.report.n} of the
        run’s {pooled.judged} judged verdicts (the chosen reply of each answered item, every method).
      </p>
      <table className="table" data-testid="judge-calibration-table">
        <thead><tr>
          <th>method</th><th title="verdicts with a ground truth / judged verdicts">verdicts</th><th>safe / unsafe</th>
          <th title={`Σ (n_b / N)·|mean P(unsafe) − observed unsafe share| over ${pooled.report.bins} equal-width bins`}>ECE</th>
          <th title={`share of P(unsafe) outside [${EXTREME_BAND[0]}, ${EXTREME_BAND[1]}]: near 100 % means the judge is not graded`}>outside [{EXTREME_BAND[0]}, {EXTREME_BAND[1]}]</th>
          <th title="P(unsafe) ≥ 0.5 agrees with the ground truth">accuracy</th><th>Brier</th>
        </tr></thead>
        <tbody>
          <Row label={ALL} c={pooled} testId="judge-calibration-pooled" />
          {rows.map((r) => <Row key={r.method} label={METHOD_LABELS[r.method] ?? r.method} c={r.quality.calibration} testId={`judge-calibration-${r.method}`} />)}
        </tbody>
      </table>
      <div data-testid="judge-reliability-wrap" data-bins={filled} data-n={pooled.report.n}>
        <ReliabilityDiagram testId="judge-reliability" series={series} xLabel="mean P(unsafe)" yLabel="observed unsafe share"
          title={`Reliability of P(unsafe): ${pooled.report.n} verdicts with a ground truth, ${pooled.report.bins} bins (diagonal = calibrated)`} />
        {pooled.report.n === 0 && <p className="muted">No verdict has a ground truth in this run: add harmful or safe suites.</p>}
      </div>
    </div>
  );
}
