// Resume in the browser (issue #21): a tiny SFT run of models/target (8 steps, batch 2) through the experiments
// page's training panel, uninterrupted, then the same run cancelled part-way and continued twice to step 8, once
// with "Continue" (the cancelled run's checkpoint in memory) and once from its downloaded training_state.json and
// trainer_state.safetensors picked back from disk (which also fills the form from the checkpoint's spec): both
// continued runs end with the uninterrupted run's model.safetensors, sha256 for sha256. A checkpoint picked without
// its trainer_state.safetensors is a named error.
import { readFileSync } from 'node:fs';
import type { Page } from '@playwright/test';
import { test, expect } from './fixtures';

const STEPS = 8;

async function download(page: Page, testId: string): Promise<{ name: string; buffer: Buffer }> {
  const d = page.waitForEvent('download');
  await page.getByTestId(testId).click();
  const got = await d;
  return { name: got.suggestedFilename(), buffer: readFileSync((await got.path())!) };
}

async function finished(page: Page, status: 'done' | 'cancelled'): Promise<{ steps: number; sha: string; resumedFrom: string }> {
  const result = page.getByTestId('train-result');
  await expect(result).toHaveAttribute('data-status', status, { timeout: 240_000 });
  return { steps: Number(await result.getAttribute('data-steps')), sha: (await result.getAttribute('data-weights-sha256'))!, resumedFrom: (await result.getAttribute('data-resumed-from'))! };
}

test('a cancelled browser run continued from its checkpoint (in memory, or its files picked from disk) ends as the uninterrupted run', async ({ wb, page }) => {
  test.setTimeout(480_000);
  await wb.open('#/experiments');
  await wb.waitReady('experiments-page');
  await expect(page.getByTestId('train-panel')).toHaveAttribute('data-state', 'ready');
  await page.getByTestId('train-model').selectOption('target');
  await page.getByTestId('train-method').selectOption('sft');
  await page.getByTestId('train-steps').fill(String(STEPS));
  await page.getByTestId('train-batchSize').fill('2');
  await page.getByTestId('train-lr').fill('0.001');
  await page.getByTestId('train-seed').fill('2');
  await page.getByTestId('train-data-source').selectOption('sample');
  await page.getByTestId('train-sample-size').fill('4');

  // the uninterrupted run
  await page.getByTestId('train-start').click();
  const whole = await finished(page, 'done');
  expect(whole.steps).toBe(STEPS);
  expect(whole.resumedFrom).toBe('');
  expect(whole.sha).toMatch(/^[0-9a-f]{64}$/);

  // the same run cancelled after a step or more
  await page.getByTestId('train-start').click();
  await expect(page.getByTestId('train-live-loss')).toHaveAttribute('data-step', /\d+/, { timeout: 240_000 });
  await page.getByTestId('train-progress-cancel').click();
  const stopped = await finished(page, 'cancelled');
  expect(stopped.steps).toBeGreaterThan(0);
  expect(stopped.steps).toBeLessThan(STEPS);
  expect(stopped.sha).not.toBe(whole.sha);
  const state = await download(page, 'train-download-state');
  const trainer = await download(page, 'train-download-trainer-state');
  expect(trainer.name).toMatch(/-trainer_state\.safetensors$/);

  // continue it in memory
  await expect(page.getByTestId('train-continue')).toHaveText(`Continue from step ${stopped.steps} to ${STEPS}`);
  await page.getByTestId('train-continue').click();
  await expect(page.getByTestId('train-panel')).toHaveAttribute('data-state', 'loading');
  const continued = await finished(page, 'done');
  expect(continued).toEqual({ steps: STEPS, sha: whole.sha, resumedFrom: String(stopped.steps) });
  await expect(page.getByTestId('train-log-row')).toHaveCount(STEPS);
  await expect(page.getByTestId('train-continue')).toHaveCount(0);

  // a checkpoint picked without its trainer state is named
  await page.getByTestId('train-resume-files').setInputFiles([{ name: state.name, mimeType: 'application/json', buffer: state.buffer }]);
  await expect(page.getByTestId('train-resume-error')).toContainText('lacks trainer_state.safetensors');
  await expect(page.getByTestId('train-resume-info')).toHaveCount(0);

  // continue from the downloaded files: the form takes the checkpoint's spec (steps back to 8)
  await page.getByTestId('train-steps').fill('3');
  await page.getByTestId('train-resume-files').setInputFiles([
    { name: state.name, mimeType: 'application/json', buffer: state.buffer },
    { name: trainer.name, mimeType: 'application/octet-stream', buffer: trainer.buffer },
  ]);
  await expect(page.getByTestId('train-resume-info')).toHaveAttribute('data-step', String(stopped.steps));
  await expect(page.getByTestId('train-steps')).toHaveValue(String(STEPS));
  await page.getByTestId('train-start').click();
  await expect(page.getByTestId('train-panel')).toHaveAttribute('data-state', 'loading');
  const fromDisk = await finished(page, 'done');
  expect(fromDisk).toEqual({ steps: STEPS, sha: whole.sha, resumedFrom: String(stopped.steps) });
});
