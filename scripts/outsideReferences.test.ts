// The repository stands alone: no source, test, bench, e2e spec, script, config or doc refers to a path outside
// it (issue #16: `npm test` on a bare clone read data beside the checkout and failed with ENOENT). The scanner's own rules
// are checked on small snippets first, so the repository check cannot pass by finding nothing.
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { findOutsideReferences, scanRepository } from './outsideReferences';

const ROOT = resolve(import.meta.dirname, '..');
// Built from pieces so this file does not itself contain the references it describes.
const UP = '..';
const SIBLING = `${UP}/neighbour/data/tabular/`;
const MACHINE = ['', 'work', 'main', 'models'].join('/');

const scan = (file: string, text: string) => findOutsideReferences(ROOT, file, text).map((r) => r.text);

describe('findOutsideReferences', () => {
  it('resolves import.meta.url and __dirname paths against the file folder', () => {
    expect(scan('src/core/tabular/data/x.ts', `new URL('${UP}/${UP}/${UP}/${UP}/${SIBLING}', import.meta.url)`)).toEqual([`${UP}/${UP}/${UP}/${UP}/${SIBLING}`]);
    expect(scan('src/core/tabular/data/x.ts', `new URL('${UP}/${UP}/${UP}/${UP}/public/samples/', import.meta.url)`)).toEqual([]);
    expect(scan('bench/x.ts', `resolve(__dirname, '${UP}/${UP}/models')`)).toEqual([`${UP}/${UP}/models`]);
    expect(scan('src/core/alignbeam/x.test.ts', `const ROOT = resolve(__dirname, '${UP}/${UP}/${UP}');`)).toEqual([]);
  });

  it('checks import specifiers against the folder only', () => {
    expect(scan('src/core/x/y.ts', `import { a } from '${UP}/${UP}/metrics/classification';`)).toEqual([]);
    expect(scan('src/a.ts', `import { a } from '${UP}/${UP}/elsewhere/a';`)).toEqual([`${UP}/${UP}/elsewhere/a`]);
  });

  it('checks other path literals from the repository root too (cwd-relative reads, ROOT joins)', () => {
    expect(scan('e2e/tabular.spec.ts', `readFileSync('${SIBLING}pima.csv', 'utf8')`)).toEqual([`${SIBLING}pima.csv`]);
    expect(scan('src/core/alignbeam/x.test.ts', `resolve(ROOT, '${SIBLING}')`)).toEqual([SIBLING]);
    expect(scan('e2e/a.spec.ts', `readFileSync('public/samples/tabular/german.csv')`)).toEqual([]);
    expect(scan('sidecar/tasks/a.ts', `// runs on a worker thread (see ${UP}/offThread.ts)`)).toEqual([]);
  });

  it('flags links in docs and machine-specific absolute paths, not system ones', () => {
    expect(scan('README.md', `See \`${UP}/neighbour/DESIGN.md\`.`)).toEqual([`${UP}/neighbour/DESIGN.md`]);
    expect(scan('models/tfm/forge.json', `{ "file": "${MACHINE}/model.safetensors" }`)).toEqual([`${MACHINE}/model.safetensors`]);
    expect(scan('scripts/x.mjs', `const path = '/usr/bin/chromium';`)).toEqual([]);
    expect(scan('src/a.ts', `const spread = { ...spec }; const range = '1..3'; fetch('/models/manifest.json');`)).toEqual([]);
    expect(scan('README.md', 'paths never hold `..`')).toEqual([]);
  });

  it('skips a line that marks a deliberate traversal input, and Vite globs resolve from the folder', () => {
    expect(scan('sidecar/a.test.ts', `for (const p of ['${UP}/x.safetensors']) { // outside-path-ok: must be refused`)).toEqual([]);
    expect(scan('sidecar/a.test.ts', `// outside-path-ok: must be refused\nfor (const p of ['${UP}/x.safetensors']) {`)).toEqual([]);
    expect(scan('sidecar/a.test.ts', `// outside-path-ok\n\nfor (const p of ['${UP}/x.safetensors']) {`)).toEqual([`${UP}/x.safetensors`]);
    expect(scan('sidecar/a.test.ts', `for (const p of ['${UP}/x.safetensors']) {`)).toEqual([`${UP}/x.safetensors`]);
    expect(scan('src/app/r.ts', `import.meta.glob<{ f: F }>('${UP}/features/*/index.tsx')`)).toEqual([]);
  });
});

describe('the repository', () => {
  it('refers to no path outside itself in any tracked or new file', () => {
    const found = scanRepository(ROOT).map((r) => `${r.file}:${r.line}: ${r.text} (${r.why})`);
    expect(found).toEqual([]);
  });
});
