// Contrast maths against WCAG's reference values, and the token-shift colours checked over their whole range.
import { describe, expect, it } from 'vitest';
import { blend, contrastRatio, type Rgb } from './contrast';
import { SHIFT_RGB, SHIFT_TEXT_COLOUR } from './TokenShiftText';

const hex = (h: string): Rgb => [1, 3, 5].map((i) => parseInt(h.slice(i, i + 2), 16)) as unknown as Rgb;

describe('contrast', () => {
  it('matches WCAG reference values', () => {
    expect(contrastRatio([0, 0, 0], [255, 255, 255])).toBeCloseTo(21, 5);
    expect(contrastRatio([118, 118, 118], [255, 255, 255])).toBeCloseTo(4.54, 2);
  });

  it('token-shift text stays at 4.5 or more on every shift colour', () => {
    for (let alpha = 0; alpha <= 1.0001; alpha += 0.05) {
      expect(contrastRatio(hex(SHIFT_TEXT_COLOUR), blend(SHIFT_RGB, Math.min(1, alpha)))).toBeGreaterThanOrEqual(4.5);
    }
    // the page's default text colour (#1d2330) would not be
    expect(contrastRatio(hex('#1d2330'), SHIFT_RGB)).toBeLessThan(4.5);
  });
});
