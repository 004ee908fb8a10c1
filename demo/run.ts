// `npm run demo -- [--modules a,b] [--short] [--video] [--out DIR] [--port N] [--reuse-build] [--dist DIR] [--base-url URL]`:
// builds and serves the workbench (or uses a server already running at --base-url), drives every module through its
// main story with on-screen narration (runDemo.ts), and writes the report folder. Exit code 1 if any step failed.
import { parseArgs } from 'node:util';
import { join } from 'node:path';
import { startDemoServer, type DemoServer } from './server';
import { prepareVideoRecording } from './video';

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      modules: { type: 'string' },
      short: { type: 'boolean', default: false },
      video: { type: 'boolean', default: false },
      out: { type: 'string', default: 'demo-report' },
      port: { type: 'string', default: '4320' },
      'reuse-build': { type: 'boolean', default: false },
      dist: { type: 'string', default: 'dist-demo' },
      'base-url': { type: 'string' },
    },
  });
  const log = (l: string) => console.log(l);
  if (values.video) log(`video: recording with ${prepareVideoRecording()}`);
  // imported only now: Playwright reads PLAYWRIGHT_BROWSERS_PATH (set for --video above) when it loads
  const { runDemo } = await import('./runDemo');
  let server: DemoServer | undefined;
  const baseUrl = values['base-url']?.replace(/\/$/, '')
    ?? (server = await startDemoServer({ outDir: values.dist, port: Number(values.port), reuseBuild: values['reuse-build'], log })).url;
  try {
    const { dir, summary } = await runDemo({
      baseUrl, short: values.short, video: values.video, outDir: values.out, log,
      ...(values.modules ? { modules: values.modules.split(',').map((s) => s.trim()).filter(Boolean) } : {}),
    });
    const failed = summary.modules.filter((m) => m.status === 'failed').map((m) => m.id);
    console.log(`report: ${join(dir, 'index.html')} (${(summary.durationMs / 1000).toFixed(0)} s; ${failed.length ? `failed: ${failed.join(', ')}` : 'all steps passed'})`);
    return failed.length ? 1 : 0;
  } finally {
    await server?.close();
  }
}

main().then((code) => process.exit(code), (e: unknown) => {
  console.error(e instanceof Error ? `${e.name}: ${e.message}` : e);
  process.exit(2);
});
