// Small symmetric eigensolvers for the retain-covariance projection of MANSU: cyclic Jacobi for a full
// decomposition of a small matrix (exact up to rounding, O(n^3) per sweep), and orthogonal (subspace)
// iteration with a Jacobi Rayleigh-Ritz step for the top-k eigenvectors of a larger one (O(n^2 k) per step).
// Matrices are row-major Float64Array n*n.

export interface Eigen {
  /** Descending. */
  values: Float64Array;
  /** Column j of this row-major n*k matrix is the eigenvector of values[j]. */
  vectors: Float64Array;
  k: number;
}

/** Full eigendecomposition of a symmetric matrix by cyclic Jacobi rotations. */
export function jacobiEigen(a: Float64Array, n: number, maxSweeps = 60): Eigen {
  const m = Float64Array.from(a);
  const v = new Float64Array(n * n);
  for (let i = 0; i < n; i++) v[i * n + i] = 1;
  for (let sweep = 0; sweep < maxSweeps; sweep++) {
    let off = 0;
    let diag = 0;
    for (let i = 0; i < n; i++) {
      diag += m[i * n + i] ** 2;
      for (let j = i + 1; j < n; j++) off += m[i * n + j] ** 2;
    }
    if (off <= 1e-30 * Math.max(diag, 1e-300)) break;
    for (let p = 0; p < n; p++) {
      for (let q = p + 1; q < n; q++) {
        const apq = m[p * n + q];
        if (apq === 0) continue;
        const theta = (m[q * n + q] - m[p * n + p]) / (2 * apq);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        for (let k = 0; k < n; k++) {
          const mkp = m[k * n + p];
          const mkq = m[k * n + q];
          m[k * n + p] = c * mkp - s * mkq;
          m[k * n + q] = s * mkp + c * mkq;
        }
        for (let k = 0; k < n; k++) {
          const mpk = m[p * n + k];
          const mqk = m[q * n + k];
          m[p * n + k] = c * mpk - s * mqk;
          m[q * n + k] = s * mpk + c * mqk;
        }
        for (let k = 0; k < n; k++) {
          const vkp = v[k * n + p];
          const vkq = v[k * n + q];
          v[k * n + p] = c * vkp - s * vkq;
          v[k * n + q] = s * vkp + c * vkq;
        }
      }
    }
  }
  const order = Array.from({ length: n }, (_, i) => i).sort((x, y) => m[y * n + y] - m[x * n + x]);
  const values = Float64Array.from(order, (i) => m[i * n + i]);
  const vectors = new Float64Array(n * n);
  order.forEach((src, j) => {
    for (let r = 0; r < n; r++) vectors[r * n + j] = v[r * n + src];
  });
  return { values, vectors, k: n };
}

/** Modified Gram-Schmidt on the columns of a row-major n*k matrix, in place. */
function orthonormalize(q: Float64Array, n: number, k: number): void {
  for (let j = 0; j < k; j++) {
    for (let i = 0; i < j; i++) {
      let dot = 0;
      for (let r = 0; r < n; r++) dot += q[r * k + i] * q[r * k + j];
      for (let r = 0; r < n; r++) q[r * k + j] -= dot * q[r * k + i];
    }
    let norm = 0;
    for (let r = 0; r < n; r++) norm += q[r * k + j] ** 2;
    norm = Math.sqrt(norm) || 1;
    for (let r = 0; r < n; r++) q[r * k + j] /= norm;
  }
}

function matmulSym(a: Float64Array, q: Float64Array, n: number, k: number): Float64Array {
  const z = new Float64Array(n * k);
  for (let r = 0; r < n; r++) {
    for (let c = 0; c < n; c++) {
      const arc = a[r * n + c];
      if (arc === 0) continue;
      for (let j = 0; j < k; j++) z[r * k + j] += arc * q[c * k + j];
    }
  }
  return z;
}

/**
 * Top-k eigenpairs of a symmetric PSD matrix. Small matrices go through Jacobi directly; larger ones through
 * subspace iteration from a deterministic start, stopped when the Ritz values settle.
 */
export function topEigen(a: Float64Array, n: number, k: number, maxIter = 300): Eigen {
  if (k <= 0 || k > n) throw new RangeError(`top-k must be in 1..${n}, got ${k}`);
  if (n <= 128) {
    const full = jacobiEigen(a, n);
    const vectors = new Float64Array(n * k);
    for (let r = 0; r < n; r++) for (let j = 0; j < k; j++) vectors[r * k + j] = full.vectors[r * n + j];
    return { values: full.values.slice(0, k), vectors, k };
  }
  const p = Math.min(n, k + 8);
  let q: Float64Array = new Float64Array(n * p);
  for (let i = 0; i < n * p; i++) q[i] = Math.sin(1 + i * 12.9898) * 43758.5453 % 1;
  orthonormalize(q, n, p);
  let prev: Float64Array = new Float64Array(p);
  let ritz: Eigen = { values: prev, vectors: q, k: p };
  for (let it = 0; it < maxIter; it++) {
    const z = matmulSym(a, q, n, p);
    orthonormalize(z, n, p);
    q = z;
    const aq = matmulSym(a, q, n, p);
    const t = new Float64Array(p * p);
    for (let i = 0; i < p; i++) for (let j = 0; j < p; j++) {
      let s = 0;
      for (let r = 0; r < n; r++) s += q[r * p + i] * aq[r * p + j];
      t[i * p + j] = s;
    }
    const small = jacobiEigen(t, p);
    const rotated = new Float64Array(n * p);
    for (let r = 0; r < n; r++) for (let j = 0; j < p; j++) {
      let s = 0;
      for (let i = 0; i < p; i++) s += q[r * p + i] * small.vectors[i * p + j];
      rotated[r * p + j] = s;
    }
    q = rotated;
    ritz = { values: small.values, vectors: q, k: p };
    let delta = 0;
    for (let j = 0; j < k; j++) delta = Math.max(delta, Math.abs(small.values[j] - prev[j]) / Math.max(Math.abs(small.values[0]), 1e-300));
    prev = small.values;
    if (it > 2 && delta < 1e-10) break;
  }
  const vectors = new Float64Array(n * k);
  for (let r = 0; r < n; r++) for (let j = 0; j < k; j++) vectors[r * k + j] = ritz.vectors[r * p + j];
  return { values: ritz.values.slice(0, k), vectors, k };
}

/**
 * Full eigendecomposition of a symmetric matrix by Householder tridiagonalisation and the implicit QL method
 * (EISPACK tred2 / tql2 as in JAMA's EigenvalueDecomposition): about 10× fewer operations than cyclic Jacobi
 * at n = 512, where MANSU's null-space step decomposes each MLP down-projection's input second moment.
 */
export function symmetricEigen(a: Float64Array, n: number): Eigen {
  const V = Array.from({ length: n }, (_, i) => Float64Array.from(a.subarray(i * n, (i + 1) * n)));
  const d = new Float64Array(n);
  const e = new Float64Array(n);
  tred2(V, d, e, n);
  tql2(V, d, e, n);
  const order = Array.from({ length: n }, (_, i) => i).sort((x, y) => d[y] - d[x]);
  const values = Float64Array.from(order, (i) => d[i]);
  const vectors = new Float64Array(n * n);
  order.forEach((src, j) => {
    for (let r = 0; r < n; r++) vectors[r * n + j] = V[r][src];
  });
  return { values, vectors, k: n };
}

function tred2(V: Float64Array[], d: Float64Array, e: Float64Array, n: number): void {
  for (let j = 0; j < n; j++) d[j] = V[n - 1][j];
  for (let i = n - 1; i > 0; i--) {
    let scale = 0;
    let h = 0;
    for (let k = 0; k < i; k++) scale += Math.abs(d[k]);
    if (scale === 0) {
      e[i] = d[i - 1];
      for (let j = 0; j < i; j++) {
        d[j] = V[i - 1][j];
        V[i][j] = 0;
        V[j][i] = 0;
      }
    } else {
      for (let k = 0; k < i; k++) {
        d[k] /= scale;
        h += d[k] * d[k];
      }
      let f = d[i - 1];
      let g = Math.sqrt(h);
      if (f > 0) g = -g;
      e[i] = scale * g;
      h -= f * g;
      d[i - 1] = f - g;
      for (let j = 0; j < i; j++) e[j] = 0;
      for (let j = 0; j < i; j++) {
        f = d[j];
        V[j][i] = f;
        g = e[j] + V[j][j] * f;
        for (let k = j + 1; k <= i - 1; k++) {
          g += V[k][j] * d[k];
          e[k] += V[k][j] * f;
        }
        e[j] = g;
      }
      f = 0;
      for (let j = 0; j < i; j++) {
        e[j] /= h;
        f += e[j] * d[j];
      }
      const hh = f / (h + h);
      for (let j = 0; j < i; j++) e[j] -= hh * d[j];
      for (let j = 0; j < i; j++) {
        f = d[j];
        g = e[j];
        for (let k = j; k <= i - 1; k++) V[k][j] -= f * e[k] + g * d[k];
        d[j] = V[i - 1][j];
        V[i][j] = 0;
      }
    }
    d[i] = h;
  }
  for (let i = 0; i < n - 1; i++) {
    V[n - 1][i] = V[i][i];
    V[i][i] = 1;
    const h = d[i + 1];
    if (h !== 0) {
      for (let k = 0; k <= i; k++) d[k] = V[k][i + 1] / h;
      for (let j = 0; j <= i; j++) {
        let g = 0;
        for (let k = 0; k <= i; k++) g += V[k][i + 1] * V[k][j];
        for (let k = 0; k <= i; k++) V[k][j] -= g * d[k];
      }
    }
    for (let k = 0; k <= i; k++) V[k][i + 1] = 0;
  }
  for (let j = 0; j < n; j++) {
    d[j] = V[n - 1][j];
    V[n - 1][j] = 0;
  }
  V[n - 1][n - 1] = 1;
  e[0] = 0;
}

function tql2(V: Float64Array[], d: Float64Array, e: Float64Array, n: number): void {
  for (let i = 1; i < n; i++) e[i - 1] = e[i];
  e[n - 1] = 0;
  let f = 0;
  let tst1 = 0;
  const eps = 2 ** -52;
  for (let l = 0; l < n; l++) {
    tst1 = Math.max(tst1, Math.abs(d[l]) + Math.abs(e[l]));
    let m = l;
    while (m < n) {
      if (Math.abs(e[m]) <= eps * tst1) break;
      m++;
    }
    if (m > l) {
      do {
        let g = d[l];
        let p = (d[l + 1] - g) / (2 * e[l]);
        let r = Math.hypot(p, 1);
        if (p < 0) r = -r;
        d[l] = e[l] / (p + r);
        d[l + 1] = e[l] * (p + r);
        const dl1 = d[l + 1];
        let h = g - d[l];
        for (let i = l + 2; i < n; i++) d[i] -= h;
        f += h;
        p = d[m];
        let c = 1;
        let c2 = c;
        let c3 = c;
        const el1 = e[l + 1];
        let s = 0;
        let s2 = 0;
        for (let i = m - 1; i >= l; i--) {
          c3 = c2;
          c2 = c;
          s2 = s;
          g = c * e[i];
          h = c * p;
          r = Math.hypot(p, e[i]);
          e[i + 1] = s * r;
          s = e[i] / r;
          c = p / r;
          p = c * d[i] - s * g;
          d[i + 1] = h + s * (c * g + s * d[i]);
          for (let k = 0; k < n; k++) {
            const row = V[k];
            h = row[i + 1];
            row[i + 1] = s * row[i] + c * h;
            row[i] = c * row[i] - s * h;
          }
        }
        p = (-s * s2 * c3 * el1 * e[l]) / dl1;
        e[l] = s * p;
        d[l] = c * p;
      } while (Math.abs(e[l]) > eps * tst1);
    }
    d[l] += f;
    e[l] = 0;
  }
}
