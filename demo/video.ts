// Video for `--video`: Playwright records with its own ffmpeg build (`npx playwright install ffmpeg`, downloaded
// from Playwright's servers). Where that cannot be fetched, Debian's ffmpeg (`apt-get install ffmpeg`, which has the
// VP8 encoder Playwright asks for) stands in: a browsers folder holding only `ffmpeg-<revision>/ffmpeg-linux` →
// the system binary is handed to Playwright through PLAYWRIGHT_BROWSERS_PATH. Must run before Playwright is
// imported: its registry reads that variable once, when it loads.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, symlinkSync } from 'node:fs';
import { createRequire } from 'node:module';
import { homedir, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

export class DemoVideoError extends Error {
  override name = 'DemoVideoError';
}

function ffmpegRevision(): string {
  const pkg = createRequire(import.meta.url).resolve('playwright-core/package.json');
  const browsers = JSON.parse(readFileSync(join(dirname(pkg), 'browsers.json'), 'utf8')) as { browsers: { name: string; revision: string }[] };
  const rev = browsers.browsers.find((b) => b.name === 'ffmpeg')?.revision;
  if (!rev) throw new DemoVideoError('playwright-core/browsers.json names no ffmpeg revision');
  return rev;
}

function systemFfmpeg(): string | undefined {
  try {
    return execFileSync('sh', ['-c', 'command -v ffmpeg'], { encoding: 'utf8' }).trim() || undefined;
  } catch {
    return undefined;
  }
}

/** Makes sure Playwright can record video; returns which ffmpeg it will use. */
export function prepareVideoRecording(): string {
  if (process.platform !== 'linux') return 'playwright';
  const rev = ffmpegRevision();
  const own = join(process.env.PLAYWRIGHT_BROWSERS_PATH ?? join(homedir(), '.cache', 'ms-playwright'), `ffmpeg-${rev}`, 'ffmpeg-linux');
  if (existsSync(own)) return own;
  const system = systemFfmpeg();
  if (!system) {
    throw new DemoVideoError(`--video needs ffmpeg: run \`npx playwright install ffmpeg\` (Playwright's build) or \`apt-get install ffmpeg\` (Debian's, used in its place); neither ${own} nor an ffmpeg on PATH was found`);
  }
  const browsers = join(tmpdir(), 'workbench-demo-playwright');
  const link = join(browsers, `ffmpeg-${rev}`, 'ffmpeg-linux');
  if (!existsSync(link)) {
    mkdirSync(dirname(link), { recursive: true });
    symlinkSync(system, link);
  }
  process.env.PLAYWRIGHT_BROWSERS_PATH = browsers;
  return system;
}
