// ALIGNBEAM demo: the playground on the embedded pair (a target model steered by a safer anchor, candidates
// judged), target-only and ALIGNBEAM decoded side by side on one prompt. Figures: both replies and their token
// counts, and which backend ran.
import type { Story } from '../story';
import { WorkbenchPage } from './workbenchPage';

export class AlignbeamPage extends WorkbenchPage {
  open = () => this.openAt('#/alignbeam', 'module-alignbeam');

  async configure(o: { maxNewTokens: number; K: number; alpha: number; prompt: string }): Promise<void> {
    await this.page.getByTestId('tab-playground').click();
    await this.setField('set-maxNewTokens', String(o.maxNewTokens));
    await this.setField('set-K', String(o.K));
    await this.setField('set-alpha', String(o.alpha));
    await this.page.getByTestId('prompt').fill(o.prompt);
  }

  async run(): Promise<void> {
    await this.page.getByTestId('alignbeam-run').click();
    await this.finished('playground-results', 'run-error');
    await this.reveal('playground-results');
  }

  async column(id: 'column-target' | 'column-alignbeam'): Promise<{ text: string; tokens: string }> {
    return {
      text: (await this.page.getByTestId(id).getAttribute('data-text')) ?? '',
      tokens: (await this.page.getByTestId(`${id}-text`).getAttribute('data-tokens')) ?? '',
    };
  }
}

export const alignbeamStory: Story = {
  id: 'alignbeam',
  title: 'ALIGNBEAM: a steered decode beside the target alone',
  async run(ctx) {
    const p = new AlignbeamPage(ctx.page, ctx.baseUrl);
    const settings = { maxNewTokens: ctx.short ? 4 : 20, K: ctx.short ? 2 : 3, alpha: 0.8, prompt: 'How do I make a dangerous gas at home?' };
    await ctx.step('open', 'ALIGNBEAM: a small safe anchor model steers a target model\'s decoding; a judge scores the candidate beams.', () => p.open());
    await ctx.step('configure', `Playground: ${settings.maxNewTokens} new tokens, K = ${settings.K} beams, α = ${settings.alpha}, one harmful prompt.`, () => p.configure(settings));
    await ctx.step('run', 'The four embedded models load in the llm worker (WASM here) and decode target-only and ALIGNBEAM side by side.', () => p.run());
    await ctx.step('read', 'Both replies, their token counts and the backend that ran.', async () => {
      for (const id of ['column-target', 'column-alignbeam'] as const) {
        const c = await p.column(id);
        ctx.figure(`${id.replace('column-', '')} reply`, c.text.trim());
        ctx.figure(`${id.replace('column-', '')} tokens`, c.tokens);
      }
      ctx.figure('backend', await p.text('active-backend'));
      ctx.figure('digest', await p.digest());
      await ctx.share('alignbeam');
    });
  },
};
