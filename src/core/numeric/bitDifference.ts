// Bit-for-bit comparison of two float arrays for tests that check "this tensor did not move" over whole models:
// `expect(a).toEqual(b)` walks a Float32Array element by element through the generic deep-equality code (12 s of
// CPU for a million floats, measured on the 2-core CI box at load ~10), and the target models hold ~1M parameters.
// Comparing the 32-bit patterns is the same check (toEqual already tells 0 from -0; here NaNs must also match bit
// for bit) at ~1 ms per million, and the message still says where and by how much the arrays differ.

/** null when `a` and `b` have the same length and the same bits; else where they first differ and how many differ. */
export function bitDifference(a: Float32Array, b: Float32Array): string | null {
  if (a.length !== b.length) return `lengths differ: ${a.length} vs ${b.length}`;
  const x = new Uint32Array(a.buffer, a.byteOffset, a.length);
  const y = new Uint32Array(b.buffer, b.byteOffset, b.length);
  let first = -1;
  let count = 0;
  for (let i = 0; i < x.length; i++) {
    if (x[i] === y[i]) continue;
    if (first < 0) first = i;
    count++;
  }
  return first < 0 ? null : `${count} of ${a.length} differ, first at [${first}]: ${a[first]} vs ${b[first]}`;
}
