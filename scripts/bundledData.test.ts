// The bundled public data (data/README.md): every file under data/ and public/samples/ is documented there with its
// sha256 and still has those exact bytes (no end-of-line conversion, no edits), every file the tabular registry
// names is bundled, and no bundled file has a second copy elsewhere in the repository.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SHARED_DATASETS, SHARED_DATASET_FOLDER } from '../src/core/tabular/data/registry';
import { repositoryFiles } from './outsideReferences';

const ROOT = resolve(import.meta.dirname, '..');
const BUNDLED_FOLDERS = ['data', 'public/samples'];

const sha256 = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex');

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? filesUnder(join(dir, e.name)) : [relative(ROOT, join(dir, e.name))]);
}

/** The integrity table of data/README.md: `path` → sha256. */
function documentedHashes(): Map<string, string> {
  const readme = readFileSync(join(ROOT, 'data/README.md'), 'utf8');
  return new Map([...readme.matchAll(/^\| `([^`]+)` \| `([0-9a-f]{64})` \|$/gm)].map((m) => [m[1], m[2]]));
}

describe('bundled public data', () => {
  const bundled = BUNDLED_FOLDERS.flatMap((f) => filesUnder(join(ROOT, f))).filter((f) => f !== 'data/README.md').sort();
  const documented = documentedHashes();

  it('every bundled file is in data/README.md with the sha256 of its bytes, and nothing documented is missing', () => {
    expect(bundled.length).toBeGreaterThan(0);
    expect([...documented.keys()].sort()).toEqual(bundled);
    for (const f of bundled) expect(sha256(join(ROOT, f)), f).toBe(documented.get(f));
  });

  it('the tabular registry names only bundled files (each table and its description or licence)', () => {
    for (const s of SHARED_DATASETS) {
      expect(bundled).toContain(`public/${SHARED_DATASET_FOLDER}${s.file}`);
      expect(bundled).toContain(`public/${SHARED_DATASET_FOLDER}${s.about}`);
    }
  });

  it('each bundled file exists once in the repository', () => {
    const sizes = new Set(bundled.map((f) => statSync(join(ROOT, f)).size));
    const hashes = new Set(bundled.map((f) => documented.get(f)));
    const copies = repositoryFiles(ROOT)
      .filter((f) => !bundled.includes(f))
      .filter((f) => { try { return sizes.has(statSync(join(ROOT, f)).size); } catch { return false; } })
      .filter((f) => hashes.has(sha256(join(ROOT, f))));
    expect(copies).toEqual([]);
  });
});
