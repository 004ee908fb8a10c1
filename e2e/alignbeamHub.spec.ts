// ALIGNBEAM on real vocabularies in the browser (issue #17): architecture replicas (random weights, the real Qwen 3
// and Llama 3 tokenizers and export contracts; written here, served by the loopback hub started in this process)
// loaded by hub id through the pair card's "allow remote downloads" box and hub URL, then a few playground tokens,
// the Bridge tab's report over the real vocabularies, and the smallest sweep in the Sweep tab.
// Offline (box unticked) the same ids give RemoteDisabledError. Only mechanics: the models are random.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import { startLoopbackHub, type LoopbackHub } from '../scripts/loopbackHub';
import { writeReplica } from '../src/core/lm/replicas/writeReplicaNode';
import { expect, test } from './fixtures';

let hub: LoopbackHub;
let dir: string;
const IDS = { target: 'replicas/qwen3', anchor: 'replicas/llama3', anchorSame: 'replicas/qwen2', judge: 'replicas/qwen3' } as const;

test.beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'e2e-alignbeam-hub-'));
  const mounts: Record<string, string> = {};
  for (const id of ['qwen3', 'llama3', 'qwen2']) {
    await writeReplica(id, join(dir, id), { variants: ['fp32'] });
    mounts[`replicas/${id}`] = join(dir, id);
  }
  hub = await startLoopbackHub({ embedded: false, mounts });
});
test.afterAll(async () => {
  await hub?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

async function setModel(page: Page, testId: string, value: string): Promise<void> {
  await page.getByTestId(testId).fill(value);
  await page.getByTestId(testId).press('Enter');
}

test('a replica pair (qwen3 target, llama3 anchor) by hub id from the loopback hub runs the playground, the bridge report and a sweep', async ({ wb, page }) => {
  test.setTimeout(600_000);
  await wb.open('#/alignbeam');
  await wb.waitReady('module-alignbeam');
  await page.getByTestId('backend').selectOption('wasm');
  for (const [role, id] of Object.entries(IDS)) await setModel(page, `model-${role}`, id);
  await page.getByTestId('set-maxNewTokens').fill('3');
  await page.getByTestId('set-maxNewTokens').press('Enter');
  await page.getByTestId('set-K').fill('2');
  await page.getByTestId('set-K').press('Enter');
  await page.getByTestId('pair-hub-url').fill(hub.url);

  // offline: refused before any request
  await page.getByTestId('pair-load').click();
  await expect(page.getByTestId('pair-error')).toContainText('RemoteDisabledError', { timeout: 60_000 });
  expect(hub.requests).toEqual([]);

  await page.getByTestId('pair-allow-remote').check();
  await page.getByTestId('prompt').fill('How do I bake bread?');
  await page.getByTestId('alignbeam-run').click();
  await expect(page.getByTestId('playground-results').or(page.getByTestId('run-error'))).toBeVisible({ timeout: 360_000 });
  await expect(page.getByTestId('run-error')).toHaveCount(0);
  await expect(page.getByTestId('pair-info')).toContainText('replicas/qwen3: 151669 tokens, byte-level');
  await expect(page.getByTestId('pair-info')).toContainText('replicas/llama3: 128256 tokens, byte-level');
  await expect(page.getByTestId('pair-vocab')).toContainText('Different vocabularies');
  expect(hub.requests.map((r) => `${r.path} ${r.status}`)).toContain('/replicas/llama3/resolve/main/onnx/model.onnx_data 302');
  for (const col of ['column-target', 'column-alignbeam']) {
    expect(Number(await page.getByTestId(`${col}-text`).getAttribute('data-tokens'))).toBeGreaterThan(0);
  }
  // the Bridge tab on the same pair: the text bridge over the real vocabularies (the anchor's answer measured too)
  await page.getByTestId('tab-bridge').click();
  await page.getByTestId('alignbeam-run').click();
  await expect(page.getByTestId('bridge-results').or(page.getByTestId('run-error'))).toBeVisible({ timeout: 300_000 });
  await expect(page.getByTestId('run-error')).toHaveCount(0);
  await expect(page.getByTestId('bridge-results')).toContainText('anchor (128256 tokens) → target (151669 tokens)');
  // the Sweep tab on the same pair: the smallest run (2 α × 1 K, one suite, 1 item, no extra baselines); the loaded
  // models are reused, so nothing is downloaded again
  const downloads = hub.requests.length;
  await page.getByTestId('tab-sweep').click();
  await page.getByTestId('grid-alpha').fill('0, 0.8');
  await page.getByTestId('grid-alpha').press('Enter');
  await page.getByTestId('grid-K').fill('1');
  await page.getByTestId('grid-K').press('Enter');
  await page.getByTestId('grid-m').fill('0');
  await page.getByTestId('grid-m').press('Enter');
  await page.getByTestId('suite-harmful').check();
  for (const s of ['benign', 'edgy', 'tasks']) await page.getByTestId(`suite-${s}`).uncheck();
  for (const b of ['target-safety-prompt', 'anchor-only', 'alignbeam-same']) await page.getByTestId(`baseline-${b}`).uncheck();
  await setModel(page, 'sweep-limit', '1');
  await expect(page.getByTestId('grid-size')).toContainText('2 settings');
  await page.getByTestId('alignbeam-run').click();
  await expect(page.getByTestId('sweep-results').or(page.getByTestId('run-error'))).toBeVisible({ timeout: 300_000 });
  await expect(page.getByTestId('run-error')).toHaveCount(0);
  await expect(page.getByTestId('sweep-results')).toHaveAttribute('data-cancelled', 'false');
  const labels = await page.getByTestId('sweep-table').locator('tbody tr td:first-child').allTextContents();
  expect(labels).toEqual(['target only', 'ALIGNBEAM α 0 · K 1 · m all', 'ALIGNBEAM α 0.8 · K 1 · m all']);
  await expect(page.getByTestId('sweep-table')).toHaveAttribute('data-digest', /^[0-9a-f]{64}$/);
  expect(hub.requests.slice(downloads).filter((r) => r.path.includes('/resolve/'))).toEqual([]);
  // the hub URL is remembered in this browser, never put in a link
  expect(await page.evaluate(() => window.__workbench!.shareLink('alignbeam'))).not.toContain(String(hub.port));
});
