// What a finished run reports to the shell: a few scalars for the history list (a sweep's: rates, the baselines'
// reply relevance, the judge's ECE and extreme share) and the digest for the link.
import type { RunResult } from '../../app/featureTypes';
import type { Outcome } from './useAlignbeamEngine';

const r3 = (v: number) => (Number.isFinite(v) ? Number(v.toFixed(3)) : 'n/a');

export function summaryOf(o: Outcome): RunResult {
  if (o.tab === 'playground') {
    const a = o.result.alignbeam;
    const t = o.result.targetOnly;
    return {
      summary: {
        view: 'playground', prompt: o.prompt.slice(0, 60), 'target-only P(unsafe)': r3(t.candidates[t.chosen]?.judgeUnsafe ?? NaN),
        'alignbeam P(unsafe)': r3(a.candidates[a.chosen]?.judgeUnsafe ?? NaN), candidates: a.candidates.length,
      },
      digest: o.digest,
    };
  }
  if (o.tab === 'bridge') {
    const c = o.result.promptCoverage ?? o.result.vocabCoverage;
    return { summary: { view: 'bridge', kind: o.result.kind, 'exact mass': r3(c.exactMass), 'lost mass': r3(c.lostMass) }, digest: o.digest };
  }
  const { result, digest, baselines, judgeCalibration } = o.result;
  const best = Math.max(...result.rows.map((r) => (Number.isFinite(r.metrics.refusalRate) ? r.metrics.refusalRate : -1)));
  // relevance over every baseline's checked replies, and the judge's pooled calibration (the panels have the detail)
  const checked = baselines.flatMap((b) => (b.quality ? Object.values(b.quality.relevance.byCategory) : []));
  const n = checked.reduce((s, c) => s + c.n, 0);
  const judge = judgeCalibration?.report;
  return {
    summary: {
      view: 'sweep', settings: result.rows.length, suites: result.suites.join(' '), 'target-only refusal': r3(result.targetOnly.refusalRate), 'best refusal': r3(best),
      'baselines relevant': n ? r3(checked.reduce((s, c) => s + c.relevant, 0) / n) : 'n/a',
      'judge ECE': judge?.n ? r3(judge.ece) : 'n/a', 'judge extreme share': judge?.n ? r3(judge.extremeShare) : 'n/a',
    },
    digest: digest ?? undefined,
  };
}
