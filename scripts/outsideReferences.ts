// Finds references to paths outside the repository in its own files, so a bare clone is self-sufficient
// (`git clone … && npm ci && npm test` must not need a folder beside the checkout). Each relative path is
// resolved the way it is used: import specifiers, `new URL(p, import.meta.url)` and `resolve(__dirname, p)` against
// the file's folder; any other path literal in code (readFileSync('…'), resolve(ROOT, '…')) may be used from the
// repository root (the cwd of npm scripts) as well, so it must stay inside from both. Absolute paths into home or
// work folders of one machine are refused outright.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, extname, isAbsolute, join, relative, resolve } from 'node:path';

export interface OutsideReference {
  file: string;
  line: number;
  text: string;
  why: string;
}

/** Data and generated files hold no path that is resolved; the scan covers sources, tests, configs and docs. */
const SKIPPED_EXTENSIONS = new Set(['.csv', '.jsonl', '.names', '.txt', '.onnx', '.safetensors', '.bin', '.parquet', '.arff', '.png', '.jpg', '.svg', '.ico', '.wasm']);
const SKIPPED_FILES = new Set(['package-lock.json']);
const CODE_EXTENSIONS = new Set(['.ts', '.tsx', '.js', '.mjs', '.cjs', '.jsx']);

/** A run of `./` and `../` segments with at least one `..`, then optional names; not a spread (`...x`). */
const RELATIVE = /(?<![\w./\\-])((?:\.{1,2}\/)*\.\.(?:\/[\w.@+-]+)*\/?)(?![\w.])/g;
/** A line that feeds a deliberately escaping path to code under test (a traversal check) says so with this, on it or above it. */
const MARKER = 'outside-path-ok';
/** Folders that exist on one machine only (a checkout, a home); system paths such as /usr/bin are not flagged. */
const MACHINE_ABSOLUTE = /(?<![\w.:/-])((?:file:\/\/)?\/(?:work|home|Users|root|mnt)\/[\w.@+\-/]*)/g;

const IMPORT_BEFORE = /(?:\bfrom|\bimport|\brequire\(|\bimport\(|\bvi\.mock\(|\bimport\.meta\.glob(?:<[^>]*>)?\()\s*['"`]$/;
const FOLDER_BASE_BEFORE = /(?:__dirname|import\.meta\.dirname|fileURLToPath\(import\.meta\.url\)\)?)\s*,\s*['"`]$/;
const FOLDER_BASE_AFTER = /^['"`]\s*,\s*import\.meta\.url/;

const escapes = (root: string, path: string): boolean => {
  const rel = relative(root, path);
  return rel === '..' || rel.startsWith('../') || isAbsolute(rel);
};

/** The outside references in one file's text; `file` is its path relative to `root`. */
export function findOutsideReferences(root: string, file: string, text: string): OutsideReference[] {
  const found: OutsideReference[] = [];
  const folder = dirname(resolve(root, file));
  const isCode = CODE_EXTENSIONS.has(extname(file));
  const lineOf = (index: number) => text.slice(0, index).split('\n').length;
  const report = (index: number, token: string, why: string) =>
    found.push({ file, line: lineOf(index), text: token, why });

  // the token's line and the one above it (where a marker comment sits on its own line)
  const lineAndAbove = (index: number) => {
    const end = text.indexOf('\n', index);
    return text.slice(text.lastIndexOf('\n', text.lastIndexOf('\n', index - 1) - 1) + 1, end < 0 ? text.length : end);
  };

  for (const m of text.matchAll(RELATIVE)) {
    const token = m[1];
    const index = m.index;
    if (lineAndAbove(index).includes(MARKER)) continue;
    // A bare climb (joined to __dirname as a base) names nothing by itself; a climb followed by a name does.
    const namesSomething = token.replace(/^(?:\.{1,2}\/)*\.\.\/?/, '').length > 0;
    const fromFolder = resolve(folder, token);
    // In docs a bare `..` is prose ("no `..` in paths"); in code it is a path.
    if (escapes(root, fromFolder) && (isCode || namesSomething)) {
      report(index, token, `resolves to ${fromFolder} from the file's folder, outside the repository`);
      continue;
    }
    if (!isCode) continue;
    const before = text.slice(Math.max(0, index - 60), index);
    const after = text.slice(index + token.length, index + token.length + 40);
    const folderRelative = IMPORT_BEFORE.test(before) || FOLDER_BASE_BEFORE.test(before) || FOLDER_BASE_AFTER.test(after);
    // Comments cite files relative to their own folder; only a string literal may be read from the root.
    const inLiteral = /['"`]$/.test(before);
    const fromRoot = resolve(root, token);
    if (inLiteral && !folderRelative && namesSomething && escapes(root, fromRoot)) {
      report(index, token, `resolves to ${fromRoot} from the repository root (where npm scripts run), outside it`);
    }
  }
  for (const m of text.matchAll(MACHINE_ABSOLUTE)) {
    report(m.index, m[1], 'an absolute path on one machine: make it relative to the repository (or to the file)');
  }
  return found;
}

/** Tracked files plus new ones git does not ignore, as paths relative to `root`. */
export function repositoryFiles(root: string): string[] {
  const out = execFileSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], { cwd: root, encoding: 'utf8' });
  return [...new Set(out.split('\0').filter(Boolean))];
}

/** Every outside reference in the repository's own files (sources, tests, benches, e2e, scripts, configs, docs). */
export function scanRepository(root: string): OutsideReference[] {
  const found: OutsideReference[] = [];
  for (const file of repositoryFiles(root)) {
    const full = join(root, file);
    if (SKIPPED_FILES.has(file.split('/').pop()!) || SKIPPED_EXTENSIONS.has(extname(file).toLowerCase())) continue;
    if (!existsSync(full) || !statSync(full).isFile() || statSync(full).size > 4 * 1024 * 1024) continue;
    const bytes = readFileSync(full);
    if (bytes.subarray(0, 8192).includes(0)) continue;
    found.push(...findOutsideReferences(root, file, bytes.toString('utf8')));
  }
  return found;
}
