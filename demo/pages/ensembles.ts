// Ensembles demo: the seeded demo pool (no file needed), the analysis in the worker, the strategy table with the
// Friedman/Nemenyi statistics and the CD diagram; figures are the table's top row and the result digest.
import type { Story } from '../story';
import { WorkbenchPage } from './workbenchPage';

export class EnsemblesPage extends WorkbenchPage {
  open = () => this.openAt('#/ensembles', 'module-ensembles');

  async configure(o: { datasets: number; seed: number }): Promise<void> {
    await this.page.getByLabel('datasets').fill(String(o.datasets));
    await this.page.getByTestId('ensembles-seed').fill(String(o.seed));
  }

  async run(): Promise<void> {
    await this.page.getByTestId('ensembles-run').click();
    await this.finished('ensembles-results', 'ensembles-error');
    await this.reveal('ensembles-results');
  }

  /** The first row of the strategy table (label, mean metric, average rank) and the Friedman line. */
  async figures(): Promise<{ topStrategy: string; friedman: string; digest: string }> {
    const cells = await this.page.getByTestId('strategy-table').locator('tbody tr').first().locator('td').allInnerTexts();
    return { topStrategy: cells.slice(0, 3).join(' · '), friedman: await this.text('friedman'), digest: await this.digest() };
  }

  /** Saves the shown run to history (the Experiments page reads these records). */
  async saveToHistory(): Promise<string> {
    const note = this.page.getByTestId('saved-note');
    const before = (await note.count()) ? await note.getAttribute('data-entry-id') : null;
    await this.page.getByTestId('save-history').click();
    await this.page.waitForFunction((prev) => {
      const id = document.querySelector('[data-testid="saved-note"]')?.getAttribute('data-entry-id');
      return Boolean(id) && id !== prev;
    }, before);
    return (await note.getAttribute('data-entry-id'))!;
  }
}

export const ensemblesStory: Story = {
  id: 'ensembles',
  title: 'Ensembles: strategies compared over a seeded pool',
  async run(ctx) {
    const p = new EnsemblesPage(ctx.page, ctx.baseUrl);
    const datasets = ctx.short ? 6 : 30;
    await ctx.step('open', 'Ensembles: compare ensemble strategies (voting, stacking, selection) over a pool of models and datasets.', () => p.open());
    await ctx.step('configure', `A seeded demo pool of ${datasets} datasets, seed 7: the same link always rebuilds the same pool.`, () => p.configure({ datasets, seed: 7 }));
    await ctx.step('run', 'The analysis runs in a worker: per-dataset scores, ranks, Friedman and Nemenyi tests, the CD diagram.', () => p.run());
    await ctx.step('read', 'The strategy table, the Friedman test and the result digest; the share link re-runs to the same digest.', async () => {
      const f = await p.figures();
      ctx.figure('top strategy (mean · rank)', f.topStrategy);
      ctx.figure('Friedman', f.friedman);
      ctx.figure('digest', f.digest);
      await ctx.share('ensembles');
    });
  },
};
