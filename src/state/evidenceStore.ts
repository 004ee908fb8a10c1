// The assurance evidence ledger in the browser: evidence records in IndexedDB (via idb), beside the history but in
// their own database, so deleting a history entry never deletes evidence (the audit-gap report then flags the record
// `run-missing` instead). The record format, its reader and the ledger file are src/core/assurance/ledger.ts; this
// file only stores what that reader accepts, and keeps the reader's flags from an import so the report shows them.
import { openDB, type DBSchema, type IDBPDatabase } from 'idb';
import { completeEvidence, parseLedgerFile, serialiseLedger } from '../core/assurance/ledger';
import type { AccessLevel, EvidenceDraft, EvidenceRecord, LedgerFlag } from '../core/assurance/types';

/** A flag the ledger reader raised on import, kept until the records it names are deleted or the ledger is cleared. */
export interface StoredFlag extends LedgerFlag {
  key: string;
  /** the file it came from and when */
  source: string;
  at: string;
}

interface EvidenceDb extends DBSchema {
  records: { key: string; value: EvidenceRecord; indexes: { byCreated: string } };
  flags: { key: string; value: StoredFlag };
}

export const EVIDENCE_DB_NAME = 'workbench-evidence';

export interface EvidenceFilter {
  model?: string;
  evidenceClass?: string;
  access?: AccessLevel;
  /** records of one run (its module digest) */
  runDigest?: string;
}

export interface EvidenceImport {
  added: number;
  flags: LedgerFlag[];
}

function matches(r: EvidenceRecord, f: EvidenceFilter): boolean {
  return (f.model === undefined || r.model.id === f.model)
    && (f.evidenceClass === undefined || r.evidenceClass === f.evidenceClass)
    && (f.access === undefined || r.access === f.access)
    && (f.runDigest === undefined || r.run.digest === f.runDigest);
}

export class EvidenceStore {
  private db: Promise<IDBPDatabase<EvidenceDb>>;

  constructor() {
    this.db = openDB<EvidenceDb>(EVIDENCE_DB_NAME, 1, {
      upgrade(db) {
        db.createObjectStore('records', { keyPath: 'id' }).createIndex('byCreated', 'createdAt');
        db.createObjectStore('flags', { keyPath: 'key' });
      },
    });
  }

  /** Completes a run's drafts (id, format, version, time, the run link) and stores them in one transaction. */
  async add(drafts: EvidenceDraft[], run: EvidenceRecord['run']): Promise<EvidenceRecord[]> {
    const records = drafts.map((d) => completeEvidence(d, run));
    const tx = (await this.db).transaction('records', 'readwrite');
    await Promise.all([...records.map((r) => tx.store.put(r)), tx.done]);
    return records;
  }

  /** Newest first, optionally only one model, class, access level or run. */
  async list(filter: EvidenceFilter = {}): Promise<EvidenceRecord[]> {
    const all = await (await this.db).getAllFromIndex('records', 'byCreated');
    return all.reverse().filter((r) => matches(r, filter));
  }

  async get(id: string): Promise<EvidenceRecord | undefined> {
    return (await this.db).get('records', id);
  }

  /** Links records to the history entry their run was saved as. Returns how many were updated. */
  async setHistoryId(recordIds: string[], historyId: string): Promise<number> {
    return this.updateRun(recordIds, { historyId });
  }

  /** Adds what became known about the run after its evidence was written (its history id, its run record's digest). */
  async updateRun(recordIds: string[], patch: Pick<Partial<EvidenceRecord['run']>, 'historyId' | 'recordDigest'>): Promise<number> {
    const tx = (await this.db).transaction('records', 'readwrite');
    let n = 0;
    for (const id of recordIds) {
      const r = await tx.store.get(id);
      if (!r) continue;
      await tx.store.put({ ...r, run: { ...r.run, ...patch } });
      n++;
    }
    await tx.done;
    return n;
  }

  /** Deletes a record and the import flags that named only it. */
  async remove(id: string): Promise<void> {
    const tx = (await this.db).transaction(['records', 'flags'], 'readwrite');
    await tx.objectStore('records').delete(id);
    const flags = tx.objectStore('flags');
    for (const f of await flags.getAll()) {
      if (!f.recordIds.includes(id)) continue;
      const rest = f.recordIds.filter((r) => r !== id);
      if (rest.length === 0) await flags.delete(f.key);
      else await flags.put({ ...f, recordIds: rest });
    }
    await tx.done;
  }

  async clear(): Promise<void> {
    const tx = (await this.db).transaction(['records', 'flags'], 'readwrite');
    await Promise.all([tx.objectStore('records').clear(), tx.objectStore('flags').clear(), tx.done]);
  }

  /** The flags kept from imports (the report lists them beside the ones it finds itself). */
  async flags(): Promise<StoredFlag[]> {
    return (await this.db).getAll('flags');
  }

  /** The ledger file (src/core/assurance/ledger.ts) of every stored record. */
  async exportJson(): Promise<string> {
    return serialiseLedger(await this.list());
  }

  /**
   * Reads a ledger file: a file the reader refuses throws its named error and stores nothing; otherwise every record
   * it returns is stored (flagged ones included, so nothing is dropped silently) and its flags are kept.
   */
  async importJson(text: string, source = 'imported ledger'): Promise<EvidenceImport> {
    const { records, flags } = parseLedgerFile(text);
    const at = new Date().toISOString();
    const tx = (await this.db).transaction(['records', 'flags'], 'readwrite');
    const stored = flags.map((f, i): StoredFlag => ({ ...f, key: `${at}-${i}`, source, at }));
    await Promise.all([
      ...records.map((r) => tx.objectStore('records').put(r)),
      ...stored.map((f) => tx.objectStore('flags').put(f)),
      tx.done,
    ]);
    return { added: records.length, flags };
  }
}
