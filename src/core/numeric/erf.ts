// erf in float64 to ~1e-15, for the exact GELU (0.5·x·(1 + erf(x/√2)), torch's default) of plain-TS reference
// forwards that must match ONNX graphs within 1e-4 through many layers: Abramowitz–Stegun 7.1.26 (1.5e-7) is too
// coarse for that, so the Maclaurin series below |x| 2.5 and erfc's continued fraction (modified Lentz) above.

export function erf(x: number): number {
  const ax = Math.abs(x);
  if (ax < 2.5) {
    let sum = x;
    let term = x;
    for (let n = 1; n < 80; n++) {
      term *= (-x * x) / n;
      const add = term / (2 * n + 1);
      sum += add;
      if (Math.abs(add) < 1e-17) break;
    }
    return (2 / Math.sqrt(Math.PI)) * sum;
  }
  let f = ax;
  let C = ax;
  let D = 0;
  for (let n = 1; n < 200; n++) {
    const an = n / 2;
    D = ax + an * D;
    D = D === 0 ? 1e-300 : 1 / D;
    C = ax + an / C;
    const delta = C * D;
    f *= delta;
    if (Math.abs(delta - 1) < 1e-16) break;
  }
  const erfc = Math.exp(-ax * ax) / (f * Math.sqrt(Math.PI));
  return Math.sign(x) * (1 - erfc);
}

/** The exact (erf) GELU. */
export const geluExact = (v: number): number => 0.5 * v * (1 + erf(v / Math.SQRT2));
