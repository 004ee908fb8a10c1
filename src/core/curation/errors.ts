// Named errors of the curation module (issue #22). One class with a `kind`, so the UI and the pipeline can branch
// on what went wrong and the message says what to do about it. Counted outcomes (an oversized chunk, a judge's
// parse failure) are not errors: they live in the results.

export type CurationErrorKind =
  | 'empty-file'        // nothing but whitespace
  | 'binary-file'       // NUL bytes or invalid UTF-8
  | 'unsupported-format' // PDF and other formats ingest does not read
  | 'jsonl-parse'       // a JSONL line that is not JSON
  | 'jsonl-missing-field' // a JSONL row without the text field
  | 'csv-missing-column' // the named text column is not in the header
  | 'csv-parse'         // papaparse could not read the file
  | 'bad-option';       // an option out of range (chunk size, rate, threshold)

export class CurationError extends Error {
  readonly kind: CurationErrorKind;
  constructor(kind: CurationErrorKind, message: string) {
    super(message);
    this.name = 'CurationError';
    this.kind = kind;
  }
}
