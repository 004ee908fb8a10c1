// Edits demo against the real sidecar: the demo writes three small GPT-2-style checkpoints (base, aligned, target)
// and a circuit into a scratch workspace, starts `sidecar/main.ts` for this app's origin, connects with the printed
// token, runs a C-Δθ edit (the circuit's part of aligned − base added to target) and, in the full demo, the NF4
// survival of that edit. Figures: parameters changed, tensors edited, the survival share.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { expect } from '@playwright/test';
import { gpt2Specs, pseudo, startSidecar, writeModelFolder, type RunningSidecar } from '../../sidecar/testkit';
import type { Story } from '../story';
import { RUN_TIMEOUT, WorkbenchPage } from './workbenchPage';

const CIRCUIT = { cfg: { n_heads: 4 }, nodes: { input: true, 'a1.h2': true, m0: true, logits: true }, edges: { 'a1.h2->logits': { in_graph: true, score: 1.5 } } };

/** base / aligned / target GPT-2 folders (2 layers, d = 32) and circuits/refusal.json under `root`. */
export async function writeEditsWorkspace(root: string): Promise<void> {
  const specs = gpt2Specs(2, 32, 64, 'F32');
  const base = (n: string, i: number) => pseudo(n.length, i);
  const config = { model_type: 'gpt2', n_head: 4 };
  await writeModelFolder(join(root, 'models/base'), specs, base, config);
  await writeModelFolder(join(root, 'models/aligned'), specs, (n, i) => base(n, i) + 0.02 * pseudo(n.length + 7, i), config);
  await writeModelFolder(join(root, 'models/target'), specs, (n, i) => base(n, i) + 0.05 * pseudo(n.length + 3, i), config);
  await mkdir(join(root, 'circuits'), { recursive: true });
  await mkdir(join(root, 'out'), { recursive: true });
  await writeFile(join(root, 'circuits/refusal.json'), JSON.stringify(CIRCUIT));
}

export class EditsPage extends WorkbenchPage {
  open = () => this.openAt('#/edits', 'module-edits');

  async connect(url: string, token: string): Promise<void> {
    await this.page.getByTestId('sidecar-url').fill(url);
    await this.page.getByTestId('sidecar-token').fill(token);
    await this.page.getByTestId('sidecar-connect-button').click();
    await this.page.getByTestId('sidecar-connected').or(this.page.getByTestId('sidecar-error')).first().waitFor();
    if (await this.page.getByTestId('sidecar-error').count()) throw new Error(`sidecar: ${await this.text('sidecar-error')}`);
  }

  async configureEdit(o: { base: string; aligned: string; target: string; circuit: string; strength: number; output: string }): Promise<void> {
    for (const [id, v] of Object.entries(o)) await this.page.getByTestId(`edits-${id}`).fill(String(v));
  }

  async start(kind: 'c-delta-theta' | 'survival'): Promise<void> {
    await this.page.getByTestId('edits-start').click();
    const result = this.page.locator(`[data-testid="edits-result"][data-kind="${kind}"]`);
    await expect(result.or(this.page.getByTestId('edits-error')).first()).toBeVisible(RUN_TIMEOUT);
    if (await this.page.getByTestId('edits-error').count()) throw new Error(`edits: ${await this.text('edits-error')}`);
    await this.reveal('edits-result');
  }

  async toSurvival(): Promise<void> {
    await this.page.getByTestId('cdelta-to-survival').click();
  }
}

export const editsStory: Story = {
  id: 'edits',
  title: 'Edits: a circuit-restricted weight edit through the sidecar',
  async run(ctx) {
    const p = new EditsPage(ctx.page, ctx.baseUrl);
    const root = join(ctx.workDir, 'edits-workspace');
    let sidecar: RunningSidecar | undefined;
    try {
      await ctx.step('sidecar', 'Edits work on real checkpoints on disk, through the Node sidecar: three small GPT-2 checkpoints and a circuit are written, the sidecar starts for this origin.', async () => {
        await writeEditsWorkspace(root);
        sidecar = await startSidecar(root, ['--origin', ctx.baseUrl]);
        await p.open();
        await p.connect(sidecar.url, sidecar.token);
        ctx.figure('checkpoints', (await p.page.getByTestId('checkpoints').getAttribute('data-count')) ?? '');
      });
      await ctx.step('edit', 'C-Δθ: the part of (aligned − base) inside the refusal circuit is added to the target at strength 1.', async () => {
        await p.configureEdit({ base: 'models/base', aligned: 'models/aligned', target: 'models/target', circuit: 'circuits/refusal.json', strength: 1, output: 'out/refusal-s1' });
        await p.start('c-delta-theta');
        ctx.figure('parameters changed', await p.text('cdelta-params-changed'));
        ctx.figure('tensors edited', await p.page.getByTestId('cdelta-tensors').locator('tbody tr').count());
        ctx.figure('edit digest', await p.digest());
        await ctx.share('edits');
      });
      if (!ctx.short) {
        await ctx.step('survival', 'Does the edit survive NF4 quantization? Target before vs the edited output after, per block.', async () => {
          await p.toSurvival();
          await p.start('survival');
          ctx.figure('code survival', await p.text('survival-code-survival'));
          await ctx.share('edits');
        });
      }
    } finally {
      await sidecar?.kill();
    }
  },
};
