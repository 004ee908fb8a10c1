// E2E against the production build (vite build + vite preview, COOP/COEP on) in Debian's Chromium.
// Playwright cannot download its own browser here; scripts/ensure-chromium.mjs installs Debian's.
import { defineConfig } from '@playwright/test';

const PORT = Number(process.env.E2E_PORT ?? 4173);
// Several checkouts or agents may run e2e at once: each can build into its own folder.
const OUT_DIR = process.env.E2E_OUT_DIR ?? 'dist';

export default defineConfig({
  testDir: 'e2e',
  testMatch: /.*\.spec\.ts/,
  timeout: 180_000,
  expect: { timeout: 30_000 },
  fullyParallel: false,
  // two workers: every spec uses its own browser context, temp workspace and random ports (sidecar, hub, redis), and
  // the whole suite passed with two workers on the 2-core box at load 10–20 (66 tests, 6 Dec); one worker left a core idle
  workers: 2,
  retries: 0,
  reporter: [['list']],
  use: {
    baseURL: `http://127.0.0.1:${PORT}`,
    browserName: 'chromium',
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: ['--headless=new', '--no-sandbox', '--no-first-run', '--disable-background-networking', '--disable-component-update',
        '--disable-sync', '--disable-quic', '--enable-unsafe-webgpu'],
    },
    trace: 'off',
  },
  webServer: {
    // The audit fails the run if the build ships a wasm twice or bundles ORT's runtime into chunks.
    command: `npx vite build --outDir ${OUT_DIR} && npx tsx scripts/auditDist.ts ${OUT_DIR} && npx vite preview --outDir ${OUT_DIR} --port ${PORT} --strictPort --host 127.0.0.1`,
    url: `http://127.0.0.1:${PORT}/`,
    reuseExistingServer: !process.env.CI,
    timeout: 300_000,
    stdout: 'ignore',
    stderr: 'pipe',
  },
});
