// The environment a record carries: in this checkout the git revision and the installed engine versions; outside
// a git checkout 'unknown' (never a throw); without Vite's define (Node) no injected build info.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { nodeBuildInfo, nodeHost } from './buildInfoNode';
import { browserHost, injectedBuildInfo, runEnvironment, TRACKED_PACKAGES, UNKNOWN_BUILD } from './environment';

describe('run environment', () => {
  it('reads the git revision and installed engine versions of this checkout', () => {
    const info = nodeBuildInfo(process.cwd());
    let head = 'unknown';
    try {
      head = execFileSync('git', ['rev-parse', 'HEAD'], { encoding: 'utf8' }).trim();
    } catch {
      // a source tarball: nodeBuildInfo must say 'unknown' too
    }
    expect(info.gitRevision).toBe(head);
    expect(Object.keys(info.packages)).toEqual([...TRACKED_PACKAGES]);
    expect(info.packages['onnxruntime-web']).toMatch(/^\d+\.\d+\.\d+/);
    expect(nodeHost().runtime).toBe('node');
  });

  it("says 'unknown' outside a git checkout and for packages that are not installed", () => {
    const info = nodeBuildInfo(mkdtempSync(join(tmpdir(), 'no-git-')));
    expect(info).toEqual(UNKNOWN_BUILD);
  });

  it('has no injected build info in Node; a browser host without it reports unknown, not a guess', () => {
    expect(injectedBuildInfo()).toBeUndefined();
    expect(browserHost().build).toEqual(UNKNOWN_BUILD);
    const env = runEnvironment(nodeHost(), 'webgpu', 'js');
    expect(env).toMatchObject({ runtime: 'node', backendRequested: 'webgpu', backendUsed: 'js' });
  });
});
