// Records every percentage a progress bar shows (its data-percent) from the moment it is armed, with a
// MutationObserver in the page, so a spec can assert the bar moved during a run and never went back without
// polling (a poll misses values between two reads).
import type { Page } from '@playwright/test';

type Recorded = { __progressSeen?: Record<string, number[]> };

/** Starts recording the bar `testId`; the returned function reads the distinct values seen, in order. */
export async function recordProgress(page: Page, testId: string): Promise<() => Promise<number[]>> {
  await page.evaluate((id) => {
    const w = window as unknown as Recorded;
    w.__progressSeen ??= {};
    const seen: number[] = (w.__progressSeen[id] = []);
    const read = () => {
      const v = document.querySelector(`[data-testid="${id}"]`)?.getAttribute('data-percent');
      if (v != null && Number(v) !== seen[seen.length - 1]) seen.push(Number(v));
    };
    new MutationObserver(read).observe(document.body, { subtree: true, childList: true, attributes: true, attributeFilter: ['data-percent'] });
    read();
  }, testId);
  return () => page.evaluate((id) => (window as unknown as Recorded).__progressSeen?.[id] ?? [], testId);
}

/** Distinct values that are never smaller than the one before. */
export const isMonotone = (values: readonly number[]): boolean => values.every((v, i) => i === 0 || v >= values[i - 1]);
