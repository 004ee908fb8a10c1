// Reliability diagram: per confidence bin, the mean predicted confidence (x) against the observed accuracy (y),
// one line per model, with the diagonal of perfect calibration. Empty bins are left out (no point without rows).
import { CartesianGrid, Legend, ReferenceLine, Scatter, ScatterChart, Tooltip, XAxis, YAxis } from 'recharts';

export interface ReliabilitySeries {
  name: string;
  bins: { meanConfidence: number; accuracy: number; count: number }[];
}

const COLOURS = ['#1d2330', '#c0392b', '#2e86c1', '#27ae60', '#8e44ad', '#d68910'];

export interface ReliabilityDiagramProps {
  series: ReliabilitySeries[];
  title: string;
  testId?: string;
  /** Axis names: the confidence form by default; a P(unsafe) diagram says "mean P(unsafe)" / "observed unsafe share". */
  xLabel?: string;
  yLabel?: string;
}

export function ReliabilityDiagram({ series, title, testId, xLabel = 'mean confidence', yLabel = 'accuracy' }: ReliabilityDiagramProps) {
  return (
    <figure className="card" data-testid={testId}>
      <figcaption><strong>{title}</strong></figcaption>
      <ScatterChart width={420} height={320} margin={{ top: 10, right: 20, bottom: 30, left: 10 }}>
        <CartesianGrid strokeDasharray="3 3" />
        <XAxis type="number" dataKey="x" domain={[0, 1]} name={xLabel} label={{ value: xLabel, position: 'insideBottom', offset: -15 }} fontSize={11} />
        <YAxis type="number" dataKey="y" domain={[0, 1]} name={yLabel} label={{ value: yLabel, angle: -90, position: 'insideLeft' }} fontSize={11} />
        <ReferenceLine segment={[{ x: 0, y: 0 }, { x: 1, y: 1 }]} stroke="#999" strokeDasharray="4 4" />
        <Tooltip formatter={(v) => (typeof v === 'number' ? v.toFixed(3) : String(v))} />
        <Legend verticalAlign="top" />
        {series.map((s, i) => (
          <Scatter key={s.name} name={s.name} line fill={COLOURS[i % COLOURS.length]} isAnimationActive={false}
            data={s.bins.filter((b) => b.count > 0).map((b) => ({ x: b.meanConfidence, y: b.accuracy, rows: b.count }))} />
        ))}
      </ScatterChart>
    </figure>
  );
}
