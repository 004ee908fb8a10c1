// Foundation: the shell loads, capabilities are reported, links are decoded or refused, history persists.
import { readFileSync } from 'node:fs';
import { test, expect } from './fixtures';

test('the app loads, shows the status bar and only modules that exist', async ({ wb, page }) => {
  await wb.open('#/');
  await wb.waitReady('page-home');
  await expect(page.getByTestId('status-bar')).toBeVisible();
  const modules = await page.evaluate(() => window.__workbench!.modules());
  for (const m of modules) await expect(page.getByTestId(`nav-${m}`)).toBeVisible();
  await expect(page.locator('[data-testid^="nav-"]')).toHaveCount(modules.length + 3);
  expect(await page.evaluate(() => document.characterSet)).toBe('UTF-8');
});

test('capabilities: a WebGPU adapter (SwiftShader here, skipped by auto) and cross-origin isolation with WASM threads', async ({ wb, page }) => {
  await wb.open('#/capabilities');
  await wb.waitReady('page-capabilities');
  await expect(page.getByTestId('webgpu-available')).toHaveText('yes');
  await expect(page.getByTestId('webgpu-architecture')).toContainText(/\S/);
  await expect(page.getByTestId('cross-origin-isolated')).toHaveText('yes');
  await expect(page.getByTestId('shared-array-buffer')).toHaveText('yes');
  expect(Number(await page.getByTestId('hardware-concurrency').textContent())).toBeGreaterThan(0);
  // SwiftShader is a fallback adapter: auto chooses WASM and says why (WebGPU stays selectable explicitly)
  await expect(page.getByTestId('webgpu-fallback')).toHaveText('yes');
  await expect(page.getByTestId('auto-choice')).toContainText('WASM (auto): WebGPU skipped — fallback adapter (google/swiftshader)');
  await expect(page.getByTestId('active-backend')).toHaveText('wasm');
  await expect(page.getByTestId('backend-reason')).toContainText('fallback adapter');
});

test('a link to a missing model file is a 404, never the app page', async ({ page }) => {
  const res = await page.request.get('/models/no-such-model/onnx/model.onnx');
  expect(res.status()).toBe(404);
  expect(await res.text()).not.toMatch(/<html/i);
  const ort = await page.request.get('/ort/ort-wasm-simd-threaded.jsep.wasm');
  expect(ort.status()).toBe(200);
});

test('an unknown module or a garbage link shows the error and nothing else', async ({ wb, page }) => {
  await wb.open('#/nosuchmodule?s=AAAA');
  await expect(page.getByTestId('link-error')).toBeVisible();
  await expect(page.locator('[data-testid^="module-"]')).toHaveCount(0);
});

test('history survives a reload, and export → import restores the same entries', async ({ wb, page }, testInfo) => {
  await wb.open('#/history');
  await wb.waitReady('page-history');
  await page.getByTestId('history-clear').click();
  await expect(page.getByTestId('history-empty')).toBeVisible();
  await page.evaluate(async () => {
    const h = window.__workbench!.history;
    await h.add('ensembles', { seed: 11, metric: 'accuracy' }, 'e2e first', { auc: 0.8123 });
    await h.add('tabular', { seed: 12, view: 'study' }, 'e2e second', { recall: 0.5 });
  });
  await page.reload();
  await wb.waitReady('page-history');
  await expect(page.getByTestId('history-row')).toHaveCount(2);
  const before = await page.evaluate(async () => (await window.__workbench!.history.list()).map((e) => ({ id: e.id, title: e.title, spec: e.spec, summary: e.summary })));

  const download = page.waitForEvent('download');
  await page.getByTestId('history-export').click();
  const file = testInfo.outputPath('history.json');
  await (await download).saveAs(file);
  expect(JSON.parse(readFileSync(file, 'utf8')).entries).toHaveLength(2);

  await page.getByTestId('history-clear').click();
  await expect(page.getByTestId('history-empty')).toBeVisible();
  await page.getByTestId('history-import').setInputFiles(file);
  await expect(page.getByTestId('history-message')).toContainText('Imported 2 entries');
  await expect(page.getByTestId('history-row')).toHaveCount(2);
  const after = await page.evaluate(async () => (await window.__workbench!.history.list()).map((e) => ({ id: e.id, title: e.title, spec: e.spec, summary: e.summary })));
  expect(after).toEqual(before);
});

test('importing a bad history file shows a clear error and imports nothing', async ({ wb, page }, testInfo) => {
  await wb.open('#/history');
  await wb.waitReady('page-history');
  await page.getByTestId('history-clear').click();
  const bad = testInfo.outputPath('bad.json');
  const { writeFileSync } = await import('node:fs');
  writeFileSync(bad, JSON.stringify({ format: 'workbench-history', version: 1, entries: [{ id: 'a', module: 'ensembles', specVersion: 1, spec: { metric: 'vibes' }, title: 't', createdAt: '2026-01-01' }] }));
  await page.getByTestId('history-import').setInputFiles(bad);
  await expect(page.getByTestId('history-message')).toContainText(/refused.*entry 0.*metric/);
  await expect(page.getByTestId('history-empty')).toBeVisible();
});
