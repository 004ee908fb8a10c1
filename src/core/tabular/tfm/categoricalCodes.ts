// Categorical columns as integer codes for in-context TFMs. The design matrix every teacher receives one-hot
// encodes categoricals (right for LR, kNN and trees), but the tfm's prior (prior.ts `makeCategorical`, priorV2)
// trains on categoricals as arbitrary integer codes, and TabPFN v2 feeds them as ordinal codes too; one-hot also
// inflates the width past the 32-feature limit (german: 20 source columns → 61, so two blocks that each see half
// the features). `withCategoricalCodes` turns each one-hot group (FeatureMatrix.categoricalGroups, written by
// preprocessing) back into one column of codes before the wrapped teacher sees the data:
//  - levels are coded on the CONTEXT rows only: the levels present there get 0..L−1 in the plan's level order
//    (arbitrary, as in the prior, whose codes are permuted);
//  - a query whose level the context lacks (or whose indicators are all zero: a level unseen when fitting) is
//    NaN, the model's own missing value (the graph masks and flags it);
//  - a missing source value arrives already imputed to the training mode by preprocessing (the one-hot design
//    matrix no longer knows it was missing), so it is coded as that level.
// A matrix without groups, or whose groups do not match its columns, goes through unchanged.
import type { CategoricalGroup, FeatureMatrix } from '../matrix';
import type { Teacher } from '../teachers/teacher';

/** How the tfm teacher feeds categorical columns: one column of codes per source column, or the one-hot columns. */
export type TfmCategoricalEncoding = 'codes' | 'onehot';

/**
 * Variants of the coding (bench/tfm-categorical.ts measured them; none is on by default).
 * - oneHotMaxLevels: a group with at most this many levels (indicator columns) stays one-hot, wider ones become
 *   codes (a hybrid feed). Default 0: every group is coded.
 * - levelOrder 'target': codes ordered by the context's smoothed share of its rarest class per level (Fisher's
 *   ordering for a binary target), so the code is monotone in that share as the prior's quantised latents are;
 *   default 'plan': preprocessing's level order (arbitrary).
 */
export interface CategoricalCodeOptions {
  oneHotMaxLevels?: number;
  levelOrder?: 'plan' | 'target';
}

/** Groups that really describe `m`'s columns (indices in range, disjoint, names `group=level`). */
function validGroups(m: FeatureMatrix): CategoricalGroup[] {
  const groups = m.categoricalGroups ?? [];
  const seen = new Set<number>();
  for (const g of groups) {
    for (const j of g.columns) {
      if (!Number.isInteger(j) || j < 0 || j >= m.d || seen.has(j) || !m.names[j]?.startsWith(`${g.name}=`)) return [];
      seen.add(j);
    }
  }
  return groups;
}

/** Level index (within the group) of row i, or −1 when no indicator is set. */
function levelOf(m: FeatureMatrix, i: number, cols: number[]): number {
  let best = -1;
  let max = 0;
  // argmax, not "the column equal to 1": synthetic rows (SMOTE) interpolate indicators
  for (let s = 0; s < cols.length; s++) {
    const v = m.x[i * m.d + cols[s]];
    if (v > max) { max = v; best = s; }
  }
  return best;
}

/**
 * Context and queries with every one-hot group replaced by one column of codes fitted on the context (at the
 * group's first column's position; other columns keep their order). Both matrices must share the columns.
 * `codedColumns`: the output indices holding codes (for adapters that treat categoricals apart, TabPFN v2's).
 */
export function categoricalCodes(xc: FeatureMatrix, xq: FeatureMatrix, options: CategoricalCodeOptions = {}, yc?: Int32Array, k = 2):
{ xc: FeatureMatrix; xq: FeatureMatrix; codedColumns: number[] } {
  const groups = validGroups(xc).filter((g) => g.columns.length > (options.oneHotMaxLevels ?? 0));
  if (!groups.length || xq.d !== xc.d) return { xc, xq, codedColumns: [] };
  const groupAt = new Map(groups.map((g) => [g.columns[0], g]));
  const inGroup = new Set(groups.flatMap((g) => g.columns));
  // output columns: a plain column index, or a group
  const out: (number | CategoricalGroup)[] = [];
  for (let j = 0; j < xc.d; j++) {
    const g = groupAt.get(j);
    if (g) out.push(g);
    else if (!inGroup.has(j)) out.push(j);
  }
  const codeMaps = new Map<CategoricalGroup, Int32Array>();
  for (const g of groups) {
    const present = new Uint8Array(g.columns.length);
    for (let i = 0; i < xc.n; i++) { const l = levelOf(xc, i, g.columns); if (l >= 0) present[l] = 1; }
    const code = new Int32Array(g.columns.length).fill(-1);
    const order = options.levelOrder === 'target' && yc ? targetOrder(xc, yc, k, g.columns) : g.columns.map((_, l) => l);
    let next = 0;
    for (const l of order) if (present[l]) code[l] = next++;
    codeMaps.set(g, code);
  }
  const codedColumns = out.flatMap((c, o) => (typeof c === 'number' ? [] : [o]));
  const encode = (m: FeatureMatrix): FeatureMatrix => {
    const d = out.length;
    const x = new Float64Array(m.n * d);
    for (let i = 0; i < m.n; i++) {
      for (let o = 0; o < d; o++) {
        const c = out[o];
        if (typeof c === 'number') { x[i * d + o] = m.x[i * m.d + c]; continue; }
        const l = levelOf(m, i, c.columns);
        const code = l >= 0 ? codeMaps.get(c)![l] : -1;
        x[i * d + o] = code >= 0 ? code : NaN;
      }
    }
    return { x, n: m.n, d, names: out.map((c) => (typeof c === 'number' ? m.names[c] : c.name)), codedColumns };
  };
  return { xc: encode(xc), xq: encode(xq), codedColumns };
}

/**
 * Level indices of a group sorted by the context's share of its rarest class among the level's rows, smoothed
 * towards the overall share by one pseudo-row (a level seen once does not jump to an end); ties keep plan order.
 */
function targetOrder(xc: FeatureMatrix, yc: Int32Array, k: number, cols: number[]): number[] {
  const classCount = new Float64Array(k);
  for (const y of yc) classCount[y]++;
  let rare = 0;
  for (let c = 1; c < k; c++) if (classCount[c] > 0 && (classCount[rare] === 0 || classCount[c] < classCount[rare])) rare = c;
  const overall = classCount[rare] / Math.max(1, yc.length);
  const hits = new Float64Array(cols.length);
  const rows = new Float64Array(cols.length);
  for (let i = 0; i < xc.n; i++) {
    const l = levelOf(xc, i, cols);
    if (l < 0) continue;
    rows[l]++;
    if (yc[i] === rare) hits[l]++;
  }
  const share = Array.from(rows, (r, l) => (hits[l] + overall) / (r + 1));
  return cols.map((_, l) => l).sort((a, b) => share[a] - share[b] || a - b);
}

/** `inner` fed categorical codes (see the header); ids and progress pass through. */
export function withCategoricalCodes(inner: Teacher, options: CategoricalCodeOptions = {}): Teacher {
  return {
    id: inner.id,
    predict(xc, yc, k, xq, signal, onProgress) {
      const coded = categoricalCodes(xc, xq, options, yc, k);
      return inner.predict(coded.xc, yc, k, coded.xq, signal, onProgress);
    },
  };
}
