// A line chart of several named series over a shared x (e.g. AUC vs context size, one line per strategy).
// Pure props → recharts view. `data[i]` is one x position: `{ x, [series]: y | null }`; null leaves a gap.
// The x axis is categorical so sizes like 64 / 256 / 1024 are evenly spaced and every tick is a measured point.
import { CartesianGrid, Legend, Line, LineChart, Tooltip, XAxis, YAxis } from 'recharts';

export type SeriesRow = { x: number | string } & Record<string, number | string | null>;

export interface SeriesLineChartProps {
  title: string;
  data: SeriesRow[];
  series: string[];
  xLabel: string;
  yLabel: string;
  /** y range; default fitted to the data */
  yDomain?: [number | 'auto', number | 'auto'];
  format?: (v: number) => string;
  width?: number;
  height?: number;
  testId?: string;
}

/** Colour-blind-safe (Okabe–Ito) palette, cycled. */
export const SERIES_COLOURS = ['#0072B2', '#E69F00', '#009E73', '#D55E00', '#CC79A7', '#56B4E9', '#000000', '#F0E442'];

export function SeriesLineChart({ title, data, series, xLabel, yLabel, yDomain = ['auto', 'auto'], format = (v) => v.toFixed(3), width = 560, height = 320, testId }: SeriesLineChartProps) {
  return (
    <figure className="card" data-testid={testId}>
      <figcaption><strong>{title}</strong></figcaption>
      <LineChart width={width} height={height} data={data} margin={{ top: 8, right: 16, bottom: 24, left: 8 }}>
        <CartesianGrid strokeDasharray="3 3" />
        <XAxis dataKey="x" type="category" fontSize={11} label={{ value: xLabel, position: 'insideBottom', offset: -12, fontSize: 11 }} />
        <YAxis domain={yDomain} fontSize={11} tickFormatter={(v: number) => format(v)} label={{ value: yLabel, angle: -90, position: 'insideLeft', fontSize: 11 }} />
        <Tooltip formatter={(v) => (typeof v === 'number' ? format(v) : String(v))} />
        <Legend verticalAlign="top" height={28} wrapperStyle={{ fontSize: 11 }} />
        {series.map((s, i) => (
          <Line key={s} dataKey={s} name={s} stroke={SERIES_COLOURS[i % SERIES_COLOURS.length]} strokeWidth={2} dot={{ r: 3 }} connectNulls={false} isAnimationActive={false} />
        ))}
      </LineChart>
    </figure>
  );
}
