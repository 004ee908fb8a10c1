// Saves text the page built (reports, the ledger, the Annex IV section) as a file, without leaving the browser.
export function downloadText(text: string, filename: string, type: string): void {
  const a = document.createElement('a');
  a.href = URL.createObjectURL(new Blob([text], { type }));
  a.download = filename;
  a.click();
  URL.revokeObjectURL(a.href);
}

/** `2026-12-06` for file names: one file per day and model is what an auditor keeps. */
export function today(): string {
  return new Date().toISOString().slice(0, 10);
}
