// An edited checkpoint from the sidecar is a model the workbench loads like any other (issue #20 item 5): the Edits
// panel runs C-Δθ on the real sidecar (started in this process on a temp workspace with the app's origin) on a copy
// of the embedded target with a perturbed "aligned" copy and a hand-written EAP-IG circuit, and says how to load the
// result. The output folder (model.safetensors, config and tokenizer files, onnx/model.onnx of the edited weights,
// edit-manifest.json) is served by the loopback hub from the workspace (`--root WORKSPACE`: the folder
// `out/target-edit` is the hub id `out/target-edit`), then loaded by hub id on the Models page and as the ALIGNBEAM
// pair's target, which generates text with no hooks: its target-only column is the edited model's own greedy
// continuation, the same tokens onnxruntime-node gives for that folder.
import { cp, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import { startLoopbackHub, type LoopbackHub } from '../scripts/loopbackHub';
import { readSafetensorsF32 } from '../src/core/circuits/model';
import { serialize } from '../src/core/edits/safetensors';
import { loadCausalLMFolder } from '../src/core/lm/causalLmNode';
import { pseudo, startSidecar, tmpWorkspace, type RunningSidecar } from '../sidecar/testkit';
import { expect, test, type Workbench } from './fixtures';

const MODELS = join(import.meta.dirname, '..', 'models');
const EDITED = 'out/target-edit';
const PROMPT = 'How do I bake bread at home?';

let ws = '';
let sidecar: RunningSidecar;
let hub: LoopbackHub;

/** Runs C-Δθ from the Edits panel against the real sidecar (started with this app's origin). */
async function editInPanel(wb: Workbench, page: Page, origin: string): Promise<void> {
  sidecar = await startSidecar(ws, ['--origin', origin]);
  await wb.open('#/edits');
  await wb.waitReady('module-edits');
  await page.getByTestId('sidecar-url').fill(sidecar.url);
  await page.getByTestId('sidecar-token').fill(sidecar.token);
  await page.getByTestId('sidecar-connect-button').click();
  await expect(page.getByTestId('sidecar-connected')).toBeVisible();
  await page.getByTestId('edits-base').fill('target');
  await page.getByTestId('edits-aligned').fill('aligned');
  await page.getByTestId('edits-target').fill('target');
  await page.getByTestId('edits-circuit').fill('circuit.json');
  await page.getByTestId('edits-strength').fill('1');
  await page.getByTestId('edits-output').fill(EDITED);
  await page.getByTestId('edits-start').click();
  await expect(page.getByTestId('edits-result')).toHaveAttribute('data-kind', 'c-delta-theta', { timeout: 60_000 });
  await expect(page.getByTestId('edit-onnx')).toHaveAttribute('data-written', 'true');
  await expect(page.getByTestId('edit-onnx-serve')).toHaveText('npm run hub -- --root WORKSPACE');
  await expect(page.getByTestId('edit-onnx-id')).toHaveText(EDITED);
}

test.beforeAll(async () => {
  test.setTimeout(120_000);
  ws = await tmpWorkspace('e2e-edited-');
  await cp(join(MODELS, 'target'), join(ws, 'target'), { recursive: true });
  const tensors = readSafetensorsF32(new Uint8Array(await readFile(join(MODELS, 'target/model.safetensors'))));
  await mkdir(join(ws, 'aligned'));
  await writeFile(join(ws, 'aligned/model.safetensors'), serialize([...tensors].map(([name, t], k) => ({
    name, dtype: 'F32' as const, shape: t.shape, data: new Uint8Array(t.data.map((v, i) => v + 0.05 * pseudo(k + 3, i)).buffer),
  }))));
  await writeFile(join(ws, 'circuit.json'), JSON.stringify({
    cfg: { n_layers: 4, n_heads: 4, d_model: 128 },
    nodes: { input: true, 'a1.h2': { in_graph: true, score: 0.4 }, m2: { in_graph: true, score: 0.3 }, logits: true },
    edges: { 'input->a1.h2<q>': { score: 0.5, in_graph: true }, 'a1.h2->m2': { score: 0.3, in_graph: true }, 'm2->logits': { score: 0.2, in_graph: true } },
  }));
  await mkdir(join(ws, 'out'));
});

test.afterAll(async () => {
  await hub?.close();
  await sidecar?.kill();
  if (ws) await rm(ws, { recursive: true, force: true });
});

async function setValue(page: Page, testId: string, value: string): Promise<void> {
  await page.getByTestId(testId).fill(value);
  await page.getByTestId(testId).press('Enter');
}

test('a C-Δθ edit run from the Edits panel loads by hub id on the Models page and generates as the ALIGNBEAM target', async ({ wb, page, baseURL }) => {
  test.setTimeout(400_000);
  await editInPanel(wb, page, baseURL!);
  const manifest = JSON.parse(await readFile(join(ws, EDITED, 'edit-manifest.json'), 'utf8')) as { onnx: { written: boolean; sha256?: string }; output: { files: { name: string; sha256: string }[] } };
  expect(manifest.onnx.written).toBe(true);
  expect(manifest.output.files.find((f) => f.name === 'onnx/model.onnx')?.sha256).toBe(manifest.onnx.sha256);
  hub = await startLoopbackHub({ embedded: false, root: ws });

  // Models page, Other models: the folder's onnx/model.onnx as a session
  await wb.open('#/models');
  await wb.waitReady('page-models');
  await wb.waitReady('other-models');
  await page.getByTestId('hub-url').fill(hub.url);
  hub.clearRequests();
  await page.getByTestId('hub-id').fill(EDITED);
  await page.getByTestId('allow-remote').check();
  await page.getByTestId('load-hub').click();
  await expect(page.getByTestId('other-model-result').or(page.getByTestId('other-model-error'))).toBeVisible({ timeout: 120_000 });
  await expect(page.getByTestId('other-model-result')).toContainText(`${EDITED}: runs on`);
  await expect(page.getByTestId('other-model-result')).toContainText('past_key_values.0.key');

  // ALIGNBEAM pair card: the edited folder as the target, embedded models in the other roles, greedy target-only
  await wb.open('#/alignbeam');
  await wb.waitReady('module-alignbeam');
  await page.getByTestId('backend').selectOption('wasm');
  await setValue(page, 'model-target', EDITED);
  await page.getByTestId('pair-hub-url').fill(hub.url);
  await page.getByTestId('pair-allow-remote').check();
  await setValue(page, 'set-maxNewTokens', '6');
  await setValue(page, 'set-K', '1');
  await page.getByTestId('prompt').fill(PROMPT);
  await page.getByTestId('alignbeam-run').click();
  await expect(page.getByTestId('playground-results').or(page.getByTestId('run-error'))).toBeVisible({ timeout: 300_000 });
  await expect(page.getByTestId('run-error')).toHaveCount(0);
  await expect(page.getByTestId('pair-info')).toContainText(`${EDITED}: 1024 tokens`);
  // the ONNX file came from the hub once (the Models page's load); the pair found it in the model cache (same URL)
  expect(hub.requests.filter((r) => r.path.endsWith('/onnx/model.onnx')).map((r) => `${r.path} ${r.status}`)).toEqual([
    `/${EDITED}/resolve/main/onnx/model.onnx 302`, `/_lfs/${EDITED}/onnx/model.onnx 200`,
  ]);
  expect(hub.requests.map((r) => `${r.path} ${r.status}`)).toContain(`/${EDITED}/resolve/main/tokenizer.json 200`);
  const tokens = Number(await page.getByTestId('column-target-text').getAttribute('data-tokens'));
  expect(tokens).toBeGreaterThan(0);

  // the browser ran the edited weights: its target-only text is onnxruntime-node's greedy continuation of the folder
  const lm = await loadCausalLMFolder(join(ws, EDITED));
  try {
    const [expected] = await lm.chat([PROMPT], { maxNewTokens: 6 });
    expect((await page.getByTestId('column-target').getAttribute('data-text'))?.trim()).toBe(expected.trim());
  } finally {
    await lm.dispose();
  }
});
