// Hash routing: `#/<page-or-module>?query`. Re-renders on hashchange.
import { useSyncExternalStore } from 'react';

function subscribe(onChange: () => void): () => void {
  window.addEventListener('hashchange', onChange);
  return () => window.removeEventListener('hashchange', onChange);
}

export function useHash(): string {
  return useSyncExternalStore(subscribe, () => window.location.hash, () => '');
}

// Real navigations (typed or pasted address, links, back/forward) fire hashchange; the shell's own mirroring uses
// replaceHash, which does not. Counting them lets a module re-open a link even when React renders only the last of
// two quick hash changes ('#/' then the same link again) and the hash it sees equals the one it had mirrored.
// Registered at import, before any subscriber, so the count is already up when subscribers read it.
let navigations = 0;
if (typeof window !== 'undefined') window.addEventListener('hashchange', () => { navigations += 1; });

export function useNavigationCount(): number {
  return useSyncExternalStore(subscribe, () => navigations, () => 0);
}

/** Replaces the URL without adding a history step or firing hashchange (used to mirror spec edits). */
export function replaceHash(hash: string): void {
  if (window.location.hash !== hash) window.history.replaceState(null, '', hash);
}
