// Assurance demo: a cheap real run (the ensembles demo pool) writes its evidence to the ledger; its note opens
// #/assurance, which lists the records and the audit-gap report (required vs achieved access per property, flags,
// the incentive gradient). Figures: records, the properties met / gaps, the flags line and the gradient summary.
import { expect } from '@playwright/test';
import type { Story } from '../story';
import { EnsemblesPage } from './ensembles';
import { WorkbenchPage } from './workbenchPage';

export class AssurancePage extends WorkbenchPage {
  /** Follows a module's "N evidence records → Assurance" note to the page. */
  async openFromEvidenceNote(): Promise<number> {
    const note = this.page.getByTestId('evidence-note');
    await expect(note).toHaveText(/\d+ evidence records? → Assurance/);
    const count = Number(await note.getAttribute('data-count'));
    await note.click();
    await this.waitReady('assurance-panel');
    await expect(this.page.getByTestId('evidence-row')).toHaveCount(count);
    return count;
  }

  async properties(): Promise<{ property: string; status: string }[]> {
    return this.page.getByTestId('report-property').evaluateAll((rows) =>
      rows.map((r) => ({ property: r.getAttribute('data-property') ?? '', status: r.getAttribute('data-status') ?? '' })));
  }
}

export const assuranceStory: Story = {
  id: 'assurance',
  title: 'Assurance: a run\'s evidence and the audit-gap report',
  async run(ctx) {
    const ens = new EnsemblesPage(ctx.page, ctx.baseUrl);
    const p = new AssurancePage(ctx.page, ctx.baseUrl);
    await ctx.step('run', 'A small ensembles run (seeded demo pool): the shell writes the evidence it produced to the ledger, linked to the run.', async () => {
      await ens.open();
      await ens.configure({ datasets: 6, seed: 7 });
      await ens.run();
      await ctx.share('ensembles'); // the page has no spec of its own: the run's link is the one its evidence cites
    });
    await ctx.step('report', 'Assurance: the evidence records, and per property the access the instruments require vs what the evidence achieves.', async () => {
      ctx.figure('evidence records', await p.openFromEvidenceNote());
      const props = await p.properties();
      ctx.figure('properties met', props.filter((x) => x.status === 'met').map((x) => x.property).join(', ') || 'none');
      const statuses = new Map<string, number>();
      for (const x of props) statuses.set(x.status, (statuses.get(x.status) ?? 0) + 1);
      ctx.figure('property statuses', [...statuses].map(([k, n]) => `${k} ${n}`).join(' · '));
      ctx.figure('flags', (await p.page.getByTestId('report-no-flags').count()) ? 'none' : await p.text('audit-report'));
      ctx.figure('incentive gradient', (await p.text('incentive-summary')).split(/(?<=\.) /)[0]);
      await p.reveal('audit-report');
    });
  },
};
