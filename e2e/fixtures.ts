// Page objects and fixtures for the e2e suite: wait on readiness markers and the typed `window.__workbench` hook,
// never on sleeps. Every test also records requests so "nothing leaves localhost" can be asserted.
import { test as base, expect, type Page } from '@playwright/test';

export class Workbench {
  readonly requests: string[] = [];
  constructor(readonly page: Page) {
    page.on('request', (r) => this.requests.push(r.url()));
  }

  async open(hash = '#/'): Promise<void> {
    await this.page.goto(`/${hash}`);
    await expect(this.page.locator('#root')).toHaveAttribute('data-state', 'ready');
    await this.page.waitForFunction(() => Boolean(window.__workbench));
  }

  /** Navigates by hash inside the running app (no reload). */
  async go(hash: string): Promise<void> {
    await this.page.evaluate((h) => { window.location.hash = h; }, hash);
  }

  pageSection(testId: string) {
    return this.page.getByTestId(testId);
  }

  async waitReady(testId: string): Promise<void> {
    await expect(this.page.getByTestId(testId)).toHaveAttribute('data-state', 'ready');
  }

  /** Requests to anything but this server (the app must be fully self-hosted). */
  foreignRequests(): string[] {
    return this.requests.filter((u) => !/^(https?:\/\/(127\.0\.0\.1|localhost)(:\d+)?\/|data:|blob:|about:)/.test(u));
  }
}

export const test = base.extend<{ wb: Workbench }>({
  wb: async ({ page }, use) => {
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    const wb = new Workbench(page);
    await use(wb);
    expect(wb.foreignRequests(), 'requests that left localhost').toEqual([]);
    expect(errors, 'uncaught page errors').toEqual([]);
  },
});

export { expect };

/** Keep only the given boxes among those whose test id starts with `prefix` (the teacher and strategy pickers). */
export async function keepOnly(page: Page, prefix: string, keep: string[]): Promise<void> {
  const boxes = page.locator(`[data-testid^="${prefix}"]`);
  for (let i = 0; i < await boxes.count(); i++) {
    const box = boxes.nth(i);
    const id = (await box.getAttribute('data-testid'))!.slice(prefix.length);
    if (keep.includes(id)) await box.check();
    else await box.uncheck();
  }
}
