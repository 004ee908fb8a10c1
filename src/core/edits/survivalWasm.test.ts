// The WebAssembly survival kernel against the TypeScript loop it replaces (identical counts on edits built to
// reach every branch: sparse, dense, sign flips, all-zero blocks, NaN / Infinity, subnormals, short blocks),
// and the committed binary against a rebuild of its source.
import { readFileSync } from 'node:fs';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { QuantType } from './quant4';
import { SurvivalCounter } from './survival';
import { SurvivalKernel, SurvivalKernelMismatchError } from './survivalWasm';

const WASM = new URL('../../../wasm/survival.wasm', import.meta.url);
const kernel = new SurvivalKernel(readFileSync(WASM));

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

type EditKind = 'sparse' | 'dense' | 'denseSmall' | 'signFlip' | 'zeroBlocks' | 'nonFinite' | 'denseNonFinite' | 'tiny';

/** Base and edited half bits of one kind of edit (F16 or BF16 bit patterns near typical weight magnitudes). */
function makeEdit(kind: EditKind, n: number, dtype: 'F16' | 'BF16', seed: number): [Uint16Array, Uint16Array] {
  const r = rng(seed);
  const base = new Uint16Array(n);
  // Magnitudes around 2^-7..2^-3 in either format, with a few exact zeros.
  const lo = dtype === 'F16' ? 0x1c00 : 0x3c00;
  for (let i = 0; i < n; i++) base[i] = r() < 0.01 ? 0 : (lo + Math.floor(r() * 0x1000)) | (r() < 0.5 ? 0x8000 : 0);
  const edited = base.slice();
  const inf = dtype === 'F16' ? 0x7c00 : 0x7f80;
  for (let i = 0; i < n; i++) {
    const u = r();
    switch (kind) {
      case 'sparse':
        if (u < 0.05) edited[i] += 1 + Math.floor(r() * 3);
        if (u > 0.999) edited[i] += 0x400; // an absmax mover now and then
        break;
      case 'dense':
        edited[i] += u < 0.5 ? 1 + Math.floor(r() * 40) : -1 - Math.floor(r() * 40);
        break;
      case 'denseSmall': // every value moved by 1..3 ulps (a fine-tune): codes rarely change; in every other block the absmax stays
        if ((i >> 6) % 2 === 0 && i % 64 === 5) edited[i] = base[i] = (dtype === 'F16' ? 0x2c00 : 0x3e00) | (base[i] & 0x8000);
        else edited[i] += 1 + Math.floor(u * 3);
        break;
      case 'signFlip':
        if (u < 0.1) edited[i] ^= 0x8000;
        break;
      case 'zeroBlocks':
        if ((i >> 6) % 3 === 0) base[i] = (i & 7) === 0 ? 0x8000 : 0; // all-zero blocks (with -0)
        edited[i] = (i >> 6) % 6 === 0 ? base[i] : u < 0.3 ? (base[i] ^ 0x8000) & 0xffff : u < 0.5 ? base[i] + 5 : base[i];
        break;
      case 'nonFinite':
        if (u < 0.002) edited[i] = inf | 1 | (r() < 0.5 ? 0x8000 : 0); // NaN
        else if (u < 0.004) edited[i] = inf;
        else if (u < 0.006) base[i] = inf | 0x8000;
        else if (u < 0.05) edited[i] += 1;
        break;
      case 'denseNonFinite': // many changes per block (the kernel's whole-block path) with NaN and Infinity
        edited[i] += 1 + Math.floor(r() * 3);
        if (u < 0.003) edited[i] = inf | 1;
        else if (u < 0.006) edited[i] = inf | 0x8000;
        else if (u < 0.008) base[i] = inf;
        break;
      case 'tiny':
        base[i] = Math.floor(r() * 0x800) | (r() < 0.5 ? 0x8000 : 0); // subnormals and the smallest normals
        edited[i] = u < 0.5 ? base[i] ^ Math.floor(r() * 8) : base[i];
        break;
    }
  }
  return [base, edited];
}

function counts(type: QuantType, bs: number, base: Uint16Array, edited: Uint16Array, dtype: 'F16' | 'BF16', withKernel: boolean) {
  const c = new SurvivalCounter(type, bs, withKernel ? kernel : null);
  // Chunks of several sizes (whole blocks), the last one short, as the streaming pass hands them over.
  const chunk = bs * 37;
  for (let s = 0; s < base.length; s += chunk) c.addBits(base.subarray(s, s + chunk), edited.subarray(s, s + chunk), dtype);
  return c.counts;
}

describe('survival WebAssembly kernel', () => {
  const kinds: EditKind[] = ['sparse', 'dense', 'denseSmall', 'signFlip', 'zeroBlocks', 'nonFinite', 'denseNonFinite', 'tiny'];
  for (const type of ['nf4', 'fp4'] as const)
    for (const dtype of ['F16', 'BF16'] as const)
      for (const bs of [64, 32])
        it(`gives the TypeScript loop's counts: ${type}, ${dtype}, blocks of ${bs}`, () => {
          kinds.forEach((kind, k) => {
            // An odd length leaves a short last block (the scalar path of the kernel).
            const [base, edited] = makeEdit(kind, 64 * 300 + 23, dtype, 17 + k);
            const ts = counts(type, bs, base, edited, dtype, false);
            expect(ts.changed, kind).toBeGreaterThan(0);
            expect(counts(type, bs, base, edited, dtype, true), `${kind} ${type} ${dtype} ${bs}`).toEqual(ts);
          });
        });

  it('keeps the tables of each quantization type apart when counters of both types share it', () => {
    const [base, edited] = makeEdit('dense', 64 * 50, 'F16', 5);
    const both = (withKernel: boolean) => {
      const a = new SurvivalCounter('nf4', 64, withKernel ? kernel : null);
      const b = new SurvivalCounter('fp4', 64, withKernel ? kernel : null);
      for (let s = 0; s < base.length; s += 640) {
        a.addBits(base.subarray(s, s + 640), edited.subarray(s, s + 640), 'F16');
        b.addBits(base.subarray(s, s + 640), edited.subarray(s, s + 640), 'F16');
      }
      return [a.counts, b.counts];
    };
    expect(both(true)).toEqual(both(false));
  });

  it('counts chunks read straight into its memory (no copy) as it counts copied ones, in both read slots', () => {
    const [base, edited] = makeEdit('dense', 64 * 400, 'F16', 9);
    const inKernel = new SurvivalCounter('nf4', 64, kernel);
    const chunk = 64 * 100;
    for (let s = 0; s < base.length; s += chunk) {
      const slot = (s / chunk) & 1;
      const views = [base, edited].map((src, j) => {
        const bytes = kernel.inputBuffer(j, slot, chunk * 2);
        const v = new Uint16Array(bytes.buffer, bytes.byteOffset, chunk);
        v.set(src.subarray(s, s + chunk));
        return v;
      });
      inKernel.addBits(views[0], views[1], 'F16');
    }
    expect(inKernel.counts).toEqual(counts('nf4', 64, base, edited, 'F16', false));
  });

  it('refuses a module that is not the kernel', () => {
    // The smallest valid module: magic and version, no exports.
    expect(() => new SurvivalKernel(new Uint8Array([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0]))).toThrow(SurvivalKernelMismatchError);
  });

  it('is the build of wasm/survival.ts (the committed binary matches a rebuild byte for byte)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'survival-wasm-'));
    try {
      // @ts-expect-error: a plain .mjs build script without type declarations
      const { buildSurvivalWasm } = await import('../../../wasm/build.mjs');
      const out = join(dir, 'survival.wasm');
      await buildSurvivalWasm(out);
      expect(Buffer.compare(readFileSync(out), readFileSync(WASM))).toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
