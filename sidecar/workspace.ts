// Confines every path the HTTP API accepts to one workspace folder. Paths are relative, use "/" and have no
// "." or ".." segment; existing paths must realpath inside the workspace (no symlink escape); new outputs
// must not exist yet and their parent must realpath inside it. Inputs are therefore never overwritten.

import { lstat, readdir, realpath, rm, stat } from 'node:fs/promises';
import { basename, join, relative, sep } from 'node:path';
import { INDEX_FILE, SINGLE_FILE } from '../src/core/edits/sharded';
import { describeFileType, JOB_ID_CHARS, partialPath, PARTIAL_MARK } from './fileio';

/** Linux limits (ext4, xfs, btrfs; macOS allows a little more): bytes per path component, bytes per path. */
export const NAME_MAX = 255;
export const PATH_MAX = 4096;
/** Room kept for the files an output folder holds (shard names, index, manifest) in the PATH_MAX check. */
const INNER_NAME_BYTES = 64;

export class PathError extends Error {
  override readonly name = 'PathError';
  constructor(readonly status: 400 | 403 | 404 | 409, message: string) {
    super(message);
  }
}

export class Workspace {
  private constructor(readonly root: string) {}

  static async open(dir: string): Promise<Workspace> {
    const root = await realpath(dir).catch(() => {
      throw new Error(`workspace folder ${dir} does not exist: create it or pass another --workspace`);
    });
    if (!(await stat(root)).isDirectory()) throw new Error(`workspace ${dir} is not a folder`);
    return new Workspace(root);
  }

  private inside(abs: string): boolean {
    const rel = relative(this.root, abs);
    return rel === '' || (!rel.startsWith('..') && !rel.startsWith(sep) && !/^[A-Za-z]:/.test(rel));
  }

  /** Syntax check shared by inputs and outputs. */
  private lexical(rel: string): string[] {
    if (typeof rel !== 'string' || rel.length === 0) throw new PathError(400, 'path is empty');
    if (rel.length > 1024) throw new PathError(400, 'path is longer than 1024 characters');
    if (rel.includes('\0') || rel.includes('\\')) throw new PathError(400, `path "${rel}" contains a NUL or a backslash`);
    if (rel.startsWith('/') || /^[A-Za-z]:/.test(rel)) throw new PathError(403, `path "${rel}" is absolute: give it relative to the workspace`);
    const parts = rel.split('/').filter((p) => p !== '');
    if (parts.some((p) => p === '..' || p === '.')) throw new PathError(403, `path "${rel}" contains "." or "..": stay inside the workspace`);
    if (parts.some((p) => p.includes(PARTIAL_MARK))) throw new PathError(403, `path "${rel}" names a temporary file of a running job`);
    const long = parts.find((p) => Buffer.byteLength(p) > NAME_MAX);
    if (long !== undefined) throw new PathError(400, `"${long.slice(0, 32)}…" is ${Buffer.byteLength(long)} bytes long; file and folder names are limited to ${NAME_MAX} bytes`);
    return parts;
  }

  /** An existing file or folder inside the workspace, symlinks resolved and checked. */
  async existing(rel: string): Promise<string> {
    const parts = this.lexical(rel);
    const abs = await realpath(join(this.root, ...parts)).catch(() => {
      throw new PathError(404, `"${rel}" does not exist in the workspace`);
    });
    if (!this.inside(abs)) throw new PathError(403, `"${rel}" resolves outside the workspace (symlink?)`);
    const st = await stat(abs);
    if (!st.isFile() && !st.isDirectory()) throw new PathError(400, `"${rel}" is ${describeFileType(st)}: inputs must be regular files or folders`);
    return abs;
  }

  /** A path to create: must not exist; its parent must exist inside the workspace. */
  async fresh(rel: string): Promise<string> {
    const parts = this.lexical(rel);
    const parent = await realpath(join(this.root, ...parts.slice(0, -1))).catch(() => {
      throw new PathError(404, `the folder of "${rel}" does not exist in the workspace`);
    });
    if (!this.inside(parent)) throw new PathError(403, `the folder of "${rel}" resolves outside the workspace (symlink?)`);
    const abs = join(parent, parts[parts.length - 1]);
    // Checked now, not when the job writes: a survival report is only written after a full pass.
    const temp = partialPath(abs, '0'.repeat(JOB_ID_CHARS));
    const tempName = Buffer.byteLength(basename(temp));
    if (tempName > NAME_MAX) throw new PathError(400, `output name "${parts[parts.length - 1].slice(0, 32)}…" is too long: with the ${tempName - Buffer.byteLength(basename(abs))}-byte temp suffix it would be ${tempName} bytes, over the ${NAME_MAX}-byte limit per name; shorten it`);
    if (Buffer.byteLength(temp) + 1 + INNER_NAME_BYTES >= PATH_MAX) throw new PathError(400, `output path "${rel}" is too long: its files would exceed the ${PATH_MAX}-byte path limit; use a shorter path`);
    if (await lstat(abs).then(() => true, () => false)) throw new PathError(409, `"${rel}" already exists: outputs never overwrite; choose a new name`);
    return abs;
  }

  rel(abs: string): string {
    return relative(this.root, abs).split(sep).join('/');
  }

  /** Checkpoints in the workspace (files and model folders), depth-limited, symlinks not followed. */
  async listCheckpoints(maxDepth = 4): Promise<{ path: string; kind: 'file' | 'folder' | 'sharded'; bytes: number }[]> {
    const out: { path: string; kind: 'file' | 'folder' | 'sharded'; bytes: number }[] = [];
    const walk = async (dir: string, depth: number) => {
      const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
      const names = entries.map((e) => e.name);
      const kind = names.includes(INDEX_FILE) ? 'sharded' : names.includes(SINGLE_FILE) ? 'folder' : null;
      if (kind && dir !== this.root) {
        let bytes = 0;
        for (const e of entries) if (e.isFile() && e.name.endsWith('.safetensors')) bytes += (await stat(join(dir, e.name))).size;
        out.push({ path: this.rel(dir), kind, bytes });
        return;
      }
      for (const e of entries) {
        if (e.name.startsWith('.')) continue;
        const p = join(dir, e.name);
        if (e.isFile() && e.name.endsWith('.safetensors')) out.push({ path: this.rel(p), kind: 'file', bytes: (await stat(p)).size });
        else if (e.isDirectory() && depth < maxDepth) await walk(p, depth + 1);
      }
    };
    await walk(this.root, 0);
    return out.sort((a, b) => a.path.localeCompare(b.path));
  }

  /** Removes temp outputs left by a killed sidecar (they are never valid checkpoints). */
  async sweepPartials(maxDepth = 6): Promise<string[]> {
    const removed: string[] = [];
    const walk = async (dir: string, depth: number) => {
      for (const e of await readdir(dir, { withFileTypes: true }).catch(() => [])) {
        const p = join(dir, e.name);
        if (e.name.startsWith('.') && e.name.includes(PARTIAL_MARK)) {
          await rm(p, { recursive: true, force: true });
          removed.push(this.rel(p));
        } else if (e.isDirectory() && depth < maxDepth) await walk(p, depth + 1);
      }
    };
    await walk(this.root, 0);
    return removed;
  }
}
