// Safety–utility frontier: one point per setting of a sweep (x = task accuracy, y = refusal rate on harmful
// prompts; both in [0, 1], up and right is better), the Pareto front of those points as a line, and reference
// methods (baselines) as labelled markers of their own shape. Pure props → recharts view; points with a NaN
// coordinate (a suite that was not run) are left out and counted in `data-missing`.
import { useMemo } from 'react';
import { CartesianGrid, LabelList, Legend, Scatter, ScatterChart, Tooltip, XAxis, YAxis } from 'recharts';
import { paretoFront } from './pareto';

export interface FrontierPoint {
  /** Shown in the tooltip and, for references, next to the marker. */
  label: string;
  x: number;
  y: number;
}

export interface FrontierReference extends FrontierPoint {
  shape?: 'diamond' | 'square' | 'triangle' | 'star' | 'cross' | 'wye';
  color?: string;
}

export interface FrontierChartProps {
  title: string;
  points: readonly FrontierPoint[];
  references?: readonly FrontierReference[];
  /** Legend name of `points`. */
  pointsName?: string;
  xLabel?: string;
  yLabel?: string;
  width?: number;
  height?: number;
  testId?: string;
}

const finite = (p: FrontierPoint) => Number.isFinite(p.x) && Number.isFinite(p.y);

const REF_COLOURS = ['#000000', '#D55E00', '#009E73', '#CC79A7', '#E69F00'];
const REF_SHAPES: NonNullable<FrontierReference['shape']>[] = ['square', 'diamond', 'triangle', 'star', 'cross'];

export function FrontierChart({ title, points, references = [], pointsName = 'settings', xLabel = 'task accuracy', yLabel = 'refusal rate (harmful)', width = 650, height = 400, testId }: FrontierChartProps) {
  const shown = useMemo(() => points.filter(finite), [points]);
  const front = useMemo(() => paretoFront(points), [points]);
  const refs = useMemo(() => references.filter(finite), [references]);
  const missing = points.length - shown.length + references.length - refs.length;
  const fmt = (v: unknown) => (typeof v === 'number' ? v.toFixed(3) : String(v));
  return (
    <figure className="card" data-testid={testId} data-points={shown.length} data-references={refs.length} data-missing={missing}>
      <figcaption><strong>{title}</strong></figcaption>
      <ScatterChart width={width} height={height} margin={{ top: 10, right: 140, bottom: 30, left: 10 }}>
        <CartesianGrid strokeDasharray="3 3" />
        <XAxis type="number" dataKey="x" domain={[0, 1]} name={xLabel} fontSize={11} label={{ value: xLabel, position: 'insideBottom', offset: -15, fontSize: 11 }} />
        <YAxis type="number" dataKey="y" domain={[0, 1]} name={yLabel} fontSize={11} label={{ value: yLabel, angle: -90, position: 'insideLeft', fontSize: 11 }} />
        <Tooltip formatter={fmt} labelFormatter={() => ''} content={({ payload }) => {
          const p = payload?.[0]?.payload as FrontierPoint | undefined;
          return p ? <div className="card" style={{ margin: 0, padding: 6 }}>{p.label}<br />{xLabel} {fmt(p.x)}<br />{yLabel} {fmt(p.y)}</div> : null;
        }} />
        <Legend verticalAlign="top" height={40} wrapperStyle={{ fontSize: 11 }} />
        <Scatter name="Pareto front" data={front} line={{ stroke: '#0072B2', strokeDasharray: '5 3' }} fill="none" shape={() => <g />} legendType="line" isAnimationActive={false} />
        {refs.map((r, i) => (
          <Scatter key={r.label} name={r.label} data={[r]} fill={r.color ?? REF_COLOURS[i % REF_COLOURS.length]} shape={r.shape ?? REF_SHAPES[i % REF_SHAPES.length]} isAnimationActive={false}>
            <LabelList dataKey="label" position="right" fontSize={10} />
          </Scatter>
        ))}
        {/* drawn last: with few items, settings often coincide with a baseline and must stay visible on top */}
        <Scatter name={pointsName} data={shown as FrontierPoint[]} fill="#0072B2" fillOpacity={0.75} stroke="#fff" isAnimationActive={false} />
      </ScatterChart>
    </figure>
  );
}
