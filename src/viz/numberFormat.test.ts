// The shared number format, and the module helpers that must use it (circuits and alignbeam printed "-0.0 %").
import { describe, expect, it } from 'vitest';
import { fixed, percent } from './numberFormat';
import * as circuits from '../features/circuits/format';
import * as alignbeam from '../features/alignbeam/format';

describe('number format', () => {
  it('never prints a negative zero', () => {
    expect(percent(-0.0001)).toBe('0.0 %');
    expect(percent(-0)).toBe('0.0 %');
    expect(fixed(-0.0004)).toBe('0.000');
    expect(fixed(-0.0004, 0)).toBe('0');
  });

  it('keeps real signs and digits, and a dash for missing values', () => {
    expect(percent(-0.0006)).toBe('-0.1 %');
    expect(percent(0.1234)).toBe('12.3 %');
    expect(fixed(-1.23456, 2)).toBe('-1.23');
    expect(percent(null)).toBe('—');
    expect(fixed(Number.NaN)).toBe('—');
  });

  it.each([['circuits', circuits], ['alignbeam', alignbeam]])('%s views use it', (_, m) => {
    expect(m.pct(-0.0001)).toBe('0.0 %');
    expect(m.fmt(-0.0001)).toBe('0.000');
  });
});
