// Training in the browser agrees with the Node CLI: a tiny run of models/target (3 steps, batch 2) through the
// experiments page's training panel (lab worker, WASM in this GPU-less Chromium), then the same spec in Node
// (`npx tsx src/core/experiments/train/cli.ts --spec`) on the rows the page trained on (its "download the rows"
// JSONL): the per-step losses agree to 1e-4 relative and the final model.safetensors' update from the base to 1e-3
// relative (no element by half an lr step; the max differences are printed and attached). SFT full fine-tuning and DPO with LoRA; cancel stops a long run after the
// step in flight with its checkpoint; a JSONL file with a bad row is the trainer's named error.
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { Page } from '@playwright/test';
import { test, expect } from './fixtures';

const run = promisify(execFile);

/** F32 tensors of a safetensors file (the checkpoints are F32 throughout). */
function readF32Tensors(bytes: Buffer): Map<string, Float32Array> {
  const n = Number(bytes.readBigUInt64LE(0));
  const header = JSON.parse(bytes.subarray(8, 8 + n).toString('utf8')) as Record<string, { dtype: string; data_offsets: [number, number] }>;
  const out = new Map<string, Float32Array>();
  for (const [name, t] of Object.entries(header)) {
    if (name === '__metadata__') continue;
    expect(t.dtype, name).toBe('F32');
    const body = bytes.subarray(8 + n + t.data_offsets[0], 8 + n + t.data_offsets[1]);
    out.set(name, new Float32Array(new Uint8Array(body).buffer));
  }
  return out;
}

async function download(page: Page, testId: string): Promise<Buffer> {
  const d = page.waitForEvent('download');
  await page.getByTestId(testId).click();
  return readFileSync((await (await d).path())!);
}

async function openTrainPanel(wb: { open(h: string): Promise<void>; waitReady(id: string): Promise<void> }, page: Page): Promise<void> {
  await wb.open('#/experiments');
  await wb.waitReady('experiments-page');
  await expect(page.getByTestId('train-panel')).toHaveAttribute('data-state', 'ready');
}

interface Setting { method: 'sft' | 'dpo'; lora: number | null; steps: number; batchSize: number; lr: number; seed: number; rows: number }

async function configure(page: Page, s: Setting): Promise<void> {
  await page.getByTestId('train-model').selectOption('target');
  await page.getByTestId('train-method').selectOption(s.method);
  await page.getByTestId('train-steps').fill(String(s.steps));
  await page.getByTestId('train-batchSize').fill(String(s.batchSize));
  await page.getByTestId('train-lr').fill(String(s.lr));
  await page.getByTestId('train-seed').fill(String(s.seed));
  if (s.lora !== null) {
    await page.getByTestId('train-lora').check();
    await page.getByTestId('train-loraRank').fill(String(s.lora));
  }
  await page.getByTestId('train-data-source').selectOption('sample');
  await page.getByTestId('train-sample-size').fill(String(s.rows));
}

for (const s of [
  { method: 'sft', lora: null, steps: 3, batchSize: 2, lr: 1e-3, seed: 3, rows: 8 },
  { method: 'dpo', lora: 4, steps: 3, batchSize: 2, lr: 1e-2, seed: 1, rows: 6 },
] satisfies Setting[]) {
  test(`${s.method}${s.lora ? ` LoRA r ${s.lora}` : ' full'}: the browser's step losses and weights equal the Node CLI's`, async ({ wb, page }, testInfo) => {
    test.setTimeout(420_000);
    await openTrainPanel(wb, page);
    await configure(page, s);
    await page.getByTestId('train-start').click();
    const result = page.getByTestId('train-result');
    await expect(result).toBeVisible({ timeout: 300_000 });
    await expect(result).toHaveAttribute('data-status', 'done');
    await expect(result).toHaveAttribute('data-steps', String(s.steps));
    const backend = (await result.getAttribute('data-backend'))!;
    const rows = page.getByTestId('train-log-row');
    await expect(rows).toHaveCount(s.steps);
    const browserLosses = await rows.evaluateAll((trs) => trs.map((tr) => Number(tr.getAttribute('data-loss'))));
    if (s.steps > 1) await expect(page.getByTestId('train-loss-chart')).toBeVisible();
    const browserWeights = readF32Tensors(await download(page, 'train-download-weights'));
    const jsonl = (await download(page, 'train-download-data')).toString('utf8');
    expect(jsonl.trim().split('\n')).toHaveLength(s.rows);

    // the same spec in Node, on the same rows
    const dir = mkdtempSync(join(tmpdir(), 'train-e2e-'));
    writeFileSync(join(dir, 'data.jsonl'), jsonl);
    const spec = { method: s.method, model: 'models/target', data: join(dir, 'data.jsonl'), out: join(dir, 'out'), steps: s.steps, batchSize: s.batchSize, lr: s.lr, seed: s.seed, ...(s.lora ? { lora: { r: s.lora, alpha: 2 * s.lora } } : {}) };
    writeFileSync(join(dir, 'spec.json'), JSON.stringify(spec));
    await run('npx', ['tsx', 'src/core/experiments/train/cli.ts', '--spec', join(dir, 'spec.json')], { timeout: 240_000 });
    const ck = join(dir, 'out', `step-${String(s.steps).padStart(6, '0')}`);
    const nodeLosses = (JSON.parse(readFileSync(join(ck, 'training_state.json'), 'utf8')) as { logs: { loss: number }[] }).logs.map((l) => l.loss);
    const nodeWeights = readF32Tensors(readFileSync(join(ck, 'model.safetensors')));

    expect(nodeLosses).toHaveLength(s.steps);
    const lossRel = Math.max(...nodeLosses.map((l, i) => Math.abs(l - browserLosses[i]) / Math.abs(l)));
    expect([...browserWeights.keys()].sort()).toEqual([...nodeWeights.keys()].sort());
    // the weights compared through their updates from the base: Adam divides each gradient by its own root mean
    // square, so an element whose gradient is near eps (1e-8) turns a last-bit difference of the two runtimes into
    // a visible share of one step's lr; the update as a whole must agree, and no element by half a step
    const baseWeights = readF32Tensors(readFileSync('models/target/model.safetensors'));
    let weightAbs = 0;
    let diff2 = 0;
    let update2 = 0;
    for (const [name, w] of nodeWeights) {
      const b = browserWeights.get(name)!;
      const w0 = baseWeights.get(name)!;
      expect(b.length, name).toBe(w.length);
      expect(w0.length, name).toBe(w.length);
      for (let i = 0; i < w.length; i++) {
        weightAbs = Math.max(weightAbs, Math.abs(w[i] - b[i]));
        diff2 += (w[i] - b[i]) ** 2;
        update2 += (w[i] - w0[i]) ** 2;
      }
    }
    const updateRel = Math.sqrt(diff2 / update2);
    const note = `${s.method}${s.lora ? ` LoRA r ${s.lora}` : ''} browser (${backend}) vs Node: losses ${browserLosses.map((l) => l.toFixed(6)).join(', ')}; max relative loss difference ${lossRel.toExponential(2)}, max |Δweight| ${weightAbs.toExponential(2)} (lr ${s.lr}), ‖Δ update‖ / ‖update‖ ${updateRel.toExponential(2)}`;
    console.log(note);
    testInfo.annotations.push({ type: 'agreement', description: note });
    expect(lossRel).toBeLessThanOrEqual(1e-4);
    // training moved the weights (a run that trained nothing would agree trivially)
    expect(update2).toBeGreaterThan(0);
    expect(updateRel).toBeLessThanOrEqual(1e-3);
    expect(weightAbs).toBeLessThanOrEqual(0.5 * s.lr);
  });
}

test('cancel stops a long run after the step in flight and keeps its checkpoint; a bad JSONL row is a named error', async ({ wb, page }) => {
  test.setTimeout(300_000);
  await openTrainPanel(wb, page);
  await configure(page, { method: 'sft', lora: null, steps: 500, batchSize: 2, lr: 1e-3, seed: 0, rows: 8 });
  await page.getByTestId('train-start').click();
  await expect(page.getByTestId('train-panel')).toHaveAttribute('data-state', 'loading');
  await expect(page.getByTestId('train-live-loss')).toHaveAttribute('data-step', /\d+/, { timeout: 240_000 });
  await page.getByTestId('train-progress-cancel').click();
  const result = page.getByTestId('train-result');
  await expect(result).toHaveAttribute('data-status', 'cancelled', { timeout: 60_000 });
  const stopped = Number(await result.getAttribute('data-steps'));
  expect(stopped).toBeGreaterThan(0);
  expect(stopped).toBeLessThan(500);
  await expect(page.getByTestId('train-log-row')).toHaveCount(stopped);
  const state = JSON.parse((await download(page, 'train-download-state')).toString('utf8')) as { status: string; step: number };
  expect(state).toMatchObject({ status: 'cancelled', step: stopped });

  // a user's JSONL with a row lacking the reply: the trainer's bad-row error naming the file line
  await page.getByTestId('train-data-source').selectOption('file');
  await page.getByTestId('train-data-file').setInputFiles({
    name: 'mine.jsonl', mimeType: 'application/jsonl',
    buffer: Buffer.from(`${JSON.stringify({ instruction: 'Add 2 and 3.', output: 'Answer: 5' })}\n${JSON.stringify({ instruction: 'No reply here.' })}\n`),
  });
  await page.getByTestId('train-start').click();
  await expect(page.getByTestId('train-error')).toHaveAttribute('data-error-kind', 'bad-row', { timeout: 60_000 });
  await expect(page.getByTestId('train-error')).toContainText('mine.jsonl line 2');
});
