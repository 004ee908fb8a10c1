// The demos cannot rot: a short demo (every story, smallest real settings) runs in-process against this suite's
// server, and its report folder is checked: every step passed, each screenshot is a non-empty PNG, summary.json
// parses with figures and share links, index.html names every story, and each share link opens its module with
// exactly the spec the demo recorded.
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { runDemo } from '../demo/runDemo';
import { STORIES } from '../demo/stories';
import type { DemoSummary } from '../demo/report';
import { expect, test } from './fixtures';

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

test('a short demo of every module passes, writes its report, and its share links reopen the same specs', async ({ wb, page, baseURL }, testInfo) => {
  test.setTimeout(600_000);
  const { dir } = await runDemo({ baseUrl: baseURL!, short: true, outDir: testInfo.outputPath('demo-report'), log: (l) => console.log(l) });

  const summary = JSON.parse(await readFile(join(dir, 'summary.json'), 'utf8')) as DemoSummary;
  expect(summary.modules.map((m) => m.id)).toEqual(STORIES.map((s) => s.id));
  for (const m of summary.modules) {
    const failed = m.steps.filter((s) => s.status !== 'passed').map((s) => `${s.title}: ${s.error}`);
    expect(failed, `${m.id}: failed steps`).toEqual([]);
    expect(m.status, m.id).toBe('passed');
    expect(m.steps.length, `${m.id}: steps`).toBeGreaterThan(1);
    expect(Object.keys(m.figures).length, `${m.id}: figures`).toBeGreaterThan(0);
    for (const s of m.steps) {
      const png = await readFile(join(dir, s.screenshot!));
      expect(png.subarray(0, 8).equals(PNG_SIGNATURE), `${s.screenshot} is a PNG`).toBe(true);
      expect((await stat(join(dir, s.screenshot!))).size).toBeGreaterThan(1000);
    }
  }
  expect(summary.passed).toBe(true);
  const html = await readFile(join(dir, 'index.html'), 'utf8');
  for (const m of summary.modules) expect(html).toContain(`id="${m.id}"`);

  // every module story records at least one share link; the hub story runs on the Models page, which has none
  const links = summary.modules.flatMap((m) => m.shareLinks);
  for (const m of summary.modules.filter((x) => x.id !== 'hub')) expect(m.shareLinks.length, `${m.id}: share links`).toBeGreaterThan(0);
  for (const l of links) {
    expect(l.link).toMatch(new RegExp(`^#/${l.module}\\?s=`));
    await wb.open(l.link);
    await wb.waitReady(`module-${l.module}`);
    expect(await page.evaluate((m) => window.__workbench!.spec(m as never), l.module), l.link).toEqual(l.spec);
    await page.goto('about:blank'); // leave before a linked run re-runs by itself
  }
});
