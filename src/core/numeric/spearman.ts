// Spearman rank correlation: Pearson correlation of the ranks, ties given their average rank (as scipy's
// spearmanr), so many equal scores (e.g. edges that exact patching scores 0) do not get an arbitrary order.

/** Ranks 0..n−1 of `xs`, ties sharing the mean of the ranks they span. */
export function averageRanks(xs: readonly number[]): number[] {
  const order = xs.map((_, i) => i).sort((a, b) => xs[a] - xs[b]);
  const r = new Array<number>(xs.length);
  for (let start = 0; start < order.length;) {
    let end = start + 1;
    while (end < order.length && xs[order[end]] === xs[order[start]]) end++;
    for (let k = start; k < end; k++) r[order[k]] = (start + end - 1) / 2;
    start = end;
  }
  return r;
}

export function spearman(a: readonly number[], b: readonly number[]): number {
  if (a.length !== b.length) throw new RangeError(`spearman: ${a.length} vs ${b.length} values`);
  const [ra, rb] = [averageRanks(a), averageRanks(b)];
  const mean = (a.length - 1) / 2;
  let s = 0, sa = 0, sb = 0;
  for (let i = 0; i < ra.length; i++) {
    s += (ra[i] - mean) * (rb[i] - mean);
    sa += (ra[i] - mean) ** 2;
    sb += (rb[i] - mean) ** 2;
  }
  return s / Math.sqrt(sa * sb);
}
