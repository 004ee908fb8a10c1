// Survival of an edit under 4-bit quantization (a survival report, or MANSU's before/after): overall counts,
// the |δ| / bin-width histogram, the code-change share per tensor, and the per-tensor table.
import { ShareBars, type ShareRow } from '../../viz/ShareBars';
import { SurvivalHistogram } from '../../viz/SurvivalHistogram';
import { num, share } from './format';
import type { SurvivalSummary } from './sidecarTypes';

const PARTS = ['4-bit code changed', 'only dequantized value changed', 'lost in quantization'];
const COLORS = ['#2e7d32', '#f9a825', '#c62828'];

function shareRow(label: string, s: SurvivalSummary): ShareRow {
  const dequantOnly = Math.max(0, s.dequantChanged - s.codeChanged);
  return { label, parts: [s.codeChanged, dequantOnly, Math.max(0, s.changed - s.codeChanged - dequantOnly)] };
}

export function SurvivalView({ overall, tensors, lowerEdges, quant, testId }: {
  overall: SurvivalSummary;
  tensors: (SurvivalSummary & { name: string })[];
  lowerEdges: number[];
  quant: { type: string; blocksize: number };
  testId: string;
}) {
  const changedTensors = tensors.filter((t) => t.changed > 0);
  const q = `${quant.type.toUpperCase()}, block ${quant.blocksize}`;
  return (
    <div data-testid={testId}>
      <p data-testid={`${testId}-overall`}>
        {overall.changed.toLocaleString('en-US')} of {overall.params.toLocaleString('en-US')} parameters changed ({share(overall.changed, overall.params)});
        {' '}under {q} the 4-bit code changes for <strong data-testid={`${testId}-code-survival`}>{share(overall.codeChanged, overall.changed)}</strong> of them
        {' '}and the dequantized value for {share(overall.dequantChanged, overall.changed)}. Median |δ|/bin width ≥ {overall.medianRatioAtLeast === null ? '—' : num(overall.medianRatioAtLeast)}.
        {' '}Absmax side effect: {overall.absmaxMoved} of {overall.blocksWithChanges} touched blocks moved their absmax, flipping {overall.collateralCodeChanges} unchanged parameters&apos; codes.
      </p>
      <div className="grid2">
        <SurvivalHistogram counts={overall.ratioHistogram} lowerEdges={lowerEdges} title={`|δ| / local ${quant.type.toUpperCase()} bin width`} testId={`${testId}-histogram`} />
        <ShareBars rows={[shareRow('all tensors', overall), ...changedTensors.map((t) => shareRow(t.name, t))]} parts={PARTS} colors={COLORS} title={`Code-change share of changed parameters (${q})`} testId={`${testId}-code-change`} />
      </div>
      <table className="table" data-testid={`${testId}-tensors`}>
        <thead><tr><th>tensor</th><th>params</th><th>changed</th><th>code changed</th><th>dequant changed</th><th>absmax moved</th><th>collateral flips</th></tr></thead>
        <tbody>
          {changedTensors.map((t) => (
            <tr key={t.name}>
              <td><code>{t.name}</code></td><td>{t.params}</td><td>{t.changed}</td><td>{share(t.codeChanged, t.changed)}</td>
              <td>{share(t.dequantChanged, t.changed)}</td><td>{t.absmaxMoved}</td><td>{t.collateralCodeChanges}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
