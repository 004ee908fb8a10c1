// The contract between the demo runner (runDemo.ts) and the per-module stories (pages/*.ts): a story is a short,
// real use of one module, told as narrated steps; it records the figures the page produced and the share link of
// every run (with the spec the page held), so the report can show them and a test can re-open each link.
import type { Page } from '@playwright/test';

export type FigureValue = string | number;

export interface ShareLinkRecord {
  module: string;
  /** the hash the app's share controls encode (`#/<module>?s=…`) */
  link: string;
  /** `window.__workbench.spec(module)` when the link was taken: opening the link must restore exactly this */
  spec: unknown;
}

export interface StoryContext {
  page: Page;
  /** the app's origin, e.g. http://127.0.0.1:4173 */
  baseUrl: string;
  /** smallest real settings (the e2e test's demo) */
  short: boolean;
  /** a scratch folder for files a story writes (pools, workspaces); removed after the demo */
  workDir: string;
  /** the loopback hub's URL (started by the runner for the hub story) */
  hubUrl?: string;
  /** one narrated step: the caption goes on screen, the body runs, a screenshot is taken after it */
  step(title: string, narration: string, body: () => Promise<void>): Promise<void>;
  figure(name: string, value: FigureValue): void;
  /** records the module's current share link and spec */
  share(module: string): Promise<void>;
}

export interface Story {
  /** a module id, or `hub` for the loopback-hub story */
  id: string;
  title: string;
  run(ctx: StoryContext): Promise<void>;
}
