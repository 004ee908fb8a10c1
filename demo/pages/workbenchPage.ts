// What every demo page object shares: opening a route and waiting for its readiness marker, typed settings, and
// reading the typed test hook (`window.__workbench`). Waits are on markers and test ids, never on sleeps.
import { expect, type Page } from '@playwright/test';

/** Long model runs on a loaded 2-core machine: generous, but a hung run still ends the step. */
export const RUN_TIMEOUT = { timeout: 360_000 };

export class WorkbenchPage {
  constructor(readonly page: Page, readonly baseUrl: string) {}

  /** Loads the app at `hash` and waits for the shell, the hook and the section `readyTestId`. */
  async openAt(hash: string, readyTestId: string): Promise<void> {
    await this.page.goto(`${this.baseUrl}/${hash}`);
    await expect(this.page.locator('#root')).toHaveAttribute('data-state', 'ready');
    await this.page.waitForFunction(() => Boolean(window.__workbench));
    await this.waitReady(readyTestId);
  }

  async waitReady(testId: string): Promise<void> {
    await expect(this.page.getByTestId(testId)).toHaveAttribute('data-state', 'ready', RUN_TIMEOUT);
  }

  /** Fills a settings field and commits it (the app's inputs commit on Enter). */
  async setField(testId: string, value: string): Promise<void> {
    await this.page.getByTestId(testId).fill(value);
    await this.page.getByTestId(testId).press('Enter');
  }

  /** Ticks only the boxes `keep` among those whose test id starts with `prefix`. */
  async keepOnly(prefix: string, keep: readonly string[]): Promise<void> {
    const boxes = this.page.locator(`[data-testid^="${prefix}"]`);
    for (let i = 0; i < await boxes.count(); i++) {
      const box = boxes.nth(i);
      const id = (await box.getAttribute('data-testid'))!.slice(prefix.length);
      if (keep.includes(id)) await box.check();
      else await box.uncheck();
    }
  }

  /** Waits for `resultTestId`, failing at once with the page's message if `errorTestId` shows instead. */
  async finished(resultTestId: string, errorTestId: string): Promise<void> {
    const result = this.page.getByTestId(resultTestId);
    const error = this.page.getByTestId(errorTestId);
    await expect(result.or(error).first()).toBeVisible(RUN_TIMEOUT);
    if (await error.count()) throw new Error(`${errorTestId}: ${(await error.first().innerText()).trim()}`);
  }

  /** Scrolls a result to the top of the view so the step's screenshot (and the video) shows it above the caption. */
  async reveal(testId: string): Promise<void> {
    await this.page.getByTestId(testId).first().evaluate((e) => {
      e.scrollIntoView({ block: 'start' });
      window.scrollBy(0, -48); // the shell's header
    });
  }

  async text(testId: string): Promise<string> {
    return (await this.page.getByTestId(testId).first().innerText()).trim();
  }

  /** The `result digest <hex>` line most modules show under a finished run. */
  async digest(): Promise<string> {
    return (await this.text('result-digest')).replace('result digest ', '');
  }
}
