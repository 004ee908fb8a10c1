// npm's install-script policy: every dependency with an install script is declared in package.json `allowScripts`
// (onnxruntime-node's is denied: it would download CUDA files; its CPU binary ships in the package), and npm reads
// the project config without warnings (the old `.npmrc` key `onnxruntime-node-install` is unknown to npm 11).
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const root = new URL('..', import.meta.url);
const pkg = JSON.parse(readFileSync(new URL('package.json', root), 'utf8')) as { allowScripts?: Record<string, boolean> };
const lock = JSON.parse(readFileSync(new URL('package-lock.json', root), 'utf8')) as {
  packages: Record<string, { hasInstallScript?: boolean }>;
};

describe('install scripts', () => {
  it('are declared for every locked package that has one, and onnxruntime-node\'s is denied', () => {
    const withScripts = Object.entries(lock.packages)
      .filter(([, p]) => p.hasInstallScript)
      .map(([path]) => path.slice(path.lastIndexOf('node_modules/') + 'node_modules/'.length));
    expect(withScripts.length).toBeGreaterThan(0);
    const policy = pkg.allowScripts ?? {};
    expect(withScripts.filter((name) => !(name in policy))).toEqual([]);
    expect(policy['onnxruntime-node']).toBe(false);
  });

  it('npm sees no pending script and no unknown config', () => {
    const npm = spawnSync('npm', ['approve-scripts', '--allow-scripts-pending'], { cwd: root, encoding: 'utf8' });
    expect(npm.stdout).toMatch(/No packages with unreviewed install scripts/);
    expect(npm.stderr).not.toMatch(/Unknown (project|env|user) config/);
  });
});
