// Hover-and-lock interaction state (CircuitsVis `useHoverLock` idea): hovering shows an item, clicking locks it
// so the pointer can move to its details; clicking it again, or the background, unlocks.
import { useCallback, useState } from 'react';

export interface HoverLock<T> {
  hover: T | null;
  locked: T | null;
  /** what to highlight now: the hovered item, else the locked one */
  active: T | null;
  setHover: (item: T | null) => void;
  toggleLock: (item: T) => void;
  clear: () => void;
}

export function useHoverLock<T>(same: (a: T, b: T) => boolean = Object.is): HoverLock<T> {
  const [hover, setHoverState] = useState<T | null>(null);
  const [locked, setLocked] = useState<T | null>(null);
  // a repeated mouseover on the same item must not re-render
  const setHover = useCallback((item: T | null) => setHoverState((h) => (h === item || (h !== null && item !== null && same(h, item)) ? h : item)), [same]);
  const toggleLock = useCallback((item: T) => setLocked((l) => (l !== null && same(l, item) ? null : item)), [same]);
  const clear = useCallback(() => setLocked(null), []);
  return { hover, locked, active: hover ?? locked, setHover, toggleLock, clear };
}
