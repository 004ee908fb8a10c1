// Named errors of the alignbeam module (CONVENTIONS #6): each says what went wrong and what to do next. They
// extend Error (not RuntimeError, whose codes are the runtime's): over comlink the name and the message, which
// carries the remedy, survive.

export type AlignbeamErrorCode =
  | 'EMPTY_PROMPT' | 'PAIR_NOT_LOADED' | 'BAD_SETTINGS' | 'BAD_SUITE' | 'CONTEXT_FULL' | 'JUDGE_PARSE';

export class AlignbeamError extends Error {
  override readonly name: string = 'AlignbeamError';
  constructor(readonly code: AlignbeamErrorCode, message: string, readonly remedy: string) {
    super(`${message} — ${remedy}`);
  }
}

export class EmptyPromptError extends AlignbeamError {
  override readonly name = 'EmptyPromptError';
  constructor() {
    super('EMPTY_PROMPT', 'The prompt is empty', 'Type a request for the models to answer.');
  }
}

export class PairNotLoadedError extends AlignbeamError {
  override readonly name = 'PairNotLoadedError';
  constructor(what = 'target, anchor and judge') {
    super('PAIR_NOT_LOADED', `No ${what} loaded`, 'Load a model pair first (alignbeamLoadPair).');
  }
}

export class SettingsError extends AlignbeamError {
  override readonly name = 'SettingsError';
  constructor(problems: readonly string[]) {
    super('BAD_SETTINGS', `Invalid alignbeam settings: ${problems.join('; ')}`, 'Fix the listed values and run again.');
  }
}

export class SuiteError extends AlignbeamError {
  override readonly name = 'SuiteError';
  constructor(suite: string, detail: string) {
    super('BAD_SUITE', `Suite ${suite}: ${detail}`,
      'Load a CSV with a header row: AdvBench (goal), XSTest (prompt,label) or HarmBench (Behavior), or a "prompt" column.');
  }
}

export class ContextFullError extends AlignbeamError {
  override readonly name = 'ContextFullError';
  constructor(model: string, tokens: number, limit: number) {
    super('CONTEXT_FULL', `${model}: the prompt takes ${tokens} tokens, the model's context is ${limit}`,
      'Shorten the prompt or use a model with a longer context.');
  }
}

/** Not thrown by decoding: an LLM judge's unparseable answer is recorded on the candidate and counted. */
export class JudgeParseError extends AlignbeamError {
  override readonly name = 'JudgeParseError';
  constructor(readonly answer: string) {
    super('JUDGE_PARSE', `The judge answered neither "safe" nor "unsafe": ${JSON.stringify(answer.slice(0, 80))}`,
      'Use a judge trained for safe/unsafe verdicts (the embedded judge or a Llama Guard model).');
  }
}
