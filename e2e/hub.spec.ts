// Hub ids against the loopback hub (scripts/loopbackHub.ts, started in this process): the app's hub URL setting
// points at it, a model loads by hub id (through the hub's LFS redirect), a reload keeps the setting and loads from
// the Cache API with no request to the hub (counted on the hub's side), and each fault the hub can inject shows its
// named error on the Models page; a throttled download moves the progress bar and its Cancel stops it. The Llama 3
// architecture replica (src/core/lm/replicas), whose weights are in onnx/model.onnx_data (ONNX external data),
// loads by hub id with its side file (one progress bar over both, naming the file being read) and runs; without
// that file it is ExternalDataMissingError naming it.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startLoopbackHub, type HubFault, type LoopbackHub } from '../scripts/loopbackHub';
import { writeReplica } from '../src/core/lm/replicas/writeReplicaNode';
import { expect, test, type Workbench } from './fixtures';

let hub: LoopbackHub;
let replicas: string;
test.beforeAll(async () => {
  replicas = await mkdtemp(join(tmpdir(), 'e2e-hub-replicas-'));
  await writeReplica('llama3', join(replicas, 'llama3'), { variants: ['fp32'] }); // fp32 weights in onnx/model.onnx_data
  hub = await startLoopbackHub({ mounts: { 'replicas/llama3': join(replicas, 'llama3') } });
});
test.afterAll(async () => {
  await hub?.close();
  if (replicas) await rm(replicas, { recursive: true, force: true });
});

async function openModels(wb: Workbench) {
  await wb.open('#/models');
  await wb.waitReady('page-models');
  await wb.waitReady('other-models');
}

async function loadByHubId(wb: Workbench, id: string) {
  const { page } = wb;
  await page.getByTestId('hub-id').fill(id);
  await page.getByTestId('allow-remote').check();
  await page.getByTestId('load-hub').click();
}

test('a hub id loads from the loopback hub; a reload keeps the hub URL and reads the Cache API without asking the hub', async ({ wb, page }) => {
  await openModels(wb);
  await expect(page.getByTestId('hub-url')).toHaveValue('https://huggingface.co/'); // the production default
  await page.getByTestId('hub-url').fill(hub.url);
  hub.clearRequests();
  await loadByHubId(wb, 'workbench/target');
  await expect(page.getByTestId('other-model-result')).toContainText('workbench/target: runs on', { timeout: 120_000 });
  // as on huggingface.co, the ONNX file (LFS) is a redirect to a content URL that the browser follows across
  expect(hub.requests.map((r) => `${r.method} ${r.path} ${r.status}`)).toEqual([
    'GET /workbench/target/resolve/main/onnx/model.onnx 302', 'GET /_lfs/workbench/target/onnx/model.onnx 200',
  ]);
  const cached = await page.evaluate(() => window.__workbench!.runtime.cachedFiles());
  expect(cached).toContain(`${hub.url}workbench/target/resolve/main/onnx/model.onnx`); // keyed by the whole URL: host included

  await page.reload();
  await openModels(wb);
  await expect(page.getByTestId('hub-url')).toHaveValue(hub.url);
  expect(await page.evaluate(() => window.__workbench!.shareLink('alignbeam'))).not.toContain(String(hub.port));
  hub.clearRequests();
  await loadByHubId(wb, 'workbench/target');
  await expect(page.getByTestId('other-model-result')).toContainText('workbench/target: runs on', { timeout: 120_000 });
  expect(hub.requests).toEqual([]);
});

test('a replica whose weights are in model.onnx_data (Llama 3) loads by hub id with its side file and runs; without it, the error names the file', async ({ wb, page }) => {
  test.setTimeout(240_000);
  await openModels(wb);
  await page.getByTestId('hub-url').fill(hub.url);
  hub.setFault('replicas/llama3/onnx/model.onnx_data', { kind: 'not-found' });
  await loadByHubId(wb, 'replicas/llama3');
  await expect(page.getByTestId('other-model-error')).toHaveText(/^ExternalDataMissingError: replicas\/llama3\/onnx\/model\.onnx: its weights are in external data file model\.onnx_data \(.*HTTP 404.*\) — Put model\.onnx_data next to the \.onnx file/);
  hub.clearFaults();
  expect((await page.evaluate(() => window.__workbench!.runtime.cachedFiles())).filter((u) => u.startsWith(hub.url))).toEqual([]); // the .onnx went back out

  hub.clearRequests();
  // the side file (≈ 33 MB) throttled to ≈ 4 s: one bar, its label naming the file being read after the .onnx
  hub.setFault('replicas/llama3/onnx/model.onnx_data', { kind: 'slow', bytesPerSecond: 8 << 20 });
  await loadByHubId(wb, 'replicas/llama3');
  await expect(page.getByTestId('hub-progress')).toContainText('downloading from the hub: model.onnx_data (file 2)');
  await expect(page.getByTestId('hub-progress')).toHaveCount(1);
  const line = page.getByTestId('other-model-result');
  await expect(line).toContainText('replicas/llama3: runs on', { timeout: 180_000 });
  hub.clearFaults();
  expect(hub.requests.map((r) => `${r.method} ${r.path} ${r.status}`)).toEqual([
    'GET /replicas/llama3/resolve/main/onnx/model.onnx 302', 'GET /_lfs/replicas/llama3/onnx/model.onnx 200',
    'GET /replicas/llama3/resolve/main/onnx/model.onnx_data 302', 'GET /_lfs/replicas/llama3/onnx/model.onnx_data 200',
  ]);
  // one forward pass of the loaded session (empty KV cache, 4 tokens): next-token logits over Llama 3's vocabulary
  const handle = await line.getAttribute('data-handle');
  const logits = await page.evaluate(async (h) => {
    const { out } = await window.__workbench!.runtime.runSample(h!);
    const data = out.logits.data as Float32Array;
    return { dims: out.logits.dims, finite: data.every(Number.isFinite), spread: Math.max(...data.slice(0, 1000)) - Math.min(...data.slice(0, 1000)) };
  }, handle);
  expect(logits.dims).toEqual([1, 4, 128256]);
  expect(logits.finite).toBe(true);
  expect(logits.spread).toBeGreaterThan(0);
});

const FAULTS: { name: string; id: string; fault: HubFault; shows: RegExp }[] = [
  { name: '404', id: 'workbench/anchor', fault: { kind: 'not-found' }, shows: /ModelNotFoundError: Model file not found: .*workbench\/anchor\/resolve\/main\/onnx\/model\.onnx \(HTTP 404\)/ },
  { name: 'an HTML page', id: 'workbench/anchor-same', fault: { kind: 'html' }, shows: /ModelNotFoundError: .*HTML page/ },
  { name: 'a truncated file', id: 'workbench/judge', fault: { kind: 'truncate', fraction: 0.4 }, shows: /CorruptModelError: .*got \d+ of \d+ bytes/ },
  { name: 'a server error', id: 'workbench/anchor', fault: { kind: 'status', status: 500 }, shows: /ModelFetchError: .*HTTP 500/ },
];

test('each hub fault shows its named error and leaves nothing in the cache', async ({ wb, page }) => {
  await openModels(wb);
  await page.getByTestId('hub-url').fill(hub.url);
  for (const f of FAULTS) {
    await test.step(f.name, async () => {
      hub.clearFaults();
      hub.setFault(f.id, f.fault);
      hub.clearRequests();
      await loadByHubId(wb, f.id);
      await expect(page.getByTestId('other-model-error')).toHaveText(f.shows);
      expect(hub.requests.flatMap((r) => (r.fault ? [r.fault] : []))).toEqual([f.fault.kind]);
    });
  }
  hub.clearFaults();
  const cached = await page.evaluate(() => window.__workbench!.runtime.cachedFiles());
  expect(cached.filter((u) => u.startsWith(hub.url))).toEqual([]);
});

test('a throttled download moves the progress bar, and Cancel stops it with CancelledError', async ({ wb, page }) => {
  await openModels(wb);
  await page.getByTestId('hub-url').fill(hub.url);
  hub.setFault('workbench/anchor/onnx/model.onnx', { kind: 'slow', bytesPerSecond: 200 * 1024 }); // ≈ 10 s for 2 MB
  await loadByHubId(wb, 'workbench/anchor');
  const bar = page.getByTestId('hub-progress');
  await expect(bar).toBeVisible();
  const seen = new Set<number>();
  await expect.poll(async () => { seen.add(Number(await bar.getAttribute('data-percent'))); return seen.size; }, { timeout: 20_000 }).toBeGreaterThanOrEqual(3);
  expect(Math.max(...seen)).toBeLessThan(100);
  await page.getByTestId('hub-progress-cancel').click();
  await expect(page.getByTestId('other-model-error')).toContainText('CancelledError');
  await expect(bar).toBeHidden();
  hub.clearFaults();
  const cached = await page.evaluate(() => window.__workbench!.runtime.cachedFiles());
  expect(cached.filter((u) => u.includes('workbench/anchor/'))).toEqual([]);
});
