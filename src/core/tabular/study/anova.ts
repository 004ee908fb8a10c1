// Variance decomposition of study AUCs: main-effect sums of squares for each factor (strategy, teacher, size)
// plus chosen two-factor interactions (strategy × teacher, strategy × size), as shares of the total sum of squares. In the study's full factorial,
// balanced design (every strategy × teacher × size × fold cell once) the main effects are orthogonal, so the shares
// are the classical two-way (and more) ANOVA decomposition; the residual holds fold noise and higher interactions.

export interface AnovaTerm {
  term: string;
  ss: number;
  df: number;
  /** ss / total ss */
  share: number;
}

export interface VarianceDecomposition {
  scope: string;
  n: number;
  totalSs: number;
  terms: AnovaTerm[];
}

type Obs = Record<string, string | number> & { value: number };

function groupMeans(obs: Obs[], key: (o: Obs) => string): Map<string, { sum: number; n: number }> {
  const m = new Map<string, { sum: number; n: number }>();
  for (const o of obs) {
    const k = key(o);
    const g = m.get(k) ?? { sum: 0, n: 0 };
    g.sum += o.value;
    g.n++;
    m.set(k, g);
  }
  return m;
}

/**
 * Decompose `value` over `factors` (main effects) and the given two-factor `interactions` (each pair's cell-mean
 * deviation from additivity); what remains is the residual.
 */
export function decomposeVariance(scope: string, obsIn: Obs[], factors: string[], interactions: [string, string][] = []): VarianceDecomposition {
  const obs = obsIn.filter((o) => Number.isFinite(o.value));
  const n = obs.length;
  const grand = obs.reduce((s, o) => s + o.value, 0) / Math.max(1, n);
  const totalSs = obs.reduce((s, o) => s + (o.value - grand) ** 2, 0);
  const share = (ss: number): number => (totalSs > 0 ? ss / totalSs : 0);
  const terms: AnovaTerm[] = [];
  const means = new Map<string, Map<string, number>>();
  for (const f of factors) {
    const g = groupMeans(obs, (o) => String(o[f]));
    let ss = 0;
    const mm = new Map<string, number>();
    for (const [k, { sum, n: c }] of g) { mm.set(k, sum / c); ss += c * (sum / c - grand) ** 2; }
    means.set(f, mm);
    terms.push({ term: f, ss, df: g.size - 1, share: share(ss) });
  }
  for (const [a, b] of interactions) {
    const ma = means.get(a);
    const mb = means.get(b);
    if (!ma || !mb) throw new RangeError(`Interaction ${a}×${b} needs both factors among the main effects.`);
    const cells = groupMeans(obs, (o) => `${o[a]}\u0000${o[b]}`);
    let ss = 0;
    for (const [k, { sum, n: c }] of cells) {
      const [ka, kb] = k.split('\u0000');
      ss += c * (sum / c - (ma.get(ka) ?? grand) - (mb.get(kb) ?? grand) + grand) ** 2;
    }
    terms.push({ term: `${a}×${b}`, ss, df: (ma.size - 1) * (mb.size - 1), share: share(ss) });
  }
  const explained = terms.reduce((s, t) => s + t.ss, 0);
  const dfUsed = terms.reduce((s, t) => s + t.df, 0);
  const residual = Math.max(0, totalSs - explained);
  terms.push({ term: 'residual', ss: residual, df: Math.max(0, n - 1 - dfUsed), share: share(residual) });
  return { scope, n, totalSs, terms };
}
