// Limited-memory BFGS with a backtracking (Armijo) line search: the optimiser for the multinomial
// logistic-regression stacker. Smooth, convex, few thousand parameters at most, so L-BFGS converges in tens of
// iterations where plain gradient descent needs thousands and a learning rate to tune.

export type Objective = (x: Float64Array, grad: Float64Array) => number;

export interface LbfgsOptions {
  maxIter?: number;
  /** stop when the gradient's max-abs falls below this */
  gradTol?: number;
  memory?: number;
}

export interface LbfgsResult { x: Float64Array; value: number; iterations: number; converged: boolean }

const dot = (a: Float64Array, b: Float64Array) => { let s = 0; for (let i = 0; i < a.length; i++) s += a[i] * b[i]; return s; };
const maxAbs = (a: Float64Array) => { let s = 0; for (let i = 0; i < a.length; i++) s = Math.max(s, Math.abs(a[i])); return s; };

export function lbfgs(f: Objective, x0: Float64Array, opts: LbfgsOptions = {}): LbfgsResult {
  const maxIter = opts.maxIter ?? 200;
  const gradTol = opts.gradTol ?? 1e-7;
  const mem = opts.memory ?? 10;
  const n = x0.length;
  let x = Float64Array.from(x0);
  let g = new Float64Array(n);
  let fx = f(x, g);
  const S: Float64Array[] = [];
  const Y: Float64Array[] = [];
  const rho: number[] = [];
  const alpha = new Array<number>(mem);
  for (let it = 0; it < maxIter; it++) {
    if (maxAbs(g) < gradTol) return { x, value: fx, iterations: it, converged: true };
    // two-loop recursion: d = −H g
    const d = Float64Array.from(g);
    for (let j = S.length - 1; j >= 0; j--) {
      alpha[j] = rho[j] * dot(S[j], d);
      for (let i = 0; i < n; i++) d[i] -= alpha[j] * Y[j][i];
    }
    const gamma = S.length ? dot(S[S.length - 1], Y[Y.length - 1]) / dot(Y[Y.length - 1], Y[Y.length - 1]) : 1 / Math.max(1, maxAbs(g));
    for (let i = 0; i < n; i++) d[i] *= gamma;
    for (let j = 0; j < S.length; j++) {
      const beta = rho[j] * dot(Y[j], d);
      for (let i = 0; i < n; i++) d[i] += S[j][i] * (alpha[j] - beta);
    }
    for (let i = 0; i < n; i++) d[i] = -d[i];
    let slope = dot(g, d);
    if (slope >= 0) { for (let i = 0; i < n; i++) d[i] = -g[i]; slope = dot(g, d); S.length = 0; Y.length = 0; rho.length = 0; }
    let step = 1;
    const xNew = new Float64Array(n);
    const gNew = new Float64Array(n);
    let fNew = Infinity;
    for (let ls = 0; ls < 40; ls++) {
      for (let i = 0; i < n; i++) xNew[i] = x[i] + step * d[i];
      fNew = f(xNew, gNew);
      if (fNew <= fx + 1e-4 * step * slope) break;
      step *= 0.5;
    }
    if (!(fNew < fx) && !(fNew <= fx + 1e-4 * step * slope)) return { x, value: fx, iterations: it, converged: false };
    const s = new Float64Array(n);
    const y = new Float64Array(n);
    for (let i = 0; i < n; i++) { s[i] = xNew[i] - x[i]; y[i] = gNew[i] - g[i]; }
    const sy = dot(s, y);
    if (sy > 1e-12) {
      S.push(s); Y.push(y); rho.push(1 / sy);
      if (S.length > mem) { S.shift(); Y.shift(); rho.shift(); }
    }
    const relChange = Math.abs(fx - fNew) / Math.max(1, Math.abs(fx));
    x = Float64Array.from(xNew);
    g = Float64Array.from(gNew);
    fx = fNew;
    if (relChange < 1e-12) return { x, value: fx, iterations: it + 1, converged: true };
  }
  return { x, value: fx, iterations: maxIter, converged: maxAbs(g) < gradTol };
}
