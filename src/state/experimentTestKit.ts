// Shared by the experiment envelope and run-record tests: runs a call that must be refused and returns the
// ExperimentError, so a test can assert its kind and remedy.
import { ExperimentError } from '../core/experiments/errors';

export function refusal(fn: () => unknown): ExperimentError {
  try {
    fn();
  } catch (e) {
    if (e instanceof ExperimentError) return e;
    throw e;
  }
  throw new Error('expected an ExperimentError');
}

/** The real engine, with every method call (callbacks left out) written to `calls`: what a runner hands the core. */
export function recorded<T extends object>(engine: T, calls: [method: string, args: unknown[]][]): T {
  return new Proxy(engine, {
    get(target, key) {
      const value: unknown = Reflect.get(target, key);
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        calls.push([String(key), args.filter((a) => typeof a !== 'function')]);
        return (value as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  });
}
