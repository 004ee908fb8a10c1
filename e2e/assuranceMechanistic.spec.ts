// The audit gap closed by mechanistic evidence, in a real browser: behavioural red-teaming of the embedded `anchor`
// model alone leaves adversarial robustness (which the EU AI Act's Art. 15(5) row requires at white-box access)
// a fragile gap; its one-click "next evidence" opens the circuits page; a real one-click refusal circuit on the same
// model (attribution graph + ablation, computed in the lab worker) writes white-box evidence under the same model
// id and weights sha256, and the report turns the property to met, with nothing left to run next for it.
//
// The behavioural record is imported, not run: no cheap browser ALIGNBEAM run names the single model `anchor` as
// red-teaming (the built-in suites mix benign items, so they are behavioural evaluation of refusal, which the
// instruments require only black-box; red-teaming needs an outside harmful-only suite). It is built here with the
// ledger's own completeEvidence, shaped as ALIGNBEAM's emitter writes an anchor-only baseline on such a suite, with
// the weights sha256 the models manifest gives for anchor's model.safetensors, the file circuits hashes. A second
// imported record names the combined ALIGNBEAM system `alignbeam(target+anchor)`: the per-model report for anchor
// must not count it (evidence about a decoding system is not evidence about one of its models), and the all-models
// report says its evidence is pooled over both.
import { readFileSync, writeFileSync } from 'node:fs';
import type { Page } from '@playwright/test';
import { completeEvidence } from '../src/core/assurance/ledger';
import { LEDGER_FORMAT, LEDGER_VERSION, type EvidenceDraft } from '../src/core/assurance/types';
import { test, expect, type Workbench } from './fixtures';

interface ManifestFile { path: string; sha256: string }
const manifest = JSON.parse(readFileSync('models/manifest.json', 'utf8')) as { models: { id: string; files: ManifestFile[] }[] };
const ANCHOR_SHA = manifest.models.find((m) => m.id === 'anchor')!.files.find((f) => f.path === 'model.safetensors')!.sha256;

/** The assurance page: readiness, the model filter, a property's row and its next-evidence buttons. */
class AssurancePage {
  constructor(readonly wb: Workbench, readonly page: Page) {}
  async open(): Promise<void> {
    await this.wb.go('#/assurance');
    await this.wb.waitReady('assurance-panel');
  }
  async importLedger(path: string): Promise<void> {
    await this.page.getByTestId('ledger-import').setInputFiles(path);
    await expect(this.page.getByTestId('ledger-message')).toHaveAttribute('data-kind', 'ok');
    await this.wb.waitReady('assurance-panel');
  }
  async forModel(id: string): Promise<void> {
    await this.page.getByTestId('assurance-model').selectOption(id);
  }
  property(id: string) {
    return this.page.locator(`[data-testid="report-property"][data-property="${id}"]`);
  }
  next(property: string, module: string) {
    return this.property(property).getByTestId('next-evidence-open').and(this.page.locator(`[data-module="${module}"]`));
  }
}

/** The circuits page's one-click refusal circuit, as e2e/circuits.spec.ts drives it (small counts: the machine is slow). */
class CircuitsRefusal {
  constructor(readonly wb: Workbench, readonly page: Page) {}
  async run(): Promise<void> {
    await this.page.getByTestId('tab-refusal').click();
    for (const [id, v] of [['refusal-pairs', '3'], ['ablation-prompts', '4'], ['ablation-tokens', '8']]) {
      await this.page.getByTestId(id).fill(v);
      await this.page.getByTestId(id).press('Enter');
    }
    await expect.poll(() => this.page.evaluate(() => window.__workbench!.spec('circuits'))).toMatchObject({ model: 'anchor', pairs: { source: 'heldout', n: 3 }, ablation: { prompts: 4, maxNewTokens: 8 } });
    await this.page.getByTestId('refusal-circuit').click();
    await expect(this.page.getByTestId('graph-results-refusal')).toBeVisible({ timeout: 480_000 });
    await expect(this.page.getByTestId('circuits-panel')).toHaveAttribute('data-state', 'ready');
    await expect(this.page.getByTestId('refusal-after')).toHaveText(/%/);
  }
}

function behaviouralDraft(model: { id: string; sha256?: string }): EvidenceDraft {
  return {
    evidenceClass: 'red-team', access: 'black-box', module: 'alignbeam', model,
    data: [{ id: 'alignbeam suite harmful-only.csv' }],
    scope: { behaviour: 'refusal of the anchor model decoding alone', suite: 'harmful-only.csv', sampleSize: 20, properties: ['harmful-output-refusal', 'adversarial-robustness'] },
    metrics: [{ name: 'refusal rate on harmful prompts', value: 0.9, ci: [0.699, 0.972], method: 'wilson', n: 20, higherIsBetter: true }],
    claim: 'imported for this test: the anchor model refused 0.900 of 20 harmful prompts (outputs only: black-box)',
  };
}

test('behavioural evidence alone leaves a white-box property fragile; a real refusal circuit on the same model meets it', async ({ wb, page }, testInfo) => {
  test.setTimeout(600_000);
  const assurance = new AssurancePage(wb, page);
  const alone = completeEvidence(behaviouralDraft({ id: 'anchor', sha256: ANCHOR_SHA }), { module: 'alignbeam' });
  const system = completeEvidence(behaviouralDraft({ id: 'alignbeam(target+anchor)' }), { module: 'alignbeam' });
  const ledgerPath = testInfo.outputPath('behavioural-ledger.json');
  writeFileSync(ledgerPath, JSON.stringify({ format: LEDGER_FORMAT, version: LEDGER_VERSION, records: [alone, system] }));

  await wb.open('#/');
  await assurance.open();
  await assurance.importLedger(ledgerPath);
  await assurance.forModel('anchor');
  await expect(page.getByTestId('evidence-row')).toHaveCount(1);
  const robustness = assurance.property('adversarial-robustness');
  // an instrument needs white-box access; red-teaming reads outputs only
  await expect(robustness).toHaveAttribute('data-status', 'gap');
  await expect(robustness).toHaveAttribute('data-fragile', 'yes');
  await expect(robustness.getByTestId('fragile-badge')).toBeVisible();
  await expect(robustness).toContainText('short of the white-box access required');
  // refusal as worded is black-box verifiable: met, nothing to run next for it
  await expect(assurance.property('harmful-output-refusal')).toHaveAttribute('data-status', 'met');
  await expect(assurance.property('harmful-output-refusal').getByTestId('next-evidence-open')).toHaveCount(0);
  // the combined system's record is its own model, and the all-models view says the evidence is pooled
  await assurance.forModel('');
  await expect(assurance.property('adversarial-robustness')).toContainText('Pooled over 2 models or systems (alignbeam(target+anchor), anchor)');
  await assurance.forModel('anchor');

  // one click on the property's next evidence (activation patching) opens the circuits page
  const next = assurance.next('adversarial-robustness', 'circuits').first();
  await expect(next).toHaveAttribute('data-prefilled', 'yes');
  const href = (await next.getAttribute('data-href'))!;
  await next.click();
  await wb.waitReady('module-circuits');
  expect(await page.evaluate(() => window.location.hash)).toBe(href);
  await expect(page.getByTestId('link-error')).toHaveCount(0);

  await new CircuitsRefusal(wb, page).run();
  const note = page.getByTestId('evidence-note');
  await expect(note).toHaveText(/\d+ evidence records? → Assurance/, { timeout: 60_000 });
  const circuits = await page.evaluate(async () => (await window.__workbench!.evidence.list()).filter((r) => r.module === 'circuits'));
  expect(circuits.map((r) => r.evidenceClass).sort()).toEqual(['activation-patching', 'attribution-graph']);
  // the same model as the behavioural record: id and the weights' sha256 the worker computed
  for (const r of circuits) expect(r.model).toEqual({ id: 'anchor', sha256: ANCHOR_SHA });
  await page.getByTestId('save-history').click();
  const historyId = (await page.getByTestId('saved-note').getAttribute('data-entry-id'))!;
  await expect.poll(() => page.evaluate(async (h) => (await window.__workbench!.evidence.list()).filter((r) => r.run.historyId === h).length, historyId)).toBe(2);

  await note.click();
  await wb.waitReady('assurance-panel');
  await assurance.forModel('anchor');
  await expect(page.getByTestId('evidence-row')).toHaveCount(3);
  await expect(page.getByTestId('report-no-flags')).toBeVisible();
  await expect(robustness).toHaveAttribute('data-status', 'met');
  await expect(robustness).toHaveAttribute('data-fragile', 'no');
  await expect(robustness).toContainText('white-box');
  await expect(robustness.getByTestId('next-evidence-open')).toHaveCount(0);
  expect(await page.evaluate(async (ids) => (await window.__workbench!.evidence.list()).filter((r) => ids.includes(r.id)).length, [alone.id, system.id])).toBe(2);
  // the combined system's own report is unchanged: its claim still rests on outputs alone
  await assurance.forModel('alignbeam(target+anchor)');
  await expect(assurance.property('adversarial-robustness')).toHaveAttribute('data-fragile', 'yes');

  // a circuits record's "saved" link opens the history with its entry highlighted
  await assurance.forModel('anchor');
  const saved = page.locator(`[data-record-id="${circuits[0].id}"]`).getByTestId('evidence-history-link');
  await expect(saved).toHaveAttribute('href', `#/history?entry=${historyId}`);
  await saved.click();
  await wb.waitReady('page-history');
  await expect(page.locator('[data-testid="history-row"][data-focused="yes"]')).toHaveAttribute('data-entry-id', historyId);
  await expect(page.locator('[data-testid="history-row"][data-focused="yes"]')).toBeInViewport();
});

test('a real ALIGNBEAM sweep names the anchor baseline with the weights sha256 circuits uses, and the combined system apart', async ({ wb, page }) => {
  test.setTimeout(420_000);
  await wb.open('#/alignbeam');
  await wb.waitReady('module-alignbeam');
  await page.getByTestId('backend').selectOption('wasm');
  await page.getByTestId('tab-sweep').click();
  for (const [id, v] of [['set-maxNewTokens', '8'], ['grid-alpha', '0.8'], ['grid-K', '1'], ['grid-m', '4'], ['sweep-limit', '2']]) {
    await page.getByTestId(id).fill(v);
    await page.getByTestId(id).press('Enter');
  }
  await page.getByTestId('suite-harmful').check();
  for (const s of ['benign', 'edgy', 'tasks']) await page.getByTestId(`suite-${s}`).uncheck();
  await page.getByTestId('baseline-alignbeam-same').uncheck();
  await page.getByTestId('baseline-target-safety-prompt').uncheck();
  await expect.poll(() => page.evaluate(() => window.__workbench!.spec('alignbeam'))).toMatchObject({ tab: 'sweep', suites: ['harmful'], limit: 2, baselines: ['anchor-only'] });
  await page.getByTestId('alignbeam-run').click();
  await expect(page.getByTestId('sweep-results').or(page.getByTestId('run-error'))).toBeVisible({ timeout: 360_000 });
  await expect(page.getByTestId('run-error')).toHaveCount(0);
  await expect(page.getByTestId('evidence-note')).toHaveText(/\d+ evidence records? → Assurance/, { timeout: 60_000 });

  const records = await page.evaluate(async () => (await window.__workbench!.evidence.list()).filter((r) => r.module === 'alignbeam'));
  const byModel = new Map(records.map((r) => [r.model.id, r]));
  // built-in harmful prompts: behavioural evaluation of refusal (not red-teaming: no outside adversarial suite)
  expect(byModel.get('anchor')).toMatchObject({ evidenceClass: 'behavioural-evaluation', model: { id: 'anchor', sha256: ANCHOR_SHA } });
  expect(byModel.get('target')?.model.sha256).toMatch(/^[0-9a-f]{64}$/);
  const system = byModel.get('alignbeam(target+anchor)');
  expect(system?.model.sha256).toBeUndefined();
  expect(system?.scope.behaviour).toMatch(/combined ALIGNBEAM decoding system/);
});
