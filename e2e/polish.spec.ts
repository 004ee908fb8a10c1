// The small things a user sees: a model load logs no console errors (ORT's EP-assignment notice is not an error),
// ORT comes once from /ort/, layout does not break out of its grid, text stays readable, and share links that
// cannot be made or read say why.
import { readFileSync, writeFileSync } from 'node:fs';
import type { ConsoleMessage, Page } from '@playwright/test';
import { poolToCsv } from '../src/core/ensembles/parse';
import { DEFAULT_SYNTHETIC_MODELS, syntheticPool } from '../src/core/ensembles/synthetic';
import { test, expect } from './fixtures';

// A causal LM: WebGPU leaves its shape ops on the CPU, which ORT reports (VerifyEachNodeIsAssignedToAnEp).
const MODEL = 'target';

/** Console errors from the page and from its workers (where ORT runs). */
function collectConsoleErrors(page: Page): string[] {
  const errors: string[] = [];
  const onConsole = (m: ConsoleMessage) => { if (m.type() === 'error') errors.push(m.text()); };
  page.on('console', onConsole);
  page.on('worker', (w) => w.on('console', onConsole));
  return errors;
}

test('loading a model on WebGPU and WASM logs no console error; ORT is fetched once, from /ort/', async ({ wb, page }) => {
  const errors = collectConsoleErrors(page);
  await wb.open('#/models');
  await wb.waitReady('page-models');
  await page.getByTestId(`parity-run-${MODEL}`).click();
  await expect(page.getByTestId(`parity-${MODEL}`)).toContainText('webgpu / wasm', { timeout: 120_000 });
  expect(errors).toEqual([]);
  const ortFiles = wb.requests.filter((u) => /\/ort[-.][^/]*\.(m?js|wasm)$/.test(u)).map((u) => new URL(u).pathname);
  expect(ortFiles.every((p) => p.startsWith('/ort/')), ortFiles.join(', ')).toBe(true);
  expect(ortFiles.filter((p) => p.endsWith('.wasm'))).toEqual(['/ort/ort-wasm-simd-threaded.jsep.wasm']);
});

/** Deterministic printable text with no spaces (nothing to break at) and no "|" (the pair separator). */
function unbrokenText(n: number, seed: number): string {
  let x = seed;
  return Array.from({ length: n }, () => {
    const c = 33 + ((x = (x * 48271) % 2147483647) % 93);
    return String.fromCharCode(c >= 124 ? c + 1 : c);
  }).join('');
}

const pageFitsViewport = (page: Page) => page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth);

test('share: "copied" feedback; a spec over 8 KB says why and round-trips as a file; long pairs wrap', async ({ wb, page, context }, testInfo) => {
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  await wb.open('#/circuits');
  await wb.waitReady('module-circuits');
  await page.getByTestId('copy-link').click();
  await expect(page.getByTestId('share-note')).toHaveText('Link copied.');
  expect(await page.evaluate(() => navigator.clipboard.readText())).toContain('#/circuits?s=');

  // a dozen long edited pairs: too large for a link
  const pairs = Array.from({ length: 12 }, (_, i) => `${unbrokenText(400, 2 * i + 1)} || ${unbrokenText(400, 2 * i + 2)}`);
  await page.getByTestId('pairs-edit').click();
  await page.getByTestId('pairs-text').fill(pairs.join('\n'));
  await page.getByTestId('pairs-save').click();
  await expect(page.getByTestId('pairs-table').locator('tbody tr')).toHaveCount(12);
  expect(await pageFitsViewport(page), 'the page is no wider than the window').toBe(true);
  expect(await page.evaluate(() => window.location.hash), 'the address no longer claims the previous spec').toBe('#/circuits');
  await expect(page.getByTestId('share-too-large')).toBeVisible();
  await page.getByTestId('copy-link').click();
  await expect(page.getByTestId('share-note')).toContainText('over the 8 KB limit');
  await expect(page.getByTestId('share-note')).toContainText('Download spec');

  const file = testInfo.outputPath('circuits-spec.json');
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('download-spec').click()]);
  await download.saveAs(file);
  expect(JSON.parse(readFileSync(file, 'utf8'))).toMatchObject({ format: 'workbench-spec', m: 'circuits' });

  await wb.open('#/circuits');
  await wb.waitReady('module-circuits');
  await page.getByTestId('open-spec-file').setInputFiles(file);
  await expect(page.getByTestId('share-note')).toHaveText('Opened circuits-spec.json.');
  await expect(page.getByTestId('pairs-table').locator('tbody tr')).toHaveCount(12);
  await expect(page.getByTestId('pairs-table')).toContainText(unbrokenText(400, 23).slice(0, 60));
});

test('refusals: a mistyped address is an unknown page; a malformed query is refused, its kind printed once', async ({ wb, page }) => {
  await wb.open('#/nosuchpage');
  await expect(page.getByTestId('unknown-page')).toContainText('Unknown page');
  await expect(page.getByTestId('link-error')).toHaveCount(0);
  await wb.go('#/ensembles??s=AAAA');
  await expect(page.getByTestId('link-error')).toBeVisible();
  const text = await page.getByTestId('link-error').innerText();
  expect(text.match(/malformed/g)).toHaveLength(1);
  await expect(page.locator('[data-testid^="module-"]')).toHaveCount(0);
});

test('models page: the action cell stays in the table grid; the hub error names the checkbox', async ({ wb, page }) => {
  await wb.open('#/models');
  await wb.waitReady('page-models');
  const rows = page.getByTestId('models-table').locator('tbody tr');
  expect(await rows.count()).toBeGreaterThan(2);
  for (const row of await rows.all()) {
    const r = (await row.boundingBox())!;
    // every cell, the buttons' one included, spans its row (a flex cell was shorter and drew no grid)
    for (const cell of await row.locator('td').all()) expect(Math.abs((await cell.boundingBox())!.height - r.height)).toBeLessThanOrEqual(1);
    for (const button of await row.locator('button').all()) {
      const b = (await button.boundingBox())!;
      expect(b.y).toBeGreaterThanOrEqual(r.y - 0.5);
      expect(b.y + b.height).toBeLessThanOrEqual(r.y + r.height + 0.5);
      expect(b.x + b.width).toBeLessThanOrEqual(r.x + r.width + 0.5);
    }
  }
  expect(await pageFitsViewport(page)).toBe(true);

  const label = (await page.getByTestId('allow-remote').locator('xpath=..').innerText()).trim();
  await page.getByTestId('hub-id').fill('some-org/some-model');
  await page.getByTestId('load-hub').click();
  await expect(page.getByTestId('other-model-error')).toContainText(`"${label}"`);
  await expect(page.getByTestId('other-model-error')).not.toContainText('settings');
});

test('home page counts the ensemble strategies the module offers; the Q heatmap keeps its last label', async ({ wb, page }, testInfo) => {
  await wb.open('#/');
  const summary = await page.locator('li', { has: page.locator('a[href="#/ensembles"]') }).innerText();
  const claimed = Number(/(\d+) ensemble strategies/.exec(summary)?.[1]);
  await wb.go('#/ensembles');
  await wb.waitReady('module-ensembles');
  const strategies = page.locator('.card', { has: page.getByRole('heading', { name: 'Strategies and statistics' }) }).locator('.toolbar').first().locator('input[type=checkbox]');
  expect(await strategies.count()).toBe(claimed);

  // a long model name: its row label and its rotated column label (the last one) must fit in the SVG
  const models = DEFAULT_SYNTHETIC_MODELS.slice(0, 4).map((m, i) => ({ ...m, name: i === 3 ? 'gradient-boosted-trees-large' : m.name }));
  const file = testInfo.outputPath('pool.csv');
  writeFileSync(file, poolToCsv(syntheticPool({ datasets: 4, rowsOof: 60, rowsTest: 60, seed: 3, models })));
  await page.getByTestId('pool-file').setInputFiles(file);
  await expect(page.getByTestId('pool-file-name')).toContainText('(loaded)');
  await page.getByTestId('ensembles-run').click();
  await expect(page.getByTestId('q-heatmap')).toBeVisible({ timeout: 120_000 });
  // every label, the rotated column labels and the row labels, lies inside the SVG (it clips what does not)
  const fits = await page.getByTestId('q-heatmap').evaluate((fig) => {
    const svg = fig.querySelector('svg')!.getBoundingClientRect();
    const labels = [...fig.querySelectorAll('svg > g > text:not([text-anchor="middle"])')].map((t) => t.getBoundingClientRect());
    const outside = labels.filter((l) => l.left < svg.left - 0.5 || l.top < svg.top - 0.5 || l.right > svg.right + 0.5 || l.bottom > svg.bottom + 0.5);
    return { labels: labels.length, outside: outside.length };
  });
  expect(fits).toEqual({ labels: 8, outside: 0 });
});
