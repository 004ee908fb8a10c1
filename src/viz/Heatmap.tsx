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
  const pad = 110;
  const size = pad + labels.length * cell;
  // Column labels are rotated 45° up-right from their column's centre: the last one needs room past the grid.
  const fontSize = 11;
  const labelReach = Math.ceil(Math.max(0, ...labels.map((l) => l.length)) * fontSize * 0.62 * Math.SQRT1_2);
  const width = size + Math.max(0, labelReach - cell / 2) + 4;
  return (
    <figure className="card" data-testid={testId}>
      {title && <figcaption><strong>{title}</strong>{hover && values[hover[0]][hover[1]] !== null && ` — ${labels[hover[0]]} × ${labels[hover[1]]}: ${format(values[hover[0]][hover[1]] as number)}`}</figcaption>}
      <svg width={width} height={size} viewBox={`0 0 ${width} ${size}`} role="img" aria-label={title}>
        {labels.map((l, i) => (
          <g key={l}>
            <text x={pad - 6} y={pad + i * cell + cell / 2 + 4} textAnchor="end" fontSize={fontSize}>{l}</text>
            <text className="column-label" x={pad + i * cell + cell / 2} y={pad - 6} textAnchor="start" fontSize={fontSize} transform={`rotate(-45 ${pad + i * cell + cell / 2} ${pad - 6})`}>{l}</text>
          </g>
        ))}
        {values.map((row, i) => row.map((v, j) => (
          <g key={`${i}-${j}`} onMouseEnter={() => setHover([i, j])} onMouseLeave={() => setHover(null)}>
            <rect x={pad + j * cell} y={pad + i * cell} width={cell - 1} height={cell - 1} fill={v === null ? '#ddd' : colour(v, min, max)} data-value={v ?? ''} />
            <text x={pad + j * cell + cell / 2} y={pad + i * cell + cell / 2 + 4} textAnchor="middle" fontSize={10}>{v === null ? '—' : format(v)}</text>
          </g>
        )))}
      </svg>
    </figure>
  );
}
