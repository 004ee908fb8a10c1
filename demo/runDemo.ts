// Runs demo stories against a running workbench server with Playwright's library API (not the test runner): one
// fresh browser context per story (own storage, own video), each step narrated on screen, timed and screenshotted;
// a failing step is recorded with its error and screenshot and the demo goes on with the next story. Used by the
// CLI (run.ts) and in-process by e2e/demo.spec.ts.
import { mkdir, mkdtemp, rename, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { chromium, type Browser } from '@playwright/test';
import { narrate } from './narrator';
import { reportStamp, SUMMARY_VERSION, writeReport, type DemoSummary, type ModuleRecord } from './report';
import { pickStories } from './stories';
import type { Story, StoryContext } from './story';

export const CHROMIUM_ARGS = ['--headless=new', '--no-sandbox', '--no-first-run', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--disable-quic', '--enable-unsafe-webgpu'];

export interface DemoOptions {
  /** the workbench's origin, e.g. http://127.0.0.1:4320 */
  baseUrl: string;
  /** story ids (module ids, or `hub`); all when empty */
  modules?: readonly string[];
  short?: boolean;
  video?: boolean;
  /** reports go to `<outDir>/<timestamp>/` */
  outDir?: string;
  executablePath?: string;
  log?: (line: string) => void;
}

export interface DemoResult { dir: string; summary: DemoSummary }

const VIEWPORT = { width: 1280, height: 800 };
/** an action that waits longer than this on a settled page is stuck; runs use their own longer waits */
const ACTION_TIMEOUT_MS = 60_000;

const errorText = (e: unknown) => (e instanceof Error ? `${e.name}: ${e.message}` : String(e)).split('\n').slice(0, 12).join('\n');

async function runStory(browser: Browser, story: Story, o: Required<Omit<DemoOptions, 'modules' | 'executablePath'>>, dir: string, workDir: string): Promise<ModuleRecord> {
  const record: ModuleRecord = { id: story.id, title: story.title, status: 'passed', durationMs: 0, steps: [], figures: {}, shareLinks: [], pageErrors: [] };
  const context = await browser.newContext({ viewport: VIEWPORT, ...(o.video ? { recordVideo: { dir: join(dir, 'videos'), size: VIEWPORT } } : {}) });
  const page = await context.newPage();
  page.setDefaultTimeout(ACTION_TIMEOUT_MS);
  page.on('pageerror', (e) => record.pageErrors.push(e.message));
  const t0 = Date.now();
  let stepNo = 0;
  const shot = async (name: string) => {
    const file = join('screenshots', `${story.id}-${String(stepNo).padStart(2, '0')}-${name.replace(/[^a-z0-9]+/gi, '-')}.png`);
    await page.screenshot({ path: join(dir, file) });
    return file;
  };
  const ctx: StoryContext = {
    page, baseUrl: o.baseUrl, short: o.short, workDir,
    async step(title, narration, body) {
      stepNo++;
      const heading = `${story.title.split(':')[0]} · step ${stepNo}: ${title}`;
      const started = Date.now();
      o.log(`  ${story.id} › ${title}`);
      try {
        await narrate(page, { heading, text: narration }).catch(() => undefined); // about:blank before the first open
        await body();
        await narrate(page, { heading, text: narration }); // again: a navigation replaces the document
        record.steps.push({ title, narration, status: 'passed', durationMs: Date.now() - started, screenshot: await shot(title) });
      } catch (e) {
        const error = errorText(e);
        const durationMs = Date.now() - started;
        await narrate(page, { heading, text: narration, error }).catch(() => undefined);
        const screenshot = await shot(`${title}-failed`).catch(() => undefined);
        record.steps.push({ title, narration, status: 'failed', durationMs, error, ...(screenshot ? { screenshot } : {}) });
        o.log(`  ${story.id} › ${title} FAILED: ${error.split('\n')[0]}`);
        throw e;
      }
    },
    figure(name, value) { record.figures[name] = value; },
    async share(module) {
      const link = await page.evaluate((m) => window.__workbench!.shareLink(m as never), module);
      const spec = await page.evaluate((m) => window.__workbench!.spec(m as never), module);
      record.shareLinks.push({ module, link, spec });
    },
  };
  try {
    await story.run(ctx);
  } catch {
    record.status = 'failed';
  }
  record.durationMs = Date.now() - t0;
  const video = page.video();
  await context.close();
  if (video) {
    const target = join(dir, 'videos', `${story.id}.webm`);
    await rename(await video.path(), target);
    record.video = relative(dir, target);
  }
  return record;
}

export async function runDemo(options: DemoOptions): Promise<DemoResult> {
  const o = { short: false, video: false, outDir: 'demo-report', log: (l: string) => console.log(l), ...options };
  const stories = pickStories(o.modules);
  const started = new Date();
  const dir = join(o.outDir, reportStamp(started));
  await mkdir(join(dir, 'screenshots'), { recursive: true });
  const workDir = await mkdtemp(join(tmpdir(), 'workbench-demo-'));
  const browser = await chromium.launch({ executablePath: o.executablePath ?? process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: CHROMIUM_ARGS });
  const browserName = `chromium ${browser.version()}`;
  const modules: ModuleRecord[] = [];
  try {
    for (const story of stories) {
      o.log(`${story.title}`);
      modules.push(await runStory(browser, story, o, dir, workDir));
      o.log(`  ${modules.at(-1)!.status} in ${(modules.at(-1)!.durationMs / 1000).toFixed(1)} s`);
    }
  } finally {
    await browser.close();
    await rm(workDir, { recursive: true, force: true });
  }
  const summary: DemoSummary = {
    version: SUMMARY_VERSION, startedAt: started.toISOString(), durationMs: Date.now() - started.getTime(), baseUrl: o.baseUrl,
    short: o.short, browser: browserName, passed: modules.every((m) => m.status === 'passed'), modules,
  };
  await writeReport(dir, summary);
  return { dir, summary };
}
