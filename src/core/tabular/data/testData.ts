// Test helper: read a shared dataset file (shared/data/tabular, outside the repo) from a test in Node.

import { readFileSync } from 'node:fs';

export const TABULAR_DATA_DIR = new URL('../../../../../shared/data/tabular/', import.meta.url);

export function readShared(file: string): string {
  return readFileSync(new URL(file, TABULAR_DATA_DIR), 'utf8');
}
