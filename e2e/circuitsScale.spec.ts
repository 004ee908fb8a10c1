// The layered graph view at real-model scale (Chromium): a SmolLM2-135M-shaped graph (30 layers × 9 query heads,
// 3 KV heads; 123k edges, seeded scores, written at test time) is imported as EAP-IG graph JSON. It opens with the
// heads merged per layer; expanding a layer (menu, double-click) and collapsing it, KV-group and per-head views,
// the top-N slider up to the 5000-edge cap, the |score| threshold, layer range and kind filters all redraw with
// counts that match the file; merged edges by Σ|score| or mean; zoom (buttons, wheel, keys) and fit, drag to pan, off-screen edges culled, row labels
// legible (fixed size, never overlapping). Saves a screenshot of the 30 × 9 view for the README.
import { writeFileSync } from 'node:fs';
import type { Locator, Page } from '@playwright/test';
import { buildGraph } from '../src/core/circuits/graph';
import { exportGraphJson } from '../src/core/circuits/json';
import type { GraphConfig } from '../src/core/circuits/types';
import { mulberry32 } from '../src/core/numeric/random';
import { test, expect } from './fixtures';

const CAP = 5000;
const CFG = { nLayers: 30, nHeads: 9, dModel: 576, parallelAttnMlp: false, nKvHeads: 3 } as GraphConfig;
/** a planted path of strong edges over weak noise, so the merged view has something to show */
const PLANTED: Record<string, number> = {
  'input->a0.h1<q>': 0.9, 'a0.h1->a4.h7<k>': -0.8, 'a4.h7->m9': 0.7, 'm9->a18.h3<v>': -1.1, 'a18.h3->m25': 0.6,
  'm25->logits': -0.95, 'a18.h3->logits': 0.5, 'a4.h7->a12.h0<q>': -0.45, 'a12.h0->m25': 0.4,
};

function smolGraph() {
  const g = buildGraph(CFG);
  const rnd = mulberry32(18);
  for (const e of g.edges) {
    e.score = PLANTED[e.id] ?? (2 * rnd() - 1) * 0.002;
    e.inGraph = e.id in PLANTED;
  }
  for (const n of g.nodes) n.inGraph = n.kind === 'logits' || g.edges.some((e) => e.inGraph && (e.from === n.id || e.to === n.id));
  return g;
}

const num = async (l: Locator, attr: string) => Number(await l.getAttribute(attr));
const transformOf = (graph: Locator) => graph.locator('svg[aria-label="attribution graph"] > g[transform]').getAttribute('transform');

/** Row labels: fixed 11 px and no two overlapping on screen. */
async function expectLegibleRowLabels(page: Page) {
  const boxes = await page.getByTestId('circuit-graph-row-labels').locator('text').evaluateAll((els) =>
    els.map((e) => { const r = e.getBoundingClientRect(); return { top: r.top, bottom: r.bottom, size: getComputedStyle(e).fontSize }; }));
  expect(boxes.length).toBeGreaterThan(3);
  boxes.sort((a, b) => a.top - b.top);
  for (const b of boxes) expect(b.size).toBe('11px');
  for (let i = 1; i < boxes.length; i++) expect(boxes[i].top, `label ${i} starts below label ${i - 1}`).toBeGreaterThanOrEqual(boxes[i - 1].bottom - 0.5);
}

test('a 30-layer × 9-head graph: aggregate and expand, filters, top-N under the cap, zoom/pan/fit, legible labels', async ({ wb, page }, testInfo) => {
  const g = smolGraph();
  const json = JSON.parse(exportGraphJson(g));
  json.cfg.n_key_value_heads = 3;
  const file = testInfo.outputPath('smollm2-135m-shaped-graph.json');
  writeFileSync(file, JSON.stringify(json));
  const threshold = 0.0015;
  const overThreshold = g.edges.filter((e) => Math.abs(e.score) >= threshold).length;

  await page.setViewportSize({ width: 1400, height: 1100 });
  await wb.open('#/circuits');
  await wb.waitReady('module-circuits');
  await page.getByTestId('graph-import').setInputFiles(file);
  await expect(page.getByTestId('graph-results-import')).toBeVisible({ timeout: 60_000 });
  const graph = page.getByTestId('circuit-graph');
  const view = page.getByTestId('circuit-graph-view');
  await expect(page.getByTestId('graph-stats')).toHaveAttribute('data-total-edges', String(g.edges.length));

  // opens merged per layer: input, 30 attention, 30 MLP, logits
  await expect(view).toHaveAttribute('data-grouping', 'layer');
  await expect(graph).toHaveAttribute('data-nodes', '62');
  await expect(graph).toHaveAttribute('data-filtered-edges', '200');
  await expect(graph.locator('path[data-edge]')).toHaveCount(await num(graph, 'data-edges'));
  await expect(graph.locator('[data-node="a4"]')).toHaveAttribute('data-members', '9');
  await expectLegibleRowLabels(page);

  // expand layer 4 from the menu, collapse it with its chip; double-click layer 18's node expands it
  await page.getByTestId('expand-layer').selectOption('4');
  await expect(graph).toHaveAttribute('data-nodes', String(62 - 1 + 9));
  await expect(graph.locator('[data-node="a4.h7"]')).toHaveCount(1);
  await page.getByTestId('collapse-layer-4').click();
  await expect(graph).toHaveAttribute('data-nodes', '62');
  await graph.locator('[data-node="a18"] circle').dblclick();
  await expect(view).toHaveAttribute('data-expanded', '18');
  await expect(graph.locator('[data-node="a18.h3"]')).toHaveCount(1);
  // a merged node's details card says what it merges and expands its layer from the keyboard-reachable button
  await graph.locator('[data-node="a4"] circle').click();
  await expect(page.getByTestId('circuit-graph-details')).toContainText('heads 0–8 merged');
  await page.getByTestId('circuit-graph-details-toggle-layer').click();
  await expect(view).toHaveAttribute('data-expanded', '4,18');
  await page.getByTestId('collapse-layer-4').click();

  // zoom: buttons, wheel about the pointer, keys; fit returns; a drag pans; culling keeps the DOM to what is on screen
  const fitZoom = await num(graph, 'data-zoom');
  await page.getByTestId('circuit-graph-zoom-in').click();
  await expect.poll(() => num(graph, 'data-zoom')).toBeCloseTo(fitZoom * 1.25, 3);
  const vp = page.getByTestId('circuit-graph-viewport');
  const box = (await vp.boundingBox())!;
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 3);
  await page.mouse.wheel(0, -600);
  await expect.poll(() => num(graph, 'data-zoom')).toBeGreaterThan(fitZoom * 1.5);
  await vp.focus();
  const beforeKey = await num(graph, 'data-zoom');
  await page.keyboard.press('+');
  await expect.poll(() => num(graph, 'data-zoom')).toBeGreaterThan(beforeKey);
  const beforePan = await transformOf(graph);
  await page.keyboard.press('ArrowDown');
  await expect.poll(() => transformOf(graph)).not.toBe(beforePan);
  const beforeDrag = await transformOf(graph);
  await page.mouse.move(box.x + 500, box.y + 300);
  await page.mouse.down();
  await page.mouse.move(box.x + 560, box.y + 380, { steps: 5 });
  await page.mouse.up();
  await expect.poll(() => transformOf(graph)).not.toBe(beforeDrag);
  await page.getByTestId('top-edges-slider').fill('1000');
  await expect(graph).toHaveAttribute('data-filtered-edges', '1000');
  await expect.poll(() => num(graph, 'data-edges')).toBeLessThan(1000);
  await expect(graph.locator('path[data-edge]')).toHaveCount(await num(graph, 'data-edges'));
  await expect(page.getByTestId('circuit-graph-summary')).toContainText('off screen');
  await expectLegibleRowLabels(page);
  await vp.press('0');
  await expect.poll(() => num(graph, 'data-zoom')).toBeCloseTo(fitZoom, 4);
  await page.getByTestId('circuit-graph-zoom-in').click();
  await page.getByTestId('circuit-graph-fit').click();
  await expect.poll(() => num(graph, 'data-zoom')).toBeCloseTo(fitZoom, 4);
  await expect(graph).toHaveAttribute('data-edges', '1000');

  // README screenshot: merged per layer, layer 18 expanded, the top 300 edges, at fit
  await page.getByTestId('top-edges-slider').fill('300');
  await expect(graph).toHaveAttribute('data-edges', '300');
  await page.getByTestId('circuit-graph-view').screenshot({ path: testInfo.outputPath('circuits-30x9.png') });

  // merged edges by Σ|score|, the 243-edge layer-to-layer bundles of noise fill the top 30; by mean |score| only
  // the bundles holding a planted edge stay, and the planted single edges remain
  const bundles = async () => (await graph.locator('path[data-edge]').evaluateAll((els) => els.map((e) => e.getAttribute('data-edge')!)))
    .filter((id) => /^a\d+->a\d+$/.test(id));
  await page.getByTestId('top-edges-slider').fill('30');
  await expect(graph).toHaveAttribute('data-edges', '30');
  expect((await bundles()).length).toBeGreaterThan(15);
  await page.getByTestId('merged-weight').selectOption('mean');
  await expect.poll(async () => (await bundles()).length).toBeLessThanOrEqual(3);
  for (const id of await bundles()) expect(['a0->a4', 'a4->a12']).toContain(id);
  await expect(graph.locator('[data-edge="m9->a18.h3<v>"]')).toHaveCount(1);
  await page.getByTestId('merged-weight').selectOption('sum');

  // KV groups (3 heads each): 3 attention nodes per layer
  await page.getByTestId('head-grouping').selectOption('block:3');
  await expect(graph).toHaveAttribute('data-nodes', String(2 + 30 * 3 + 30));
  await expect(graph.locator('[data-node="a4.h6-8"]')).toHaveAttribute('data-members', '3');

  // per head: 123k edges, the slider at its 5000 maximum is the cap; the summary says so
  await page.getByTestId('head-grouping').selectOption('head');
  await expect(graph).toHaveAttribute('data-nodes', String(g.nodes.length));
  await page.getByTestId('top-edges-slider').fill(String(CAP));
  await expect(graph).toHaveAttribute('data-filtered-edges', String(CAP));
  expect(await num(graph, 'data-edges')).toBeLessThanOrEqual(CAP);
  await expect(graph).toHaveAttribute('data-hidden-edges', String(g.edges.length - CAP));
  await expect(page.getByTestId('circuit-graph-summary')).toContainText(`At most ${CAP} edges are ever drawn`);
  expect(await page.locator('path').count()).toBeLessThan(CAP + 200);

  // |score| threshold: the count that passes matches the file
  await page.getByTestId('score-threshold').fill(String(threshold));
  await expect(graph).toHaveAttribute('data-hidden-edges', String(overThreshold - CAP));
  await expect(page.getByTestId('circuit-graph-summary')).toContainText(`of ${overThreshold} edges that pass the filters`);
  await page.getByTestId('score-threshold').fill('0');

  // layer range 10–12 and no MLPs: input, logits and 27 heads; every drawn edge joins shown nodes
  await page.getByTestId('layer-from').fill('10');
  await page.getByTestId('layer-to').fill('12');
  await page.getByTestId('kind-mlp').uncheck();
  await expect(graph).toHaveAttribute('data-nodes', String(2 + 27));
  const ends = await graph.locator('path[data-edge]').evaluateAll((els) => els.map((e) => e.getAttribute('data-edge')!));
  expect(ends.length).toBeGreaterThan(0);
  for (const id of ends) expect(id).toMatch(/^(input|a1[0-2]\.h\d)->(a1[0-2]\.h\d<[qkv]>|logits)$/);
  // the two boxes may be typed in either order: the range reads them sorted
  await page.getByTestId('layer-from').fill('12');
  await page.getByTestId('layer-to').fill('10');
  await expect(page.getByTestId('layer-to')).toHaveValue('10');
  await expect(graph).toHaveAttribute('data-nodes', String(2 + 27));

  // circuit only: the planted path's edges within the filters
  await page.getByTestId('layer-from').fill('0');
  await page.getByTestId('layer-to').fill('29');
  await page.getByTestId('kind-mlp').check();
  await page.getByTestId('only-circuit').check();
  await expect(graph).toHaveAttribute('data-filtered-edges', String(Object.keys(PLANTED).length));
});
