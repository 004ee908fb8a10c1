// A labelled square heatmap (e.g. pairwise Yule's Q). Pure props → SVG. `values[i][j]` is row i, column j;
// null cells (undefined statistic) are hatched grey, never coloured as a number.
import { useState } from 'react';

export interface HeatmapProps {
  labels: string[];
  values: (number | null)[][];
  /** value range mapped onto the colour scale */
  min: number;
  max: number;
  title?: string;
  format?: (v: number) => string;
  testId?: string;
}

/** Diverging blue (min) → white → red (max). */
function colour(v: number, min: number, max: number): string {
  const t = Math.max(0, Math.min(1, (v - min) / (max - min || 1)));
  const r = t < 0.5 ? Math.round(60 + 390 * t) : 255;
  const b = t > 0.5 ? Math.round(255 - 390 * (t - 0.5)) : 255;
  const g = Math.round(255 - 190 * Math.abs(t - 0.5) * 2);
  return `rgb(${Math.min(255, r)},${g},${Math.max(60, b)})`;
}

export function Heatmap({ labels, values, min, max, title, format = (v) => v.toFixed(2), testId }: HeatmapProps) {
  const [hover, setHover] = useState<[number, number] | null>(null);
  const cell = 44;
  const fontSize = 11;
  // Room for the labels, from the longest (about 0.65 em per character): row labels sit left of the grid, column
  // labels are rotated 45° up-right from their column's centre, so they need height above and, for the last
  // columns, width past the grid.
  const labelPx = Math.ceil(Math.max(0, ...labels.map((l) => l.length)) * fontSize * 0.65);
  const left = Math.max(40, labelPx + 10);
  const top = Math.max(40, Math.ceil(labelPx * Math.SQRT1_2) + 12);
  const grid = labels.length * cell;
  const width = left + grid + Math.max(0, Math.ceil(labelPx * Math.SQRT1_2) - cell / 2) + 4;
  const height = top + grid;
  return (
    <figure className="card" data-testid={testId}>
      {title && <figcaption><strong>{title}</strong>{hover && values[hover[0]][hover[1]] !== null && ` — ${labels[hover[0]]} × ${labels[hover[1]]}: ${format(values[hover[0]][hover[1]] as number)}`}</figcaption>}
      <svg width={width} height={height} viewBox={`0 0 ${width} ${height}`} role="img" aria-label={title}>
        {labels.map((l, i) => (
          <g key={l}>
            <text className="row-label" x={left - 6} y={top + i * cell + cell / 2 + 4} textAnchor="end" fontSize={fontSize}>{l}</text>
            <text className="column-label" x={left + i * cell + cell / 2} y={top - 6} textAnchor="start" fontSize={fontSize} transform={`rotate(-45 ${left + i * cell + cell / 2} ${top - 6})`}>{l}</text>
          </g>
        ))}
        {values.map((row, i) => row.map((v, j) => (
          <g key={`${i}-${j}`} onMouseEnter={() => setHover([i, j])} onMouseLeave={() => setHover(null)}>
            <rect x={left + j * cell} y={top + i * cell} width={cell - 1} height={cell - 1} fill={v === null ? '#ddd' : colour(v, min, max)} data-value={v ?? ''} />
            <text x={left + j * cell + cell / 2} y={top + i * cell + cell / 2 + 4} textAnchor="middle" fontSize={10}>{v === null ? '—' : format(v)}</text>
          </g>
        )))}
      </svg>
    </figure>
  );
}
