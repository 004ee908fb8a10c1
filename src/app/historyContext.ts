// One HistoryStore per page load, shared by the shell, the history page and the test hook.
import { HistoryStore } from '../state/historyStore';

let store: HistoryStore | undefined;

export function historyStore(): HistoryStore {
  store ??= new HistoryStore();
  return store;
}
