// Curation in the browser, on the shipped handbook with a tiny setting (4 chunks, the extractive baseline and the
// embedded curation-gen-s generator writing 32 tokens): injection + the lexical gate + adaptive recovery run in the llm worker; the
// flow view's counts equal the metrics table; an injected sample shows its ground truth and the lexical gate's
// reason in the inspector; the exported manifest's counts match; the share link restores the spec in a fresh page
// and reproduces the digest. Cancel stops a run; empty and binary uploads show the ingest error by name.
import { readFileSync, writeFileSync } from 'node:fs';
import type { Page } from '@playwright/test';
import { test, expect } from './fixtures';

const LEXICAL = 'lexical-cited-chunk';
/** the forge's small curation generator (models/curation-gen-s) */
const GENERATOR = 'curation-gen-s';

async function setNumber(page: Page, id: string, value: string) {
  await page.getByTestId(id).fill(value);
  await page.getByTestId(id).press('Enter');
}

const count = async (page: Page, id: string, attr = 'data-count') => Number(await page.getByTestId(id).getAttribute(attr));

async function tinySetting(page: Page, chunks: string) {
  await setNumber(page, 'chunk-count', chunks);
  await expect(page.getByTestId('corpus-info')).toHaveAttribute('data-chunks', chunks);
  await page.getByTestId(`gen-${GENERATOR}`).check();
  await setNumber(page, 'gen-tokens', '32');
  await setNumber(page, 'inject-rate', '1');
  await page.getByTestId('gate-format').uncheck();
  await page.getByTestId('gate-dedup').uncheck();
  await page.getByTestId('recovery-strategy').selectOption('adaptive');
}

test('run on the handbook: flow = metrics, inspector shows ground truth and the rejecting reason, export, share link', async ({ wb, page, browser }, testInfo) => {
  test.setTimeout(300_000);
  await wb.open('#/curation');
  await wb.waitReady('module-curation');
  await tinySetting(page, '4');
  await expect.poll(() => page.evaluate(() => window.__workbench!.spec('curation'))).toMatchObject({
    chunking: { maxChunks: 4 }, generators: ['extractive', GENERATOR], injection: { rate: 1 }, gates: { format: false, dedup: { enabled: false } },
  });
  await page.getByTestId('curation-run').click();
  await expect(page.getByTestId('curation-flow')).toBeVisible({ timeout: 180_000 });
  await expect(page.getByTestId('curation-panel')).toHaveAttribute('data-state', 'ready');

  // the flow (counted from the traces) equals the metrics table (metrics.ts)
  for (const o of ['pass', 'reject', 'abstain', 'parse-failure']) {
    expect(await count(page, `flow-gate:${LEXICAL}-${o}`), o).toBe(await count(page, `gate-${LEXICAL}-${o}`, 'data-value'));
  }
  expect(await count(page, 'flow-first-pass-pass')).toBe(await count(page, 'metric-first-pass', 'data-value'));
  expect(await count(page, 'flow-first-pass-reject')).toBe(await count(page, 'metric-failed-first', 'data-value'));
  expect(await count(page, 'flow-recovery-pass')).toBe(await count(page, 'metric-recovered', 'data-value'));
  const accepted = await count(page, 'metric-accepted', 'data-value');
  expect(await count(page, 'flow-final-pass')).toBe(accepted);
  const samples = await count(page, 'metric-samples', 'data-value');
  expect(samples).toBe(8); // 4 chunks × (extractive + the generator)
  // rate 1: every sample with text is injected (the 4 extractive ones and those the generator's replies parsed into)
  const injected = await count(page, 'metric-injected', 'data-value');
  expect(injected).toBeGreaterThanOrEqual(4);
  expect(injected).toBeLessThanOrEqual(await count(page, 'flow-started-pass'));
  expect(await count(page, `gate-${LEXICAL}-reject`, 'data-value')).toBeGreaterThan(0);

  // an injected sample the lexical gate rejected: ground truth apart, the gate's reason, the cited span highlighted
  const row = page.locator(`[data-testid="sample-row"][data-injected="true"][data-rejected-by="${LEXICAL}"]`).first();
  await row.click();
  const detail = page.getByTestId('inspector-detail');
  await expect(detail.getByTestId('inspector-ground-truth')).toContainText('Injection ground truth');
  await expect(detail.getByTestId('ground-truth-mode')).toHaveText(/unsupported-claim|contradicted-number|unsafe|format/);
  const verdict = detail.getByTestId('inspector-attempt-0').getByTestId(`verdict-${LEXICAL}`);
  await expect(verdict).toHaveAttribute('data-outcome', 'reject');
  await expect(verdict).toContainText(/is not in the evidence|contradicts the evidence|is not named in the evidence|the evidence lacks|the question names/);
  expect((await detail.getByTestId('inspector-attempt-0').getByTestId('inspector-span').textContent())!.length).toBeGreaterThan(5);

  // the exported manifest counts what the page shows
  const download = page.waitForEvent('download');
  await page.getByTestId('export-manifest.json').click();
  const file = testInfo.outputPath('manifest.json');
  await (await download).saveAs(file);
  const manifest = JSON.parse(readFileSync(file, 'utf8')) as { counts: { samples: number; sft: number; injected: number; statuses: { accepted: number }; gates: Record<string, { reject: number }> }; files: { path: string }[] };
  expect(manifest.counts.samples).toBe(samples);
  expect(manifest.counts.statuses.accepted).toBe(accepted);
  expect(manifest.counts.sft).toBe(accepted);
  expect(manifest.counts.injected).toBe(injected);
  expect(manifest.counts.gates[LEXICAL].reject).toBe(await count(page, `gate-${LEXICAL}-reject`, 'data-value'));
  expect(manifest.files.map((f) => f.path)).toEqual(expect.arrayContaining(['alpaca.jsonl', 'sharegpt.jsonl', 'dpo.jsonl', 'rejected.jsonl', 'README.md']));

  // the share link restores the spec in a fresh page and, carrying the digest, re-runs and reproduces it
  const digest = (await page.getByTestId('result-digest').textContent())!.replace('result digest ', '');
  const link = await page.evaluate(() => window.__workbench!.shareLink('curation'));
  const linked = await page.evaluate((h) => window.__workbench!.decode(h), link);
  expect(linked?.digest).toBe(digest);
  const fresh = await browser.newPage();
  await fresh.goto(`/${link}`);
  await expect(fresh.getByTestId('chunk-count')).toHaveValue('4');
  await expect(fresh.getByTestId(`gen-${GENERATOR}`)).toBeChecked();
  await expect(fresh.getByTestId('gate-format')).not.toBeChecked();
  await expect(fresh.getByTestId('inject-rate')).toHaveValue('1');
  await expect(fresh.getByTestId('reproduction')).toHaveText(/Reproduced/, { timeout: 180_000 });
  await fresh.close();

  // "Train on this dataset" opens the experiments page's training panel with the accepted samples as its data
  const train = page.getByTestId('curation-train');
  if (accepted === 0) {
    await expect(train).toBeDisabled();
  } else {
    await train.click();
    await expect(page).toHaveURL(/#\/experiments/);
    await expect(page.getByTestId('train-data-source')).toHaveValue('file');
    await expect(page.getByTestId('train-data-handed')).toHaveText(`${accepted} rows from the curation page`);
  }
});

test('cancel stops a run; empty and binary uploads are refused by name', async ({ wb, page }, testInfo) => {
  test.setTimeout(240_000);
  await wb.open('#/curation');
  await wb.waitReady('module-curation');
  await page.getByTestId(`gen-${GENERATOR}`).check();
  await page.getByTestId('gen-extractive').uncheck();
  await setNumber(page, 'chunk-count', '40');
  await setNumber(page, 'gen-tokens', '48');
  await page.getByTestId('curation-run').click();
  // cancel once generation has started (its progress moves per model call)
  await expect(page.getByTestId('curation-progress')).toContainText('generating', { timeout: 120_000 });
  await page.getByTestId('curation-progress-cancel').click();
  await expect(page.getByTestId('curation-cancelled')).toBeVisible({ timeout: 60_000 });
  await expect(page.getByTestId('curation-panel')).toHaveAttribute('data-state', 'ready');
  await expect(page.getByTestId('result-digest')).toContainText('cancelled run has no digest');

  const empty = testInfo.outputPath('empty.md');
  writeFileSync(empty, '  \n\n');
  await page.getByTestId('corpus-upload').setInputFiles(empty);
  await expect(page.getByTestId('corpus-error')).toContainText('empty.md: empty-file');
  const binary = testInfo.outputPath('scan.txt');
  writeFileSync(binary, Buffer.from([0x48, 0x00, 0x01, 0xff, 0xfe, 0x00]));
  await page.getByTestId('corpus-upload').setInputFiles(binary);
  await expect(page.getByTestId('corpus-error')).toContainText('scan.txt: binary-file');
  // the corpus is unchanged: still the handbook, still runnable
  await expect(page.getByTestId('corpus-handbook')).toBeChecked();
  await expect(page.getByTestId('curation-run')).toBeEnabled();
});
