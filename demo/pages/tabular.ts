// Tabular demo: the bundled Pima sample in one click, teachers cross-validated in the worker; the figures are each
// teacher's AUC. The full demo adds the context-strategy study (2 strategies × 2 sizes) with its charts.
import type { Story } from '../story';
import { WorkbenchPage } from './workbenchPage';

export class TabularPage extends WorkbenchPage {
  open = () => this.openAt('#/tabular', 'module-tabular');

  async loadSample(): Promise<string> {
    await this.page.getByTestId('sample-pima').click();
    await this.page.getByTestId('dataset-name').filter({ hasText: '768 rows' }).waitFor();
    return this.text('dataset-name');
  }

  async configureTeachers(teachers: readonly string[], folds: number): Promise<void> {
    await this.keepOnly('teacher-', teachers);
    await this.page.getByTestId('folds').fill(String(folds));
  }

  async runTeachers(): Promise<void> {
    await this.page.getByTestId('tabular-run').click();
    await this.finished('teacher-results', 'run-error');
    await this.reveal('teacher-results');
  }

  async teacherAuc(teacher: string): Promise<string> {
    return this.text(`teacher-auc-${teacher}`);
  }

  async runStudy(strategies: readonly string[], sizes: string): Promise<number> {
    await this.page.getByTestId('tab-study').click();
    await this.keepOnly('strategy-', strategies);
    await this.setField('context-sizes', sizes);
    await this.page.getByTestId('tabular-run').click();
    await this.finished('study-results', 'run-error');
    await this.reveal('study-results');
    return this.page.getByTestId('study-table').locator('tbody tr').count();
  }
}

export const tabularStory: Story = {
  id: 'tabular',
  title: 'Tabular: teachers on the Pima sample',
  async run(ctx) {
    const p = new TabularPage(ctx.page, ctx.baseUrl);
    const teachers = ['knn', 'logreg'];
    await ctx.step('open', 'Tabular: cross-validate teachers on a dataset, then study how context selection feeds a tabular foundation model.', () => p.open());
    await ctx.step('load', 'One click loads the bundled Pima Indians diabetes sample (768 rows, documented columns).', async () => {
      ctx.figure('dataset', await p.loadSample());
    });
    await ctx.step('configure', 'Two teachers (kNN, logistic regression), 2-fold cross-validation.', () => p.configureTeachers(teachers, 2));
    await ctx.step('run', 'The teachers train and score in the tabular worker.', () => p.runTeachers());
    await ctx.step('read', 'Each teacher\'s held-out AUC.', async () => {
      for (const t of teachers) ctx.figure(`AUC ${t}`, await p.teacherAuc(t));
      await ctx.share('tabular');
    });
    if (!ctx.short) {
      await ctx.step('study', 'The study tab: uniform vs balanced context selection at 32 and 64 rows, per teacher and fold.', async () => {
        ctx.figure('study rows', await p.runStudy(['uniform', 'balanced'], '32, 64'));
        ctx.figure('study digest', await p.digest());
        await ctx.share('tabular');
      });
    }
  },
};
