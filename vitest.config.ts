// Unit tests run in Node: src/core must never need a DOM (DESIGN.md "Layout").
import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'sidecar/**/*.test.ts', 'models/forge/**/*.test.ts', 'bench/**/*.test.ts', 'scripts/**/*.test.ts', 'sweeps/**/*.test.ts'],
    environment: 'node',
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // at least two workers: vitest's default in run mode is CPUs − 1, one worker on a 2-core CI box, and most suites
    // are single-threaded WASM (jax-js, ORT); on 2 cores the second worker took the unit stage from 17.4 to 11.5 min
    maxWorkers: Math.max(2, availableParallelism() - 1),
  },
});
