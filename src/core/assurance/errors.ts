// Named errors of the assurance module (CONVENTIONS #6): each says what went wrong and what to do next. Problems
// with single records of a ledger are not errors but LedgerFlags (the report shows them); these are refusals: a
// draft an emitter built wrongly, a ledger file that cannot be imported at all, an inventory that does not parse.

export type AssuranceErrorCode = 'INVALID_DRAFT' | 'LEDGER_NOT_JSON' | 'LEDGER_WRONG_FORMAT' | 'LEDGER_NEWER_VERSION'
  | 'LEDGER_TOO_LARGE' | 'INVALID_INVENTORY';

export class AssuranceError extends Error {
  override readonly name: string = 'AssuranceError';
  constructor(readonly code: AssuranceErrorCode, message: string, readonly remedy: string) {
    super(`${message} — ${remedy}`);
  }
}

/** An emitter's draft does not make a valid evidence record v1 (a bug in the emitter, not in the user's data). */
export class InvalidEvidenceError extends AssuranceError {
  override readonly name = 'InvalidEvidenceError';
  constructor(readonly problems: readonly string[]) {
    super('INVALID_DRAFT', `Invalid evidence draft: ${problems.join('; ')}`,
      'Fix the emitter so that its draft matches evidenceRecordSchema (src/core/assurance/types.ts).');
  }
}

/** A ledger file refused as a whole: nothing of it is imported. */
export class LedgerFileError extends AssuranceError {
  override readonly name = 'LedgerFileError';
  constructor(code: Extract<AssuranceErrorCode, `LEDGER_${string}`>, message: string, remedy: string) {
    super(code, message, remedy);
  }
}

/** The instrument inventory (data/assurance/instruments.json) has a bad row or a repeated id. */
export class InventoryError extends AssuranceError {
  override readonly name = 'InventoryError';
  constructor(message: string) {
    super('INVALID_INVENTORY', message, 'Fix the named row of data/assurance/instruments.json (see instrumentSchema in src/core/assurance/types.ts).');
  }
}
