// AssemblyScript source of the survival kernel (wasm/survival.wasm): SurvivalCounter.addBits of
// src/core/edits/survival.ts on raw F16/BF16 bits, with the same f32/f64 arithmetic step for step so the
// counts are identical (tested against the TypeScript path). Build: `npm run build:wasm`; a test rebuilds it
// and compares bytes. Not part of the TypeScript project (AssemblyScript types: i32, f64, v128...).
//
// Memory is laid out by the constants below; the JS side fills the CodeLookup tables once (and, for NF4,
// the thresholds and byte planes of the whole-block SIMD path), puts each chunk's two inputs anywhere from
// INPUT on (the sidecar reads them there straight from the files), calls count() with their addresses, then
// reads COUNTS and HIST (which count() accumulates into; the caller folds and clears it).

export const CODE_POINT: usize = 0; // f64[4097] bucket points of the code lookup
export const CODE_ANSWER: usize = 32776; // i32[2 * 4097] codes: [2b] for x <= point, [2b + 1] for x > point
export const GAP_POINT: usize = 65552; // f64[4097]
export const GAP_ANSWER: usize = 98328; // f64[2 * 4097] bin widths / absmax
export const VALUES: usize = 163880; // f64[16] code values
export const HIST: usize = 164008; // i32[16] ratio histogram (14 bins used)
export const COUNTS: usize = 164072; // i32[8] counts of the last count() call
// Dense blocks: normalised values and |edited - base| of all 64 parameters, computed four at a time.
const XB: usize = 165888; // f32[64]
const XE: usize = 166144; // f32[64]
const DIFF: usize = 166400; // f64[64]
// NF4 whole-block path (nf4Block): for four f32 tables indexed by code (code value, bin width by gap index,
// threshold below and above the code), their four byte planes (plane p holds byte p of each entry), so one
// i8x16.swizzle per plane gathers 16 entries at once.
export const NF4_PLANES: usize = 164416; // u8[4 tables][4 planes][16]
const NF4_VALUE: usize = NF4_PLANES;
const NF4_GAP: usize = NF4_PLANES + 64;
const NF4_BELOW: usize = NF4_PLANES + 128;
const NF4_ABOVE: usize = NF4_PLANES + 192;
// NF4 codes by buckets of 1/16 (nf4Codes16): for bucket b = round((x + 1) * 16) clamped to [0, 31], the number
// of thresholds below it (u8[32]) and the byte planes of its one threshold (f32[32], +Infinity if none).
export const NF4_BUCKETS: usize = 164672;
const NF4_BUCKET_THRESHOLD: usize = NF4_BUCKETS + 32;
// Scratch of one group of 16 values in nf4Block.
const G_XB: usize = 167936; // f32[16] normalised base values
const G_XE: usize = 168000; // f32[16] normalised edited values
const G_VB: usize = 168064; // f32[16] code value of the base code
const G_VE: usize = 168128; // f32[16] code value of the edited code
const G_BELOW: usize = 168192; // f32[16]
const G_ABOVE: usize = 168256; // f32[16]
const G_GAP: usize = 168320; // f32[16]
const G_DIFF: usize = 168384; // f64[16] edited - base
const G_THRESHOLD: usize = 168512; // f32[16] threshold of each value's bucket
const G_BINS: usize = 168576; // u8[64] ratio bins of the block (15 for unchanged values)
export const INPUT: usize = 196608; // u16 inputs (64 KiB pages from here: 3 pages of tables)

const PER_UNIT: f64 = 2048;
const SIGNED: i32 = 4096;
const LAST_BIN: i32 = 13;
/** Changed parameters of a 64-value block from which it is normalised whole (SIMD) rather than one by one. */
const DENSE: i32 = 16;

/** f16 (or bf16) bits -> f32, as halfTable() / brainHalfTable(): normals and subnormals by one exact scaling. */
// @ts-ignore: decorator
@inline function decode(h: u32, bf16: bool): f32 {
  if (bf16) return reinterpret<f32>(h << 16);
  const em = h & 0x7fff;
  const mag: u32 = em >= 0x7c00 ? (em << 13) | 0x7f800000 : reinterpret<u32>(reinterpret<f32>(em << 13) * <f32>5.192296858534828e33);
  return reinterpret<f32>(mag | ((h & 0x8000) << 16));
}

/** Bucket of a normalised value, as `Math.min(last, v * PER_UNIT) | 0` (NaN, negatives and -Infinity -> 0). */
// @ts-ignore: decorator
@inline function bucket(t: f64, last: i32): i32 {
  if (!(t > 0)) return 0;
  return t >= <f64>last ? last : <i32>t;
}

/** CodeLookup.code */
// @ts-ignore: decorator
@inline function code(x: f32, fp4: bool): i32 {
  const xd = <f64>x;
  if (fp4) {
    const a = Math.abs(xd);
    const b = bucket(a * PER_UNIT, 2048);
    const m = load<i32>(CODE_ANSWER + ((<usize>(2 * b + <i32>(a > load<f64>(CODE_POINT + (<usize>b << 3))))) << 2));
    return xd < 0 ? m + 8 : m;
  }
  const b = bucket((xd + 1) * PER_UNIT, SIGNED);
  return load<i32>(CODE_ANSWER + ((<usize>(2 * b + <i32>(xd > load<f64>(CODE_POINT + (<usize>b << 3))))) << 2));
}

/** CodeLookup.gap */
// @ts-ignore: decorator
@inline function gap(x: f32): f64 {
  const xd = <f64>x;
  const b = bucket((xd + 1) * PER_UNIT, SIGNED);
  return load<f64>(GAP_ANSWER + ((<usize>(2 * b + <i32>(xd > load<f64>(GAP_POINT + (<usize>b << 3))))) << 3));
}

/** ratioBin of survival.ts: the histogram bin from the f64 exponent (NaN and Infinity -> last bin). */
// @ts-ignore: decorator
@inline function ratioBin(r: f64): i32 {
  if (!(r >= 0)) return LAST_BIN;
  const k = <i32>((reinterpret<u64>(r) >> 52) & 0x7ff) - 1012;
  return k < 0 ? 0 : k > LAST_BIN ? LAST_BIN : k;
}

// @ts-ignore: decorator
@inline function bump(bin: i32): void {
  const p = HIST + (<usize>bin << 2);
  store<i32>(p, load<i32>(p) + 1);
}

let codeChanged: i32 = 0;
let dequantChanged: i32 = 0;
let collateral: i32 = 0;

/** One changed parameter, normalised (xb, xe) with |edited - base| in f64: codes, dequantized values, ratio. */
// @ts-ignore: decorator
@inline function changedNormalised(xb: f32, xe: f32, diff: f64, amB: f32, amE: f32, fp4: bool): void {
  const cb = code(xb, fp4);
  const ce = code(xe, fp4);
  if (cb != ce) codeChanged++;
  if (<f32>load<f64>(VALUES + (<usize>cb << 3)) * amB != <f32>load<f64>(VALUES + (<usize>ce << 3)) * amE) dequantChanged++;
  bump(ratioBin(diff / (gap(xb) * <f64>amB)));
}

// @ts-ignore: decorator
@inline function changedParam(hb: u32, he: u32, amB: f32, amE: f32, invB: f32, invE: f32, fp4: bool, bf16: bool): void {
  const b = decode(hb, bf16);
  const y = decode(he, bf16);
  changedNormalised(b * invB, y * invE, Math.abs(<f64>y - <f64>b), amB, amE, fp4);
}

/** decode() of four lanes of u32 half bits. */
// @ts-ignore: decorator
@inline function decode4(h: v128, bf16: bool): v128 {
  if (bf16) return i32x4.shl(h, 16);
  const em = v128.and(h, i32x4.splat(0x7fff));
  const shifted = i32x4.shl(em, 13);
  const normal = f32x4.mul(shifted, f32x4.splat(5.192296858534828e33));
  const special = v128.or(shifted, i32x4.splat(0x7f800000));
  const mag = v128.bitselect(special, normal, i32x4.ge_u(em, i32x4.splat(0x7c00)));
  return v128.or(mag, i32x4.shl(v128.and(h, i32x4.splat(0x8000)), 16));
}

/** Fills XB, XE and DIFF for the 64-value block at byte offset `off` of both inputs. */
// @ts-ignore: decorator
@inline function normaliseBlock(pb: usize, pe: usize, invB: f32, invE: f32, bf16: bool): void {
  const vInvB = f32x4.splat(invB);
  const vInvE = f32x4.splat(invE);
  for (let k: usize = 0; k < 16; k++) {
    const b = decode4(v128.load16x4_u(pb + (k << 3)), bf16);
    const y = decode4(v128.load16x4_u(pe + (k << 3)), bf16);
    v128.store(XB + (k << 4), f32x4.mul(b, vInvB));
    v128.store(XE + (k << 4), f32x4.mul(y, vInvE));
    const bh = v128.shuffle<i32>(b, b, 2, 3, 0, 1);
    const yh = v128.shuffle<i32>(y, y, 2, 3, 0, 1);
    v128.store(DIFF + (k << 5), f64x2.abs(f64x2.sub(f64x2.promote_low_f32x4(y), f64x2.promote_low_f32x4(b))));
    v128.store(DIFF + (k << 5) + 16, f64x2.abs(f64x2.sub(f64x2.promote_low_f32x4(yh), f64x2.promote_low_f32x4(bh))));
  }
}

// @ts-ignore: decorator
@inline function collateralParam(hb: u32, he: u32, invB: f32, invE: f32, fp4: bool, bf16: bool): void {
  if (code(decode(hb, bf16) * invB, fp4) != code(decode(he, bf16) * invE, fp4)) collateral++;
}

/**
 * decode() of four lanes holding finite values only (no Infinity / NaN special case). Masks are shifts:
 * V8 rebuilds a vector constant at each use, and this runs eight times per 16 values.
 */
// @ts-ignore: decorator
@inline function decodeFinite4(h: v128, bf16: bool): v128 {
  if (bf16) return i32x4.shl(h, 16);
  const mag = f32x4.mul(i32x4.shr_u(i32x4.shl(h, 17), 4), f32x4.splat(5.192296858534828e33));
  return v128.or(mag, i32x4.shl(i32x4.shr_u(h, 15), 31));
}

/**
 * NF4 codes of the 16 normalised values at `x` as bytes: the number of thresholds strictly below each value
 * (what quantizeNf4's search and CodeLookup.code return for finite values). x * 16 + (1.5 * 2^23 + 16)
 * rounds (x + 1) * 16 to an integer in the f32 mantissa, its bucket; a bucket holds at most one threshold
 * (they are more than 1/16 apart, and the JS side checks that none lies near a bucket edge, where that
 * rounding could pick the neighbouring bucket), so one comparison with it completes the bucket's count.
 */
// @ts-ignore: decorator
@inline function nf4Codes16(x: usize): v128 {
  const x0 = v128.load(x);
  const x1 = v128.load(x + 16);
  const x2 = v128.load(x + 32);
  const x3 = v128.load(x + 48);
  // Clamped to [0, 31] once narrowed (saturating) to bytes.
  const b = i8x16.min_s(i8x16.max_s(i8x16.narrow_i16x8_s(i16x8.narrow_i32x4_s(bucket4(x0), bucket4(x1)), i16x8.narrow_i32x4_s(bucket4(x2), bucket4(x3))), i8x16.splat(0)), i8x16.splat(31));
  const high = i8x16.sub(b, i8x16.splat(16));
  const below = v128.or(i8x16.swizzle(v128.load(NF4_BUCKETS), b), i8x16.swizzle(v128.load(NF4_BUCKETS + 16), high));
  interleave4(gather32Plane(NF4_BUCKET_THRESHOLD, b, high), gather32Plane(NF4_BUCKET_THRESHOLD + 32, b, high),
    gather32Plane(NF4_BUCKET_THRESHOLD + 64, b, high), gather32Plane(NF4_BUCKET_THRESHOLD + 96, b, high), G_THRESHOLD);
  const above = narrowMasks(f32x4.gt(x0, v128.load(G_THRESHOLD)), f32x4.gt(x1, v128.load(G_THRESHOLD + 16)),
    f32x4.gt(x2, v128.load(G_THRESHOLD + 32)), f32x4.gt(x3, v128.load(G_THRESHOLD + 48)));
  return i8x16.sub(below, above);
}

/** Bucket of four finite normalised values, round((x + 1) * 16), before clamping. */
// @ts-ignore: decorator
@inline function bucket4(x: v128): v128 {
  const rounded = f32x4.add(f32x4.mul(x, f32x4.splat(16)), f32x4.splat(12582928));
  return i32x4.sub(rounded, i32x4.splat(0x4b400000));
}

/** One byte plane of a 32-entry table at `plane`, for bucket indices b (0..31) and b - 16 in `high`. */
// @ts-ignore: decorator
@inline function gather32Plane(plane: usize, b: v128, high: v128): v128 {
  return v128.or(i8x16.swizzle(v128.load(plane), b), i8x16.swizzle(v128.load(plane + 16), high));
}

/** Four i32x4 masks (16 lanes) as one i8x16 mask. */
// @ts-ignore: decorator
@inline function narrowMasks(m0: v128, m1: v128, m2: v128, m3: v128): v128 {
  return i8x16.narrow_i16x8_s(i16x8.narrow_i32x4_s(m0, m1), i16x8.narrow_i32x4_s(m2, m3));
}

/** Entries c of the f32 table whose byte planes are at `planes`, for the 16 indices (< 16) in c8; 4 f32x4 to `out`. */
// @ts-ignore: decorator
@inline function gather16(planes: usize, c8: v128, out: usize): void {
  interleave4(i8x16.swizzle(v128.load(planes), c8), i8x16.swizzle(v128.load(planes + 16), c8),
    i8x16.swizzle(v128.load(planes + 32), c8), i8x16.swizzle(v128.load(planes + 48), c8), out);
}

/** Sixteen f32 values from their four byte planes (p0 holds the low bytes), as 4 f32x4 to `out`. */
// @ts-ignore: decorator
@inline function interleave4(p0: v128, p1: v128, p2: v128, p3: v128, out: usize): void {
  const lo01 = v128.shuffle<u8>(p0, p1, 0, 16, 1, 17, 2, 18, 3, 19, 4, 20, 5, 21, 6, 22, 7, 23);
  const hi01 = v128.shuffle<u8>(p0, p1, 8, 24, 9, 25, 10, 26, 11, 27, 12, 28, 13, 29, 14, 30, 15, 31);
  const lo23 = v128.shuffle<u8>(p2, p3, 0, 16, 1, 17, 2, 18, 3, 19, 4, 20, 5, 21, 6, 22, 7, 23);
  const hi23 = v128.shuffle<u8>(p2, p3, 8, 24, 9, 25, 10, 26, 11, 27, 12, 28, 13, 29, 14, 30, 15, 31);
  v128.store(out, v128.shuffle<u16>(lo01, lo23, 0, 8, 1, 9, 2, 10, 3, 11));
  v128.store(out + 16, v128.shuffle<u16>(lo01, lo23, 4, 12, 5, 13, 6, 14, 7, 15));
  v128.store(out + 32, v128.shuffle<u16>(hi01, hi23, 0, 8, 1, 9, 2, 10, 3, 11));
  v128.store(out + 48, v128.shuffle<u16>(hi01, hi23, 4, 12, 5, 13, 6, 14, 7, 15));
}

/** Smallest and largest u8 lane. */
// @ts-ignore: decorator
@inline function minLaneU8(v: v128): i32 {
  let m = i8x16.min_u(v, v128.shuffle<u8>(v, v, 8, 9, 10, 11, 12, 13, 14, 15, 0, 1, 2, 3, 4, 5, 6, 7));
  m = i8x16.min_u(m, v128.shuffle<u8>(m, m, 4, 5, 6, 7, 0, 1, 2, 3, 8, 9, 10, 11, 12, 13, 14, 15));
  m = i8x16.min_u(m, v128.shuffle<u8>(m, m, 2, 3, 0, 1, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15));
  m = i8x16.min_u(m, v128.shuffle<u8>(m, m, 1, 0, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15));
  return i8x16.extract_lane_u(m, 0);
}

// @ts-ignore: decorator
@inline function maxLaneU8(v: v128): i32 {
  let m = i8x16.max_u(v, v128.shuffle<u8>(v, v, 8, 9, 10, 11, 12, 13, 14, 15, 0, 1, 2, 3, 4, 5, 6, 7));
  m = i8x16.max_u(m, v128.shuffle<u8>(m, m, 4, 5, 6, 7, 0, 1, 2, 3, 8, 9, 10, 11, 12, 13, 14, 15));
  m = i8x16.max_u(m, v128.shuffle<u8>(m, m, 2, 3, 0, 1, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15));
  m = i8x16.max_u(m, v128.shuffle<u8>(m, m, 1, 0, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15));
  return i8x16.extract_lane_u(m, 0);
}

/**
 * ratioBin's f64 exponent (unbiased) of diff / (gap * absmax) for the four values at byte offset `q` of the group
 * scratch, without dividing. The product is exact (two f32 factors) and normal; diff is zero or normal. For
 * normal d and n with mantissas md, mn in [1, 2), d / n rounds to a value below 2^(ed - en + 1) (it is at
 * most 2 - 2^-52 before rounding), so its exponent is ed - en, less one when md < mn. A zero diff gets a
 * field far below the first bin, which clamps to bin 0 as ratioBin(0) does.
 */
// @ts-ignore: decorator
@inline function ratioExponents(q: usize, amB64: v128): v128 {
  const gap = v128.load(G_GAP + q);
  const lo = ratioExponents2(v128.load(G_DIFF + (q << 1)), f64x2.mul(f64x2.promote_low_f32x4(gap), amB64));
  const hi = ratioExponents2(v128.load(G_DIFF + (q << 1) + 16), f64x2.mul(f64x2.promote_low_f32x4(v128.shuffle<i32>(gap, gap, 2, 3, 0, 1)), amB64));
  // The exponents lie in [-2047, 2047]: their low 32 bits as i32.
  return v128.shuffle<i32>(lo, hi, 0, 2, 4, 6);
}

/**
 * ratioExponents for two lanes, as i64 and less the bias 1023: ed - en, less one where md < mn. Fields and
 * mantissas are cut out with shifts (diff's sign bit shifted out), not masks (see decodeFinite4).
 */
// @ts-ignore: decorator
@inline function ratioExponents2(d: v128, n: v128): v128 {
  const ed = i64x2.shr_u(i64x2.shl(d, 1), 53);
  const en = i64x2.shr_u(n, 52);
  // lt_s is -1 where md < mn: adding it subtracts one.
  return i64x2.add(i64x2.sub(ed, en), i64x2.lt_s(i64x2.shr_u(i64x2.shl(d, 12), 12), i64x2.shr_u(i64x2.shl(n, 12), 12)));
}

/** ratioBin of eight unbiased exponents (i16 lanes): exponent + 11 clamped to [0, LAST_BIN]. */
// @ts-ignore: decorator
@inline function ratioBins8(e: v128): v128 {
  return i16x8.min_s(i16x8.max_s(i16x8.add(e, i16x8.splat(11)), i16x8.splat(0)), i16x8.splat(<i16>LAST_BIN));
}

/**
 * A whole 64-value NF4 block with many changes, both absmax values finite and nonzero (so every normalised
 * value and ratio is finite), 16 values at a time with no per-value branch: codes by bucket (nf4Codes16);
 * code values, neighbouring thresholds and bin widths gathered by byte swizzles. The edited codes
 * are only computed where some edited value left its base code's interval (rare for small edits). The bin
 * width around x is the gap below code value c = code(x) or the one above it (x > value[c]), as
 * CodeLookup.gap; NF4 gaps are exact in f32. Counts, ratios and the histogram are those of changedParam /
 * collateralParam value for value.
 */
function nf4Block(pb: usize, pe: usize, amB: f32, amE: f32, bf16: bool): void {
  const invB: f32 = 1 / amB;
  const invE: f32 = 1 / amE;
  const vInvB = f32x4.splat(invB);
  const vInvE = f32x4.splat(invE);
  const vAmB = f32x4.splat(amB);
  const vAmE = f32x4.splat(amE);
  const amB64 = f64x2.splat(<f64>amB);
  const moved = amB != amE;
  let lowestBins = i8x16.splat(-1);
  let highestBins = i8x16.splat(0);
  for (let g: usize = 0; g < 128; g += 32) {
    const ob = pb + g;
    const oe = pe + g;
    const changedLanes = v128.not(i8x16.narrow_i16x8_s(i16x8.eq(v128.load(ob), v128.load(oe)), i16x8.eq(v128.load(ob + 16), v128.load(oe + 16))));
    for (let q: usize = 0; q < 4; q++) {
      const b = decodeFinite4(v128.load16x4_u(ob + (q << 3)), bf16);
      const y = decodeFinite4(v128.load16x4_u(oe + (q << 3)), bf16);
      v128.store(G_XB + (q << 4), f32x4.mul(b, vInvB));
      v128.store(G_XE + (q << 4), f32x4.mul(y, vInvE));
      // The sign of edited - base does not matter: ratioBin reads the exponent only.
      v128.store(G_DIFF + (q << 5), f64x2.sub(f64x2.promote_low_f32x4(y), f64x2.promote_low_f32x4(b)));
      const bh = v128.shuffle<i32>(b, b, 2, 3, 0, 1);
      const yh = v128.shuffle<i32>(y, y, 2, 3, 0, 1);
      v128.store(G_DIFF + (q << 5) + 16, f64x2.sub(f64x2.promote_low_f32x4(yh), f64x2.promote_low_f32x4(bh)));
    }
    const cb = nf4Codes16(G_XB);
    gather16(NF4_VALUE, cb, G_VB);
    gather16(NF4_BELOW, cb, G_BELOW);
    gather16(NF4_ABOVE, cb, G_ABOVE);
    let inside = i32x4.splat(-1);
    for (let q: usize = 0; q < 64; q += 16) {
      const xe = v128.load(G_XE + q);
      inside = v128.and(inside, v128.and(f32x4.gt(xe, v128.load(G_BELOW + q)), f32x4.le(xe, v128.load(G_ABOVE + q))));
    }
    let valueE = G_VB;
    if (!i32x4.all_true(inside)) {
      const ce = nf4Codes16(G_XE);
      const differ = v128.not(i8x16.eq(cb, ce));
      codeChanged += popcnt(i8x16.bitmask(v128.and(differ, changedLanes)));
      if (moved) collateral += popcnt(i8x16.bitmask(v128.andnot(differ, changedLanes)));
      gather16(NF4_VALUE, ce, G_VE);
      valueE = G_VE;
    }
    const dq = narrowMasks(
      f32x4.ne(f32x4.mul(v128.load(G_VB), vAmB), f32x4.mul(v128.load(valueE), vAmE)),
      f32x4.ne(f32x4.mul(v128.load(G_VB + 16), vAmB), f32x4.mul(v128.load(valueE + 16), vAmE)),
      f32x4.ne(f32x4.mul(v128.load(G_VB + 32), vAmB), f32x4.mul(v128.load(valueE + 32), vAmE)),
      f32x4.ne(f32x4.mul(v128.load(G_VB + 48), vAmB), f32x4.mul(v128.load(valueE + 48), vAmE)),
    );
    dequantChanged += popcnt(i8x16.bitmask(v128.and(dq, changedLanes)));
    const above = narrowMasks(
      f32x4.gt(v128.load(G_XB), v128.load(G_VB)),
      f32x4.gt(v128.load(G_XB + 16), v128.load(G_VB + 16)),
      f32x4.gt(v128.load(G_XB + 32), v128.load(G_VB + 32)),
      f32x4.gt(v128.load(G_XB + 48), v128.load(G_VB + 48)),
    );
    // Gap index: (code values strictly below x) - 1 = code + (x > value[code]) - 1, clamped to [0, 14].
    gather16(NF4_GAP, i8x16.min_s(i8x16.max_s(i8x16.sub(i8x16.sub(cb, above), i8x16.splat(1)), i8x16.splat(0)), i8x16.splat(14)), G_GAP);
    const bins = i8x16.narrow_i16x8_u(
      ratioBins8(i16x8.narrow_i32x4_s(ratioExponents(0, amB64), ratioExponents(16, amB64))),
      ratioBins8(i16x8.narrow_i32x4_s(ratioExponents(32, amB64), ratioExponents(48, amB64))),
    );
    // Unchanged values get bin 15, past the histogram, so the block's histogram below skips them.
    const counted = v128.or(bins, v128.andnot(i8x16.splat(15), changedLanes));
    v128.store(G_BINS + (g >> 1), counted);
    lowestBins = i8x16.min_u(lowestBins, counted);
    highestBins = i8x16.max_u(highestBins, v128.and(bins, changedLanes));
  }
  // The block's histogram: one pass over its 64 bins per bin value present (a few, for real edits).
  const b0 = v128.load(G_BINS);
  const b1 = v128.load(G_BINS + 16);
  const b2 = v128.load(G_BINS + 32);
  const b3 = v128.load(G_BINS + 48);
  const highest = maxLaneU8(highestBins);
  for (let bin = minLaneU8(lowestBins); bin <= highest; bin++) {
    const v = i8x16.splat(<i8>bin);
    const n = popcnt(i8x16.bitmask(i8x16.eq(b0, v))) + popcnt(i8x16.bitmask(i8x16.eq(b1, v)))
      + popcnt(i8x16.bitmask(i8x16.eq(b2, v))) + popcnt(i8x16.bitmask(i8x16.eq(b3, v)));
    const p = HIST + (<usize>bin << 2);
    store<i32>(p, load<i32>(p) + n);
  }
}

/** Largest of the eight u16 lanes, by halving shuffles. */
// @ts-ignore: decorator
@inline function maxLane(v: v128): u32 {
  let m = i16x8.max_u(v, v128.shuffle<u16>(v, v, 4, 5, 6, 7, 0, 1, 2, 3));
  m = i16x8.max_u(m, v128.shuffle<u16>(m, m, 2, 3, 0, 1, 4, 5, 6, 7));
  m = i16x8.max_u(m, v128.shuffle<u16>(m, m, 1, 0, 2, 3, 4, 5, 6, 7));
  return i16x8.extract_lane_u(m, 0);
}

/**
 * Counts n parameters (a chunk starting on a block boundary; base bits at B, edited at E) in blocks of bs.
 * Full 64-value blocks are scanned with SIMD (absmax as an unsigned max of bits & 0x7fff, changed lanes as a 64-bit mask); other
 * block sizes and a short last block take the scalar loop.
 */
export function count(n: i32, B: usize, E: usize, bs: i32, fp4: bool, bf16: bool): void {
  codeChanged = 0;
  dequantChanged = 0;
  collateral = 0;
  let changed: i32 = 0;
  let blocks: i32 = 0;
  let blocksWithChanges: i32 = 0;
  let absmaxMoved: i32 = 0;
  const magMask = i16x8.splat(0x7fff);
  // Absmax bits below this are finite, with a finite reciprocal (BF16: normal, as 1 / 2^-127 overflows f32).
  const finiteBound: u32 = bf16 ? 0x7f80 : 0x7c00;
  const smallestAbsmax: u32 = bf16 ? 0x0080 : 1;
  for (let s: i32 = 0; s < n; s += bs) {
    const e = min(n, s + bs);
    blocks++;
    if (e - s == 64) {
      let vb = i16x8.splat(0);
      let ve = i16x8.splat(0);
      let mask: u64 = 0;
      for (let k: i32 = 0; k < 8; k++) {
        const off = <usize>(s + 8 * k) << 1;
        const xb = v128.load(B + off);
        const xe = v128.load(E + off);
        vb = i16x8.max_u(vb, v128.and(xb, magMask));
        ve = i16x8.max_u(ve, v128.and(xe, magMask));
        mask |= <u64>(~i16x8.bitmask(i16x8.eq(xb, xe)) & 0xff) << (8 * k);
      }
      if (mask == 0) continue;
      const mb = maxLane(vb);
      const me = maxLane(ve);
      const amB = decode(mb, bf16);
      const amE = decode(me, bf16);
      const invB: f32 = 1 / amB;
      const invE: f32 = 1 / amE;
      blocksWithChanges++;
      const nc = <i32>popcnt(mask);
      changed += nc;
      if (nc >= DENSE && !fp4 && mb >= smallestAbsmax && me >= smallestAbsmax && mb < finiteBound && me < finiteBound) {
        nf4Block(B + (<usize>s << 1), E + (<usize>s << 1), amB, amE, bf16);
        if (amB != amE) absmaxMoved++;
        continue;
      }
      if (nc >= DENSE) {
        // Many changes: decode and normalise the whole block with SIMD, then count from the scratch arrays.
        normaliseBlock(B + (<usize>s << 1), E + (<usize>s << 1), invB, invE, bf16);
        let m = mask;
        while (m != 0) {
          const j = <usize>ctz(m);
          changedNormalised(load<f32>(XB + (j << 2)), load<f32>(XE + (j << 2)), load<f64>(DIFF + (j << 3)), amB, amE, fp4);
          m &= m - 1;
        }
        if (amB == amE) continue;
        absmaxMoved++;
        m = ~mask;
        while (m != 0) {
          const j = <usize>ctz(m);
          if (code(load<f32>(XB + (j << 2)), fp4) != code(load<f32>(XE + (j << 2)), fp4)) collateral++;
          m &= m - 1;
        }
        continue;
      }
      let m = mask;
      while (m != 0) {
        const off = <usize>(s + <i32>ctz(m)) << 1;
        changedParam(load<u16>(B + off), load<u16>(E + off), amB, amE, invB, invE, fp4, bf16);
        m &= m - 1;
      }
      if (amB == amE) continue;
      absmaxMoved++;
      m = ~mask;
      while (m != 0) {
        const off = <usize>(s + <i32>ctz(m)) << 1;
        collateralParam(load<u16>(B + off), load<u16>(E + off), invB, invE, fp4, bf16);
        m &= m - 1;
      }
      continue;
    }
    let mb: u32 = 0;
    let me: u32 = 0;
    let nc: i32 = 0;
    for (let i = s; i < e; i++) {
      const x = <u32>load<u16>(B + (<usize>i << 1));
      const y = <u32>load<u16>(E + (<usize>i << 1));
      mb = max(mb, x & 0x7fff);
      me = max(me, y & 0x7fff);
      if (x != y) nc++;
    }
    if (nc == 0) continue;
    const amB = decode(mb, bf16);
    const amE = decode(me, bf16);
    const invB: f32 = 1 / amB;
    const invE: f32 = 1 / amE;
    blocksWithChanges++;
    changed += nc;
    const moved = amB != amE;
    if (moved) absmaxMoved++;
    for (let i = s; i < e; i++) {
      const x = <u32>load<u16>(B + (<usize>i << 1));
      const y = <u32>load<u16>(E + (<usize>i << 1));
      if (x != y) changedParam(x, y, amB, amE, invB, invE, fp4, bf16);
      else if (moved) collateralParam(x, y, invB, invE, fp4, bf16);
    }
  }
  store<i32>(COUNTS, changed);
  store<i32>(COUNTS + 4, codeChanged);
  store<i32>(COUNTS + 8, dequantChanged);
  store<i32>(COUNTS + 12, blocks);
  store<i32>(COUNTS + 16, blocksWithChanges);
  store<i32>(COUNTS + 20, absmaxMoved);
  store<i32>(COUNTS + 24, collateral);
}
