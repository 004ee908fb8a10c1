// The survival WebAssembly kernel for this thread (wasm/survival.wasm, built from wasm/survival.ts), compiled
// once on first use. Without it (a runtime lacking WebAssembly SIMD) the survival job keeps the TypeScript loop,
// which gives the same counts, and says so on stderr.

import { readFileSync } from 'node:fs';
import { SurvivalKernel } from '../src/core/edits/survivalWasm';

const WASM = new URL('../wasm/survival.wasm', import.meta.url);
let kernel: SurvivalKernel | null | undefined;

export function survivalKernel(): SurvivalKernel | null {
  if (kernel === undefined) {
    try {
      kernel = new SurvivalKernel(readFileSync(WASM));
    } catch (e) {
      console.warn(`survival: WebAssembly kernel unavailable (${(e as Error).message}); using the TypeScript loop`);
      kernel = null;
    }
  }
  return kernel;
}
