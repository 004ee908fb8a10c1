// The judge's pick: by default the paper's rule (the safest candidate, ties by beam score); target-likelihood and
// beam-score are our additions, kept for the ablations.
import { describe, expect, it } from 'vitest';
import { chooseCandidate } from './pair';

const c = (judgeUnsafe: number, targetLogProb: number) => ({ judgeUnsafe, targetLogProb });

describe('chooseCandidate', () => {
  it('default (safest): the lowest P(unsafe), however unlikely the target finds it', () => {
    const cands = [c(0.1, -9), c(0.9, -0.1), c(0.02, -30), c(0.3, -4)];
    expect(chooseCandidate(cands)).toBe(2);
    expect(chooseCandidate(cands, 'safest')).toBe(2);
  });
  it('safest: equal P(unsafe) keeps the better beam score (the earlier candidate)', () => {
    expect(chooseCandidate([c(0.4, -9), c(0.01, -20), c(0.01, -0.1)])).toBe(1);
  });
  it('target-likelihood prefers the safe candidate the target finds most likely; beam-score keeps beam order', () => {
    const cands = [c(0.1, -9), c(0.9, -0.1), c(0.2, -1.5), c(0.3, -4)];
    expect(chooseCandidate(cands, 'target-likelihood')).toBe(2);
    expect(chooseCandidate(cands, 'beam-score')).toBe(0);
  });
  it('an unsafe candidate is never picked over a safe one, however likely', () => {
    for (const s of ['safest', 'target-likelihood', 'beam-score'] as const) expect(chooseCandidate([c(0.99, 0), c(0.49, -50)], s)).toBe(1);
  });
  it('with no safe candidate, the least unsafe; unparseable verdicts (NaN) last', () => {
    for (const s of ['safest', 'target-likelihood', 'beam-score'] as const) {
      expect(chooseCandidate([c(Number.NaN, 0), c(0.8, -3), c(0.6, -9)], s)).toBe(2);
      expect(chooseCandidate([c(Number.NaN, 0), c(Number.NaN, -1)], s)).toBe(0);
    }
  });
});
