// Local experiment history in IndexedDB (via idb). Entries survive reloads; export/import go through
// historyFormat.ts. Specs are filtered by the persistence table before they are stored. An entry may carry the run
// record of its run (addRecord); entries stored before records existed simply have none (no schema change needed).
import { openDB, type DBSchema, type IDBPDatabase } from 'idb';
import { isModuleId, type ModuleId } from './modules';
import { historySafeSpec } from './persistence';
import { specFor, type AnySpec } from './specs';
import { restoreSpec } from './linkCodec';
import { parseHistoryFile, serialiseHistory, type HistoryEntry } from './historyFormat';
import { ExperimentError } from '../core/experiments/errors';
import { parseRunRecord, type RunRecord } from '../core/experiments/record';

interface HistoryDb extends DBSchema {
  entries: { key: string; value: HistoryEntry; indexes: { byCreated: string } };
}

const DB_NAME = 'workbench-history';

function newEntry(module: ModuleId, spec: AnySpec, title: string, summary: HistoryEntry['summary'], digest?: string): HistoryEntry {
  const def = specFor(module);
  return {
    id: `${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 10)}`,
    module,
    specVersion: def?.version ?? 0,
    // canonical form (defaults filled, clamped) so export → import is an identity
    spec: historySafeSpec(module, def ? restoreSpec(module, spec, def.version) : spec),
    title,
    createdAt: new Date().toISOString(),
    summary,
    ...(digest ? { digest } : {}),
  };
}

export class HistoryStore {
  private db: Promise<IDBPDatabase<HistoryDb>>;

  constructor() {
    this.db = openDB<HistoryDb>(DB_NAME, 1, {
      upgrade(db) {
        const store = db.createObjectStore('entries', { keyPath: 'id' });
        store.createIndex('byCreated', 'createdAt');
      },
    });
  }

  async add(module: ModuleId, spec: AnySpec, title: string, summary: HistoryEntry['summary'] = {}, digest?: string): Promise<HistoryEntry> {
    const entry = newEntry(module, spec, title, summary, digest);
    await (await this.db).put('entries', entry);
    return entry;
  }

  /** Stores a run record as a history entry: its experiment's spec, its digest, and the record itself (checked first). */
  async addRecord(record: RunRecord, title: string, summary: HistoryEntry['summary'] = {}): Promise<HistoryEntry> {
    const checked = parseRunRecord(record);
    const module = checked.experiment.module;
    if (!isModuleId(module)) throw new ExperimentError('unknown-module', `a run record of "${module}" cannot be stored in this workbench's history`);
    // the entry's digest stays the module's own (what its page and links compare); the record keeps its own digest
    const entry: HistoryEntry = { ...newEntry(module, checked.experiment.spec, title, summary, checked.moduleDigest), record: checked };
    await (await this.db).put('entries', entry);
    return entry;
  }

  /** Newest first. */
  async list(): Promise<HistoryEntry[]> {
    const all = await (await this.db).getAllFromIndex('entries', 'byCreated');
    return all.reverse();
  }

  async remove(id: string): Promise<void> {
    await (await this.db).delete('entries', id);
  }

  async clear(): Promise<void> {
    await (await this.db).clear('entries');
  }

  async exportJson(): Promise<string> {
    return serialiseHistory(await this.list());
  }

  /** Validates the whole file first; writes all entries in one transaction or none. Returns how many. */
  async importJson(text: string): Promise<number> {
    const entries = parseHistoryFile(text);
    const tx = (await this.db).transaction('entries', 'readwrite');
    await Promise.all([...entries.map((e) => tx.store.put(e)), tx.done]);
    return entries.length;
  }
}
