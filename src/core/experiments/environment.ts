// Where a run ran: runtime (Node, browser page, worker), platform, the build's git revision and dirty flag, the
// versions of the engines that compute results (onnxruntime, transformers.js, jax-js), and the backend requested
// and actually used. In a browser build these come from Vite's `define` (vite.config.ts injects
// __WORKBENCH_BUILD__ at build time); in Node, buildInfoNode.ts reads git and node_modules directly. Outside a git
// checkout the revision is 'unknown'.
import { z } from 'zod';

/** The packages whose versions a record carries: the engines results depend on. */
export const TRACKED_PACKAGES = ['onnxruntime-web', 'onnxruntime-node', '@huggingface/transformers', '@jax-js/jax'] as const;

export const RUNTIMES = ['node', 'browser', 'worker'] as const;
export type Runtime = (typeof RUNTIMES)[number];

export interface BuildInfo {
  /** `git rev-parse HEAD` of the build, or 'unknown' */
  gitRevision: string;
  /** uncommitted changes to tracked files at build time; null when unknown */
  gitDirty: boolean | null;
  /** installed version of each TRACKED_PACKAGES entry ('unknown' when not installed) */
  packages: Record<string, string>;
}

/** The machine a runner runs on, before any run: what RunContext.host carries. */
export interface HostInfo { runtime: Runtime; platform: string; build: BuildInfo }

export const environmentSchema = z.object({
  runtime: z.enum(RUNTIMES),
  platform: z.string().max(400),
  gitRevision: z.string().max(80),
  gitDirty: z.boolean().nullable(),
  packages: z.record(z.string(), z.string().max(80)),
  backendRequested: z.string().max(40),
  /** what really computed the results (e.g. 'js' for pure TypeScript, 'onnxruntime-node:cpu') */
  backendUsed: z.string().max(200),
});
export type RunEnvironment = z.infer<typeof environmentSchema>;

export const UNKNOWN_BUILD: BuildInfo = { gitRevision: 'unknown', gitDirty: null, packages: Object.fromEntries(TRACKED_PACKAGES.map((p) => [p, 'unknown'])) };

declare const __WORKBENCH_BUILD__: BuildInfo | undefined;

/** The build info Vite injected, or undefined (Node, vitest, tsx). */
export function injectedBuildInfo(): BuildInfo | undefined {
  return typeof __WORKBENCH_BUILD__ !== 'undefined' ? __WORKBENCH_BUILD__ : undefined;
}

export function detectRuntime(): Runtime {
  if (typeof process !== 'undefined' && typeof process.versions?.node === 'string') return 'node';
  return typeof (globalThis as { importScripts?: unknown }).importScripts === 'function' ? 'worker' : 'browser';
}

/** The host in a browser page or worker: runtime, user agent, and the injected build info. */
export function browserHost(): HostInfo {
  const agent = (globalThis as { navigator?: { userAgent?: string } }).navigator?.userAgent ?? 'unknown browser';
  return { runtime: detectRuntime(), platform: agent.slice(0, 400), build: injectedBuildInfo() ?? UNKNOWN_BUILD };
}

/** The record's environment: the host plus the backend a run asked for and the one that ran. */
export function runEnvironment(host: HostInfo, backendRequested: string, backendUsed: string): RunEnvironment {
  return {
    runtime: host.runtime, platform: host.platform, gitRevision: host.build.gitRevision, gitDirty: host.build.gitDirty,
    packages: { ...host.build.packages }, backendRequested, backendUsed,
  };
}
