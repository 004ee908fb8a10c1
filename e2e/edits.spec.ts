// Edits in the browser against the REAL sidecar process: the test writes small GPT-2-style checkpoints and a
// circuit into a temp workspace, starts `sidecar/main.ts` with this app's origin, connects with the printed
// token, runs a C-Δθ edit and the NF4 survival analysis of its output, and reads the figures. A wrong token
// and a sidecar that is not running must give their own messages, not a crash.
import { access, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { gpt2Specs, pseudo, startSidecar, tmpWorkspace, writeBigF16, writeModelFolder, type RunningSidecar } from '../sidecar/testkit';
import { test, expect, type Workbench } from './fixtures';
import type { Page } from '@playwright/test';

const CIRCUIT = { cfg: { n_heads: 4 }, nodes: { input: true, 'a1.h2': true, m0: true, logits: true }, edges: { 'a1.h2->logits': { in_graph: true, score: 1.5 } } };

/** A workspace with base / aligned / target GPT-2 folders (2 layers, d = 32) and circuits/refusal.json. */
async function workspace(): Promise<string> {
  const root = await tmpWorkspace('edits-e2e-');
  const specs = gpt2Specs(2, 32, 64, 'F32');
  const base = (n: string, i: number) => pseudo(n.length, i);
  await writeModelFolder(join(root, 'models/base'), specs, base, { model_type: 'gpt2', n_head: 4 });
  // aligned − base spans many NF4 bin widths, so part of the edit survives quantization and part does not
  await writeModelFolder(join(root, 'models/aligned'), specs, (n, i) => base(n, i) + 0.02 * pseudo(n.length + 7, i), { model_type: 'gpt2', n_head: 4 });
  await writeModelFolder(join(root, 'models/target'), specs, (n, i) => base(n, i) + 0.05 * pseudo(n.length + 3, i), { model_type: 'gpt2', n_head: 4 });
  await mkdir(join(root, 'circuits'));
  await mkdir(join(root, 'out'));
  await writeFile(join(root, 'circuits/refusal.json'), JSON.stringify(CIRCUIT));
  await writeFile(join(root, 'circuits/empty.json'), JSON.stringify({ nodes: { input: true, logits: true } }));
  return root;
}

/** Runs `body` with a real sidecar on a fresh workspace; the process and the folder go away whatever happens. */
async function withSidecar(origin: string, body: (s: RunningSidecar, root: string) => Promise<void>): Promise<void> {
  const root = await workspace();
  let sidecar: RunningSidecar | undefined;
  try {
    sidecar = await startSidecar(root, ['--origin', origin]);
    await body(sidecar, root);
  } finally {
    await sidecar?.kill();
    await rm(root, { recursive: true, force: true });
  }
}

async function connect(wb: Workbench, page: Page, url: string, token: string): Promise<void> {
  await wb.open('#/edits');
  await wb.waitReady('module-edits');
  await expect(page.getByTestId('sidecar-hint')).toContainText('Start the sidecar with');
  await page.getByTestId('sidecar-url').fill(url);
  await page.getByTestId('sidecar-token').fill(token);
  await page.getByTestId('sidecar-connect-button').click();
}

test('connect to the real sidecar, run a C-Δθ edit, then the NF4 survival of its output', async ({ wb, page, browser, baseURL }) => {
  await withSidecar(baseURL!, async (sidecar) => {
    await connect(wb, page, sidecar.url, sidecar.token);
    await expect(page.getByTestId('sidecar-connected')).toBeVisible();
    await expect(page.getByTestId('sidecar-token')).toHaveAttribute('type', 'password');
    await expect(page.getByTestId('checkpoints')).toHaveAttribute('data-count', '3');

    await page.getByTestId('inspect-models/base').click();
    await expect(page.getByTestId('inspect')).toHaveAttribute('data-state', 'ready');
    await expect(page.getByTestId('inspect-tensors')).toHaveText(String(gpt2Specs(2, 32, 64).length));
    await expect(page.getByTestId('inspect-summary')).toContainText('gpt2');

    await page.getByTestId('edits-base').fill('models/base');
    await page.getByTestId('edits-aligned').fill('models/aligned');
    await page.getByTestId('edits-target').fill('models/target');
    await page.getByTestId('edits-circuit').fill('circuits/refusal.json');
    await page.getByTestId('edits-strength').fill('1');
    await page.getByTestId('edits-output').fill('out/refusal-s1');
    await page.getByTestId('edits-start').click();
    await expect(page.getByTestId('edits-done')).toContainText('100 %', { timeout: 60_000 });
    await expect(page.getByTestId('edits-result')).toHaveAttribute('data-kind', 'c-delta-theta');
    expect(Number((await page.getByTestId('cdelta-params-changed').textContent())!.replace(/,/g, ''))).toBeGreaterThan(0);
    await expect(page.getByTestId('cdelta-tensors').locator('tbody tr')).toHaveCount(6); // a1: c_attn w/b, c_proj w; m0: c_fc w/b, c_proj w
    await expect(page.getByTestId('checkpoints')).toHaveAttribute('data-count', '4');

    const download = page.waitForEvent('download');
    await page.getByTestId('manifest-download').click();
    const manifest = JSON.parse(await readFile((await (await download).path())!, 'utf8')) as { kind: string; output: { files: { sha256: string }[] } };
    expect(manifest.kind).toBe('c-delta-theta');
    expect(manifest.output.files[0].sha256).toMatch(/^[0-9a-f]{64}$/);

    // survival of the edit: target (before) vs the edited output (after)
    await page.getByTestId('cdelta-to-survival').click();
    await expect(page.getByTestId('edits-job-survival')).toBeChecked();
    await expect(page.getByTestId('edits-base')).toHaveValue('models/target');
    await expect(page.getByTestId('edits-target')).toHaveValue('out/refusal-s1');
    await page.getByTestId('edits-start').click();
    await expect(page.getByTestId('edits-result')).toHaveAttribute('data-kind', 'survival', { timeout: 60_000 });
    await expect(page.getByTestId('edits-done')).toContainText('100 %');
    const histogram = page.getByTestId('survival-histogram');
    await expect(histogram.locator('.recharts-bar-rectangle').first()).toBeVisible();
    expect(Number(await histogram.getAttribute('data-total'))).toBeGreaterThan(0);
    const codeChange = page.getByTestId('survival-code-change');
    await expect(codeChange.locator('.recharts-bar-rectangle').first()).toBeVisible();
    expect(Number(await codeChange.getAttribute('data-rows'))).toBeGreaterThan(1);
    await expect(page.getByTestId('survival-code-survival')).toHaveText(/%/);

    // the share link carries the spec and the result digest, never the token
    const link = await page.evaluate(() => window.__workbench!.shareLink('edits'));
    const decoded = await page.evaluate((h) => window.__workbench!.decode(h), link);
    expect(decoded?.spec).toMatchObject({ job: 'survival', base: 'models/target', target: 'out/refusal-s1', quant: 'nf4' });
    expect(decoded?.digest).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.stringify(decoded)).not.toContain(sidecar.token);

    // outputs are never overwritten: the same report name again is a 409
    await page.getByTestId('edits-start').click();
    await expect(page.getByTestId('edits-error')).toContainText('409');

    // the link, opened in a fresh tab (no token there: it lives in memory only), reproduces the digest
    const fresh = await browser.newPage();
    await fresh.goto(`/${link}`);
    await expect(fresh.getByTestId('edits-target')).toHaveValue('out/refusal-s1');
    await expect(fresh.getByTestId('sidecar-token')).toHaveValue('');
    await fresh.getByTestId('sidecar-url').fill(sidecar.url);
    await fresh.getByTestId('sidecar-token').fill(sidecar.token);
    await fresh.getByTestId('sidecar-connect-button').click();
    await fresh.getByTestId('edits-output').fill('out/again.json');
    await fresh.getByTestId('edits-start').click();
    await expect(fresh.getByTestId('reproduction')).toHaveText(/Reproduced/, { timeout: 60_000 });
    await fresh.close();

    // MANSU on the same edit: target → edited output, restricted to the circuit, with the magnitude floor
    await page.getByTestId('edits-job-mansu').check();
    await page.getByTestId('edits-circuit').fill('circuits/refusal.json');
    await page.getByTestId('edits-output').fill('out/mansu');
    await page.getByTestId('edits-start').click();
    await expect(page.getByTestId('edits-result')).toHaveAttribute('data-kind', 'mansu', { timeout: 60_000 });
    await expect(page.getByTestId('mansu-summary')).toContainText('enlarged');
    await expect(page.getByTestId('mansu-after-histogram').locator('.recharts-bar-rectangle').first()).toBeVisible();
    await expect(page.getByTestId('edit-warnings')).toHaveCount(0);

    // a circuit with nothing in graph: the job is done, and the result says the output is an unchanged copy
    await page.getByTestId('edits-job-cdtheta').check();
    await page.getByTestId('edits-base').fill('models/base');
    await page.getByTestId('edits-aligned').fill('models/aligned');
    await page.getByTestId('edits-target').fill('models/target');
    await page.getByTestId('edits-circuit').fill('circuits/empty.json');
    await page.getByTestId('edits-output').fill('out/empty');
    await page.getByTestId('edits-start').click();
    await expect(page.getByTestId('edits-result')).toHaveAttribute('data-kind', 'c-delta-theta', { timeout: 60_000 });
    await expect(page.getByTestId('edit-warnings')).toContainText('no attention head and no MLP');
    await expect(page.getByTestId('edit-warnings')).toContainText('unchanged copy of the target');
    await expect(page.getByTestId('cdelta-params-changed')).toHaveText('0');
  });
});

test('a long survival job shows progress and can be cancelled; nothing is written', async ({ wb, page, baseURL }) => {
  await withSidecar(baseURL!, async (sidecar, root) => {
    // two 256 MB fp16 files: long enough (seconds) that the job is still running when Cancel is clicked
    const specs = [{ name: 'w', dtype: 'F16' as const, shape: [8192, 16384] }];
    await writeBigF16(join(root, 'big-a.safetensors'), specs, (_t, _s, out) => out.fill(0x3c00));
    await writeBigF16(join(root, 'big-b.safetensors'), specs, (_t, s, out) => out.forEach((_, i) => (out[i] = 0x3c00 + ((s + i) % 3))));
    await connect(wb, page, sidecar.url, sidecar.token);
    await page.getByTestId('edits-job-survival').check();
    await page.getByTestId('edits-base').fill('big-a.safetensors');
    await page.getByTestId('edits-target').fill('big-b.safetensors');
    await page.getByTestId('edits-output').fill('big-report.json');
    await page.getByTestId('edits-start').click();
    await expect(page.getByTestId('edits-panel')).toHaveAttribute('data-state', 'loading');
    await page.getByTestId('edits-progress-cancel').click();
    await expect(page.getByTestId('edits-cancelled')).toBeVisible();
    await expect(page.getByTestId('edits-panel')).toHaveAttribute('data-state', 'ready');
    await expect(access(join(root, 'big-report.json'))).rejects.toThrow();
  });
});

test('a wrong token shows the 401 message', async ({ wb, page, baseURL }) => {
  await withSidecar(baseURL!, async (sidecar) => {
    await connect(wb, page, sidecar.url, 'not-the-token');
    await expect(page.getByTestId('sidecar-error')).toHaveAttribute('data-kind', 'bad-token');
    await expect(page.getByTestId('sidecar-error')).toContainText('401');
    await expect(page.getByTestId('edits-panel')).toHaveAttribute('data-state', 'error');
  });
});

test('a sidecar started for another origin is reported as a CORS refusal, not as "not running"', async ({ wb, page }) => {
  await withSidecar('http://127.0.0.1:1', async (sidecar) => {
    await connect(wb, page, sidecar.url, sidecar.token);
    await expect(page.getByTestId('sidecar-error')).toHaveAttribute('data-kind', 'origin');
    await expect(page.getByTestId('sidecar-error')).toContainText('--origin');
  });
});

test('with no sidecar running the panel shows how to start one', async ({ wb, page }) => {
  // a port that was free a moment ago: nothing listens there
  const port = await new Promise<number>((resolve) => {
    const srv = createServer().listen(0, '127.0.0.1', () => {
      const p = (srv.address() as { port: number }).port;
      srv.close(() => resolve(p));
    });
  });
  await connect(wb, page, `http://127.0.0.1:${port}`, 'any');
  await expect(page.getByTestId('sidecar-error')).toHaveAttribute('data-kind', 'not-running');
  await expect(page.getByTestId('sidecar-error')).toContainText('Start the sidecar with `npm run sidecar -- --workspace <dir>` and paste the token it prints');
  await expect(page.getByTestId('edits-start')).toBeDisabled();
});
