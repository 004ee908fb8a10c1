// Starts the workbench for a demo the way playwright.config.ts's webServer does: `vite build` into a folder (unless
// a build is reused), then `vite preview` on 127.0.0.1 with COOP/COEP, and waits until it answers.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

/** vite's own entry, run with this node: killing it stops the server (an npx wrapper would leave it running) */
const VITE = join('node_modules', 'vite', 'bin', 'vite.js');

/** vite's notice about its future config loader is not the demo's business */
const QUIET_VITE = { ...process.env, VITE_CONFIG_NATIVE_IGNORE_WARNING: 'true' };

export class DemoServerError extends Error {
  override name = 'DemoServerError';
}

export interface DemoServer { url: string; close(): Promise<void> }

function run(cmd: string, args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const p = spawn(cmd, args, { stdio: ['ignore', 'ignore', 'inherit'], env: QUIET_VITE });
    p.once('error', reject);
    p.once('exit', (code) => (code === 0 ? resolve() : reject(new DemoServerError(`${cmd} ${args.join(' ')} exited with ${code}`))));
  });
}

async function answers(url: string): Promise<boolean> {
  try {
    return (await fetch(url)).ok;
  } catch {
    return false;
  }
}

/** Waits for the preview server by polling its URL (a server, not the page: no readiness marker exists yet). */
async function waitForServer(url: string, proc: ChildProcess, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (proc.exitCode !== null) throw new DemoServerError(`vite preview exited with ${proc.exitCode} before serving ${url}`);
    if (await answers(url)) return;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new DemoServerError(`vite preview did not answer at ${url} within ${timeoutMs / 1000} s`);
}

export async function startDemoServer(o: { outDir: string; port: number; reuseBuild: boolean; log: (l: string) => void }): Promise<DemoServer> {
  const url = `http://127.0.0.1:${o.port}`;
  if (await answers(`${url}/`)) throw new DemoServerError(`port ${o.port} is already serving: stop it, pick --port, or pass --base-url ${url}`);
  if (!(o.reuseBuild && existsSync(join(o.outDir, 'index.html')))) {
    o.log(`building the app into ${o.outDir} (vite build)…`);
    await run(process.execPath, [VITE, 'build', '--outDir', o.outDir, '--logLevel', 'error']);
  } else o.log(`reusing the build in ${o.outDir}`);
  const proc = spawn(process.execPath, [VITE, 'preview', '--outDir', o.outDir, '--port', String(o.port), '--strictPort', '--host', '127.0.0.1'], { stdio: ['ignore', 'ignore', 'inherit'], env: QUIET_VITE });
  const exited = new Promise<void>((r) => proc.once('exit', () => r()));
  try {
    await waitForServer(`${url}/`, proc, 60_000);
  } catch (e) {
    proc.kill();
    throw e;
  }
  return {
    url,
    async close() {
      if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGTERM');
      await exited;
    },
  };
}
