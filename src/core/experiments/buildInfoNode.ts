// Node side of the environment: the git revision (and dirty flag) of the checkout and the installed versions of
// the tracked engines, read at run time by Node runs and at build time by vite.config.ts (which injects them into
// the browser bundle as __WORKBENCH_BUILD__). Never throws: outside a git checkout the revision is 'unknown'.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { TRACKED_PACKAGES, type BuildInfo } from './environment';
import type { BackendHost, SidecarEndpoint } from './backends/factory';
import { nodeBackendHost } from './backends/hosts';

function git(root: string, args: string[]): string | undefined {
  try {
    return execFileSync('git', args, { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], timeout: 10_000 }).trim();
  } catch {
    return undefined;
  }
}

function installedVersion(root: string, name: string): string {
  try {
    const pkg = JSON.parse(readFileSync(join(root, 'node_modules', name, 'package.json'), 'utf8')) as { version?: unknown };
    if (typeof pkg.version === 'string') return pkg.version;
  } catch {
    // not installed: fall back to the range package.json asks for
  }
  try {
    const own = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { dependencies?: Record<string, string>; devDependencies?: Record<string, string> };
    const range = own.dependencies?.[name] ?? own.devDependencies?.[name];
    return range ? `${range} (not installed)` : 'unknown';
  } catch {
    return 'unknown';
  }
}

/** Build info of the checkout at `root` (default: the working directory). */
export function nodeBuildInfo(root = process.cwd()): BuildInfo {
  const revision = git(root, ['rev-parse', 'HEAD']);
  const status = revision ? git(root, ['status', '--porcelain', '--untracked-files=no']) : undefined;
  return {
    gitRevision: revision && /^[0-9a-f]{7,64}$/.test(revision) ? revision : 'unknown',
    gitDirty: status === undefined ? null : status.length > 0,
    packages: Object.fromEntries(TRACKED_PACKAGES.map((p) => [p, installedVersion(root, p)])),
  };
}

/**
 * The host of a Node run (tests, benches, sidecar, queue workers), with the ONNX runtimes the backend factory routes
 * to: onnxruntime-node for `auto`, onnxruntime-web's WASM build for `wasm` (and `webgpu`, which Node lacks: logged).
 */
export function nodeHost(root = process.cwd(), options: { sidecar?: SidecarEndpoint; numThreads?: number } = {}): BackendHost {
  return nodeBackendHost({ runtime: 'node', platform: `node ${process.versions.node} ${process.platform}-${process.arch}`, build: nodeBuildInfo(root) }, options);
}
