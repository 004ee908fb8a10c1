// Test helper: read one of the bundled benchmark datasets (public/samples/tabular, documented in data/README.md)
// from a test in Node. The files live inside the repository, so a bare clone's tests find them.

import { readFileSync } from 'node:fs';

export const TABULAR_DATA_DIR = new URL('../../../../public/samples/tabular/', import.meta.url);

export function readShared(file: string): string {
  return readFileSync(new URL(file, TABULAR_DATA_DIR), 'utf8');
}
