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
