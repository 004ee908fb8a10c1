// Display helpers of the circuits views: numbers, percentages, a setting committed on Enter/blur, and the note
// that says whether a re-run reproduced the digest a share link carried.
import { useState } from 'react';

export const fmt = (v: number | null | undefined, digits = 3): string => (v === null || v === undefined || !Number.isFinite(v) ? '—' : v.toFixed(digits));
export const pct = (v: number | null | undefined): string => (v === null || v === undefined || !Number.isFinite(v) ? '—' : `${(100 * v).toFixed(1)} %`);
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
