// Experiments demo: two recorded ensembles runs (seeds 11 and 12) saved to history, compared on #/experiments
// (the differing spec fields highlighted, metrics side by side), and one re-run from its record to the same digest.
import { expect } from '@playwright/test';
import type { Story } from '../story';
import { EnsemblesPage } from './ensembles';
import { RUN_TIMEOUT, WorkbenchPage } from './workbenchPage';

export class ExperimentsPage extends WorkbenchPage {
  /** Navigates inside the running app (a reload would be fine too: records live in IndexedDB). */
  async open(): Promise<void> {
    await this.page.evaluate(() => { window.location.hash = '#/experiments'; });
    await this.waitReady('experiments-page');
  }

  rows = () => this.page.getByTestId('run-row');

  async compareFirstTwo(): Promise<{ differing: string[]; metricRows: number }> {
    await expect(this.rows()).toHaveCount(2);
    await this.rows().nth(0).getByTestId('run-pick').check();
    await this.rows().nth(1).getByTestId('run-pick').check();
    const spec = this.page.getByTestId('compare-spec');
    await spec.waitFor();
    await this.reveal('compare-spec');
    const differing = await spec.locator('[data-differs="true"]').evaluateAll((els) => els.map((e) => e.getAttribute('data-path') ?? ''));
    return { differing, metricRows: await this.page.getByTestId('compare-metrics-row').count() };
  }

  /** Re-runs the run recorded with `seed` from its record; resolves with the reproduction line. */
  async reproduce(seed: number): Promise<string> {
    const row = this.page.locator(`[data-testid="run-row"][data-seed="${seed}"]`);
    await row.getByTestId('run-reproduce').click();
    const note = row.getByTestId('run-reproduction');
    await note.waitFor();
    await expect(note).not.toContainText('Re-running', RUN_TIMEOUT);
    return (await note.innerText()).trim();
  }
}

export const experimentsStory: Story = {
  id: 'experiments',
  title: 'Experiments: recorded runs compared and reproduced',
  async run(ctx) {
    const ens = new EnsemblesPage(ctx.page, ctx.baseUrl);
    const exp = new ExperimentsPage(ctx.page, ctx.baseUrl);
    await ctx.step('record', 'Two small ensembles runs (seeds 11 and 12) are saved to history with their run records.', async () => {
      await ens.open();
      for (const seed of [11, 12]) {
        await ens.configure({ datasets: 6, seed });
        const before = (await ens.page.getByTestId('result-digest').count()) ? await ens.digest() : '';
        await ens.run();
        await expect(ens.page.getByTestId('result-digest')).not.toHaveText(`result digest ${before}`, RUN_TIMEOUT);
        await expect(ens.page.getByTestId('save-history')).toHaveAttribute('data-record', 'yes');
        await ens.saveToHistory();
        await ctx.share('ensembles');
      }
    });
    await ctx.step('compare', 'The Experiments page: both runs picked, the fields that differ highlighted, metrics side by side.', async () => {
      await exp.open();
      const c = await exp.compareFirstTwo();
      ctx.figure('differing fields', c.differing.join(', '));
      ctx.figure('metric rows compared', c.metricRows);
    });
    await ctx.step('reproduce', 'The seed-11 run is re-run from its record in this page; its digest must match.', async () => {
      const line = await exp.reproduce(11);
      if (!/Reproduced/.test(line)) throw new Error(`the recorded run did not reproduce: ${line}`);
      ctx.figure('reproduction', line);
    });
  },
};
