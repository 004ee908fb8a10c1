// Wilcoxon signed-rank against brute-force enumeration, scipy.stats.wilcoxon and Demšar (2006); Holm against a
// hand-worked case. Values quoted as "scipy test_morestats" are the expected values of scipy's own test suite
// (scipy/stats/tests/test_morestats.py, class TestWilcoxon, scipy main of 2026-08-22, 3dbf660a), several of them
// in turn taken from R's wilcox.test.
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
    const r = wilcoxonSignedRank([1, 1, 2, -2, 3, 3, 4, 5, -1, 6, 2, 0, 7], zeros(13), { method: 'asymptotic', correction: true });
    expect(r.method).toBe('normal');
    expect(r.n).toBe(12);
    expect(r.rMinus).toBe(7);
    expect(r.p).toBeCloseTo(0.013150710389845967, 10);
  });

  it('asymptotic with continuity correction, n = 30 (scipy approx 0.0011548716402423043)', () => {
    const d = [2.0641, 0.7002, 1.2787, 2.5409, 2.1676, -0.6773, 1.2501, 0.1486, 0.1968, 0.7106, 0.444, 1.7543, 1.061, 0.4217, 0.7439,
      0.6337, 1.7941, 0.0948, 0.6131, -0.5541, -2.253, 0.9536, 1.1644, -0.4422, 2.5698, -1.1544, 0.3458, 0.1128, 1.8328, 1.7694];
    const r = wilcoxonSignedRank(d, zeros(30), { method: 'asymptotic', correction: true });
    expect(r.method).toBe('normal');
    expect(r.rMinus).toBe(74);
    expect(r.p).toBeCloseTo(0.0011548716402423043, 10);
  });

  it("Demšar's C4.5 vs C4.5+m (§3.1.3), zeros dropped: a tie at |0.005| → normal approx, scipy (correction) p = 0.012030358470209076", () => {
    // (Demšar splits zeros between R+ and R− and reports T = 12; with zeros dropped R+ = 6.5, R− = 71.5)
    const r = wilcoxonSignedRank(DEMSAR_TABLE.map((row) => row[0]), DEMSAR_TABLE.map((row) => row[1]), { correction: true });
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

describe('Wilcoxon options as scipy.stats.wilcoxon and Demšar (2006)', () => {
  const c45 = DEMSAR_TABLE.map((row) => row[0]);
  const c45m = DEMSAR_TABLE.map((row) => row[1]);

  it("zsplit reproduces Demšar's worked example: C4.5+m vs C4.5 R+ = 93, R− = 12, z = 2.54 (§3.1.3: T = 12, z = −2.54)", () => {
    const r = wilcoxonSignedRank(c45m, c45, { zeroMethod: 'zsplit' });
    expect(r.n).toBe(14);
    expect(r.zeros).toBe(2);
    expect(r.rPlus).toBe(93);
    expect(r.rMinus).toBe(12);
    expect(r.method).toBe('normal');
    expect(r.z!).toBeCloseTo(2.54, 2);
    expect(r.p).toBeLessThan(0.05); // "rejects the null hypothesis" at α = 0.05
    expect(wilcoxonSignedRank(c45, c45m, { zeroMethod: 'zsplit' }).z!).toBeCloseTo(-2.54, 2);
  });

  // freq = [1, 4, 16, 15, 8, 4, 5, 1, 2] of the values −4..4 against zeros: 56 pairs, 4 zeros (n > 50 → normal)
  const accuracy = [-4, -3, -2, -1, 0, 1, 2, 3, 4].flatMap((v, i) => new Array<number>([1, 4, 16, 15, 8, 4, 5, 1, 2][i]).fill(v));
  it.each([
    ['pratt', 423, 0.0031724568006762576],
    ['zsplit', 441, 0.0032145343172473055],
    ['wilcox', 327, 0.00641346115861],
  ] as const)('zero method %s: T = %d, p as scipy test_accuracy_wilcoxon', (zeroMethod, t, p) => {
    const r = wilcoxonSignedRank(accuracy, zeros(accuracy.length), { zeroMethod, method: 'asymptotic' });
    expect(Math.min(r.rPlus, r.rMinus)).toBe(t);
    expect(r.p).toBeCloseTo(p, 12);
  });

  it('pratt: [1, 2, 3, 4] vs [1, 2, 3, 5] → p = 0.31731050786291415 (scipy test_pratt, from R coin)', () => {
    const r = wilcoxonSignedRank([1, 2, 3, 4], [1, 2, 3, 5], { zeroMethod: 'pratt', method: 'asymptotic' });
    expect(Math.min(r.rPlus, r.rMinus)).toBe(0);
    expect(r.p).toBeCloseTo(0.31731050786291415, 12);
  });

  it('continuity correction off by default, on by option (scipy test_accuracy_wilcoxon, from R wilcox.test)', () => {
    const x = [120, 114, 181, 188, 180, 146, 121, 191, 132, 113, 127, 112];
    const y = [133, 143, 119, 189, 112, 199, 198, 113, 115, 121, 142, 187];
    const plain = wilcoxonSignedRank(x, y, { method: 'asymptotic' });
    expect(Math.min(plain.rPlus, plain.rMinus)).toBe(34);
    expect(plain.p).toBeCloseTo(0.6948866023724735, 12);
    expect(wilcoxonSignedRank(x, y, { method: 'asymptotic', correction: true }).p).toBeCloseTo(0.7240816609153895, 12);
  });

  it('auto: exact up to 50 pairs without ties or zeros (scipy test_exact_pval: 0.8694877624511719 for n = 20)', () => {
    const x = Array.from({ length: 20 }, (_, i) => i + 0.5);
    const y = Array.from({ length: 20 }, (_, i) => 20 - i);
    const r = wilcoxonSignedRank(x, y);
    expect(r.method).toBe('exact');
    expect(r.p).toBeCloseTo(0.8694877624511719, 14);
    const x50 = Array.from({ length: 50 }, (_, i) => i + 0.5);
    const y50 = Array.from({ length: 50 }, (_, i) => 50 - i);
    expect(wilcoxonSignedRank(x50, y50).method).toBe('exact');
    expect(wilcoxonSignedRank([...x50, 60], [...y50, 0]).method).toBe('normal');
    expect(wilcoxonSignedRank(x50, y50, { exactMaxN: 25 }).method).toBe('normal');
  });

  it('auto with zeros or ties and ≤ 13 pairs: exact over all sign flips (scipy test_auto_permutation_edge_case)', () => {
    const d = Array.from({ length: 13 }, (_, i) => i - 5);
    const r = wilcoxonSignedRank(d, zeros(13));
    expect(r.method).toBe('exact');
    expect(Math.min(r.rPlus, r.rMinus)).toBe(27.5);
    expect(r.p).toBe(0.3955078125);
    const tied = d.map((v) => (v === 0 ? 1 : v));
    const t = wilcoxonSignedRank(tied, zeros(13));
    expect(Math.min(t.rPlus, t.rMinus)).toBe(32);
    expect(t.p).toBe(0.3779296875);
    // 14 pairs with a zero: the normal approximation (scipy test_auto)
    expect(wilcoxonSignedRank(Array.from({ length: 14 }, (_, i) => i - 5), zeros(14)).method).toBe('normal');
  });

  it('zsplit with all zeros: R+ = R− = n(n+1)/4, p = 1 (scipy test_zero_diff)', () => {
    const x = Array.from({ length: 20 }, (_, i) => i);
    const r = wilcoxonSignedRank(x, x, { zeroMethod: 'zsplit', method: 'asymptotic' });
    expect(r.rPlus).toBe(105);
    expect(r.p).toBe(1);
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
