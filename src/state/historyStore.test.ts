import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { HistoryStore } from './historyStore';
import { HistoryImportError, parseHistoryFile } from './historyFormat';

describe('history store (IndexedDB)', () => {
  it('adds, lists newest first, exports and re-imports the same entries', async () => {
    const store = new HistoryStore();
    await store.clear();
    const a = await store.add('ensembles', { seed: 1, metric: 'accuracy', secret: 'dropped' }, 'first', { best: 0.91 });
    await new Promise((r) => setTimeout(r, 5));
    const b = await store.add('tabular', { seed: 2, view: 'study' }, 'second');
    const listed = await store.list();
    expect(listed.map((e) => e.id)).toEqual([b.id, a.id]);
    expect(listed[1].spec).toMatchObject({ seed: 1, metric: 'accuracy', caruanaIterations: 50 });
    expect(listed[1].spec).not.toHaveProperty('secret');
    const json = await store.exportJson();
    await store.clear();
    expect(await store.list()).toEqual([]);
    expect(await store.importJson(json)).toBe(2);
    const restored = await store.list();
    expect(restored.map((e) => [e.id, e.title, e.summary])).toEqual([[b.id, 'second', {}], [a.id, 'first', { best: 0.91 }]]);
  });

  it('refuses a bad file as a whole and names the problem', async () => {
    const store = new HistoryStore();
    await store.clear();
    const good = { id: 'x1', module: 'ensembles', specVersion: 1, spec: {}, title: 't', createdAt: '2026-01-01T00:00:00Z', summary: {} };
    const bad = { ...good, id: 'x2', spec: { metric: 'vibes' } };
    const file = JSON.stringify({ format: 'workbench-history', version: 1, entries: [good, bad] });
    await expect(store.importJson(file)).rejects.toThrow(/entry 1 \(ensembles\).*metric/);
    expect(await store.list()).toEqual([]);
    expect(() => parseHistoryFile('{not json')).toThrow(HistoryImportError);
    expect(() => parseHistoryFile(JSON.stringify({ format: 'other', version: 1, entries: [] }))).toThrow(/not a workbench history export/);
    expect(() => parseHistoryFile(JSON.stringify({ format: 'workbench-history', version: 9, entries: [] }))).toThrow(/newer workbench/);
    expect(() => parseHistoryFile(JSON.stringify({ format: 'workbench-history', version: 1, entries: [{ ...good, module: 'nope' }] }))).toThrow(/unknown module/);
  });

  it('migrates old entries on import like old links', () => {
    const old = { id: 'o', module: 'ensembles', specVersion: 0, spec: { metric: 'roc_auc' }, title: 'old', createdAt: '2025-05-01T00:00:00Z' };
    const [e] = parseHistoryFile(JSON.stringify({ format: 'workbench-history', version: 1, entries: [old] }));
    expect(e.spec.metric).toBe('auc');
  });
});
