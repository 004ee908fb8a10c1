// Ingest of each corpus format and each bad input, named (issue #22).
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { CurationError } from './errors';
import { sha256HexSync } from '../numeric/sha256';
import { detectFormat, ingestFile, ingestText } from './ingest';

const enc = (s: string) => new TextEncoder().encode(s);

function kindOf(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    if (e instanceof CurationError) return `${e.kind}: ${e.message}`;
    throw e;
  }
  return 'no error';
}

describe('sha256HexSync', () => {
  it('matches node:crypto on empty, short, block-boundary and multi-block inputs', () => {
    for (const n of [0, 3, 55, 56, 63, 64, 65, 1000]) {
      const bytes = Uint8Array.from({ length: n }, (_, i) => (i * 37 + 11) & 255);
      expect(sha256HexSync(bytes)).toBe(createHash('sha256').update(bytes).digest('hex'));
    }
  });
});

describe('ingest', () => {
  it('reads text and Markdown as one document each, hashing the file bytes', () => {
    const [t] = ingestText('notes.txt', 'Store vials at 2 to 8 C.\n');
    expect(t).toMatchObject({ id: 'notes.txt', format: 'text', text: 'Store vials at 2 to 8 C.\n' });
    expect(t.sourceSha256).toBe(createHash('sha256').update('Store vials at 2 to 8 C.\n').digest('hex'));
    expect(ingestText('h.md', '# A\nBody.')[0].format).toBe('markdown');
    expect(ingestText('h.markdown', '# A\nBody.', { format: 'text' })[0].format).toBe('text');
  });

  it('reads JSONL by the text field or a named one, ids by line number (blank lines skipped, numbers kept)', () => {
    const docs = ingestText('rows.jsonl', '{"text":"first"}\n\n{"text":"second","x":1}\n');
    expect(docs.map((d) => [d.id, d.text])).toEqual([['rows.jsonl#1', 'first'], ['rows.jsonl#3', 'second']]);
    expect(ingestText('rows.jsonl', '{"body":"alpha"}\n{"body":"beta"}', { textField: 'body' }).map((d) => d.text)).toEqual(['alpha', 'beta']);
  });

  it('reads CSV by a named column, or joins the cells as "column: value" lines', () => {
    const csv = 'drug,note\nDorvalin,Store cold.\n"Kelmora, oral","Keep dry, below 25 C."\n';
    expect(ingestText('t.csv', csv, { textColumn: 'note' }).map((d) => [d.id, d.text])).toEqual([['t.csv#1', 'Store cold.'], ['t.csv#2', 'Keep dry, below 25 C.']]);
    expect(ingestText('t.csv', csv)[1].text).toBe('drug: Kelmora, oral\nnote: Keep dry, below 25 C.');
  });

  it('names each bad input', () => {
    expect(kindOf(() => ingestText('e.txt', '  \n\t'))).toMatch(/^empty-file: e\.txt/);
    expect(kindOf(() => ingestFile('e.txt', new Uint8Array(0)))).toMatch(/^empty-file/);
    expect(kindOf(() => ingestFile('b.txt', Uint8Array.from([65, 0, 66])))).toMatch(/^binary-file: b\.txt: byte 1 is NUL/);
    expect(kindOf(() => ingestFile('b.md', Uint8Array.from([0x41, 0xff, 0xfe, 0x42])))).toMatch(/^binary-file: .*not valid UTF-8/);
    expect(kindOf(() => ingestText('r.jsonl', '{"text":"ok"}\n{"body":"no text"}\n'))).toMatch(/^jsonl-missing-field: r\.jsonl line 2: .*no "text" field.*body/);
    expect(kindOf(() => ingestText('r.jsonl', '{"text":"ok"}\n{"text":""}'))).toMatch(/^jsonl-missing-field: r\.jsonl line 2: .*empty/);
    expect(kindOf(() => ingestText('r.jsonl', '{"text":"ok"}\nnot json'))).toMatch(/^jsonl-parse: r\.jsonl line 2/);
    expect(kindOf(() => ingestText('t.csv', 'a,b\n1,2\n', { textColumn: 'text' }))).toMatch(/^csv-missing-column: t\.csv: no column "text".*columns: a, b/);
    expect(kindOf(() => ingestText('t.csv', 'a,text\n1,\n', { textColumn: 'text' }))).toMatch(/^empty-file: t\.csv: a header but no rows/);
    expect(kindOf(() => detectFormat('paper.pdf'))).toMatch(/^unsupported-format: paper\.pdf: PDF .*extract its text/);
    expect(kindOf(() => ingestFile('paper.pdf', enc('%PDF-1.4')))).toMatch(/^unsupported-format/);
  });
});
