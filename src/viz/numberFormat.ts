// Number formatting shared by the result views: fixed digits and percentages, '—' for a missing or non-finite
// value, and never a negative zero ("-0.0 %" for a value that rounds to zero reads as a real decrease).
export function fixed(v: number | null | undefined, digits = 3): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return '—';
  const text = v.toFixed(digits);
  return /^-0(\.0*)?$/.test(text) ? text.slice(1) : text;
}

export function percent(v: number | null | undefined, digits = 1): string {
  return v === null || v === undefined || !Number.isFinite(v) ? '—' : `${fixed(100 * v, digits)} %`;
}
