// Horizontal 100 % stacked bars: for each row, how a total splits into named parts (e.g. of the parameters an
// edit changed: 4-bit code changed / only the dequantized value changed / lost in quantization). Pure props →
// view. Shapes: `rows[i].parts[j]` counts for `parts` label j; shares are parts / row total.
import { useMemo } from 'react';
import { Bar, BarChart, CartesianGrid, Legend, Tooltip, XAxis, YAxis } from 'recharts';

export interface ShareRow {
  label: string;
  parts: readonly number[];
}

export interface ShareBarsProps {
  rows: readonly ShareRow[];
  parts: readonly string[];
  colors: readonly string[];
  title: string;
  testId?: string;
}

export function ShareBars({ rows, parts, colors, title, testId }: ShareBarsProps) {
  const data = useMemo(() => rows.map((r) => {
    const total = r.parts.reduce((a, b) => a + b, 0);
    return Object.fromEntries([['label', r.label], ...parts.map((p, j) => [p, total ? Number(((100 * r.parts[j]) / total).toFixed(2)) : 0])]) as Record<string, string | number>;
  }), [rows, parts]);
  const labelWidth = Math.min(320, 8 + 6 * Math.max(...rows.map((r) => r.label.length), 4));
  return (
    <figure className="card" data-testid={testId} data-rows={rows.length}>
      <figcaption><strong>{title}</strong></figcaption>
      <BarChart width={labelWidth + 420} height={60 + 26 * rows.length} data={data} layout="vertical" margin={{ left: 10 }}>
        <CartesianGrid strokeDasharray="3 3" />
        <XAxis type="number" domain={[0, 100]} ticks={[0, 25, 50, 75, 100]} allowDataOverflow unit="%" fontSize={11} />
        <YAxis type="category" dataKey="label" width={labelWidth} fontSize={10} />
        <Tooltip formatter={(v) => `${String(v)} %`} />
        <Legend />
        {parts.map((p, j) => <Bar key={p} dataKey={p} stackId="share" fill={colors[j]} isAnimationActive={false} />)}
      </BarChart>
    </figure>
  );
}
