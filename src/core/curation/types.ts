// Types shared by the curation module (issue #22): corpus chunks with stable ids and spans, generated samples that
// carry the chunk and span they came from, injected failures with their ground truth kept apart from the pipeline,
// gate verdicts (abstentions and parse failures counted, never dropped) and the failure taxonomy recovery diagnoses.
// A module-bottom file: it imports nothing from its siblings (CONVENTIONS #22), so ingest, injection, gates,
// recovery, metrics and the UI can grow in separate files against one contract.

/** A source document after ingest (text, Markdown, JSONL, CSV). */
export interface CorpusDocument {
  /** Stable id: the file name plus, for JSONL/CSV, the row ("handbook.md", "notes.jsonl#12"). */
  id: string;
  /** The text chunks are cut from (Markdown kept as written; JSONL/CSV: the text field or the joined cells). */
  text: string;
  format: 'text' | 'markdown' | 'jsonl' | 'csv';
  /** sha256 of the source file's bytes (the manifest lists it). */
  sourceSha256: string;
}

/** A character span [start, end) in a document's `text`. */
export interface Span { start: number; end: number }

export interface Chunk {
  /** Stable across runs and machines: derived from the document id and the chunk's text (not from its position alone). */
  id: string;
  documentId: string;
  /** Where the chunk sits in its document's text; `text === document.text.slice(span.start, span.end)`. */
  span: Span;
  text: string;
  /** Section heading path for Markdown ("Storage > Vaccines"), empty otherwise. */
  heading: string;
}

/** A generated instruction/answer pair and exactly where it came from. */
export interface CuratedSample {
  /** Stable id: chunk id + generator + attempt. */
  id: string;
  instruction: string;
  response: string;
  /** The chunk the generator was given, and the span of it the sample rests on (the whole chunk when unknown). */
  provenance: { chunkId: string; span: Span };
  /** Which generator produced it (model id) and at which attempt (0 = first, ≥1 = recovery). */
  generator: string;
  attempt: number;
  /** Model calls spent on this sample so far (generation + judging + recovery), the cost unit of the paper. */
  calls: number;
}

/** Failure modes injected on purpose and diagnosed by recovery (the taxonomy). */
export const FAILURE_MODES = ['unsupported-claim', 'contradicted-number', 'unsafe', 'format'] as const;
export type FailureMode = (typeof FAILURE_MODES)[number];

/** Ground truth of one injected sample: kept in its own list, never on the sample the gates see. */
export interface InjectionLabel {
  sampleId: string;
  mode: FailureMode;
  /** What was changed, for the report ("dose 5 mg → 50 mg", "added: 'It was approved in 1961.'"). */
  detail: string;
}

/** Where a faithfulness gate looks for evidence. */
export type GroundingMode = 'cited-chunk' | 'retrieval' | 'none';

/** One gate's verdict on one sample. `abstain` and `parse-failure` are outcomes, counted like the others. */
export interface GateVerdict {
  gate: string;
  sampleId: string;
  outcome: 'pass' | 'reject' | 'abstain' | 'parse-failure';
  /** Diagnosed failure mode when rejected (recovery reads it); absent when the gate cannot tell. */
  mode?: FailureMode;
  /** Human-readable reason ("number 50 mg not in the cited chunk (it says 5 mg)"). */
  reason: string;
  /** Model calls this verdict cost (0 for rule gates). */
  calls: number;
}

/** What a gate may know of the run beyond the batch it judges. */
export interface GateContext {
  /**
   * Samples the run accepted before this batch (the first pass, earlier recovery rounds), in acceptance order: the
   * dedup gate compares a recovered sample with them, not only with its own batch.
   */
  accepted: readonly CuratedSample[];
}

/** A gate: a name and a batch verdict function (sync or async; model-backed gates are async). */
export interface Gate {
  readonly name: string;
  check(samples: readonly CuratedSample[], chunks: ReadonlyMap<string, Chunk>, context?: GateContext): GateVerdict[] | Promise<GateVerdict[]>;
}
