// The Pareto front of points where larger is better on both axes (e.g. task accuracy and refusal rate): the
// points no other point beats on both, i.e. the trade-offs one can actually pick from. Non-finite points are ignored.

export interface XY { x: number; y: number }

/** Points not dominated by another (≥ on both axes, > on one); duplicates kept once; sorted by x. */
export function paretoFront<P extends XY>(points: readonly P[]): P[] {
  const ok = points.filter((p) => Number.isFinite(p.x) && Number.isFinite(p.y));
  const front = ok.filter((p) => !ok.some((q) => q.x >= p.x && q.y >= p.y && (q.x > p.x || q.y > p.y)));
  const seen = new Set<string>();
  const unique = front.filter((p) => {
    const key = `${p.x}|${p.y}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
  return unique.sort((a, b) => a.x - b.x || b.y - a.y);
}
