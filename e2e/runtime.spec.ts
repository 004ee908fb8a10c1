// Runtime in Chromium: `auto` skips the SwiftShader fallback adapter (the model loads on WASM and the page and the
// status bar say why; an explicit webgpu still runs there; a benchmark does not change what the status bar
// reports); the embedded probe model gives the same outputs on WebGPU (SwiftShader) and WASM; a forced
// WebGPU failure falls back to WASM and completes; progress satisfies its invariants; a killed worker leaves the
// app usable; a model file that does not exist is a named 404 error. Every request stays on localhost (fixture).
import { checkProgressInvariants } from '../src/core/runtime/progress';
import { test, expect } from './fixtures';

const MODEL = 'runtime-probe';

test('auto loads on WASM, not the fallback adapter, and says why; the status bar follows the loaded model, not a benchmark', async ({ wb, page }) => {
  await wb.open('#/models');
  await wb.waitReady('page-models');
  // before any load: the probe's choice
  await expect(page.getByTestId('active-backend')).toHaveText('wasm');
  await expect(page.getByTestId('backend-reason')).toContainText('WebGPU skipped — fallback adapter (google/swiftshader)');

  await page.getByTestId(`load-${MODEL}`).click();
  await expect(page.getByTestId(`ep-${MODEL}`)).toContainText('wasm', { timeout: 120_000 });
  await expect(page.getByTestId(`choice-${MODEL}`)).toContainText('WASM (auto): WebGPU skipped — fallback adapter');
  await expect(page.getByTestId(`fallback-${MODEL}`)).toHaveCount(0); // skipped by choice, not a failed attempt
  await expect(page.getByTestId('active-backend')).toHaveAttribute('data-source', 'loaded');
  await expect(page.getByTestId('active-backend')).toHaveText('wasm');

  // an explicit webgpu is honoured on the fallback adapter, with a warning
  await page.getByTestId('models-backend').selectOption('webgpu');
  await page.getByTestId(`load-${MODEL}`).click();
  await expect(page.getByTestId(`ep-${MODEL}`)).toContainText('webgpu', { timeout: 120_000 });
  await expect(page.getByTestId(`choice-${MODEL}`)).toContainText('software rasteriser');
  await expect(page.getByTestId('active-backend')).toHaveText('webgpu');

  // the parity check loads (and unloads) a WebGPU and a WASM copy: the status bar still shows the loaded model
  await page.getByTestId(`parity-run-${MODEL}`).click();
  await expect(page.getByTestId(`parity-${MODEL}`)).toContainText('webgpu / wasm', { timeout: 120_000 });
  await expect(page.getByTestId('active-backend')).toHaveText('webgpu');
  expect(await page.evaluate(() => window.__workbench!.backend())).toMatchObject({ active: 'webgpu', source: 'loaded' });
});

test('WebGPU and WASM give the same outputs within 1e-4', async ({ wb, page }) => {
  await wb.open('#/models');
  await wb.waitReady('page-models');
  await page.getByTestId(`parity-run-${MODEL}`).click();
  await expect(page.getByTestId(`parity-${MODEL}`)).toContainText('webgpu / wasm', { timeout: 120_000 });
  const r = await page.evaluate((id) => window.__workbench!.runtime.compareProviders(id, 2), MODEL);
  expect(r.webgpu).toBe('webgpu');
  expect(r.wasm).toBe('wasm');
  expect(r.maxAbsDiff).toBeLessThan(1e-4);
});

test('a forced WebGPU failure falls back to WASM and the run completes; the UI says so', async ({ wb, page }) => {
  await wb.open('#/models');
  await wb.waitReady('page-models');
  // auto would never try the fallback adapter here, so there is nothing to fail: ask for WebGPU
  await page.getByTestId('models-backend').selectOption('webgpu');
  await page.getByTestId('simulate-failure').selectOption('create');
  await page.getByTestId(`load-${MODEL}`).click();
  await expect(page.getByTestId(`ep-${MODEL}`)).toContainText('wasm', { timeout: 120_000 });
  await expect(page.getByTestId(`fallback-${MODEL}`)).toContainText('webgpu → wasm at create');
  await expect(page.getByTestId('active-backend')).toHaveText('wasm');

  const afterRunFailure = await page.evaluate(async (id) => {
    const rt = window.__workbench!.runtime;
    const { info } = await rt.loadEmbedded(id, { backend: 'webgpu', simulateWebGpuFailure: 'run' });
    const first = info.executionProvider;
    const { out, info: after } = await rt.runSample(info.handle);
    return { first, after: after.executionProvider, fallbacks: after.fallbacks.map((f) => `${f.from}->${f.to}@${f.when}:${f.code}`), outputs: Object.keys(out) };
  }, MODEL);
  expect(afterRunFailure.first).toBe('webgpu');
  expect(afterRunFailure.after).toBe('wasm');
  expect(afterRunFailure.fallbacks).toEqual(['webgpu->wasm@run:DEVICE_LOST']);
  expect(afterRunFailure.outputs).toEqual(['y']);
});

test('load progress satisfies the invariants and the file is then cached (and deletable)', async ({ wb, page }) => {
  await wb.open('#/models');
  await wb.waitReady('page-models');
  await page.getByTestId('delete-cache').click();
  const events = await page.evaluate(async (id) => (await window.__workbench!.runtime.loadEmbedded(id, { preferredProviders: ['wasm'] })).events, MODEL);
  expect(checkProgressInvariants(events)).toEqual([]);
  const totals = events.filter((e) => e.status === 'total');
  expect(totals.at(-1)).toMatchObject({ percent: 100 });
  await page.reload();
  await wb.waitReady('page-models');
  await expect(page.getByTestId(`cached-${MODEL}`)).toHaveText('yes');
  await page.getByTestId('delete-cache').click();
  await expect(page.getByTestId(`cached-${MODEL}`)).toHaveText('no');
});

test('a worker killed mid-run leaves the app usable', async ({ wb, page }) => {
  await wb.open('#/models');
  await wb.waitReady('page-models');
  const outcome = await page.evaluate(async (id) => {
    const rt = window.__workbench!.runtime;
    const pending = rt.loadEmbedded(id, { preferredProviders: ['webgpu'] }).then(() => 'finished', (e: Error) => `rejected: ${e.name}`);
    await new Promise((r) => setTimeout(r, 30));
    rt.killEngine();
    const first = await pending;
    const { info } = await rt.loadEmbedded(id, { preferredProviders: ['wasm'] });
    const { out } = await rt.runSample(info.handle);
    return { first, after: Object.keys(out) };
  }, MODEL);
  expect(outcome.first).toBe('rejected: CancelledError');
  expect(outcome.after).toEqual(['y']);
  await page.getByTestId(`load-${MODEL}`).click();
  await expect(page.getByTestId(`ep-${MODEL}`)).not.toHaveText('—', { timeout: 120_000 });
});

test('a missing model is a named ModelNotFound error, not an HTML page parsed as a model', async ({ wb, page }) => {
  await wb.open('#/models');
  await wb.waitReady('page-models');
  const err = await page.evaluate(async () => {
    try {
      await window.__workbench!.runtime.loadEmbedded('no-such-model');
      return 'loaded';
    } catch (e) {
      return `${(e as Error).name}: ${(e as { code?: string }).code}`;
    }
  });
  expect(err).toMatch(/ModelNotFound.*MODEL_NOT_FOUND/);
});

test('a local ONNX file loads and a corrupt one is refused by name; a hub id offline fails before any request', async ({ wb, page }, testInfo) => {
  const { writeFileSync, readFileSync } = await import('node:fs');
  await wb.open('#/models');
  await wb.waitReady('page-models');
  await page.getByTestId('local-onnx').setInputFiles('models/runtime-probe/onnx/model.onnx');
  await expect(page.getByTestId('other-model-result')).toContainText('model.onnx: runs on', { timeout: 120_000 });
  await expect(page.getByTestId('other-model-result')).toContainText('x float32 [batch, 16, 64]');

  const corrupt = testInfo.outputPath('truncated.onnx');
  writeFileSync(corrupt, readFileSync('models/runtime-probe/onnx/model.onnx').subarray(0, 5000));
  await page.getByTestId('local-onnx').setInputFiles(corrupt);
  await expect(page.getByTestId('other-model-error')).toContainText('CorruptModelError');

  const html = testInfo.outputPath('page.onnx');
  writeFileSync(html, '<!doctype html><html><body>not a model</body></html>');
  await page.getByTestId('local-onnx').setInputFiles(html);
  await expect(page.getByTestId('other-model-error')).toContainText(/HTML/i);

  await page.getByTestId('load-hub').click();
  await expect(page.getByTestId('other-model-error')).toContainText('RemoteDisabledError');
});
