// From the curation spec to what runs: the corpus bytes (the shipped handbook, fetched, or the uploaded file) read
// by ingest.ts into documents (named CurationErrors for empty, binary or malformed files), chunked by chunk.ts and
// cut to the spec's first n chunks; and the engine request (src/core/curation/engine.ts) the spec maps onto 1:1.
import { chunkDocuments } from '../../core/curation/chunk';
import type { CurationRunRequest } from '../../core/curation/engine';
import { CurationError } from '../../core/curation/errors';
import { ingestFile } from '../../core/curation/ingest';
import type { Chunk, CorpusDocument } from '../../core/curation/types';
import type { CurationSpec } from '../../state/specs/curation';

export const HANDBOOK_URL = '/samples/curation/clinic-handbook.md';
export const HANDBOOK_NAME = 'clinic-handbook.md';

/** An uploaded corpus file, held in the page only (a link names it by file name and sha256). */
export interface UploadedCorpus { name: string; bytes: Uint8Array; sha256: string }

export interface PreparedCorpus {
  documents: CorpusDocument[];
  /** the chunks the run curates (the first `maxChunks`) */
  chunks: Chunk[];
  /** chunks the corpus has in all */
  totalChunks: number;
  overBudget: number;
}

/** Reads a corpus file into documents: a CurationError (with its kind) for bad input. */
export function readCorpus(name: string, bytes: Uint8Array): CorpusDocument[] {
  return ingestFile(name, bytes);
}

export function prepareCorpus(documents: CorpusDocument[], spec: CurationSpec): PreparedCorpus {
  const { chunks, overBudget } = chunkDocuments(documents, { maxChars: spec.chunking.maxChars, overlap: spec.chunking.overlap });
  if (chunks.length === 0) throw new CurationError('empty-file', 'the corpus has no text to cut into chunks (only headings or blank lines)');
  return { documents, chunks: chunks.slice(0, spec.chunking.maxChunks), totalChunks: chunks.length, overBudget: overBudget.length };
}

/** "kind: message" of a corpus error, so the page names what went wrong. */
export function corpusErrorText(e: unknown): string {
  if (e instanceof CurationError) return `${e.kind}: ${e.message}`;
  return e instanceof Error ? e.message : String(e);
}

export function runRequest(spec: CurationSpec, chunks: Chunk[]): CurationRunRequest {
  const g = spec.gates;
  return {
    chunks,
    generators: spec.generators.map((model) => ({ model, ...spec.decoding })),
    injection: { rate: spec.injection.rate, modes: [...spec.injection.modes] },
    gates: {
      ...(g.lexical.enabled ? { lexical: { grounding: g.lexical.grounding } } : {}),
      format: g.format,
      ...(g.dedup.enabled ? { dedup: { threshold: g.dedup.threshold } } : {}),
      ...(g.grounding.enabled ? { grounding: { model: g.grounding.model, mode: g.grounding.mode, verdict: g.grounding.verdict } } : {}),
      ...(g.reward.enabled ? { reward: { threshold: g.reward.threshold, ...(g.reward.judge ? { judge: g.reward.judge } : {}) } } : {}),
    },
    recovery: { strategy: spec.recovery.strategy, attempts: spec.recovery.attempts, ...(spec.recovery.maxCalls ? { maxCalls: spec.recovery.maxCalls } : {}) },
    seed: spec.seed,
  };
}
