// Starts Debian's redis-server for tests and local use: loopback only, a free port, no snapshots, and the
// `noeviction` policy BullMQ needs (an evicted job key is a silently lost job). Two persistence modes:
//   ephemeral (default)      --save '' --appendonly no: everything is lost when it stops (tests, benches)
//   durable ({ dir })        --appendonly yes --appendfsync always in `dir`: a restart on the same port replays
//                            the append-only file, so queued and finished jobs survive a crash (restart test,
//                            long local sweeps)
// As a module: `startRedis(options)` → { port, url, pid, running, stop(), kill(), restart() }. As a command:
//   node scripts/redis.mjs [--port 6379] [--dir ./.redis-data]     (foreground; Ctrl-C stops it)
import { spawn } from 'node:child_process';
import { createServer, connect } from 'node:net';
import { pathToFileURL } from 'node:url';

const BINARY = process.env.REDIS_SERVER ?? '/usr/bin/redis-server';

/** A TCP port free on 127.0.0.1 right now (the kernel picks it). */
export function freePort() {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

function serverArgs(port, dir) {
  const args = ['--port', String(port), '--bind', '127.0.0.1', '--protected-mode', 'yes', '--save', '', '--maxmemory-policy', 'noeviction', '--loglevel', 'warning'];
  if (dir) args.push('--dir', dir, '--appendonly', 'yes', '--appendfsync', 'always', '--appenddirname', 'aof');
  else args.push('--appendonly', 'no');
  return args;
}

/** Resolves once redis answers PING on the port; rejects after `timeoutMs`. */
function waitForPing(port, timeoutMs, exited) {
  const deadline = Date.now() + timeoutMs;
  return new Promise((resolve, reject) => {
    const attempt = () => {
      if (exited()) return reject(new Error(`redis-server exited before answering on 127.0.0.1:${port} (port taken? run "node scripts/redis.mjs --port ${port}" to see its output)`));
      const sock = connect(port, '127.0.0.1');
      let buf = '';
      sock.on('connect', () => sock.write('PING\r\n'));
      sock.on('data', (d) => {
        buf += d.toString();
        // "-LOADING" while an append-only file is replayed: not ready yet
        if (buf.includes('+PONG')) { sock.destroy(); resolve(); } else if (buf.includes('\r\n')) { sock.destroy(); retry(); }
      });
      sock.on('error', () => { sock.destroy(); retry(); });
    };
    const retry = () => (Date.now() > deadline ? reject(new Error(`redis-server did not answer PING on 127.0.0.1:${port} within ${timeoutMs} ms`)) : setTimeout(attempt, 50));
    attempt();
  });
}

/**
 * Starts redis-server. Options: port (default: a free one), dir (durable mode, see the header), timeoutMs,
 * verbose (its log on this process's stdout/stderr).
 * `stop()` shuts it down (SIGTERM), `kill()` crashes it (SIGKILL), `restart({ crash })` does either and starts it
 * again on the same port with the same dir.
 */
export async function startRedis(options = {}) {
  const port = options.port ?? await freePort();
  const dir = options.dir;
  const timeoutMs = options.timeoutMs ?? 10_000;
  let child;
  let exited = false;
  const launch = async () => {
    exited = false;
    child = spawn(BINARY, serverArgs(port, dir), { stdio: ['ignore', options.verbose ? 'inherit' : 'ignore', options.verbose ? 'inherit' : 'ignore'] });
    child.on('error', (e) => { exited = true; console.error(`cannot start ${BINARY}: ${e.message} (run: node scripts/ensure-redis.mjs)`); });
    child.on('exit', () => { exited = true; });
    await waitForPing(port, timeoutMs, () => exited);
  };
  const end = (signal) => new Promise((resolve) => {
    if (exited || !child) return resolve();
    child.once('exit', () => resolve());
    child.kill(signal);
  });
  await launch();
  return {
    port,
    url: `redis://127.0.0.1:${port}`,
    get pid() { return child.pid; },
    get running() { return !exited && !!child; },
    stop: () => end('SIGTERM'),
    kill: () => end('SIGKILL'),
    restart: async ({ crash = false } = {}) => { await end(crash ? 'SIGKILL' : 'SIGTERM'); await launch(); },
  };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const arg = (name) => { const i = process.argv.indexOf(name); return i > 0 ? process.argv[i + 1] : undefined; };
  const port = arg('--port') ? Number(arg('--port')) : 6379;
  const dir = arg('--dir');
  const redis = await startRedis({ port, verbose: true, ...(dir ? { dir } : {}) });
  console.log(`redis-server on ${redis.url} (${dir ? `durable: append-only file in ${dir}` : 'ephemeral: nothing kept when it stops'}, maxmemory-policy noeviction); Ctrl-C stops it`);
  const stop = async () => { await redis.stop(); process.exit(0); };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}
