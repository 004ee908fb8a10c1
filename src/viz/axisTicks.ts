// Tick values that do not overlap: on a square-root axis the small values a chart cares about crowd together, so
// every measured value cannot be a tick. Keeps values left to right at least `minGapPx` apart, always keeping the
// largest (it is moved in for the neighbour it would collide with).

/** Position of `v` in [0, widthPx] on a √ scale over [0, max]. */
export function sqrtPosition(v: number, max: number, widthPx: number): number {
  return max > 0 ? (Math.sqrt(Math.max(0, v)) / Math.sqrt(max)) * widthPx : 0;
}

export function spacedTicks(values: readonly number[], max: number, widthPx: number, minGapPx: number): number[] {
  const sorted = [...new Set(values)].sort((a, b) => a - b);
  const kept: number[] = [];
  for (const v of sorted) {
    const last = kept.at(-1);
    if (last === undefined || sqrtPosition(v, max, widthPx) - sqrtPosition(last, max, widthPx) >= minGapPx) kept.push(v);
  }
  const largest = sorted.at(-1);
  if (largest !== undefined && kept.at(-1) !== largest) {
    while (kept.length && sqrtPosition(largest, max, widthPx) - sqrtPosition(kept[kept.length - 1], max, widthPx) < minGapPx) kept.pop();
    kept.push(largest);
  }
  return kept;
}
