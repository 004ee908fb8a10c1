// Makes sure Debian's redis-server is present before the unit suite (the sweep tests start their own Redis on
// loopback through scripts/redis.mjs): installs it when running as root, otherwise stops with the exact package to
// install. REDIS_SERVER overrides the binary's path.
import { existsSync } from 'node:fs';
import { execSync } from 'node:child_process';

const path = process.env.REDIS_SERVER ?? '/usr/bin/redis-server';
if (existsSync(path)) process.exit(0);
const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
if (!isRoot) {
  console.error(`redis-server not found at ${path}. Install Debian's package "redis-server" (sudo apt-get update && sudo apt-get install -y redis-server), or set REDIS_SERVER.`);
  process.exit(1);
}
console.log('redis-server missing: installing Debian package "redis-server" (apt-get update && apt-get install -y redis-server) ...');
// the tests never use the package's own service (they start redis-server themselves on a free loopback port)
try {
  execSync('apt-get update && DEBIAN_FRONTEND=noninteractive RUNLEVEL=1 apt-get install -y --no-install-recommends redis-server', { stdio: 'inherit' });
} catch (e) {
  // no apt (not Debian), no network or no sources: say what failed and what to do, not a stack trace
  console.error(`installing redis-server with apt-get failed (${e.status !== undefined ? `exit ${e.status}` : e.message}). The sweep tests need Debian's "redis-server" package (or any redis-server ≥ 6.2 binary): install it by hand, or set REDIS_SERVER to its path.`);
  process.exit(1);
}
if (!existsSync(path)) {
  console.error(`apt-get finished but ${path} is still missing; install the "redis-server" package by hand.`);
  process.exit(1);
}
