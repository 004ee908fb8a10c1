// Entry point of the edits sidecar: `npm run sidecar -- --workspace DIR [--port N] [--origin URL]...`.
// Listens on 127.0.0.1 only, with a fresh random bearer token per start. A stdout line is
// machine-readable (SIDECAR_READY {"url","token","workspace"}) so the app's launcher and tests can parse it.
// One sidecar per workspace (lock.ts): a second one exits with an error naming the first.

import { randomBytes } from 'node:crypto';
import { serve } from '@hono/node-server';
import { createApp, DEFAULT_ORIGINS } from './app';
import { lockWorkspace } from './lock';
import { prewarmWorker } from './offThread';
import { Workspace } from './workspace';

interface Args {
  workspace: string;
  port: number;
  origins: string[];
  maxBodyBytes: number;
}

function usage(msg: string): never {
  console.error(`${msg}\nusage: npm run sidecar -- --workspace DIR [--port N (0 = random; default 8765)] [--origin URL ...] [--max-body-mb N (default 8)]`);
  process.exit(2);
}

export function parseArgs(argv: string[]): Args {
  const a: Args = { workspace: '', port: 8765, origins: [], maxBodyBytes: 8 << 20 };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    const val = argv[i + 1];
    if (val === undefined && flag.startsWith('--')) usage(`${flag} needs a value`);
    switch (flag) {
      case '--workspace': a.workspace = val; break;
      case '--port': a.port = Number(val); break;
      case '--origin': a.origins.push(...val.split(',').map((s) => s.trim()).filter(Boolean)); break;
      case '--max-body-mb': a.maxBodyBytes = Math.round(Number(val) * (1 << 20)); break;
      default: usage(`unknown argument ${flag}`);
    }
    i++;
  }
  if (!a.workspace) usage('--workspace is required');
  if (!Number.isInteger(a.port) || a.port < 0 || a.port > 65535) usage(`--port must be 0..65535, got ${a.port}`);
  if (!(a.maxBodyBytes > 0)) usage('--max-body-mb must be positive');
  for (const o of a.origins) if (!/^https?:\/\/[^/]+$/.test(o)) usage(`--origin ${o} must look like http://host:port (no path)`);
  if (a.origins.length === 0) a.origins = DEFAULT_ORIGINS;
  return a;
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const workspace = await Workspace.open(args.workspace);
  // Before the sweep: the temp outputs of another live sidecar on this workspace are not leftovers.
  const lock = await lockWorkspace(workspace.root);
  process.on('exit', () => lock.release());
  if (lock.staleFrom !== null) console.log(`took over the workspace lock of an earlier sidecar (pid ${lock.staleFrom}) that no longer runs`);
  const swept = await workspace.sweepPartials();
  if (swept.length) console.log(`removed ${swept.length} partial output(s) left by an earlier run: ${swept.join(', ')}`);
  const token = randomBytes(32).toString('base64url');
  // The Host check needs the real port, which is known once listening (before any request can arrive).
  let port = args.port;
  const { app, jobs } = createApp({ workspace, token, origins: args.origins, maxBodyBytes: args.maxBodyBytes, port: () => port });
  // Before listening: the first job then finds a loaded worker (a failure here only costs that job a start).
  await prewarmWorker().catch((e: unknown) => console.warn(`job worker prewarm failed: ${(e as Error).message}`));
  const server = serve({ fetch: app.fetch, hostname: '127.0.0.1', port: args.port }, (info) => {
    port = info.port;
    const url = `http://127.0.0.1:${info.port}`;
    console.log(`SIDECAR_READY ${JSON.stringify({ url, token, workspace: workspace.root })}`);
    console.log(`edits sidecar on ${url} (workspace ${workspace.root}); allowed origins: ${args.origins.join(', ')}`);
    console.log(`token: ${token}`);
  });
  const stop = async () => {
    await jobs.cancelAll();
    server.close();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop());
  process.on('SIGTERM', () => void stop());
}

main().catch((e: unknown) => {
  console.error((e as Error).message);
  process.exit(1);
});
