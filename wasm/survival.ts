// AssemblyScript source of the survival kernel (wasm/survival.wasm): SurvivalCounter.addBits of
// src/core/edits/survival.ts on raw F16/BF16 bits, with the same f32/f64 arithmetic step for step so the
// counts are identical (tested against the TypeScript path). Build: `npm run build:wasm`; a test rebuilds it
// and compares bytes. Not part of the TypeScript project (AssemblyScript types: i32, f64, v128...).
//
// Memory is laid out by the constants below; the JS side fills the CodeLookup tables once, copies each
// chunk's two inputs to INPUT (base) and INPUT + 2 * capacity (edited), calls count(), then reads COUNTS
// and HIST (which count() accumulates into; the caller folds and clears it).

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

/** Largest of the eight u16 lanes, by halving shuffles. */
// @ts-ignore: decorator
@inline function maxLane(v: v128): u32 {
  let m = i16x8.max_u(v, v128.shuffle<u16>(v, v, 4, 5, 6, 7, 0, 1, 2, 3));
  m = i16x8.max_u(m, v128.shuffle<u16>(m, m, 2, 3, 0, 1, 4, 5, 6, 7));
  m = i16x8.max_u(m, v128.shuffle<u16>(m, m, 1, 0, 2, 3, 4, 5, 6, 7));
  return i16x8.extract_lane_u(m, 0);
}

/**
 * Counts n parameters (a chunk starting on a block boundary) in blocks of bs. Full 64-value blocks are
 * scanned with SIMD (absmax as an unsigned max of bits & 0x7fff, changed lanes as a 64-bit mask); other
 * block sizes and a short last block take the scalar loop.
 */
export function count(n: i32, capacity: i32, bs: i32, fp4: bool, bf16: bool): void {
  const B = INPUT;
  const E = INPUT + (<usize>capacity << 1);
  codeChanged = 0;
  dequantChanged = 0;
  collateral = 0;
  let changed: i32 = 0;
  let blocks: i32 = 0;
  let blocksWithChanges: i32 = 0;
  let absmaxMoved: i32 = 0;
  const magMask = i16x8.splat(0x7fff);
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
