// The ALIGNBEAM pair card's dtype select reaches the loader in the browser worker (issue #17): a phi3 replica on
// the loopback hub holding only fp16 and q4 files loads the variant chosen (the pair card names the dtype that
// loaded), 'auto' under WASM probes q8 (transformers.js's WASM default) and fp32 before falling back to q4, and an
// absent explicit dtype is DtypeVariantMissingError. Only mechanics: the replica's weights are random.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startLoopbackHub, type LoopbackHub } from '../scripts/loopbackHub';
import { writeReplica } from '../src/core/lm/replicas/writeReplicaNode';
import { expect, test } from './fixtures';

let hub: LoopbackHub;
let dir: string;

test.beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'e2e-alignbeam-dtype-'));
  await writeReplica('phi3', join(dir, 'phi3'), { variants: ['fp16', 'q4'] });
  hub = await startLoopbackHub({ embedded: false, mounts: { 'replicas/phi3': join(dir, 'phi3') } });
});
test.afterAll(async () => {
  await hub?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

test('the pair card dtype picks the hub file: fp16 as asked, auto on WASM falls back to q4, an absent fp32 is refused', async ({ wb, page }) => {
  test.setTimeout(300_000);
  await wb.open('#/alignbeam');
  await wb.waitReady('module-alignbeam');
  await page.getByTestId('backend').selectOption('wasm');
  await page.getByTestId('model-target').fill('replicas/phi3');
  await page.getByTestId('model-target').press('Enter');
  await page.getByTestId('pair-hub-url').fill(hub.url);
  await page.getByTestId('pair-allow-remote').check();
  const info = page.getByTestId('pair-info');
  const loaded = async () => expect(info.or(page.getByTestId('pair-error'))).toBeVisible({ timeout: 120_000 });

  await page.getByTestId('pair-dtype').selectOption('fp16');
  await page.getByTestId('pair-load').click();
  await loaded();
  await expect(info).toContainText(/replicas\/phi3: \d+ tokens, .*fp16 ONNX/);

  hub.clearRequests();
  await page.getByTestId('pair-dtype').selectOption('auto');
  await page.getByTestId('pair-load').click();
  await expect(info).toContainText(/replicas\/phi3: \d+ tokens, .*q4 ONNX/, { timeout: 120_000 });
  expect(hub.requests.filter((r) => r.path.includes('/onnx/')).map((r) => `${r.path.split('/resolve/main/')[1]} ${r.status}`).slice(0, 2))
    .toEqual(['onnx/model_quantized.onnx 404', 'onnx/model.onnx 404']);

  await page.getByTestId('pair-dtype').selectOption('fp32');
  await page.getByTestId('pair-load').click();
  await expect(page.getByTestId('pair-error')).toContainText('DtypeVariantMissingError', { timeout: 120_000 });
});
