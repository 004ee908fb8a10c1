// The judge's pick: the judge filters for safety; the target (default) or the mixed beam score ranks what is left.
import { describe, expect, it } from 'vitest';
import { chooseCandidate } from './pair';

const c = (judgeUnsafe: number, targetLogProb: number) => ({ judgeUnsafe, targetLogProb });

describe('chooseCandidate', () => {
  it('among safe candidates prefers the one the target finds most likely; "mixed" keeps beam order', () => {
    const cands = [c(0.1, -9), c(0.9, -0.1), c(0.2, -1.5), c(0.3, -4)];
    expect(chooseCandidate(cands)).toBe(2);
    expect(chooseCandidate(cands, 'target')).toBe(2);
    expect(chooseCandidate(cands, 'mixed')).toBe(0);
  });
  it('an unsafe candidate is never picked over a safe one, however likely', () => {
    expect(chooseCandidate([c(0.99, 0), c(0.49, -50)])).toBe(1);
  });
  it('with no safe candidate, the least unsafe; unparseable verdicts (NaN) last', () => {
    expect(chooseCandidate([c(Number.NaN, 0), c(0.8, -3), c(0.6, -9)])).toBe(2);
    expect(chooseCandidate([c(Number.NaN, 0), c(Number.NaN, -1)])).toBe(0);
  });
});
