// Named errors of the experiments layer (CONVENTIONS #6): an experiment spec or a run record that cannot be used is
// refused with a stable `kind` (tests, UI) and a `remedy` saying what to do next. Nothing half-decoded is returned.

export type ExperimentErrorKind =
  | 'unknown-version' | 'future-version' | 'unknown-module' | 'invalid-spec'
  | 'invalid-record' | 'tampered-record' | 'no-runner' | 'unsupported-in-runner' | 'input-unavailable';

const remedies: Record<ExperimentErrorKind, string> = {
  'unknown-version': 'This is not a version of the experiment format any workbench wrote. Save the experiment again from the workbench (Download spec / history export).',
  'future-version': 'It was written by a newer workbench. Update the workbench, then open it again.',
  'unknown-module': 'It names a module this workbench does not have (or one without an experiment spec). Open it in the workbench that made it.',
  'invalid-spec': 'Its settings are not valid for this module. Fix the named field or save the experiment again from the module page.',
  'invalid-record': 'It is not a complete run record. Export the run again from history (records are written by the workbench, not by hand).',
  'tampered-record': 'Its results no longer match the digest it was saved with: it was edited after the run. Use the original record or re-run the experiment.',
  'no-runner': 'Runs of this module are not registered with the experiment runner yet. Run it from its page, or register a runner (src/core/experiments/runners).',
  'unsupported-in-runner': 'This setting is not run by the experiment runner yet (only from the module page). Change the named setting, or run it from the module page.',
  'input-unavailable': 'A model or data file the experiment needs is not at hand. Provide the file (same name; its sha256 is checked) and run again.',
};

export class ExperimentError extends Error {
  override readonly name = 'ExperimentError';
  readonly kind: ExperimentErrorKind;
  readonly remedy: string;
  constructor(kind: ExperimentErrorKind, detail: string, options?: { cause?: unknown }) {
    super(`Experiment refused (${kind}): ${detail}`, options);
    this.kind = kind;
    this.remedy = remedies[kind];
  }
}
