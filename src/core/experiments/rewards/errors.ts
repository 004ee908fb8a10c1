// Named errors of the reward layer (CONVENTIONS #6): each says what is wrong and what to do. A reward function that
// throws or returns NaN is NOT an error here (it is counted per function and reported: run.ts); these are the
// caller's mistakes, which must stop the run.

export type RewardErrorCode = 'BAD_INPUT' | 'UNKNOWN_REWARD' | 'DUPLICATE_REWARD' | 'BAD_OPTIONS' | 'BAD_COMPOSITION' | 'BAD_TRAINING_DATA';

export class RewardError extends Error {
  override readonly name: string = 'RewardError';
  constructor(readonly code: RewardErrorCode, message: string, readonly remedy: string) {
    super(`${message} — ${remedy}`);
  }
}

/** A batch row lacks a field the reward needs (or prompt/completion is not a string). */
export class RewardInputError extends RewardError {
  override readonly name = 'RewardInputError';
  constructor(readonly reward: string, readonly index: number, readonly field: string, detail: string) {
    super('BAD_INPUT', `Reward ${reward}: sample ${index} ${detail} "${field}"`,
      `Give every sample a string prompt and completion${field.startsWith('metadata.') || field === 'reference' ? ` and a "${field}" (this reward reads it)` : ''}.`);
  }
}

export class UnknownRewardError extends RewardError {
  override readonly name = 'UnknownRewardError';
  constructor(name: string, known: readonly string[]) {
    super('UNKNOWN_REWARD', `No reward function named "${name}"`, `Use one of: ${known.join(', ')}; or register it first.`);
  }
}

export class DuplicateRewardError extends RewardError {
  override readonly name = 'DuplicateRewardError';
  constructor(name: string) {
    super('DUPLICATE_REWARD', `A reward function named "${name}" is already registered`, 'Pick another name, or build a new registry.');
  }
}

export class RewardOptionsError extends RewardError {
  override readonly name = 'RewardOptionsError';
  constructor(reward: string, problems: readonly string[]) {
    super('BAD_OPTIONS', `Options of reward ${reward}: ${problems.join('; ')}`, 'Fix the listed options (unknown keys are errors, not ignored).');
  }
}

export class RewardCompositionError extends RewardError {
  override readonly name = 'RewardCompositionError';
  constructor(detail: string) {
    super('BAD_COMPOSITION', `Composed reward: ${detail}`, 'Give at least one part, finite weights and distinct part names.');
  }
}

export class RewardTrainingError extends RewardError {
  override readonly name = 'RewardTrainingError';
  constructor(detail: string) {
    super('BAD_TRAINING_DATA', `Reward model training: ${detail}`,
      'Label more samples, with both classes present and the labelling reward scoring most of them.');
  }
}
