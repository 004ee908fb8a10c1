import 'fake-indexeddb/auto';
import { beforeEach, describe, expect, it } from 'vitest';
import { EvidenceStore } from './evidenceStore';
import { LedgerFileError } from '../core/assurance/errors';
import type { EvidenceDraft } from '../core/assurance/types';

const SHA_A = 'a'.repeat(64);

function draft(over: Partial<EvidenceDraft> = {}): EvidenceDraft {
  return {
    evidenceClass: 'predictive-performance',
    access: 'black-box',
    module: 'tabular',
    model: { id: 'gbdt-credit', sha256: SHA_A },
    data: [],
    scope: { behaviour: 'AUC on credit-g', sampleSize: 200, properties: ['accuracy-performance'] },
    metrics: [{ name: 'auc', value: 0.8, ci: [0.75, 0.85], method: 'bootstrap', n: 200 }],
    ...over,
  };
}

describe('evidence store (IndexedDB)', () => {
  let store: EvidenceStore;
  beforeEach(async () => {
    store = new EvidenceStore();
    await store.clear();
  });

  it('completes drafts with the run, lists by model/class/access, links history, deletes', async () => {
    const run = { module: 'tabular', digest: 'd1', link: '#/tabular?s=abc' };
    const [a] = await store.add([draft()], run);
    const [b] = await store.add([draft({ evidenceClass: 'linear-probe', access: 'white-box', model: { id: 'other' } })], { module: 'circuits', digest: 'd2' });
    expect(a.run).toEqual(run);
    expect(a).toMatchObject({ format: 'workbench-evidence', version: 1 });
    expect((await store.list()).map((r) => r.id).sort()).toEqual([a.id, b.id].sort());
    expect((await store.list({ model: 'other' })).map((r) => r.id)).toEqual([b.id]);
    expect((await store.list({ evidenceClass: 'predictive-performance' })).map((r) => r.id)).toEqual([a.id]);
    expect((await store.list({ access: 'white-box' })).map((r) => r.id)).toEqual([b.id]);
    expect((await store.list({ runDigest: 'd1' })).map((r) => r.id)).toEqual([a.id]);

    expect(await store.setHistoryId([a.id, 'missing'], 'h-1')).toBe(1);
    expect((await store.get(a.id))?.run).toEqual({ ...run, historyId: 'h-1' });
    expect(await store.updateRun([a.id], { recordDigest: 'f'.repeat(64) })).toBe(1);
    expect((await store.get(a.id))?.run).toEqual({ ...run, historyId: 'h-1', recordDigest: 'f'.repeat(64) });
    await store.remove(b.id);
    expect((await store.list()).map((r) => r.id)).toEqual([a.id]);
  });

  it('exports the ledger and re-imports the same records', async () => {
    const added = await store.add([draft(), draft({ claim: 'second' })], { module: 'tabular', digest: 'd1' });
    const json = await store.exportJson();
    await store.clear();
    expect(await store.importJson(json)).toEqual({ added: 2, flags: [] });
    expect((await store.list()).map((r) => r.id).sort()).toEqual(added.map((r) => r.id).sort());
  });

  it('keeps flagged records with their flags and refuses a bad file whole', async () => {
    const [good] = await store.add([draft()], { module: 'tabular' });
    const file = JSON.parse(await store.exportJson());
    file.records.push({ ...good, id: 'ev-unknown', evidenceClass: 'vibes-check' }, { ...good, id: 'ev-future', version: 2 });
    await store.clear();
    const { added, flags } = await store.importJson(JSON.stringify(file), 'tampered.json');
    expect(added).toBe(2);
    expect(flags.map((f) => f.kind).sort()).toEqual(['unknown-class', 'unknown-version']);
    expect((await store.get('ev-unknown'))?.evidenceClass).toBe('vibes-check');
    const stored = await store.flags();
    expect(stored.map((f) => [f.kind, f.recordIds, f.source]).sort()).toEqual([['unknown-class', ['ev-unknown'], 'tampered.json'], ['unknown-version', ['ev-future'], 'tampered.json']]);
    // deleting the flagged record drops the flag that named only it
    await store.remove('ev-unknown');
    expect((await store.flags()).map((f) => f.kind)).toEqual(['unknown-version']);

    await store.clear();
    await expect(store.importJson('{"format":"workbench-evidence-ledger","version":9,"records":[]}')).rejects.toThrow(LedgerFileError);
    await expect(store.importJson('not json')).rejects.toThrow(/not JSON/);
    expect(await store.list()).toEqual([]);
    expect(await store.flags()).toEqual([]);
  });
});
