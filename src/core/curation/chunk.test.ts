// Chunker: exact spans, stable ids (same input twice, a reordered corpus), Markdown heading paths, overlap and
// the token budget (split further or reported, never truncated) (issue #22).
import { describe, expect, it } from 'vitest';
import { chunkDocument, chunkDocuments, estimateTokens, markdownSections } from './chunk';
import { CurationError } from './errors';
import { ingestText } from './ingest';
import { ingestPath } from './ingestNode';
import { HANDBOOK_PATH } from './testHandbookNode';
import type { Chunk, CorpusDocument } from './types';

const MD = [
  '# Handbook',
  '',
  '## Storage',
  '',
  '### Vaccines',
  'Keep vaccine vials at 2 to 8 C. Do not freeze them. Discard a vial 28 days after opening.',
  '',
  '### Tablets',
  'Keep tablets below 25 C in a dry place.',
  '',
  '```',
  '# not a heading inside a code fence',
  '```',
  '',
  '## Dosing',
  'Dose by weight in mg/kg. Round to the nearest 5 mg.',
].join('\n');

function expectExact(doc: CorpusDocument, chunks: readonly Chunk[]) {
  for (const c of chunks) {
    expect(c.text).toBe(doc.text.slice(c.span.start, c.span.end));
    expect(c.text).toBe(c.text.trim());
    expect(c.id).toMatch(/^[0-9a-f]{16}$/);
  }
  expect(new Set(chunks.map((c) => c.id)).size).toBe(chunks.length);
}

const prose = (n: number) => Array.from({ length: n }, (_, i) => `Sentence ${i} says the dose is ${i + 1} mg for each kg of weight.`).join(' ');

describe('chunker', () => {
  it('splits Markdown at headings, keeps heading paths, ignores headings in code fences and skips empty sections', () => {
    const [doc] = ingestText('h.md', MD);
    const { chunks } = chunkDocument(doc);
    expect(chunks.map((c) => c.heading)).toEqual(['Handbook > Storage > Vaccines', 'Handbook > Storage > Tablets', 'Handbook > Dosing']);
    expect(chunks[1].text).toContain('# not a heading inside a code fence');
    expect(chunks[0].text.startsWith('### Vaccines\nKeep vaccine vials')).toBe(true);
    expectExact(doc, chunks);
    expect(markdownSections(MD).filter((s) => !s.hasBody).length).toBe(2);
  });

  it('gives the same ids for the same input, and a reordered corpus keeps every chunk id', () => {
    const docs = [...ingestText('h.md', MD), ...ingestText('p.txt', prose(30))];
    const a = chunkDocuments(docs, { maxChars: 200 }).chunks;
    const b = chunkDocuments(docs, { maxChars: 200 }).chunks;
    expect(b).toEqual(a);
    const reordered = chunkDocuments([docs[1], docs[0]], { maxChars: 200 }).chunks;
    expect(new Set(reordered.map((c) => c.id))).toEqual(new Set(a.map((c) => c.id)));
    // The same text in another document is another chunk.
    const twin = chunkDocuments(ingestText('q.txt', prose(30)), { maxChars: 200 }).chunks;
    expect(twin.map((c) => c.text)).toEqual(a.filter((c) => c.documentId === 'p.txt').map((c) => c.text));
    expect(twin.some((c) => a.some((x) => x.id === c.id))).toBe(false);
  });

  it('cuts long text at sentence ends under maxChars with exact spans, and overlap re-reads from a word start', () => {
    const [doc] = ingestText('p.txt', prose(20));
    const { chunks } = chunkDocument(doc, { maxChars: 150 });
    expect(chunks.length).toBeGreaterThan(5);
    for (const c of chunks) {
      expect(c.text.length).toBeLessThanOrEqual(150);
      expect(c.text.endsWith('.')).toBe(true);
    }
    expectExact(doc, chunks);
    expect(chunks.map((c) => c.text).join(' ')).toBe(doc.text);
    const over = chunkDocument(doc, { maxChars: 150, overlap: 40 }).chunks;
    expectExact(doc, over);
    for (let i = 1; i < over.length; i++) {
      expect(over[i].span.start).toBeLessThan(over[i - 1].span.end);
      expect(/\s/.test(doc.text[over[i].span.start - 1])).toBe(true);
    }
  });

  it('reads Windows line endings: same headings, exact spans, no stray carriage returns at chunk ends', () => {
    const [doc] = ingestText('crlf.md', MD.replace(/\n/g, '\r\n'));
    const { chunks } = chunkDocument(doc);
    expect(chunks.map((c) => c.heading)).toEqual(['Handbook > Storage > Vaccines', 'Handbook > Storage > Tablets', 'Handbook > Dosing']);
    for (const c of chunks) expect(c.text.endsWith('\r')).toBe(false);
    expectExact(doc, chunks);
  });

  it('repeated text in one document gets distinct ids', () => {
    const [doc] = ingestText('r.md', '# A\nSame body.\n# B\nSame body.\n');
    const { chunks } = chunkDocument(doc);
    expect(chunks.map((c) => c.text)).toEqual(['# A\nSame body.', '# B\nSame body.']);
    const [plain] = ingestText('r.txt', 'Same line here. '.repeat(10));
    const cut = chunkDocument(plain, { maxChars: 40 }).chunks;
    expect(new Set(cut.map((c) => c.id)).size).toBe(cut.length);
  });

  it('splits a chunk over the token budget further (counted), or reports it whole; never truncates', () => {
    const [doc] = ingestText('p.txt', prose(6));
    const split = chunkDocument(doc, { maxChars: 2000, maxTokens: 30 });
    expect(split.splitForBudget).toBeGreaterThan(0);
    expect(split.overBudget).toEqual([]);
    for (const c of split.chunks) expect(estimateTokens(c.text)).toBeLessThanOrEqual(30);
    expect(split.chunks.map((c) => c.text).join(' ')).toBe(doc.text);
    expectExact(doc, split.chunks);

    const reported = chunkDocument(doc, { maxChars: 2000, maxTokens: 30, onOverBudget: 'report' });
    expect(reported.chunks).toHaveLength(1);
    expect(reported.chunks[0].text).toBe(doc.text.trim());
    expect(reported.overBudget).toEqual([{ chunkId: reported.chunks[0].id, documentId: 'p.txt', tokens: estimateTokens(doc.text.trim()), maxTokens: 30 }]);

    // One word longer than the budget cannot be split at a word boundary: kept whole and reported.
    const [word] = ingestText('w.txt', 'x'.repeat(200));
    const w = chunkDocument(word, { maxChars: 400, maxTokens: 10 });
    expect(w.chunks[0].text).toHaveLength(200);
    expect(w.overBudget).toHaveLength(1);

    // A custom counter (the model tokenizer's) decides.
    const words = chunkDocument(doc, { maxChars: 2000, maxTokens: 12, countTokens: (t) => t.split(/\s+/).length });
    for (const c of words.chunks) expect(c.text.split(/\s+/).length).toBeLessThanOrEqual(12);
  });

  it('refuses bad options by name', () => {
    const [doc] = ingestText('p.txt', prose(3));
    expect(() => chunkDocument(doc, { maxChars: 5 })).toThrow(CurationError);
    expect(() => chunkDocument(doc, { maxChars: 100, overlap: 80 })).toThrow(/overlap must be between/);
    expect(() => chunkDocument(doc, { maxTokens: 0 })).toThrow(/maxTokens/);
  });

  it('cuts the shipped handbook into one chunk per section, each within 80 estimated tokens (no split needed)', () => {
    const docs = ingestPath(HANDBOOK_PATH);
    expect(docs).toHaveLength(1);
    const r = chunkDocuments(docs, { maxChars: 400, maxTokens: 80 });
    expect(r.splitForBudget).toBe(0);
    expect(r.overBudget).toEqual([]);
    const sections = docs[0].text.match(/^### /gm)!.length;
    expect(sections).toBeGreaterThanOrEqual(40);
    expect(sections).toBeLessThanOrEqual(60);
    // The fictional-corpus notice under the title is a chunk too.
    expect(r.chunks).toHaveLength(sections + 1);
    expect(r.chunks[0].text).toMatch(/fictional/);
    expectExact(docs[0], r.chunks);
  });
});
