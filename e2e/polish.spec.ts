// The small things a user sees: a model load logs no console errors (ORT's EP-assignment notice is not an error),
// ORT comes once from /ort/, layout does not break out of its grid, text stays readable, and share links that
// cannot be made or read say why.
import type { ConsoleMessage, Page } from '@playwright/test';
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
