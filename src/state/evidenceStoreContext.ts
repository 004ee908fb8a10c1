// One EvidenceStore per page load, shared by the shell (which writes each run's evidence), the assurance page and
// the test hook — as historyContext.ts does for the history.
import { EvidenceStore } from './evidenceStore';

let store: EvidenceStore | undefined;

export function evidenceStore(): EvidenceStore {
  store ??= new EvidenceStore();
  return store;
}
