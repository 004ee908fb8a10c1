// Canonical JSON of a run's results and its sha256: keys sorted, typed arrays as arrays, numbers rounded to 1e-9
// (as the modules' own digests do, so a different summation order in the last bits is not a "different result"),
// non-finite numbers spelled out. Plus the first paths at which two results differ, for reproduce().
import { sha256HexSync } from '../numeric/sha256';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

function normalise(value: unknown): Json | undefined {
  if (value === null) return null;
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) return String(value);
    const r = Math.round(value * 1e9) / 1e9;
    return Object.is(r, -0) ? 0 : r;
  }
  if (typeof value === 'string' || typeof value === 'boolean') return value;
  if (typeof value === 'bigint') return value.toString();
  if (ArrayBuffer.isView(value) && !(value instanceof DataView)) return Array.from(value as unknown as ArrayLike<number>, (v) => normalise(v) as Json);
  if (Array.isArray(value)) return value.map((v) => normalise(v) ?? null);
  if (typeof value === 'object') {
    const out: { [key: string]: Json } = {};
    for (const key of Object.keys(value as object).sort()) {
      const v = normalise((value as Record<string, unknown>)[key]);
      if (v !== undefined) out[key] = v;
    }
    return out;
  }
  return undefined; // functions, undefined, symbols: dropped, as JSON.stringify does
}

/** The canonical JSON text of `value`. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(normalise(value) ?? null);
}

/** sha256 (hex) of the canonical JSON: the digest a run record carries. */
export function digestOf(value: unknown): string {
  return sha256HexSync(canonicalJson(value));
}

/** The first `limit` paths (`scores[0].foldAuc[2]`) where the canonical forms of `a` and `b` differ, depth first. */
export function differingPaths(a: unknown, b: unknown, limit = 10): string[] {
  const out: string[] = [];
  const walk = (x: Json | undefined, y: Json | undefined, path: string): void => {
    if (out.length >= limit) return;
    const bothObjects = typeof x === 'object' && typeof y === 'object' && x !== null && y !== null && Array.isArray(x) === Array.isArray(y);
    if (!bothObjects) {
      if (JSON.stringify(x) !== JSON.stringify(y)) out.push(path || '(root)');
      return;
    }
    if (Array.isArray(x) && Array.isArray(y)) {
      for (let i = 0; i < Math.max(x.length, y.length); i++) walk(x[i], y[i], `${path}[${i}]`);
      return;
    }
    const xo = x as { [key: string]: Json };
    const yo = y as { [key: string]: Json };
    for (const key of [...new Set([...Object.keys(xo), ...Object.keys(yo)])].sort()) walk(xo[key], yo[key], path ? `${path}.${key}` : key);
  };
  walk(normalise(a), normalise(b), '');
  return out;
}
