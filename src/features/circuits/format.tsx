// Display helpers of the circuits views: numbers, percentages, a setting committed on Enter/blur, and the note
// that says whether a re-run reproduced the digest a share link carried.
import { useState } from 'react';
import type { EvidenceRecord, GraphMeta } from '../../core/circuits/types';

export { fixed as fmt, percent as pct } from '../../viz/numberFormat';
/**
 * How the graph on screen was made, for its header: the scoring method, and for the one-click refusal circuit
 * how the circuit was found (ACDC, or an extraction from the scores), which the scoring method alone misstates.
 */
export function methodLabel(meta: GraphMeta, extraction?: EvidenceRecord['extraction']): string | undefined {
  if (!meta.method) return undefined;
  const scores = meta.acdcTau !== undefined ? `ACDC (τ = ${meta.acdcTau})` : `${meta.method}${meta.steps ? ` (m = ${meta.steps})` : ''}`;
  if (!extraction || meta.acdcTau !== undefined) return scores;
  if (extraction.mode === 'acdc') return `circuit found by ACDC (τ = ${extraction.tau ?? '?'}), edges scored by ${scores}`;
  return `circuit by ${extraction.mode === 'topn' ? 'top-n' : extraction.mode} extraction from ${scores} scores`;
}

/** Scores span decades: fixed digits for large ones, exponent for tiny ones. */
export const score = (v: number): string => (!Number.isFinite(v) ? '—' : v === 0 || Math.abs(v) >= 1e-3 ? v.toFixed(4) : v.toExponential(2));

export { DigestNote } from '../../viz/DigestNote';

/**
 * A number input that commits on Enter or blur (not per keystroke: a change re-cuts the circuit in the worker).
 * Keyed by its committed value so an outside change (a link, a clamp) shows up.
 */
export function CommitNumber({ value, onCommit, testId, min, max, step, width = 80 }: {
  value: number; onCommit: (v: number) => void; testId?: string; min?: number; max?: number; step?: number; width?: number;
}) {
  return <CommitNumberInner key={value} value={value} onCommit={onCommit} testId={testId} min={min} max={max} step={step} width={width} />;
}

function CommitNumberInner({ value, onCommit, testId, min, max, step, width }: {
  value: number; onCommit: (v: number) => void; testId?: string; min?: number; max?: number; step?: number; width: number;
}) {
  const [text, setText] = useState(String(value));
  const commit = () => {
    const v = Number(text);
    if (text.trim() !== '' && Number.isFinite(v) && v !== value) onCommit(v);
    else setText(String(value));
  };
  return (
    <input type="number" value={text} min={min} max={max} step={step} data-testid={testId} style={{ width }}
      onChange={(e) => setText(e.target.value)} onBlur={commit} onKeyDown={(e) => { if (e.key === 'Enter') commit(); }} />
  );
}
