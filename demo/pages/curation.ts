// Curation demo: the shipped handbook cut into a few chunks, samples generated (the extractive baseline, plus the
// embedded curation-gen-s generator in the full demo), faults injected at a known rate, the lexical gate and
// adaptive recovery run in the llm worker. Figures: samples, injected, accepted, recovered, and the digest.
import type { Story } from '../story';
import { WorkbenchPage } from './workbenchPage';

const GENERATOR = 'curation-gen-s';

export class CurationPage extends WorkbenchPage {
  open = () => this.openAt('#/curation', 'module-curation');

  async configure(o: { chunks: number; generator: boolean; tokens: number }): Promise<void> {
    await this.setField('chunk-count', String(o.chunks));
    await this.page.locator(`[data-testid="corpus-info"][data-chunks="${o.chunks}"]`).waitFor();
    if (o.generator) await this.page.getByTestId(`gen-${GENERATOR}`).check();
    else await this.page.getByTestId(`gen-${GENERATOR}`).uncheck();
    await this.setField('gen-tokens', String(o.tokens));
    await this.setField('inject-rate', '1');
    await this.page.getByTestId('gate-format').uncheck();
    await this.page.getByTestId('gate-dedup').uncheck();
    await this.page.getByTestId('recovery-strategy').selectOption('adaptive');
  }

  async run(): Promise<void> {
    await this.page.getByTestId('curation-run').click();
    await this.finished('curation-flow', 'curation-error');
    await this.waitReady('curation-panel');
    await this.reveal('curation-flow');
  }

  async metric(key: string): Promise<string> {
    return (await this.page.getByTestId(`metric-${key}`).getAttribute('data-value')) ?? '';
  }
}

export const curationStory: Story = {
  id: 'curation',
  title: 'Curation: generate, inject, gate and recover a small SFT set',
  async run(ctx) {
    const p = new CurationPage(ctx.page, ctx.baseUrl);
    const o = { chunks: ctx.short ? 2 : 4, generator: !ctx.short, tokens: 32 };
    await ctx.step('open', 'Curation: build a grounded fine-tuning set from a document, with quality gates that are themselves measured.', () => p.open());
    await ctx.step('configure', `The shipped handbook in ${o.chunks} chunks; ${o.generator ? `the extractive baseline and ${GENERATOR}` : 'the extractive baseline'}; every sample gets an injected fault; the lexical gate; adaptive recovery.`, () => p.configure(o));
    await ctx.step('run', 'Generation, injection, the gates and recovery run in the llm worker; the flow view counts each sample\'s path.', () => p.run());
    await ctx.step('read', 'How many samples were made, injected, accepted and recovered; the result digest.', async () => {
      for (const k of ['samples', 'injected', 'accepted', 'recovered']) ctx.figure(k, await p.metric(k));
      ctx.figure('digest', await p.digest());
      await ctx.share('curation');
    });
  },
};
