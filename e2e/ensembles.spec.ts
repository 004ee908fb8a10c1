// Ensembles in the browser: a pool file is imported, the analysis runs in the worker, the CD diagram and the Q
// heatmap appear, and the share link reproduces the same result (digest) in a fresh page.
import { writeFileSync } from 'node:fs';
import { poolToCsv } from '../src/core/ensembles/parse';
import { syntheticPool } from '../src/core/ensembles/synthetic';
import { test, expect } from './fixtures';

test('import a pool file, see the CD diagram and Q heatmap, and reproduce them from the link', async ({ wb, page, browser }, testInfo) => {
  const file = testInfo.outputPath('pool.csv');
  writeFileSync(file, poolToCsv(syntheticPool({ datasets: 6, rowsOof: 80, rowsTest: 80, seed: 5 })));

  await wb.open('#/ensembles');
  await wb.waitReady('module-ensembles');
  await page.getByTestId('pool-file').setInputFiles(file);
  await expect(page.getByTestId('pool-file-name')).toContainText('(loaded)');
  // statistics options: Demšar's zero split for Wilcoxon, Bonferroni–Dunn against the best single model
  await page.getByTestId('wilcoxon-zero-method').selectOption('zsplit');
  await page.getByTestId('bd-control').selectOption('best-single');
  await page.getByTestId('ensembles-run').click();
  await expect(page.getByTestId('ensembles-results')).toBeVisible({ timeout: 120_000 });
  await expect(page.getByTestId('cd-diagram').locator('svg')).toBeVisible();
  await expect(page.getByTestId('bonferroni-dunn')).toContainText('Bonferroni–Dunn against best-single: CD =');
  const qCells = page.getByTestId('q-heatmap').locator('rect');
  expect(await qCells.count()).toBeGreaterThanOrEqual(16);
  // the diagonal of Yule's Q is 1 (a model against itself)
  expect(await qCells.first().getAttribute('data-value')).toBe('1');
  const digest = (await page.getByTestId('result-digest').textContent())!.replace('result digest ', '');
  const link = await page.evaluate(() => window.__workbench!.shareLink('ensembles'));
  expect(link).toMatch(/^#\/ensembles\?s=/);

  const fresh = await browser.newPage();
  await fresh.goto(`/${link}`);
  await expect(fresh.getByTestId('pool-file-name')).toContainText('choose this file');
  await expect(fresh.getByTestId('wilcoxon-zero-method')).toHaveValue('zsplit');
  await expect(fresh.getByTestId('bd-control')).toHaveValue('best-single');
  await fresh.getByTestId('pool-file').setInputFiles(file);
  await fresh.getByTestId('ensembles-run').click();
  await expect(fresh.getByTestId('reproduction')).toHaveText(/Reproduced/, { timeout: 120_000 });
  await expect(fresh.getByTestId('result-digest')).toHaveText(`result digest ${digest}`);
  await fresh.close();
});

test('a demo-pool link with a digest re-runs by itself and matches; a tampered one loads nothing', async ({ wb, page }) => {
  await wb.open('#/ensembles');
  await wb.waitReady('module-ensembles');
  await page.getByTestId('ensembles-seed').fill('77');
  await page.getByTestId('ensembles-run').click();
  await expect(page.getByTestId('ensembles-results')).toBeVisible({ timeout: 120_000 });
  const link = await page.evaluate(() => window.__workbench!.shareLink('ensembles'));
  expect(await page.evaluate((h) => window.__workbench!.decode(h)?.spec.seed, link)).toBe(77);

  await page.goto('/#/');
  await page.goto(`/${link}`);
  await expect(page.getByTestId('reproduction')).toHaveText(/Reproduced/, { timeout: 120_000 });

  const payload = link.split('s=')[1];
  const i = Math.floor(payload.length / 2);
  const tampered = `#/ensembles?s=${payload.slice(0, i)}${payload[i] === 'A' ? 'B' : 'A'}${payload.slice(i + 1)}`;
  await page.goto('/#/');
  await page.goto(`/${tampered}`);
  await expect(page.getByTestId('link-error')).toBeVisible();
  await expect(page.getByTestId('ensembles-panel')).toHaveCount(0);
});

test('re-opening the very link the page mirrored, in one tick (home, then the link), re-runs and reproduces', async ({ wb, page }) => {
  // Two hash changes in one task reach React as one render of the last hash, which equals the hash the module had
  // mirrored: before the shell counted navigations, the module kept its old state and never checked the digest.
  await wb.open('#/ensembles');
  await wb.waitReady('module-ensembles');
  await page.getByTestId('ensembles-seed').fill('78');
  await page.getByTestId('ensembles-run').click();
  await expect(page.getByTestId('ensembles-results')).toBeVisible({ timeout: 120_000 });
  const link = await page.evaluate(() => window.__workbench!.shareLink('ensembles'));
  await expect(page.getByTestId('reproduction')).toHaveCount(0);
  await page.evaluate((l) => { window.location.hash = '#/'; window.location.hash = l; }, link);
  await expect(page.getByTestId('reproduction')).toHaveText(/Reproduced/, { timeout: 120_000 });
});
