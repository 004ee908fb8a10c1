// Faithfulness vs circuit size: the recovered fraction of the metric for the best-scored circuits of each size
// and for random edge sets of the same size, plus the extracted circuit itself as a point (its size need not be
// on the ladder). x is on a square-root scale so the small circuits that matter are not squeezed into a corner.
import { CartesianGrid, ComposedChart, Legend, Line, Scatter, Tooltip, XAxis, YAxis } from 'recharts';
import type { FaithfulnessCurve, FaithfulnessPoint } from '../../core/circuits/types';
import { spacedTicks } from '../../viz/axisTicks';
import { SERIES_COLOURS } from '../../viz/SeriesLineChart';

const WIDTH = 520;
/** Plot width left after the margins and the y axis (recharts' default 60 px): where x ticks are laid out. */
const PLOT_WIDTH = WIDTH - 16 - 8 - 60;
/** Room for a tick label of up to 4 digits at font size 10. */
const MIN_TICK_GAP_PX = 30;

export function FaithfulnessChart({ title, curve, circuit, testId }: { title: string; curve: FaithfulnessCurve; circuit: FaithfulnessPoint | null; testId?: string }) {
  const best = curve.points.map((p) => ({ size: p.size, recovered: p.recovered }));
  const random = curve.points.map((p) => ({ size: p.size, recovered: p.randomRecovered }));
  const fmt = (v: number) => v.toFixed(3);
  // measured sizes are the ticks (the √ scale's own ticks skip most of them), thinned so no two labels overlap
  const ticks = spacedTicks([...curve.points.map((p) => p.size), ...(circuit ? [circuit.size] : [])], curve.totalEdges, PLOT_WIDTH, MIN_TICK_GAP_PX);
  return (
    <figure className="card" data-testid={testId}>
      <figcaption><strong>{title}</strong></figcaption>
      <ComposedChart width={WIDTH} height={320} margin={{ top: 8, right: 16, bottom: 24, left: 8 }}>
        <CartesianGrid strokeDasharray="3 3" />
        <XAxis dataKey="size" type="number" scale="sqrt" domain={[0, curve.totalEdges]} ticks={ticks} interval={0} fontSize={10}
          label={{ value: 'circuit size (edges, √ scale)', position: 'insideBottom', offset: -12, fontSize: 11 }} />
        <YAxis dataKey="recovered" type="number" domain={['auto', 'auto']} fontSize={11} tickFormatter={fmt}
          label={{ value: 'recovered', angle: -90, position: 'insideLeft', fontSize: 11 }} />
        <Tooltip formatter={(v) => (typeof v === 'number' ? fmt(v) : String(v))} />
        <Legend verticalAlign="top" height={28} wrapperStyle={{ fontSize: 11 }} />
        <Line data={best} dataKey="recovered" name="top circuits by size" stroke={SERIES_COLOURS[0]} strokeWidth={2} dot={{ r: 3 }} isAnimationActive={false} />
        <Line data={random} dataKey="recovered" name="random edges" stroke={SERIES_COLOURS[1]} strokeWidth={2} dot={{ r: 3 }} isAnimationActive={false} />
        {circuit && (
          <Scatter data={[{ size: circuit.size, recovered: circuit.recovered }]} dataKey="recovered" name={`this circuit (${circuit.size} edges)`}
            fill={SERIES_COLOURS[3]} shape="diamond" isAnimationActive={false} />
        )}
      </ComposedChart>
    </figure>
  );
}
