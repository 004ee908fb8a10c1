// Experiments page in the browser: two small ensembles runs (seeds 11 and 12) saved with their run records, picked
// on #/experiments, the differing field (seed) highlighted and the others not, metrics and curves shown for both;
// one run exported as a bundle, re-imported (a third row) and reproduced in this page; a tampered copy of the
// bundle is refused by name and history keeps its three runs. A tabular teacher run with the embedded TFM writes
// its record too (data file and model sha256) and reproduces in the page after a reload (inputs served by the app).
import { readFileSync, writeFileSync } from 'node:fs';
import { test, expect, keepOnly } from './fixtures';


test('compare two recorded ensembles runs, export, import and reproduce a bundle, refuse a tampered one', async ({ wb, page }, testInfo) => {
  await wb.open('#/ensembles');
  await wb.waitReady('module-ensembles');
  await page.getByLabel('datasets').fill('6');
  let previous = '';
  let savedId = '';
  for (const seed of ['11', '12']) {
    await page.getByTestId('ensembles-seed').fill(seed);
    await page.getByTestId('ensembles-run').click();
    // this run's result, not the previous one's still on screen
    await expect(page.getByTestId('result-digest')).toHaveText(/result digest \S+/, { timeout: 120_000 });
    await expect(page.getByTestId('result-digest')).not.toHaveText(previous, { timeout: 120_000 });
    previous = (await page.getByTestId('result-digest').textContent())!;
    await expect(page.getByTestId('save-history')).toHaveAttribute('data-record', 'yes');
    await page.getByTestId('save-history').click();
    // stored (IndexedDB put done) once the note names a new entry
    await expect(page.getByTestId('saved-note')).toHaveAttribute('data-entry-id', /.+/);
    await expect(page.getByTestId('saved-note')).not.toHaveAttribute('data-entry-id', savedId);
    savedId = (await page.getByTestId('saved-note').getAttribute('data-entry-id'))!;
  }

  await wb.go('#/experiments');
  await wb.waitReady('experiments-page');
  const rows = page.getByTestId('run-row');
  await expect(rows).toHaveCount(2);
  await rows.nth(0).getByTestId('run-pick').check();
  await rows.nth(1).getByTestId('run-pick').check();
  const spec = page.getByTestId('compare-spec');
  await expect(spec.locator('[data-path="seed"]')).toHaveAttribute('data-differs', 'true');
  await expect(spec.locator('[data-path="spec.pool.datasets"]')).toHaveAttribute('data-differs', 'false');
  await expect(spec.locator('[data-path="spec.pool.kind"]')).toHaveAttribute('data-differs', 'false');
  await expect(spec.locator('[data-differs="true"]')).toHaveCount(2); // seed and spec.seed
  await expect(page.getByTestId('compare-digests').locator('[data-path="digest"]')).toHaveAttribute('data-differs', 'true');
  expect(await page.getByTestId('compare-metrics-row').count()).toBeGreaterThan(5);
  await expect(page.getByTestId('compare-curve').first().locator('svg .recharts-line')).toHaveCount(2);

  // export the seed-11 run (the older one, listed last) as a bundle
  const older = page.locator('[data-testid="run-row"][data-seed="11"]');
  const [download] = await Promise.all([page.waitForEvent('download'), older.getByTestId('run-export').click()]);
  const bundlePath = testInfo.outputPath('bundle.json');
  await download.saveAs(bundlePath);
  const bundle = JSON.parse(readFileSync(bundlePath, 'utf8')) as { format: string; record: { seed: number; digest: string; results: { scores: Record<string, number[][]> } } };
  expect(bundle.format).toBe('workbench-run-bundle');
  expect(bundle.record.seed).toBe(11);

  await page.getByTestId('bundle-file').setInputFiles(bundlePath);
  await expect(page.getByTestId('experiments-message')).toContainText('Imported');
  await expect(rows).toHaveCount(3);
  const imported = rows.filter({ hasText: '(imported)' });
  await expect(imported).toHaveAttribute('data-seed', '11');
  await imported.getByTestId('run-reproduce').click();
  await expect(imported.getByTestId('run-reproduction')).toContainText(`Reproduced: digest ${bundle.record.digest.slice(0, 12)}`, { timeout: 120_000 });

  // a tampered bundle (one score edited after the run) and a bundle of an unknown version: named errors, nothing lost
  const firstMetric = Object.keys(bundle.record.results.scores)[0];
  bundle.record.results.scores[firstMetric][0][0] = 0.5;
  const tamperedPath = testInfo.outputPath('tampered.json');
  writeFileSync(tamperedPath, JSON.stringify(bundle));
  await page.getByTestId('bundle-file').setInputFiles(tamperedPath);
  await expect(page.getByTestId('experiments-message')).toHaveAttribute('data-error-kind', 'tampered-record');
  await expect(page.getByTestId('experiments-message')).toContainText('Nothing was imported');
  const futurePath = testInfo.outputPath('future.json');
  writeFileSync(futurePath, JSON.stringify({ ...bundle, version: 7 }));
  await page.getByTestId('bundle-file').setInputFiles(futurePath);
  await expect(page.getByTestId('experiments-message')).toHaveAttribute('data-error-kind', 'future-version');
  await expect(rows).toHaveCount(3);
});

test('a tabular run with the embedded TFM is recorded and reproduces on the Experiments page after a reload', async ({ wb, page }) => {
  await wb.open('#/tabular');
  await wb.waitReady('module-tabular');
  await page.getByTestId('sample-pima').click();
  await expect(page.getByTestId('dataset-name')).toContainText('768 rows');
  await keepOnly(page, 'teacher-', ['knn', 'tfm']);
  await page.getByTestId('folds').fill('2');
  await page.getByTestId('tabular-run').click();
  await expect(page.getByTestId('teacher-results')).toBeVisible({ timeout: 120_000 });
  await expect(page.getByTestId('save-history')).toHaveAttribute('data-record', 'yes', { timeout: 60_000 });
  await page.getByTestId('save-history').click();
  await expect(page.getByTestId('saved-note')).toHaveAttribute('data-entry-id', /.+/);

  // a fresh page: no artefacts held, the dataset and model come from the app itself
  await wb.open('#/experiments');
  await page.reload(); // a hash-only goto keeps the document (and the artefacts it holds): reload for a fresh one
  await expect(page.locator('#root')).toHaveAttribute('data-state', 'ready');
  await wb.waitReady('experiments-page');
  const row = page.getByTestId('run-row').filter({ hasText: 'tabular' });
  await expect(row).toHaveCount(1);
  await row.getByTestId('run-reproduce').click();
  await expect(row.getByTestId('run-reproduction')).toContainText('Reproduced', { timeout: 150_000 });
});
