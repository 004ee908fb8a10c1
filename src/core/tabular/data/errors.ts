// Named, actionable errors of the tabular data layer (CONVENTIONS #6): each says what is wrong, where (row,
// column) and what to do, so the UI can show the message as is.

export class TabularDataError extends Error {
  override name = 'TabularDataError';
}

/** A file or chunk stream larger than the in-memory limit. */
export class FileTooLargeError extends TabularDataError {
  override name = 'FileTooLargeError';
  constructor(bytes: number, limit: number) {
    super(`The file is ${(bytes / 2 ** 30).toFixed(2)} GiB, over the ${(limit / 2 ** 30).toFixed(2)} GiB limit for in-browser tables; ` +
      'subsample it (e.g. keep a stratified subset of rows) before loading.');
  }
}

/** A network-dependent loader (OpenML) was called without a network. */
export class OfflineError extends TabularDataError {
  override name = 'OfflineError';
}

/** 1 GiB: beyond this a browser tab holding the parsed columns is likely to run out of memory. */
export const MAX_FILE_BYTES = 2 ** 30;
