// Saves bytes or text produced in the page (an exported model, a manifest, a figure) as a file download.
export function downloadFile(data: Uint8Array | string, fileName: string, type: string): void {
  const part: BlobPart = typeof data === 'string' ? data : new Uint8Array(data);
  const a = document.createElement('a');
  a.href = URL.createObjectURL(new Blob([part], { type }));
  a.download = fileName;
  a.click();
  // revoke after the click has been handled, so the download has started
  setTimeout(() => URL.revokeObjectURL(a.href), 0);
}
