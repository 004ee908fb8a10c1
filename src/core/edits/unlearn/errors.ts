// Named errors of unlearning fine-tuning (issue #20 "Bad input"). Each says what is wrong and what to do, since
// they reach the sidecar's answers and the edits panel verbatim; each is thrown before anything is written, or
// (NaN) after the last good checkpoint, which stays as it was.
import { EditsError } from '../errors';

export class UnlearnError extends EditsError {
  override readonly name: string = 'UnlearnError';
}

/** The forget or the retain set has no example (after filtering by category / tokenisation). */
export class EmptySetError extends UnlearnError {
  override readonly name = 'EmptySetError';
  constructor(readonly which: 'forget' | 'retain', why: string) {
    super(`the ${which} set is empty (${why}): pick a category with examples, or pass at least one ${which} example`);
  }
}

/** An example sits in both sets (same id, or same prompt): the objectives would push it both ways. */
export class OverlapError extends UnlearnError {
  override readonly name = 'OverlapError';
  constructor(readonly shared: string[]) {
    super(`the forget and retain sets share ${shared.length} example(s) (${shared.slice(0, 5).join(', ')}${shared.length > 5 ? ', …' : ''}): remove them from one of the two sets`);
  }
}

/** The model cannot be loaded into the lab engine (unsupported family, weights that do not match config.json…). */
export class UnlearnModelError extends UnlearnError {
  override readonly name = 'UnlearnModelError';
  constructor(model: string, problem: string) {
    super(`${model}: the lab engine cannot load this model for unlearning: ${problem}`);
  }
}

/** A circuit (or a parameter restriction) made for another model: its layers, heads or tensors are not this model's. */
export class ForeignCircuitError extends UnlearnError {
  override readonly name = 'ForeignCircuitError';
  constructor(model: string, problem: string) {
    super(`the circuit does not belong to ${model}: ${problem}; attribute the circuit on this model first`);
  }
}

/** A hyper-parameter outside its range, or an unknown key (a typo must not silently fall back to a default). */
export class UnlearnConfigError extends UnlearnError {
  override readonly name = 'UnlearnConfigError';
}

/**
 * The loss, the gradient or a parameter became NaN / ±∞. Training stops at `step`; the last good checkpoint
 * (`lastGoodStep`, null when none was written) is kept as it was.
 */
export class NonFiniteLossError extends UnlearnError {
  override readonly name = 'NonFiniteLossError';
  constructor(readonly step: number, readonly what: string, readonly lastGoodStep: number | null) {
    super(`training diverged at step ${step}: ${what} is not finite; stopped there. ${lastGoodStep === null
      ? 'No checkpoint had been written.' : `The last good checkpoint (step ${lastGoodStep}) is kept unchanged.`} Lower the learning rate or raise gradient clipping.`);
  }
}
