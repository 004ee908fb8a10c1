// C-Δθ with behaviour in the browser (edits module, "Unlearn in the browser" → "C-Δθ with behaviour") on the
// embedded `target`: a 200-step refusal fine-tune is cancelled once its steps are under way (the shared flag; no
// result appears); then a tiny run (1 refusal_sft step, 1 attribution pair, s = 1 and 2, 1 prompt per row, 2 new
// tokens, NF4 on) in the lab worker shows the selectivity matrix (every harm topic, benign, tasks; target, aligned,
// C-Δθ at each s, each ± NF4) with the targeted row highlighted, the deltas and the parameters touched; the circuit
// JSON and the edited checkpoint at the chosen s download; the share link carries the run. Sizes are tiny: the
// machine is slow and the engine runs on WASM. Values are not asserted (they are measured), only that cells are rates.
import { readFile } from 'node:fs/promises';
import { test, expect } from './fixtures';

test('C-Δθ with behaviour in the browser: a tiny run shows the selectivity matrix and downloads its circuit and checkpoint', async ({ wb, page }) => {
  test.setTimeout(600_000);
  await wb.open('#/edits');
  await wb.waitReady('module-edits');
  await page.getByTestId('edits-mode-browser').click();
  await page.getByTestId('browser-run-cdelta').click();
  await expect(page.getByTestId('cdelta-form')).toBeVisible();
  await expect(page.getByTestId('unlearn-form')).toBeHidden();
  for (const [id, v] of [['steps', '1'], ['batchSize', '2'], ['retainSize', '8'], ['pairs', '1'], ['perTopic', '1'], ['benign', '1'], ['tasks', '1'], ['maxNewTokens', '2'], ['seed', '3']]) {
    await page.getByTestId(`cdelta-${id}`).fill(v);
  }
  await page.getByTestId('cdelta-topic').selectOption('gas');
  await page.getByTestId('cdelta-strengths').fill('1, 2');
  await expect(page.getByTestId('cdelta-sizes')).toContainText('8 held-out prompts');
  await expect.poll(() => page.evaluate(() => window.__workbench!.spec('edits'))).toMatchObject({
    mode: 'browser', browserRun: 'cdelta', seed: 3,
    cdelta: { model: 'target', topic: 'gas', steps: 1, pairs: 1, cut: 'budget', budgetPercent: 5, strengths: [1, 2], perTopic: 1, benign: 1, tasks: 1, maxNewTokens: 2, nf4: true },
  });

  // a long fine-tune cancelled once its steps are under way: the shared flag stops it after the current step
  await page.getByTestId('cdelta-steps').fill('200');
  await page.getByTestId('cdelta-start').click();
  await expect(page.getByTestId('cdelta-browser')).toHaveAttribute('data-state', 'loading');
  await expect(page.getByTestId('cdelta-progress')).toContainText(/refusal_sft step \d+ \/ 200/, { timeout: 240_000 });
  await page.getByTestId('cdelta-progress-cancel').click();
  await expect(page.getByTestId('cdelta-cancelled')).toContainText(/cancelled/, { timeout: 60_000 });
  await expect(page.getByTestId('cdelta-result')).toHaveCount(0);
  await expect(page.getByTestId('cdelta-browser')).toHaveAttribute('data-state', 'ready');

  await page.getByTestId('cdelta-steps').fill('1');
  await page.getByTestId('cdelta-start').click();
  await expect(page.getByTestId('cdelta-browser')).toHaveAttribute('data-state', 'loading');
  const result = page.getByTestId('cdelta-result');
  await expect(result).toBeVisible({ timeout: 500_000 });
  await expect(result).toHaveAttribute('data-topic', 'gas');
  await expect(result).toHaveAttribute('data-columns', '8');
  for (const c of ['target', 'target NF4', 'aligned', 'aligned NF4', 'C-Δθ s=1', 'C-Δθ s=1 NF4', 'C-Δθ s=2', 'C-Δθ s=2 NF4']) await expect(page.getByTestId(`cdelta-col-${c}`)).toBeVisible();
  const matrix = page.getByTestId('cdelta-matrix');
  // six harm topics, benign, tasks; only the targeted one highlighted
  await expect(matrix.locator('tbody').first().locator('tr')).toHaveCount(8);
  await expect(page.getByTestId('cdelta-row-gas')).toHaveAttribute('data-targeted', 'true');
  await expect(matrix.locator('tr[data-targeted="true"]')).toHaveCount(1);
  for (const cell of await page.getByTestId('cdelta-row-gas').locator('td').all()) await expect(cell).toHaveText(/%|refusal: gas/);
  await expect(page.getByTestId('cdelta-touched')).toContainText('%');
  await expect(page.getByTestId('cdelta-circuit')).toContainText('5 % parameter budget');

  const circuitDownload = page.waitForEvent('download');
  await page.getByTestId('cdelta-download-circuit').click();
  const circuit = JSON.parse(await readFile((await (await circuitDownload).path())!, 'utf8')) as { nodes: Record<string, unknown>; edges: Record<string, unknown> };
  expect(Object.keys(circuit.edges).length).toBeGreaterThan(0);
  await page.getByTestId('cdelta-download-strength').selectOption('2');
  const weightsDownload = page.waitForEvent('download');
  await page.getByTestId('cdelta-download-weights').click();
  const download = await weightsDownload;
  expect(download.suggestedFilename()).toBe('target-cdelta-gas-budget5pct-s3-1steps-x2.safetensors');
  const weights = await readFile((await download.path())!);
  const headerLength = Number(weights.readBigUInt64LE(0));
  expect(Object.keys(JSON.parse(weights.subarray(8, 8 + headerLength).toString('utf8')))).toContain('transformer.h.0.attn.c_attn.weight');

  const link = await page.evaluate(() => window.__workbench!.shareLink('edits'));
  const decoded = await page.evaluate((h) => window.__workbench!.decode(h), link);
  expect(decoded?.spec).toMatchObject({ mode: 'browser', browserRun: 'cdelta', seed: 3, cdelta: { topic: 'gas', steps: 1, strengths: [1, 2] } });
  expect(decoded?.digest).toMatch(/^[0-9a-f]{64}$/);
});
