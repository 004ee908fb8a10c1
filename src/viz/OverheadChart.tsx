// Cost of each method or setting as bars: a wall-time ratio against a reference (1 = as fast as it) or a rate
// such as tokens/s. Pure props → recharts view. Shapes: `bars[i] = { label, value }`; non-finite values are dropped.
import { useMemo } from 'react';
import { Bar, BarChart, CartesianGrid, Cell, ReferenceLine, Tooltip, XAxis, YAxis } from 'recharts';

export interface OverheadBar {
  label: string;
  value: number;
  /** Reference methods are drawn in a second colour. */
  reference?: boolean;
}

export interface OverheadChartProps {
  title: string;
  bars: readonly OverheadBar[];
  valueLabel: string;
  /** Draw a dashed line at this value (1 for a ratio). */
  baseline?: number;
  testId?: string;
}

export function OverheadChart({ title, bars, valueLabel, baseline, testId }: OverheadChartProps) {
  const data = useMemo(() => bars.filter((b) => Number.isFinite(b.value)).map((b) => ({ ...b, value: Number(b.value.toFixed(3)) })), [bars]);
  const labelWidth = Math.min(220, 8 + 6.5 * Math.max(4, ...data.map((d) => d.label.length)));
  return (
    <figure className="card" data-testid={testId} data-bars={data.length}>
      <figcaption><strong>{title}</strong></figcaption>
      <BarChart width={labelWidth + 380} height={70 + 24 * Math.max(data.length, 2)} data={data} layout="vertical" margin={{ left: 10, right: 20, bottom: 16 }}>
        <CartesianGrid strokeDasharray="3 3" />
        <XAxis type="number" fontSize={11} label={{ value: valueLabel, position: 'insideBottom', offset: -10, fontSize: 11 }} height={40} />
        <YAxis type="category" dataKey="label" width={labelWidth} fontSize={10} />
        <Tooltip formatter={(v) => [String(v), valueLabel]} />
        {baseline !== undefined && <ReferenceLine x={baseline} stroke="#5d6678" strokeDasharray="4 4" />}
        <Bar dataKey="value" isAnimationActive={false} fill="#0072B2">
          {data.map((d) => <Cell key={d.label} fill={d.reference ? '#E69F00' : '#0072B2'} />)}
        </Bar>
      </BarChart>
    </figure>
  );
}
