// Makes sure Debian's Chromium is present before the e2e suite: installs it when running as root, otherwise
// stops with the exact package to install. (Playwright cannot download its own browser on this network.)
import { existsSync } from 'node:fs';
import { execSync } from 'node:child_process';

const path = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
if (existsSync(path)) process.exit(0);
const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
if (!isRoot) {
  console.error(`Chromium not found at ${path}. Install Debian's package "chromium" (sudo apt-get update && sudo apt-get install -y chromium), or set CHROMIUM_PATH.`);
  process.exit(1);
}
console.log('Chromium missing: installing Debian package "chromium" (apt-get update && apt-get install -y chromium) ...');
execSync('apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y chromium', { stdio: 'inherit' });
if (!existsSync(path)) {
  console.error(`apt-get finished but ${path} is still missing; install the "chromium" package by hand.`);
  process.exit(1);
}
