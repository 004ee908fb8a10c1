// Attention patterns of every head on one prompt (CircuitsVis-style): a grid of thumbnails, layers as rows and
// heads as columns, and the chosen head at full size with token labels. Shapes: `weights[dest][src]` is
// [query position × key position]; causal rows sum to 1. Pure props → view; thumbnails are canvases (cheap for
// many heads), the large pattern is SVG so each cell can be hovered.
import { useEffect, useMemo, useRef, useState } from 'react';
import type { AttentionPattern } from '../core/circuits/types';

export interface AttentionHeatmapProps {
  patterns: AttentionPattern[];
  testId?: string;
}

/** White (0) → dark blue (1). */
function shade(w: number): string {
  const t = Math.max(0, Math.min(1, w));
  return `rgb(${Math.round(255 - 222 * t)},${Math.round(255 - 153 * t)},${Math.round(255 - 83 * t)})`;
}

function Thumb({ p, selected, onPick }: { p: AttentionPattern; selected: boolean; onPick: () => void }) {
  const ref = useRef<HTMLCanvasElement>(null);
  const T = p.weights.length;
  useEffect(() => {
    const ctx = ref.current?.getContext('2d');
    if (!ctx) return;
    for (let i = 0; i < T; i++) for (let j = 0; j < T; j++) {
      ctx.fillStyle = shade(p.weights[i][j] ?? 0);
      ctx.fillRect(j, i, 1, 1);
    }
  }, [p, T]);
  return (
    <button onClick={onPick} title={`layer ${p.layer}, head ${p.head}`} data-testid={`attn-thumb-${p.layer}-${p.head}`} aria-pressed={selected}
      style={{ padding: 2, borderColor: selected ? '#e69f00' : undefined, borderWidth: selected ? 2 : 1 }}>
      <canvas ref={ref} width={T} height={T} style={{ width: 56, height: 56, imageRendering: 'pixelated', display: 'block' }} />
    </button>
  );
}

export function AttentionHeatmap({ patterns, testId = 'attention-heatmap' }: AttentionHeatmapProps) {
  const [pick, setPick] = useState<[number, number]>([0, 0]);
  const [hover, setHover] = useState<[number, number] | null>(null);
  const layers = useMemo(() => [...new Set(patterns.map((p) => p.layer))].sort((a, b) => a - b), [patterns]);
  const heads = useMemo(() => [...new Set(patterns.map((p) => p.head))].sort((a, b) => a - b), [patterns]);
  const current = patterns.find((p) => p.layer === pick[0] && p.head === pick[1]) ?? patterns[0];
  if (!current) return <p className="muted">No attention patterns.</p>;
  const T = current.tokens.length;
  const cell = Math.max(6, Math.min(22, Math.floor(560 / Math.max(1, T))));
  const pad = 110;
  const size = pad + T * cell;
  const label = (t: string) => (t.length > 14 ? `${t.slice(0, 13)}…` : t).replace(/\n/g, '⏎');
  return (
    <figure className="card" data-testid={testId} data-state="done" data-tokens={T}>
      <figcaption>
        <strong>Attention patterns</strong> — rows are layers, columns heads; each square is [query × key] (darker = more attention).
      </figcaption>
      <div style={{ display: 'grid', gridTemplateColumns: `auto repeat(${heads.length}, auto)`, gap: 4, alignItems: 'center', justifyContent: 'start', margin: '8px 0' }}>
        <span />
        {heads.map((h) => <span key={h} className="muted" style={{ textAlign: 'center' }}>h{h}</span>)}
        {layers.map((l) => [
          <span key={`l${l}`} className="muted">L{l}</span>,
          ...heads.map((h) => {
            const p = patterns.find((x) => x.layer === l && x.head === h);
            return p ? <Thumb key={`${l}-${h}`} p={p} selected={p === current} onPick={() => setPick([l, h])} /> : <span key={`${l}-${h}`} />;
          }),
        ])}
      </div>
      <p data-testid={`${testId}-readout`}>
        <strong>a{current.layer}.h{current.head}</strong>
        {hover ? <> — query “{current.tokens[hover[0]]}” (position {hover[0]}) attends to “{current.tokens[hover[1]]}” (position {hover[1]}) with weight {current.weights[hover[0]][hover[1]].toFixed(3)}</> : ' — hover a cell'}
      </p>
      <div style={{ overflow: 'auto' }}>
        <svg width={size} height={size} role="img" aria-label={`attention of layer ${current.layer} head ${current.head}`} onMouseLeave={() => setHover(null)}>
          {current.tokens.map((t, i) => (
            <g key={i}>
              <text x={pad - 4} y={pad + i * cell + cell / 2 + 4} textAnchor="end" fontSize={10}>{label(t)}</text>
              <text x={pad + i * cell + cell / 2} y={pad - 4} fontSize={10} transform={`rotate(-60 ${pad + i * cell + cell / 2} ${pad - 4})`}>{label(t)}</text>
            </g>
          ))}
          {current.weights.map((row, i) => row.map((w, j) => (j > i ? null : (
            <rect key={`${i}-${j}`} x={pad + j * cell} y={pad + i * cell} width={cell - 0.5} height={cell - 0.5} fill={shade(w)} onMouseEnter={() => setHover([i, j])} />
          ))))}
        </svg>
      </div>
    </figure>
  );
}
