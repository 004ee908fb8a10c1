// The sidecar finds and compiles the survival kernel (a silent fallback to the TypeScript loop would only show
// as a slower job).
import { describe, expect, it } from 'vitest';
import { SurvivalKernel } from '../src/core/edits/survivalWasm';
import { survivalKernel } from './survivalKernel';

describe('sidecar survival kernel', () => {
  it('loads wasm/survival.wasm once per thread', () => {
    const k = survivalKernel();
    expect(k).toBeInstanceOf(SurvivalKernel);
    expect(survivalKernel()).toBe(k);
  });
});
