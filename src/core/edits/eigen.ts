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
