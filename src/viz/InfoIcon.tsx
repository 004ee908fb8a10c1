// A small "information" icon drawn as SVG: the circled-i character (U+24D8) has no glyph in Debian's default fonts.
export function InfoIcon({ size = 13 }: { size?: number }) {
  return (
    <svg width={size} height={size} viewBox="0 0 16 16" aria-hidden="true" style={{ verticalAlign: '-2px' }} data-testid="info-icon">
      <circle cx="8" cy="8" r="7" fill="none" stroke="currentColor" strokeWidth="1.5" />
      <rect x="7.2" y="7" width="1.6" height="5" fill="currentColor" />
      <circle cx="8" cy="4.6" r="1" fill="currentColor" />
    </svg>
  );
}
