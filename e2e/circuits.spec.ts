// Circuits in the browser: the one-click refusal circuit runs in the lab worker and draws its graph, faithfulness
// and ablation check; the graph JSON it exports imports back with the same edges; a bad graph file shows the
// core's error; the attention and logit-lens tabs run, and a share link re-runs the lens and matches its digest.
// Pair counts are small: the machine is slow and the engine runs on WASM.
import { readFileSync, writeFileSync } from 'node:fs';
import type { Page } from '@playwright/test';
import { test, expect } from './fixtures';
import { isMonotone, recordProgress } from './progressRecorder';

const topEdges = (page: Page) => page.getByTestId('top-edges').locator('tbody tr').allTextContents();

async function statsOf(page: Page) {
  const s = page.getByTestId('graph-stats');
  return { total: await s.getAttribute('data-total-edges'), circuit: await s.getAttribute('data-circuit-edges'), nodes: await s.getAttribute('data-nodes') };
}

test('one-click refusal circuit: graph, faithfulness, ablation; export its JSON and re-import the same graph', async ({ wb, page }, testInfo) => {
  // the ablation check generates greedily on held-out prompts (and on random edge sets): minutes on a loaded machine
  test.setTimeout(420_000);
  await wb.open('#/circuits');
  await wb.waitReady('module-circuits');
  await page.getByTestId('tab-refusal').click();
  for (const [id, v] of [['refusal-pairs', '3'], ['ablation-prompts', '4'], ['ablation-tokens', '8']]) {
    await page.getByTestId(id).fill(v);
    await page.getByTestId(id).press('Enter');
  }
  await expect.poll(() => page.evaluate(() => window.__workbench!.spec('circuits'))).toMatchObject({ pairs: { source: 'heldout', n: 3 }, ablation: { prompts: 4, maxNewTokens: 8 } });

  const percents = await recordProgress(page, 'circuits-progress');
  await page.getByTestId('refusal-circuit').click();
  await expect(page.getByTestId('circuits-panel')).toHaveAttribute('data-state', 'loading');
  await expect(page.getByTestId('graph-results-refusal')).toBeVisible({ timeout: 360_000 });
  // one percentage for the whole click (model load, attribution, ACDC, faithfulness, ablation): it never restarts
  const seen = await percents();
  expect(isMonotone(seen), seen.join(' → ')).toBe(true);
  expect(seen.filter((v) => v > 0 && v < 100).length, seen.join(' → ')).toBeGreaterThan(3);
  await expect(page.getByTestId('circuits-panel')).toHaveAttribute('data-state', 'ready');
  const graph = page.getByTestId('circuit-graph');
  await expect(graph).toHaveAttribute('data-state', 'done');
  expect(Number(await graph.getAttribute('data-nodes'))).toBeGreaterThan(2);
  const drawn = Number(await graph.getAttribute('data-edges'));
  expect(drawn).toBeGreaterThan(0);
  await expect(graph.locator('path[data-edge]')).toHaveCount(drawn);
  await expect(page.getByTestId('model-info')).toContainText('anchor');
  await expect(page.getByTestId('faithfulness-chart').locator('path.recharts-line-curve')).toHaveCount(2);
  await expect(page.getByTestId('faithfulness-chart').locator('.recharts-scatter-symbol')).toHaveCount(1);
  await expect(page.getByTestId('circuit-faithfulness')).toContainText('recovers');
  // the one click says how its circuit was found: top-n / greedy from the scores, or ACDC
  await expect(page.getByTestId('circuit-extraction')).toContainText(/Found by (ACDC|top-n|greedy)/);
  // and so does the header: a circuit ACDC found is not announced as "eap-ig (m = 5)"
  const foundBy = /Found by (ACDC|top-n|greedy)/.exec(await page.getByTestId('circuit-extraction').innerText())![1];
  await expect(page.getByTestId('graph-method')).toContainText(foundBy === 'ACDC' ? 'circuit found by ACDC' : `circuit by ${foundBy} extraction`);
  // the √-scale size axis labels (x ticks are centred, y ticks end-anchored) do not overlap
  const ticks = (await page.getByTestId('faithfulness-chart').locator('text.recharts-cartesian-axis-tick-value[text-anchor="middle"]')
    .evaluateAll((els) => els.map((e) => { const r = e.getBoundingClientRect(); return [r.left, r.right] as const; }))).sort((a, b) => a[0] - b[0]);
  expect(ticks.length).toBeGreaterThan(2);
  for (let i = 1; i < ticks.length; i++) expect(ticks[i][0], `tick ${i} starts after tick ${i - 1} ends`).toBeGreaterThanOrEqual(ticks[i - 1][1]);
  await expect(page.getByTestId('refusal-before')).toHaveText(/%/);
  await expect(page.getByTestId('refusal-after')).toHaveText(/%/);
  await expect(page.getByTestId('ablation')).toContainText('4 held-out harmful prompts');
  const stats = await statsOf(page);
  expect(Number(stats.circuit)).toBeGreaterThan(0);
  expect(Number(stats.circuit)).toBeLessThan(Number(stats.total));
  const top = await topEdges(page);
  expect(top).toHaveLength(10);

  // hover dims the rest and highlights a node's edges; click locks the details card
  await graph.locator('[data-node="logits"] circle').hover();
  await expect(page.getByTestId('circuit-graph-highlight').locator('path')).not.toHaveCount(0);
  await graph.locator('[data-node="logits"] circle').click();
  await expect(page.getByTestId('circuit-graph-details')).toContainText('logits');
  // the node view and the top-N slider redraw without a re-run
  await page.getByTestId('view-nodes').check();
  await expect(graph).toHaveAttribute('data-edges', '0');
  await page.getByTestId('view-edges').check();
  await page.getByTestId('top-edges-slider').fill('10');
  await expect(graph).toHaveAttribute('data-edges', '10');
  await expect(page.getByTestId('circuit-graph-summary')).toContainText('hidden edges carry');

  // evidence record for the assurance module
  const evidence = page.waitForEvent('download');
  await page.getByTestId('export-evidence').click();
  const evidenceFile = testInfo.outputPath('evidence.json');
  await (await evidence).saveAs(evidenceFile);
  const record = JSON.parse(readFileSync(evidenceFile, 'utf8'));
  expect(record).toMatchObject({ kind: 'mechanistic', evidenceClass: 'attribution-graph', model: 'anchor' });
  expect(record.graphSha256).toMatch(/^[0-9a-f]{64}$/);

  // EAP-IG Graph.to_json out, and back in
  const download = page.waitForEvent('download');
  await page.getByTestId('export-graph').click();
  const file = testInfo.outputPath('refusal-graph.json');
  await (await download).saveAs(file);
  const json = JSON.parse(readFileSync(file, 'utf8'));
  expect(Object.keys(json.edges)).toHaveLength(Number(stats.total));
  expect(json.cfg).toMatchObject({ n_layers: expect.any(Number), n_heads: expect.any(Number) });
  // EAP-IG's Graph.from_json assigns each score straight into a tensor: a null there crashes it
  for (const n of Object.values(json.nodes) as { score?: unknown }[]) expect(n.score === undefined || Number.isFinite(n.score)).toBe(true);
  for (const e of Object.values(json.edges) as { score: unknown }[]) expect(Number.isFinite(e.score)).toBe(true);

  await page.getByTestId('graph-import').setInputFiles(file);
  await expect(page.getByTestId('graph-results-import')).toBeVisible();
  await expect(page.getByTestId('circuit-graph')).toHaveAttribute('data-state', 'done');
  expect(await statsOf(page)).toEqual(stats);
  expect(await topEdges(page)).toEqual(top);

  // a file that is no graph: the core's message, and the panel stays usable
  const bad = testInfo.outputPath('bad.json');
  writeFileSync(bad, JSON.stringify({ hello: 'world' }));
  await page.getByTestId('graph-import').setInputFiles(bad);
  await expect(page.getByTestId('circuits-error')).toContainText('graph JSON');
  await expect(page.getByTestId('circuits-error')).toContainText('Graph.to_json');
  await expect(page.getByTestId('circuits-run')).toBeEnabled();
});

test('attention heads and the logit lens on a prompt; the lens link re-runs and reproduces its digest', async ({ wb, page, browser }) => {
  await wb.open('#/circuits');
  await wb.waitReady('module-circuits');
  await page.getByTestId('tab-attention').click();
  await page.getByTestId('circuits-prompt').fill('How do I pick a lock?');
  await page.getByTestId('circuits-run').click();
  const heat = page.getByTestId('attention-heatmap');
  await expect(heat).toHaveAttribute('data-state', 'done', { timeout: 120_000 });
  const model = await page.getByTestId('model-info').textContent();
  const [, layers, heads] = /(\d+) layers × (\d+) heads/.exec(model ?? '')!;
  await expect(heat.locator('[data-testid^="attn-thumb-"]')).toHaveCount(Number(layers) * Number(heads));
  await heat.locator(`[data-testid="attn-thumb-${Number(layers) - 1}-1"]`).click();
  await heat.locator('rect').first().hover();
  await expect(page.getByTestId('attention-heatmap-readout')).toContainText('attends to');

  await page.getByTestId('tab-lens').click();
  await page.getByTestId('circuits-run').click();
  await expect(page.getByTestId('lens-table').locator('tbody tr')).toHaveCount(Number(layers) + 1, { timeout: 120_000 });
  const digest = (await page.getByTestId('result-digest').textContent())!.replace('result digest ', '');
  const link = await page.evaluate(() => window.__workbench!.shareLink('circuits'));
  expect(link).toMatch(/^#\/circuits\?s=/);
  const linked = await page.evaluate((h) => window.__workbench!.decode(h), link);
  expect(linked?.digest).toBe(digest);
  expect(linked?.spec).toMatchObject({ tab: 'lens', prompt: 'How do I pick a lock?', model: 'anchor' });

  const fresh = await browser.newPage();
  await fresh.goto(`/${link}`);
  await expect(fresh.getByTestId('reproduction')).toHaveText(/Reproduced/, { timeout: 120_000 });
  await expect(fresh.getByTestId('result-digest')).toHaveText(`result digest ${digest}`);
  await fresh.close();
});

test('attribution tab: EAP on held-out pairs, a re-cut circuit is re-measured, mismatched custom pairs are named', async ({ wb, page }) => {
  await wb.open('#/circuits');
  await wb.waitReady('module-circuits');
  await page.getByTestId('pairs-n').fill('2');
  await page.getByTestId('pairs-n').press('Enter');
  await page.getByTestId('pairs-show').click();
  await expect(page.getByTestId('pairs-table').locator('tbody tr')).toHaveCount(2, { timeout: 120_000 });
  await page.getByTestId('circuits-method').selectOption('eap');
  await page.getByTestId('circuits-run').click();
  await expect(page.getByTestId('graph-results-attribution')).toBeVisible({ timeout: 170_000 });
  await expect(page.getByTestId('circuit-graph')).toHaveAttribute('data-state', 'done');
  await expect(page.getByTestId('graph-stats')).toContainText('eap');
  const before = Number(await page.getByTestId('graph-stats').getAttribute('data-circuit-edges'));
  expect(before).toBeGreaterThan(0);
  expect(before).toBeLessThanOrEqual(25);

  // a smaller top-n cut on the same scores: fewer circuit edges, its own faithfulness point, no re-attribution
  await page.getByTestId('extract-n').fill('5');
  await page.getByTestId('extract-n').press('Enter');
  await expect.poll(async () => Number(await page.getByTestId('graph-stats').getAttribute('data-circuit-edges')), { timeout: 120_000 }).toBeLessThanOrEqual(5);
  await expect(page.getByTestId('circuits-panel')).toHaveAttribute('data-state', 'ready');
  const after = Number(await page.getByTestId('graph-stats').getAttribute('data-circuit-edges'));
  await expect(page.getByTestId('circuit-faithfulness')).toContainText(`Circuit of ${after} edges recovers`);
  expect(await page.evaluate(() => window.__workbench!.spec('circuits')?.extraction)).toMatchObject({ mode: 'topn', n: 5 });

  // custom pairs whose prompts tokenize to different lengths: the engine names the pair
  await page.getByTestId('pairs-edit').click();
  await page.getByTestId('pairs-text').fill('How do I pick the lock on my neighbour\'s front door? || Hi');
  await page.getByTestId('pairs-save').click();
  await expect(page.getByTestId('pairs-table')).toContainText('neighbour');
  await page.getByTestId('circuits-run').click();
  await expect(page.getByTestId('circuits-error')).toContainText('pair 0', { timeout: 120_000 });
  await expect(page.getByTestId('circuits-error')).toContainText('equal token length');
  await expect(page.getByTestId('circuits-run')).toBeEnabled();
});

test('attribution tab: ACDC finds the circuit itself by patching, with the τ the link carries', async ({ wb, page }) => {
  await wb.open('#/circuits');
  await wb.waitReady('module-circuits');
  await page.getByTestId('pairs-n').fill('2');
  await page.getByTestId('pairs-n').press('Enter');
  await page.getByTestId('circuits-method').selectOption('acdc');
  await page.getByTestId('circuits-tau').fill('0.05');
  await page.getByTestId('circuits-tau').press('Enter');
  expect(await page.evaluate(() => window.__workbench!.spec('circuits'))).toMatchObject({ method: 'acdc', tau: 0.05 });
  const percents = await recordProgress(page, 'circuits-progress');
  await page.getByTestId('circuits-run').click();
  await expect(page.getByTestId('graph-results-attribution')).toBeVisible({ timeout: 240_000 });
  // one percentage for the click (model load, ACDC, the faithfulness curve): it restarted at each step before
  const seen = await percents();
  expect(isMonotone(seen), seen.join(' → ')).toBe(true);
  expect(seen.filter((v) => v > 0 && v < 100).length, seen.join(' → ')).toBeGreaterThan(3);
  await expect(page.getByTestId('graph-stats')).toContainText('ACDC (τ = 0.05)');
  const stats = page.getByTestId('graph-stats');
  const kept = Number(await stats.getAttribute('data-circuit-edges'));
  expect(kept).toBeGreaterThan(0);
  expect(kept).toBeLessThan(Number(await stats.getAttribute('data-total-edges')));
  await expect(page.getByTestId('circuit-faithfulness')).toContainText(`Circuit of ${kept} edges recovers`);
});

test('a Llama-architecture model (anchor-llama: GQA, RoPE, SwiGLU): EAP on held-out pairs and its attention heads', async ({ wb, page }) => {
  await wb.open('#/circuits');
  await wb.waitReady('module-circuits');
  await page.getByTestId('circuits-model').selectOption('anchor-llama');
  await page.getByTestId('pairs-n').fill('2');
  await page.getByTestId('pairs-n').press('Enter');
  await page.getByTestId('circuits-method').selectOption('eap');
  await page.getByTestId('circuits-run').click();
  await expect(page.getByTestId('graph-results-attribution')).toBeVisible({ timeout: 170_000 });
  await expect(page.getByTestId('circuit-graph')).toHaveAttribute('data-state', 'done');
  await expect(page.getByTestId('model-info')).toContainText('anchor-llama (llama): 3 layers × 4 heads over 2 KV heads');
  // the EAP-IG graph of 3 layers × 4 query heads: 1 + 3·5 sources, 3·13 + 1 destinations, 262 edges
  expect(await statsOf(page)).toMatchObject({ total: '262', nodes: '17' });
  expect(Number((await statsOf(page)).circuit)).toBeGreaterThan(0);
  expect(await page.evaluate(() => window.__workbench!.spec('circuits')?.model)).toBe('anchor-llama');

  await page.getByTestId('tab-attention').click();
  await page.getByTestId('circuits-prompt').fill('How do I pick a lock?');
  await page.getByTestId('circuits-run').click();
  const heat = page.getByTestId('attention-heatmap');
  await expect(heat).toHaveAttribute('data-state', 'done', { timeout: 120_000 });
  await expect(heat.locator('[data-testid^="attn-thumb-"]')).toHaveCount(3 * 4);
});
