// Unlearning in the browser (edits module, "Unlearn in the browser"): the lab worker fine-tunes the embedded
// `target` on a small forge split. A batch of 200-step gradient-ascent runs over three seeds is cancelled during
// the first (the shared flag stops it after the current step, the batch stops: no result appears); a MANSU run
// (Fisher step off, its retain guard — ours, off by default — on) completes and shows the four-properties table, its step report, the full-precision vs NF4 /
// FP4 table with PTQ gaps, behaviour rates, the |update| / bin-width histograms, the parameters touched, the
// forget behaviour's attribution graphs before and after, and its row of the properties-over-seeds table;
// its manifest and weights download; the share link carries the run's spec and digest, and opened in a fresh tab
// it re-runs to the same checkpoint bits. Sizes are tiny: the machine is slow and the engine runs on WASM.
import { readFile } from 'node:fs/promises';
import type { Page } from '@playwright/test';
import { test, expect } from './fixtures';
import { isMonotone, recordProgress } from './progressRecorder';

const SETTINGS: [string, string][] = [
  ['unlearn-forgetSize', '8'], ['unlearn-retainSize', '16'], ['unlearn-batchSize', '2'], ['unlearn-evalSize', '4'],
  ['unlearn-behaviourPrompts', '1'], ['unlearn-maxNewTokens', '4'], ['unlearn-seed', '5'], ['unlearn-cadPairs', '2'],
];

async function fill(page: Page, values: [string, string][]): Promise<void> {
  for (const [id, v] of values) await page.getByTestId(id).fill(v);
}

test('unlearn target in the browser: cancel a GA run, complete a MANSU run, download it, share and reproduce it', async ({ wb, page, browser }) => {
  test.setTimeout(600_000);
  await wb.open('#/edits');
  await wb.waitReady('module-edits');
  await page.getByTestId('edits-mode-browser').click();
  await expect(page.getByTestId('edits-panel')).toHaveAttribute('data-mode', 'browser');
  await expect(page.getByTestId('sidecar-url')).toBeHidden();
  await page.getByTestId('unlearn-method').selectOption('grad_ascent');
  await fill(page, [...SETTINGS, ['unlearn-steps', '200'], ['unlearn-batchSize', '8']]);
  await expect.poll(() => page.evaluate(() => window.__workbench!.spec('edits'))).toMatchObject({
    mode: 'browser', seed: 5, unlearn: { model: 'target', method: 'grad_ascent', forgetTopic: 'poison', forgetSize: 8, retainSize: 16, steps: 200, batchSize: 8 },
  });

  // a batch over seeds 5–7 of a long run, cancelled once the first seed's training is under way (a rendered step
  // label: React may skip some steps' labels): the batch stops too
  await page.getByTestId('unlearn-start-seeds').click();
  await expect(page.getByTestId('unlearn-browser')).toHaveAttribute('data-state', 'loading');
  await expect(page.getByTestId('unlearn-progress')).toContainText(/seed 5 \(1 of 3\): step \d+ \/ 200/, { timeout: 240_000 });
  await page.getByTestId('unlearn-progress-cancel').click();
  await expect(page.getByTestId('unlearn-cancelled')).toContainText('cancelled', { timeout: 60_000 });
  await expect(page.getByTestId('unlearn-cancelled')).toContainText(/stopped after step \d+/);
  const stoppedAt = Number(/stopped after step (\d+)/.exec(await page.getByTestId('unlearn-cancelled').innerText())![1]);
  expect(stoppedAt).toBeLessThan(200);
  await expect(page.getByTestId('unlearn-result')).toHaveCount(0);
  await expect(page.getByTestId('unlearn-browser')).toHaveAttribute('data-state', 'ready');
  await expect(page.getByTestId('unlearn-progress')).toHaveCount(0);
  await expect(page.getByTestId('unlearn-runs')).toHaveCount(0);

  // a short MANSU run to the end, its Fisher step switched off and its retain guard (off by default) on
  await page.getByTestId('unlearn-method').selectOption('mansu');
  await expect(page.getByTestId('mansu-switches')).toBeVisible();
  await page.getByTestId('mansu-fisher').uncheck();
  await expect(page.getByTestId('mansu-retainGuard')).not.toBeChecked();
  await page.getByTestId('mansu-retainGuard').check();
  await page.getByTestId('mansu-objective').selectOption('grad_diff');
  await fill(page, [['unlearn-steps', '3'], ['unlearn-batchSize', '2']]);
  await expect.poll(() => page.evaluate(() => window.__workbench!.spec('edits'))).toMatchObject({
    unlearn: { method: 'mansu', steps: 3, cadPairs: 2, mansu: { objective: 'grad_diff', circuit: true, fisher: false, nullSpace: true, floor: true, retainGuard: true } },
  });
  const percents = await recordProgress(page, 'unlearn-progress');
  await page.getByTestId('unlearn-start').click();
  const result = page.getByTestId('unlearn-result');
  await expect(result).toBeVisible({ timeout: 300_000 });
  const seen = await percents();
  expect(isMonotone(seen), seen.join(' → ')).toBe(true);
  expect(seen.filter((v) => v > 0 && v < 100).length, seen.join(' → ')).toBeGreaterThan(2);
  await expect(result).toHaveAttribute('data-method', 'mansu');
  await expect(page.getByTestId('unlearn-summary')).toContainText('3 steps');
  // the four properties, each measured (CAD pairs > 0) with a verdict
  for (const p of ['forgetting', 'retain', 'ptq', 'structural']) await expect(page.getByTestId(`property-${p}`)).toHaveAttribute('data-pass', /^(true|false)$/);
  // MANSU's report: the circuit it found, Fisher off, the null-space projections and the floor's counts
  await expect(page.getByTestId('mansu-report-circuit')).toContainText(/\d+ edges/);
  await expect(page.getByTestId('mansu-report-fisher')).toHaveText('Fisher bound: off');
  await expect(page.getByTestId('mansu-report-nullspace')).toContainText('projections');
  await expect(page.getByTestId('mansu-report-floor')).toContainText('grown past a decision midpoint');
  // the guard ran: a quarter of the 16 retain pairs held aside
  await expect(page.getByTestId('mansu-report-retainguard')).toContainText('4 retain pairs held aside');
  // CAD and the forget behaviour's attribution graphs before and after, drawn on the same edges
  await expect(page.getByTestId('cad-value')).toHaveText(/^\d\.\d{3}$/);
  for (const g of ['before', 'after']) {
    await expect(page.getByTestId(`cad-graph-${g}`)).toHaveAttribute('data-state', 'done');
    expect(Number(await page.getByTestId(`cad-graph-${g}`).getAttribute('data-edges'))).toBeGreaterThan(0);
  }
  const rows = page.getByTestId('unlearn-quant-table').locator('tbody tr');
  await expect(rows).toHaveCount(5);
  for (const v of ['nf4-b64', 'nf4-dq-b64', 'fp4-b64', 'fp4-dq-b64']) await expect(page.getByTestId(`ptq-gap-${v}`)).toHaveText(/^[+−]\d+\.\d{3}$/);
  await expect(page.getByTestId('behaviour-fp')).toContainText('%');
  for (const t of ['nf4', 'fp4']) {
    const updates = page.getByTestId(`unlearn-updates-${t}`);
    expect(Number(await updates.getAttribute('data-changed'))).toBeGreaterThan(0);
    await expect(page.getByTestId(`unlearn-updates-${t}-chart`).locator('.recharts-bar-rectangle').first()).toBeVisible();
    expect(Number(await page.getByTestId(`unlearn-updates-${t}-chart`).getAttribute('data-total'))).toBe(Number(await updates.getAttribute('data-changed')));
    await expect(page.getByTestId(`unlearn-updates-${t}-crossing`)).toHaveText(/%/);
  }
  await expect(page.getByTestId('unlearn-touched')).toContainText('Parameters touched');
  await expect(page.getByTestId('unlearn-runs')).toHaveAttribute('data-count', '1');
  await expect(page.getByTestId('seed-summary').locator('tbody tr')).toHaveCount(1);

  // the checkpoint's manifest and weights download
  const manifestDownload = page.waitForEvent('download');
  await page.getByTestId('unlearn-download-manifest').click();
  const manifest = JSON.parse(await readFile((await (await manifestDownload).path())!, 'utf8')) as { kind: string; step: number; method: string; split: { sizes: { forget: number } }; properties: { allPass: boolean } };
  expect(typeof manifest.properties.allPass).toBe('boolean');
  expect(manifest).toMatchObject({ kind: 'unlearn-checkpoint', step: 3, method: 'mansu', split: { sizes: { forget: 8 } } });
  const weightsDownload = page.waitForEvent('download');
  await page.getByTestId('unlearn-download-weights').click();
  const weights = await readFile((await (await weightsDownload).path())!);
  const headerLength = Number(weights.readBigUInt64LE(0));
  expect(Object.keys(JSON.parse(weights.subarray(8, 8 + headerLength).toString('utf8')))).toContain('transformer.h.0.attn.c_attn.weight');

  // the share link carries the spec and the checkpoint digest; a fresh tab shows the same form and reproduces it
  const digest = (await page.getByTestId('result-digest').innerText()).replace('result digest ', '');
  const link = await page.evaluate(() => window.__workbench!.shareLink('edits'));
  const decoded = await page.evaluate((h) => window.__workbench!.decode(h), link);
  expect(decoded?.spec).toMatchObject({ mode: 'browser', seed: 5, unlearn: { method: 'mansu', steps: 3, forgetSize: 8, evalSize: 4, mansu: { fisher: false, retainGuard: true } } });
  expect(decoded?.digest).toBe(digest);
  const fresh = await browser.newPage();
  await fresh.goto(`/${link}`);
  await expect(fresh.getByTestId('edits-panel')).toHaveAttribute('data-mode', 'browser');
  await expect(fresh.getByTestId('unlearn-steps')).toHaveValue('3');
  await expect(fresh.getByTestId('unlearn-method')).toHaveValue('mansu');
  await expect(fresh.getByTestId('mansu-fisher')).not.toBeChecked();
  await expect(fresh.getByTestId('mansu-retainGuard')).toBeChecked();
  await fresh.getByTestId('unlearn-start').click();
  await expect(fresh.getByTestId('reproduction')).toHaveText(/^Reproduced/, { timeout: 300_000 });
  await fresh.close();
});
