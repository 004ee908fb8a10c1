// The ledger's record and file formats: completing drafts, the tolerant reader, export/import round trip,
// refused files and flagged rows, and the committed JSON Schema matching the zod schemas.
import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { AssuranceError, InvalidEvidenceError, LedgerFileError } from './errors';
import { LEDGER_MAX_BYTES, completeEvidence, ledgerJsonSchema, parseLedgerFile, readEvidence, serialiseLedger } from './ledger';
import { SHA, attributionGraph, behaviouralEval, linearProbe, predictive, record } from './testKit';
import { EVIDENCE_FORMAT, LEDGER_FORMAT, type EvidenceDraft } from './types';

const SCHEMA_FILE = resolve(__dirname, '../../../public/schemas/evidence-ledger.v1.schema.json');

describe('completeEvidence', () => {
  it('fills format, version, a fresh id, createdAt and the run, the shell run overriding the draft', () => {
    const now = new Date('2026-12-02T08:30:00Z');
    const a = completeEvidence({ ...attributionGraph(), run: { digest: 'from-draft', recordDigest: SHA.anchor } }, { module: 'circuits', link: '#/circuits?s=x', digest: 'from-shell' }, now);
    const b = completeEvidence(attributionGraph(), { module: 'circuits' }, now);
    expect(a).toMatchObject({ format: EVIDENCE_FORMAT, version: 1, createdAt: '2026-12-02T08:30:00.000Z', evidenceClass: 'attribution-graph' });
    expect(a.run).toEqual({ module: 'circuits', link: '#/circuits?s=x', digest: 'from-shell', recordDigest: SHA.anchor });
    expect(a.id).toMatch(/^ev-[0-9a-f]{32}$/);
    expect(a.id).not.toBe(b.id);
    expect(a.metrics[0].method).toBe('bootstrap');
  });

  it('refuses an invalid draft, naming every bad field', () => {
    const bad = attributionGraph({ scope: { sampleSize: -1, properties: [] }, model: { id: 'anchor', sha256: 'abc' } });
    expect(() => completeEvidence(bad, { module: 'circuits' })).toThrow(InvalidEvidenceError);
    try {
      completeEvidence(bad, { module: 'circuits' });
    } catch (e) {
      expect(e).toBeInstanceOf(AssuranceError);
      expect((e as Error).message).toMatch(/scope\.sampleSize/);
      expect((e as Error).message).toMatch(/scope\.properties/);
      expect((e as Error).message).toMatch(/model\.sha256/);
      expect((e as Error).message).toMatch(/Fix the emitter/);
    }
  });

  it('refuses an evidence class this build does not know and keys the schema does not have', () => {
    const unknown = { ...linearProbe(), evidenceClass: 'sparse-autoencoder' } as EvidenceDraft;
    expect(() => completeEvidence(unknown, { module: 'circuits' })).toThrow(/evidenceClass: "sparse-autoencoder"/);
    const extra = { ...linearProbe(), weights: [1, 2] } as EvidenceDraft;
    expect(() => completeEvidence(extra, { module: 'circuits' })).toThrow(InvalidEvidenceError);
  });
});

describe('readEvidence', () => {
  const valid = record(behaviouralEval());

  it('reads a valid record as is', () => {
    expect(readEvidence(JSON.parse(JSON.stringify(valid)))).toEqual({ record: valid });
  });

  it('flags a newer version without reading it', () => {
    const out = readEvidence({ ...valid, version: 2 });
    expect(out.record).toBeUndefined();
    expect(out.flag).toMatchObject({ kind: 'unknown-version', recordIds: [valid.id] });
  });

  it('keeps a record of unknown class but flags it', () => {
    const out = readEvidence({ ...valid, evidenceClass: 'sparse-autoencoder' });
    expect(out.record?.evidenceClass).toBe('sparse-autoencoder');
    expect(out.flag).toMatchObject({ kind: 'unknown-class', recordIds: [valid.id] });
  });

  it('flags schema failures naming the field, and non-records', () => {
    const { metrics: _dropped, ...noMetrics } = valid;
    expect(readEvidence(noMetrics).flag).toMatchObject({ kind: 'invalid-record', recordIds: [valid.id] });
    expect(readEvidence(noMetrics).flag?.detail).toMatch(/metrics/);
    expect(readEvidence({ ...valid, format: 'something-else' }).flag?.detail).toMatch(/format/);
    expect(readEvidence([1, 2]).flag).toMatchObject({ kind: 'invalid-record', recordIds: [] });
  });
});

describe('ledger files', () => {
  const records = [record(attributionGraph()), record(linearProbe(), { historyId: 'h-12' }), record(behaviouralEval()), record(predictive())];

  it('round-trips serialise → parse to the same records', () => {
    const text = serialiseLedger(records, new Date('2026-12-03T00:00:00Z'));
    const file = JSON.parse(text);
    expect(file).toMatchObject({ format: LEDGER_FORMAT, version: 1, exportedAt: '2026-12-03T00:00:00.000Z', schema: '/schemas/evidence-ledger.v1.schema.json' });
    expect(parseLedgerFile(text)).toEqual({ records, flags: [] });
  });

  it('refuses files it cannot import at all, importing nothing', () => {
    const good = JSON.parse(serialiseLedger(records));
    expect(() => parseLedgerFile('{"format": "workbench-evidence-ledger", ')).toThrow(LedgerFileError);
    expect(() => parseLedgerFile('[]')).toThrow(/format/);
    expect(() => parseLedgerFile(JSON.stringify({ ...good, format: 'workbench-run-record' }))).toThrow(/not "workbench-evidence-ledger"/);
    expect(() => parseLedgerFile(JSON.stringify({ ...good, version: 2 }))).toThrow(/version 2.*reads version 1/);
    expect(() => parseLedgerFile(JSON.stringify({ ...good, records: {} }))).toThrow(/records/);
    const huge = `{"format":"${LEDGER_FORMAT}","version":1,"records":[],"pad":"${'x'.repeat(LEDGER_MAX_BYTES)}"}`;
    expect(() => parseLedgerFile(huge)).toThrow(/over the 20 MB limit/);
    try {
      parseLedgerFile(JSON.stringify({ ...good, version: 2 }));
    } catch (e) {
      expect((e as LedgerFileError).code).toBe('LEDGER_NEWER_VERSION');
    }
  });

  it('imports a tampered file row by row: bad rows flagged, duplicates flagged, the rest kept', () => {
    const file = JSON.parse(serialiseLedger(records));
    file.records[1].model.sha256 = 'not-a-hash';
    file.records[2].version = 3;
    file.records.push({ ...file.records[0], metrics: [{ name: 'faithfulness', value: 0.1 }] });
    file.records.push({ ...file.records[3], evidenceClass: 'sparse-autoencoder', id: 'ev-unknown' });
    const { records: imported, flags } = parseLedgerFile(JSON.stringify(file));
    expect(imported.map((r) => r.id)).toEqual([records[0].id, records[3].id, 'ev-unknown']);
    expect(imported[0]).toEqual(records[0]);
    expect(flags.map((f) => f.kind).sort()).toEqual(['duplicate-id', 'invalid-record', 'unknown-class', 'unknown-version']);
    expect(flags.find((f) => f.kind === 'invalid-record')).toMatchObject({ recordIds: [records[1].id] });
    expect(flags.find((f) => f.kind === 'invalid-record')?.detail).toMatch(/model\.sha256/);
    expect(flags.find((f) => f.kind === 'duplicate-id')).toMatchObject({ recordIds: [records[0].id] });
  });
});

describe('JSON Schema', () => {
  it('the committed schema file equals ledgerJsonSchema()', () => {
    const generated = ledgerJsonSchema();
    // UPDATE_EVIDENCE_SCHEMA=1 rewrites the file after a deliberate change to the zod schemas
    if (process.env.UPDATE_EVIDENCE_SCHEMA === '1') writeFileSync(SCHEMA_FILE, `${JSON.stringify(generated, null, 2)}\n`);
    const committed = JSON.parse(readFileSync(SCHEMA_FILE, 'utf8'));
    expect(committed, 'public/schemas/evidence-ledger.v1.schema.json is out of date with src/core/assurance/{types,ledger}.ts: '
      + 'regenerate it with `UPDATE_EVIDENCE_SCHEMA=1 npx vitest run src/core/assurance/ledger.test.ts` and bump the versions if the change is not backwards-compatible').toEqual(generated);
  });

  it('describes the record fields a reader relies on', () => {
    const schema = ledgerJsonSchema() as { properties: Record<string, { items?: { required?: string[] } }> };
    expect(schema.properties.records.items?.required).toEqual(expect.arrayContaining(['format', 'version', 'id', 'evidenceClass', 'access', 'model', 'scope', 'metrics', 'run']));
  });
});
