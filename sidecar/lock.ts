// One sidecar per workspace. A second one used to start, sweep the workspace for temp outputs of killed runs
// and delete the first one's in-progress output. The lock is a file in the workspace holding the owner's pid
// and host; a lock whose pid is dead on this host (a SIGKILLed sidecar) is stale and taken over, one whose
// pid lives makes the new sidecar exit with a clear error before it touches anything.

import { readFileSync, unlinkSync } from 'node:fs';
import { link, readFile, unlink, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';

/** Hidden (leading dot), so listings skip it; it exists, so no job can write an output under its name. */
export const LOCK_FILE = '.edits-sidecar.lock';

interface LockInfo {
  pid: number;
  host: string;
  startedAt: string;
}

export class WorkspaceLockedError extends Error {
  override readonly name = 'WorkspaceLockedError';
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    // EPERM: the process exists but belongs to another user.
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function parse(text: string): LockInfo | null {
  try {
    const v = JSON.parse(text) as Partial<LockInfo>;
    return Number.isSafeInteger(v.pid) && typeof v.host === 'string' ? { pid: v.pid!, host: v.host, startedAt: String(v.startedAt ?? '?') } : null;
  } catch {
    return null;
  }
}

export interface WorkspaceLock {
  path: string;
  /** The pid of a dead sidecar whose lock was taken over, if any. */
  staleFrom: number | null;
  /** Removes the lock if it is still ours (synchronous, so it also runs from an 'exit' handler). */
  release(): void;
}

/** Takes the workspace lock or throws WorkspaceLockedError naming the sidecar that holds it. */
export async function lockWorkspace(root: string): Promise<WorkspaceLock> {
  const path = join(root, LOCK_FILE);
  const mine: LockInfo = { pid: process.pid, host: hostname(), startedAt: new Date().toISOString() };
  const text = JSON.stringify(mine);
  let staleFrom: number | null = null;
  for (let attempt = 0; attempt < 3; attempt++) {
    // Written aside then hard-linked into place: the lock appears atomically and never half-written.
    const aside = `${path}.${process.pid}`;
    await writeFile(aside, text);
    const took = await link(aside, path).then(() => true, (e: NodeJS.ErrnoException) => {
      if (e.code === 'EEXIST') return false;
      throw e;
    }).finally(() => unlink(aside).catch(() => undefined));
    if (took) {
      return {
        path, staleFrom,
        release: () => {
          try {
            if (readFileSync(path, 'utf8') === text) unlinkSync(path);
          } catch {
            // Already gone: nothing to release.
          }
        },
      };
    }
    const held = await readFile(path, 'utf8').catch(() => '');
    const info = parse(held);
    const manual = `If no sidecar runs on this workspace, delete ${path}.`;
    if (info && info.host !== mine.host) {
      throw new WorkspaceLockedError(`workspace ${root} is locked by an edits sidecar on host ${info.host} (pid ${info.pid}, started ${info.startedAt}); stop it first, or pass another --workspace. ${manual}`);
    }
    if (info && alive(info.pid)) {
      throw new WorkspaceLockedError(`workspace ${root} is in use by another edits sidecar (pid ${info.pid}, started ${info.startedAt}); stop it first, or pass another --workspace. ${manual}`);
    }
    // Stale (dead pid) or unreadable: take it over, unless another starter replaced it meanwhile.
    if ((await readFile(path, 'utf8').catch(() => '')) === held) {
      await unlink(path).catch(() => undefined);
      staleFrom = info?.pid ?? null;
    }
  }
  throw new WorkspaceLockedError(`could not take the lock ${path}: other sidecars keep starting on this workspace`);
}
