// Hash routing: `#/<page-or-module>?query`. Re-renders on hashchange.
import { useSyncExternalStore } from 'react';

function subscribe(onChange: () => void): () => void {
  window.addEventListener('hashchange', onChange);
  return () => window.removeEventListener('hashchange', onChange);
}

export function useHash(): string {
  return useSyncExternalStore(subscribe, () => window.location.hash, () => '');
}

/** Replaces the URL without adding a history step or firing hashchange (used to mirror spec edits). */
export function replaceHash(hash: string): void {
  if (window.location.hash !== hash) window.history.replaceState(null, '', hash);
}
