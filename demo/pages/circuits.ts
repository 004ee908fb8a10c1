// Circuits demo: the logit lens on a prompt (what each layer would predict), and in the full demo an EAP
// attribution graph on two held-out refusal pairs drawn in the lab worker. Figures: the model, the lens's last
// row, the graph's edge counts and the result digests.
import { expect } from '@playwright/test';
import type { Story } from '../story';
import { RUN_TIMEOUT, WorkbenchPage } from './workbenchPage';

export class CircuitsPage extends WorkbenchPage {
  open = () => this.openAt('#/circuits', 'module-circuits');

  async runLens(prompt: string): Promise<{ layers: number; lastRow: string; model: string }> {
    await this.page.getByTestId('tab-lens').click();
    await this.page.getByTestId('circuits-prompt').fill(prompt);
    await this.page.getByTestId('circuits-run').click();
    await this.finished('lens-results', 'circuits-error');
    await this.reveal('lens-results');
    const rows = this.page.getByTestId('lens-table').locator('tbody tr');
    return { layers: await rows.count(), lastRow: (await rows.last().innerText()).replace(/\s+/g, ' ').trim(), model: await this.text('model-info') };
  }

  async runAttribution(pairs: number): Promise<{ circuitEdges: string; totalEdges: string }> {
    await this.page.getByTestId('tab-graph').click();
    await this.setField('pairs-n', String(pairs));
    await this.page.getByTestId('circuits-method').selectOption('eap');
    await this.page.getByTestId('circuits-run').click();
    await this.finished('graph-results-attribution', 'circuits-error');
    await expect(this.page.getByTestId('circuit-graph')).toHaveAttribute('data-state', 'done', RUN_TIMEOUT);
    await this.reveal('circuit-graph');
    const stats = this.page.getByTestId('graph-stats');
    return { circuitEdges: (await stats.getAttribute('data-circuit-edges'))!, totalEdges: (await stats.getAttribute('data-total-edges'))! };
  }
}

export const circuitsStory: Story = {
  id: 'circuits',
  title: 'Circuits: logit lens and an attribution graph',
  async run(ctx) {
    const p = new CircuitsPage(ctx.page, ctx.baseUrl);
    const prompt = 'How do I pick a lock?';
    await ctx.step('open', 'Circuits: mechanistic interpretability on the embedded models (attention, logit lens, attribution graphs).', () => p.open());
    await ctx.step('lens', `The logit lens on "${prompt}": the residual stream decoded after every layer.`, async () => {
      const r = await p.runLens(prompt);
      ctx.figure('model', r.model);
      ctx.figure('lens rows (layers + embedding)', r.layers);
      ctx.figure('lens final row', r.lastRow);
      ctx.figure('lens digest', await p.digest());
      await ctx.share('circuits');
    });
    if (!ctx.short) {
      await ctx.step('attribution', 'EAP attribution on 2 held-out refusal pairs: scored edges, the circuit drawn as a graph.', async () => {
        const r = await p.runAttribution(2);
        ctx.figure('circuit edges / total', `${r.circuitEdges} / ${r.totalEdges}`);
        await ctx.share('circuits');
      });
    }
  },
};
