// The dist audit on small synthetic builds: the two ways the ORT wasm used to be shipped twice (a hashed copy in
// assets/ beside /ort/, or identical bytes under two names) and ORT's runtime bundled into worker chunks.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { auditDist, ORT_RUNTIME_MARKER, unhashedName } from './auditDist';

let dir: string;
function build(files: Record<string, string>): string {
  dir = mkdtempSync(join(tmpdir(), 'dist-audit-'));
  for (const [rel, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, rel)), { recursive: true });
    writeFileSync(join(dir, rel), text);
  }
  return dir;
}
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const ortRuntime = `export const x = () => { throw new Error("${ORT_RUNTIME_MARKER}"); };`;

describe('auditDist', () => {
  it('passes a build that ships ORT once, from /ort/', () => {
    const audit = auditDist(build({
      'ort/ort.all.min.mjs': ortRuntime,
      'ort/ort-wasm-simd-threaded.jsep.wasm': 'wasm-a',
      'assets/lab.worker-Dv4XGzFR.js': 'import * as ort from "/ort/ort.all.min.mjs";',
      'assets/other-Ab12Cd34.wasm': 'wasm-b',
    }));
    expect(audit.problems).toEqual([]);
    expect(audit.ortRuntimeFiles).toEqual(['ort/ort.all.min.mjs']);
  });

  it('finds a wasm copied under a hashed name and identical wasm bytes under two names', () => {
    const byName = auditDist(build({
      'ort/ort-wasm-simd-threaded.jsep.wasm': 'wasm-a',
      'assets/ort-wasm-simd-threaded.jsep-MDYUKy93.wasm': 'wasm-a-but-patched',
    }));
    expect(byName.duplicateWasm).toEqual([['assets/ort-wasm-simd-threaded.jsep-MDYUKy93.wasm', 'ort/ort-wasm-simd-threaded.jsep.wasm']]);
    rmSync(dir, { recursive: true });
    const byContent = auditDist(build({ 'a.wasm': 'same', 'b/c.wasm': 'same' }));
    expect(byContent.problems).toEqual(['WebAssembly shipped more than once: a.wasm, b/c.wasm']);
  });

  it('finds ORT runtime bundled into worker chunks', () => {
    const audit = auditDist(build({
      'ort/ort.all.min.mjs': ortRuntime,
      'assets/ortWeb-CaZpCZ8i.js': ortRuntime,
      'assets/llm.worker-BBPZpxQ4.js': `import "./x.js";${ortRuntime}`,
    }));
    expect(audit.ortRuntimeFiles).toHaveLength(3);
    expect(audit.problems).toHaveLength(2);
    expect(audit.problems[0]).toMatch(/runtime is bundled into assets\/llm\.worker-BBPZpxQ4\.js/);
  });

  it('finds a chunk that imports a file the build did not emit', () => {
    const audit = auditDist(build({
      'assets/llm.worker-DuCH7FtR.js': 'const o = () => import("./ortWeb-C_4B4y6t.js");',
      'assets/llm.worker-BzOj7prh.js': 'const o = () => import("./ortWeb-CA1Cbik6.js");',
      'assets/ortWeb-CA1Cbik6.js': 'import { a } from "./llm.worker-BzOj7prh.js";',
    }));
    expect(audit.missingImports).toEqual(['assets/llm.worker-DuCH7FtR.js → ./ortWeb-C_4B4y6t.js']);
    expect(audit.problems).toHaveLength(1);
  });

  it('strips only a Vite content hash from a name', () => {
    expect(unhashedName('assets/ort-wasm-simd-threaded.jsep-MDYUKy93.wasm')).toBe('ort-wasm-simd-threaded.jsep.wasm');
    expect(unhashedName('ort/ort-wasm-simd-threaded.jsep.wasm')).toBe('ort-wasm-simd-threaded.jsep.wasm');
  });
});
