// Histogram of |δ| / local 4-bit bin width (the survival report's `ratioHistogram`), one bar per bin with its
// lower edge. Pure props → view. Shapes: `counts[k]` parameters in bin k, `lowerEdges[k]` the bin's lower edge
// (bin 0 is [0, 2^-10), the last is [edge, ∞)). Bars below 0.5 are edits that can only survive by luck.
import { useMemo } from 'react';
import { Bar, BarChart, CartesianGrid, Cell, ReferenceLine, Tooltip, XAxis, YAxis } from 'recharts';

export interface SurvivalHistogramProps {
  counts: readonly number[];
  lowerEdges: readonly number[];
  title: string;
  testId?: string;
}

const SUPERSCRIPT: Record<string, string> = { '-': '⁻', 0: '⁰', 1: '¹', 2: '²', 3: '³', 4: '⁴', 5: '⁵', 6: '⁶', 7: '⁷', 8: '⁸', 9: '⁹' };

function edgeLabel(v: number): string {
  if (v === 0) return '0';
  const e = Math.log2(v);
  return Number.isInteger(e) && e < 0 ? `2${[...String(e)].map((c) => SUPERSCRIPT[c]).join('')}` : String(v);
}

export function SurvivalHistogram({ counts, lowerEdges, title, testId }: SurvivalHistogramProps) {
  const data = useMemo(() => counts.map((count, k) => ({
    bin: k === counts.length - 1 ? `≥${edgeLabel(lowerEdges[k])}` : `${edgeLabel(lowerEdges[k])}–${edgeLabel(lowerEdges[k + 1])}`,
    count,
    // a parameter whose change is under half a bin cannot cross a decision midpoint by itself
    below: (lowerEdges[k + 1] ?? Infinity) <= 0.5,
  })), [counts, lowerEdges]);
  const total = counts.reduce((a, b) => a + b, 0);
  return (
    <figure className="card" data-testid={testId} data-total={total}>
      <figcaption><strong>{title}</strong> <span className="muted">({total} changed parameters; red: under half a bin)</span></figcaption>
      <BarChart width={560} height={260} data={data} margin={{ bottom: 50, left: 10 }}>
        <CartesianGrid strokeDasharray="3 3" />
        <XAxis dataKey="bin" angle={-40} textAnchor="end" interval={0} fontSize={10} />
        <YAxis allowDecimals={false} fontSize={11} />
        <Tooltip />
        <ReferenceLine x={data.find((d) => !d.below)?.bin} stroke="#888" strokeDasharray="4 2" />
        <Bar dataKey="count" isAnimationActive={false}>
          {data.map((d) => <Cell key={d.bin} fill={d.below ? '#c0504d' : '#4f81bd'} />)}
        </Bar>
      </BarChart>
    </figure>
  );
}
