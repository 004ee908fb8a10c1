// Sweeps from the Experiments page against the REAL sidecar process (its in-process job loop: no SWEEP_REDIS_URL;
// the BullMQ path is covered by sweeps/sweeps.test.ts): a 6-job ensembles seed sweep is submitted from the
// SweepPanel, its NDJSON progress followed to "finished", and its 6 run records land in history as rows of the runs
// table, which compare (only the seed differs) and reproduce in this page like any recorded run. A second, long
// sweep is cancelled mid-way: it finishes as cancelled with fewer jobs done than it has, and exactly the jobs that
// did finish land in history. Every wait is on the page's state (progress text, data-state), never a sleep.
import { rm } from 'node:fs/promises';
import type { Page } from '@playwright/test';
import { startSidecar, tmpWorkspace, type RunningSidecar } from '../sidecar/testkit';
import { test, expect } from './fixtures';

const sweepSpec = (title: string, seeds: number[]) => JSON.stringify({
  format: 'workbench-sweep', version: 1, title,
  experiment: { format: 'workbench-experiment', version: 1, module: 'ensembles', specVersion: 1, spec: { pool: { kind: 'demo', datasets: 2, rows: 40 }, strategies: ['best-single', 'avg-uniform'] }, seed: 1 },
  axes: [{ path: 'seed', values: seeds }],
});

/** The progress line's numbers: "<settled>/<total> (done <done>, dead-lettered <failed>)". */
async function progressOf(page: Page): Promise<{ done: number; total: number; failed: number }> {
  const text = (await page.getByTestId('sweep-progress').textContent())!;
  const m = /(\d+)\/(\d+) \(done (\d+), dead-lettered (\d+)\)/.exec(text);
  if (!m) throw new Error(`unexpected progress text: ${text}`);
  return { total: Number(m[2]), done: Number(m[3]), failed: Number(m[4]) };
}

test('submit a sweep from the Experiments page, follow it to done, land its run records; cancel another mid-way', async ({ wb, page, baseURL }) => {
  const root = await tmpWorkspace('sweeps-e2e-');
  let sidecar: RunningSidecar | undefined;
  try {
    sidecar = await startSidecar(root, ['--origin', baseURL!]);
    await wb.open('#/experiments');
    await wb.waitReady('experiments-page');
    await expect(page.getByTestId('experiments-empty')).toBeVisible();
    await page.getByTestId('sweep-url').fill(sidecar.url);
    await page.getByTestId('sweep-token').fill(sidecar.token);

    // a small sweep: 6 seeds, followed to the end; its records land in history
    const seeds = [21, 22, 23, 24, 25, 26];
    await page.getByTestId('sweep-spec').fill(sweepSpec('e2e seeds', seeds));
    await page.getByTestId('sweep-submit').click();
    await expect(page.getByTestId('sweep-progress')).toHaveAttribute('data-state', 'finished', { timeout: 120_000 });
    expect(await progressOf(page)).toEqual({ total: 6, done: 6, failed: 0 });
    await expect(page.getByTestId('sweep-progress')).not.toContainText('cancelled');
    await expect(page.getByTestId('sweep-message')).toHaveText('6 run records saved to history.');
    const rows = page.getByTestId('run-row');
    await expect(rows).toHaveCount(6);
    expect((await rows.evaluateAll((trs) => trs.map((tr) => Number(tr.getAttribute('data-seed'))))).sort()).toEqual(seeds);
    for (const tr of await rows.all()) await expect(tr).toContainText('ensembles');

    // the landed records behave like any recorded run: comparable (only the seed differs) and reproducible here
    const row = (seed: number) => page.locator(`[data-testid="run-row"][data-seed="${seed}"]`);
    await row(21).getByTestId('run-pick').check();
    await row(22).getByTestId('run-pick').check();
    const spec = page.getByTestId('compare-spec');
    await expect(spec.locator('[data-path="seed"]')).toHaveAttribute('data-differs', 'true');
    await expect(spec.locator('[data-path="spec.pool.datasets"]')).toHaveAttribute('data-differs', 'false');
    await expect(page.getByTestId('compare-digests').locator('[data-path="digest"]')).toHaveAttribute('data-differs', 'true');
    const digest = (await row(23).locator('code').textContent())!.replace('…', '');
    await row(23).getByTestId('run-reproduce').click();
    await expect(row(23).getByTestId('run-reproduction')).toContainText(`Reproduced: digest ${digest}`, { timeout: 120_000 });

    // a long sweep (600 jobs), cancelled once a few jobs are done: it finishes as cancelled, short of its total
    await page.getByTestId('sweep-spec').fill(sweepSpec('e2e cancelled', Array.from({ length: 600 }, (_, i) => 1000 + i)));
    await page.getByTestId('sweep-submit').click();
    await expect(page.getByTestId('sweep-progress')).toHaveAttribute('data-state', 'progress', { timeout: 60_000 });
    await expect(page.getByTestId('sweep-progress')).toContainText(/\(done ([3-9]|\d\d+),/, { timeout: 120_000 });
    await page.getByTestId('sweep-cancel').click();
    await expect(page.getByTestId('sweep-progress')).toHaveAttribute('data-state', 'finished', { timeout: 60_000 });
    await expect(page.getByTestId('sweep-progress')).toContainText('cancelled');
    const stopped = await progressOf(page);
    expect(stopped.total).toBe(600);
    expect(stopped.done).toBeGreaterThanOrEqual(3);
    expect(stopped.done + stopped.failed).toBeLessThan(600);
    // exactly the jobs that finished land (a job the cancel interrupted is a dead letter, not a record)
    await expect(page.getByTestId('sweep-message')).toContainText(`${stopped.done} run records saved to history`);
    await expect(rows).toHaveCount(6 + stopped.done);
    const landedSeeds = await rows.evaluateAll((trs) => trs.map((tr) => Number(tr.getAttribute('data-seed'))));
    expect(landedSeeds.filter((s) => s >= 1000).sort((a, b) => a - b)).toEqual(Array.from({ length: stopped.done }, (_, i) => 1000 + i));
  } finally {
    await sidecar?.kill();
    await rm(root, { recursive: true, force: true });
  }
});
