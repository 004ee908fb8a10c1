// Wilcoxon signed-rank against brute-force enumeration and scipy.stats.wilcoxon; Holm against a hand-worked case.
import { describe, expect, it } from 'vitest';
import { DEMSAR_TABLE } from './fixtures/demsar2006';
import { holmAdjust, signedRankCounts, wilcoxonSignedRank } from './wilcoxon';

const zeros = (n: number) => new Array<number>(n).fill(0);

describe('Wilcoxon signed-rank', () => {
  it('the W+ distribution equals brute-force enumeration of all 2^n sign patterns', () => {
    const n = 10;
    const brute = zeros((n * (n + 1)) / 2 + 1);
    for (let mask = 0; mask < 1 << n; mask++) {
      let s = 0;
      for (let r = 1; r <= n; r++) if (mask & (1 << (r - 1))) s += r;
      brute[s]++;
    }
    expect(signedRankCounts(n)).toEqual(brute);
  });

  it('exact p by hand: n = 8, R− = 1 + 5 = 6 → p = 2·14/256 = 0.109375 (scipy exact agrees)', () => {
    const r = wilcoxonSignedRank([1.1, 2.3, -0.4, 3.2, 0.7, -1.5, 2.8, 0.9], zeros(8));
    expect(r.method).toBe('exact');
    expect(r.rMinus).toBe(6);
    expect(r.p).toBeCloseTo(0.109375, 15);
  });

  it('exact p matches scipy for n = 12', () => {
    const r = wilcoxonSignedRank([0.5, -1.2, 2.4, 3.1, -0.2, 1.7, 2.2, 0.8, 1.9, -0.6, 1.3, 2.6], zeros(12));
    expect(r.rMinus).toBe(9);
    expect(r.p).toBeCloseTo(0.01611328125, 15);
  });

  it('ties and zeros: zeros dropped, normal approximation with tie + continuity correction (scipy 0.013150710389845967)', () => {
    const r = wilcoxonSignedRank([1, 1, 2, -2, 3, 3, 4, 5, -1, 6, 2, 0, 7], zeros(13));
    expect(r.method).toBe('normal');
    expect(r.n).toBe(12);
    expect(r.rMinus).toBe(7);
    expect(r.p).toBeCloseTo(0.013150710389845967, 10);
  });

  it('n > 25 uses the normal approximation (scipy approx 0.0011548716402423043)', () => {
    const d = [2.0641, 0.7002, 1.2787, 2.5409, 2.1676, -0.6773, 1.2501, 0.1486, 0.1968, 0.7106, 0.444, 1.7543, 1.061, 0.4217, 0.7439,
      0.6337, 1.7941, 0.0948, 0.6131, -0.5541, -2.253, 0.9536, 1.1644, -0.4422, 2.5698, -1.1544, 0.3458, 0.1128, 1.8328, 1.7694];
    const r = wilcoxonSignedRank(d, zeros(30));
    expect(r.method).toBe('normal');
    expect(r.rMinus).toBe(74);
    expect(r.p).toBeCloseTo(0.0011548716402423043, 10);
  });

  it("Demšar's C4.5 vs C4.5+m (§3.1.3): 2 zeros dropped, a tie at |0.005| → normal approx, scipy p = 0.012030358470209076", () => {
    // (Demšar splits zeros between R+ and R− and reports T = 12; with zeros dropped R+ = 6.5, R− = 71.5)
    const r = wilcoxonSignedRank(DEMSAR_TABLE.map((row) => row[0]), DEMSAR_TABLE.map((row) => row[1]));
    expect(r.n).toBe(12);
    expect(r.rPlus).toBe(6.5);
    expect(r.rMinus).toBe(71.5);
    expect(r.method).toBe('normal');
    expect(r.p).toBeCloseTo(0.012030358470209076, 10);
  });

  it('identical samples give p = 1', () => {
    expect(wilcoxonSignedRank([1, 2, 3], [1, 2, 3]).p).toBe(1);
  });
});

describe('Holm', () => {
  it('hand-worked: [0.01, 0.04, 0.03, 0.005] → [0.03, 0.06, 0.06, 0.02]', () => {
    const adj = holmAdjust([0.01, 0.04, 0.03, 0.005]);
    [0.03, 0.06, 0.06, 0.02].forEach((v, i) => expect(adj[i]).toBeCloseTo(v, 12));
  });

  it('caps at 1', () => {
    expect(holmAdjust([0.6, 0.7])).toEqual([1, 1]);
  });
});
