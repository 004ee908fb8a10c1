// Node-side corpus reading for curation (tests, sidecar, bench): reads files from disk and hands their bytes to
// the pure ingest (ingest.ts), so the browser and Node apply the same rules and errors.
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { ingestFile, type IngestOptions } from './ingest';
import type { CorpusDocument } from './types';

/** Reads one corpus file; documents are named by the file's base name (ids stay the same across machines). */
export function ingestPath(path: string, options: IngestOptions = {}): CorpusDocument[] {
  return ingestFile(basename(path), new Uint8Array(readFileSync(path)), options);
}
