// Chunker for curation (issue #22): documents → chunks with stable ids and exact spans
// (`chunk.text === doc.text.slice(span.start, span.end)`). Markdown is split at headings first and each chunk
// keeps its heading path ("Storage > Vaccines"); long sections are cut at paragraph, then sentence, then word
// boundaries under `maxChars`, with optional overlap. A token budget (the generator's context) is checked on
// every chunk: an over-budget chunk is split further or reported, a counted outcome, never silently truncated.
import { CurationError } from './errors';
import { sha256HexSync } from '../numeric/sha256';
import type { Chunk, CorpusDocument, Span } from './types';

export interface ChunkOptions {
  /** Longest chunk in characters (default 400). */
  maxChars?: number;
  /** Characters the next chunk re-reads from the end of the previous one, snapped to a word start (default 0). */
  overlap?: number;
  /** Token budget of one chunk (the model's context left for the source); unset = no check. */
  maxTokens?: number;
  /** Token counter for the budget; pass the model tokenizer's count for an exact check (default estimateTokens). */
  countTokens?: (text: string) => number;
  /** What to do with an over-budget chunk: cut it further ('split', default) or keep it and report it. */
  onOverBudget?: 'split' | 'report';
}

/** A chunk over the token budget that could not be (or was asked not to be) split: kept whole and listed. */
export interface OverBudgetChunk { chunkId: string; documentId: string; tokens: number; maxTokens: number }

export interface ChunkResult {
  chunks: Chunk[];
  /** Chunks kept although over the budget (onOverBudget 'report', or one word longer than the budget). */
  overBudget: OverBudgetChunk[];
  /** How many chunks went over the budget and were split further. */
  splitForBudget: number;
}

/** Rough token count: one per 4 characters, the usual byte-level BPE average on English prose. */
export const estimateTokens = (text: string): number => Math.ceil(text.length / 4);

/** Id of a chunk: 16 hex digits of sha256(document id, text[, repeat]) — position-free, so reordering keeps it. */
export function chunkId(documentId: string, text: string, repeat = 0): string {
  return sha256HexSync(`${documentId}\n${text}${repeat ? `\n#${repeat}` : ''}`).slice(0, 16);
}

interface Section { span: Span; heading: string; hasBody: boolean }

/** Markdown sections: each heading opens one (up to the next heading), with the path of the headings above it. */
export function markdownSections(text: string): Section[] {
  const sections: Section[] = [];
  const path: string[] = [];
  let open: { start: number; heading: string; bodyFrom: number } = { start: 0, heading: '', bodyFrom: 0 };
  let inFence = false;
  const close = (end: number) => {
    if (end > open.start) sections.push({ span: { start: open.start, end }, heading: open.heading, hasBody: text.slice(open.bodyFrom, end).trim() !== '' });
  };
  const lineRe = /[^\n]*(?:\n|$)/g;
  for (let m = lineRe.exec(text); m && m[0] !== ''; m = lineRe.exec(text)) {
    const line = m[0];
    if (/^\s*(```|~~~)/.test(line)) inFence = !inFence;
    const h = inFence ? null : /^(#{1,6})[ \t]+(.+?)[ \t#]*\r?\n?$/.exec(line);
    if (!h) continue;
    close(m.index);
    const level = h[1].length;
    path.length = level - 1;
    path[level - 1] = h[2].trim();
    open = { start: m.index, heading: path.filter(Boolean).join(' > '), bodyFrom: m.index + line.length };
  }
  close(text.length);
  return sections;
}

/** Chunks one document; ids are unique within it (a repeated text gets a repeat counter in its hash). */
export function chunkDocument(doc: CorpusDocument, options: ChunkOptions = {}): ChunkResult {
  const maxChars = options.maxChars ?? 400;
  const overlap = options.overlap ?? 0;
  if (!(maxChars >= 20)) throw new CurationError('bad-option', `maxChars must be at least 20 (got ${maxChars})`);
  if (!(overlap >= 0 && overlap <= maxChars / 2)) throw new CurationError('bad-option', `overlap must be between 0 and maxChars/2 = ${maxChars / 2} (got ${overlap})`);
  if (options.maxTokens !== undefined && !(options.maxTokens >= 1)) throw new CurationError('bad-option', `maxTokens must be at least 1 (got ${options.maxTokens})`);
  const count = options.countTokens ?? estimateTokens;
  const sections = doc.format === 'markdown'
    ? markdownSections(doc.text).filter((s) => s.hasBody)
    : [{ span: { start: 0, end: doc.text.length }, heading: '', hasBody: true }];

  const pieces: { span: Span; heading: string }[] = [];
  for (const s of sections) {
    for (const span of cutSpan(doc.text, s.span, maxChars, overlap)) pieces.push({ span, heading: s.heading });
  }

  const result: ChunkResult = { chunks: [], overBudget: [], splitForBudget: 0 };
  const seen = new Map<string, number>();
  const emit = (span: Span, heading: string, tokens?: number) => {
    const text = doc.text.slice(span.start, span.end);
    const repeat = seen.get(text) ?? 0;
    seen.set(text, repeat + 1);
    const id = chunkId(doc.id, text, repeat);
    result.chunks.push({ id, documentId: doc.id, span, text, heading });
    if (tokens !== undefined) result.overBudget.push({ chunkId: id, documentId: doc.id, tokens, maxTokens: options.maxTokens! });
  };
  const fit = (span: Span, heading: string) => {
    const max = options.maxTokens;
    const tokens = max === undefined ? 0 : count(doc.text.slice(span.start, span.end));
    if (max === undefined || tokens <= max) return emit(span, heading);
    const halves = options.onOverBudget === 'report' ? null : splitNearMiddle(doc.text, span);
    if (!halves) return emit(span, heading, tokens);
    result.splitForBudget++;
    for (const half of halves) fit(half, heading);
  };
  for (const p of pieces) fit(p.span, p.heading);
  return result;
}

/** Chunks every document (in order); ids depend on each document and chunk text only, not on the corpus order. */
export function chunkDocuments(docs: readonly CorpusDocument[], options: ChunkOptions = {}): ChunkResult {
  const all: ChunkResult = { chunks: [], overBudget: [], splitForBudget: 0 };
  for (const doc of docs) {
    const r = chunkDocument(doc, options);
    all.chunks.push(...r.chunks);
    all.overBudget.push(...r.overBudget);
    all.splitForBudget += r.splitForBudget;
  }
  return all;
}

/** Lookup table the gates take (`Gate.check(samples, chunks)`). */
export const chunkMap = (chunks: readonly Chunk[]): Map<string, Chunk> => new Map(chunks.map((c) => [c.id, c]));

/** Trims whitespace off both ends of a span (null when nothing is left). */
function trimSpan(text: string, span: Span): Span | null {
  let { start, end } = span;
  while (start < end && /\s/.test(text[start])) start++;
  while (end > start && /\s/.test(text[end - 1])) end--;
  return end > start ? { start, end } : null;
}

/** Best cut in (lo, hi]: the last paragraph break, else sentence end, else whitespace; hi when none (a hard cut). */
function boundaryBefore(text: string, lo: number, hi: number): number {
  const window = text.slice(lo, hi + 1);
  for (const re of [/\n\s*\n/g, /[.!?:;](?=\s)/g, /\s/g]) {
    let best = -1;
    for (let m = re.exec(window); m; m = re.exec(window)) {
      const cut = lo + m.index + (re.source.startsWith('[.') ? 1 : 0);
      if (cut > lo && cut <= hi) best = cut;
    }
    if (best > lo) return best;
  }
  return hi;
}

/** Greedy cut of a section into spans of at most maxChars, each trimmed; overlap re-reads from a word start. */
function cutSpan(text: string, section: Span, maxChars: number, overlap: number): Span[] {
  const spans: Span[] = [];
  let cursor = trimSpan(text, section);
  while (cursor) {
    if (cursor.end - cursor.start <= maxChars) {
      spans.push(cursor);
      break;
    }
    // Look for a boundary in the second half of the window, so pieces are not tiny.
    const cut = boundaryBefore(text, cursor.start + Math.floor(maxChars / 2), cursor.start + maxChars);
    const piece = trimSpan(text, { start: cursor.start, end: cut });
    if (piece) spans.push(piece);
    let next = cut;
    if (overlap > 0) {
      next = Math.max(cursor.start + 1, cut - overlap);
      while (next < cut && !/\s/.test(text[next - 1])) next++; // snap forward to a word start
    }
    cursor = trimSpan(text, { start: next, end: cursor.end });
  }
  return spans;
}

/** Two spans cut at the boundary nearest the middle (null when the span has no inner whitespace: one long word). */
function splitNearMiddle(text: string, span: Span): [Span, Span] | null {
  const mid = Math.floor((span.start + span.end) / 2);
  const quarter = Math.floor((span.end - span.start) / 4);
  let cut = boundaryBefore(text, span.start + quarter, mid + quarter);
  if (!/\s/.test(text[cut] ?? '')) {
    // No boundary near the middle: the whitespace closest to it, anywhere in the span.
    cut = -1;
    for (let i = span.start + 1; i < span.end; i++) if (/\s/.test(text[i]) && (cut < 0 || Math.abs(i - mid) < Math.abs(cut - mid))) cut = i;
    if (cut < 0) return null;
  }
  const a = trimSpan(text, { start: span.start, end: cut });
  const b = trimSpan(text, { start: cut, end: span.end });
  return a && b ? [a, b] : null;
}
