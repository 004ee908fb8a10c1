// Generated text as coloured tokens: the background of each token grows with how much another distribution moved
// it (for ALIGNBEAM, |p_mix − p_target| of the chosen token: the anchor's influence). Pure props → view.
// Shapes: `tokens[i]` is the i-th generated token in order; `shift` is in [0, 1]; `mixed` marks steps that mixed.
import { useMemo } from 'react';

export interface ShiftToken {
  text: string;
  shift: number;
  mixed: boolean;
}

export interface TokenShiftTextProps {
  tokens: readonly ShiftToken[];
  /** Shift that gets the full colour (default 1: shifts are probabilities). */
  scale?: number;
  testId?: string;
}

/** The shift colour (Okabe–Ito vermillion) and the token text drawn on it: black, whose contrast on the full
 * colour is 5.4 (the page's default text colour falls to 4.1 there, under the 4.5 WCAG asks of body text). */
export const SHIFT_RGB = [213, 94, 0] as const;
export const SHIFT_TEXT_COLOUR = '#000000';

/** Square root so small but real shifts (0.01–0.1) are visible next to large ones. */
export function shiftOpacity(shift: number, scale = 1): number {
  if (!(shift > 0)) return 0;
  return Math.min(1, Math.sqrt(shift / scale));
}

export function TokenShiftText({ tokens, scale = 1, testId }: TokenShiftTextProps) {
  const maxShift = useMemo(() => tokens.reduce((m, t) => Math.max(m, t.shift), 0), [tokens]);
  return (
    <div data-testid={testId} data-tokens={tokens.length} data-max-shift={maxShift.toFixed(4)}
      style={{ color: SHIFT_TEXT_COLOUR, whiteSpace: 'pre-wrap', fontFamily: 'ui-monospace, monospace', lineHeight: 1.7, minHeight: '1.7em' }}>
      {tokens.map((t, i) => (
        <span key={i} data-shift={t.shift.toFixed(4)} title={`${JSON.stringify(t.text)} shift ${t.shift.toFixed(4)}${t.mixed ? ' (mixed step)' : ''}`}
          style={{
            background: `rgba(${SHIFT_RGB.join(', ')}, ${shiftOpacity(t.shift, scale).toFixed(3)})`,
            borderBottom: t.mixed ? '2px dotted #0072B2' : undefined,
          }}>{t.text}</span>
      ))}
    </div>
  );
}

/** Legend for TokenShiftText: the colour at a few shift values. */
export function TokenShiftLegend({ scale = 1 }: { scale?: number }) {
  return (
    <span className="muted" style={{ fontSize: 12 }}>
      shift{' '}
      {[0.01, 0.05, 0.2, 0.5, 1].map((s) => (
        <span key={s} style={{ color: SHIFT_TEXT_COLOUR, background: `rgba(${SHIFT_RGB.join(', ')}, ${shiftOpacity(s * scale, scale).toFixed(3)})`, padding: '0 4px', marginRight: 2 }}>{s * scale}</span>
      ))}
      {' '}<span style={{ borderBottom: '2px dotted #0072B2' }}>mixed step</span>
    </span>
  );
}
