// Checks a production build for what must be shipped once: each WebAssembly binary (ORT's is 28 MB) and
// onnxruntime-web's JavaScript runtime, which belongs in /ort/ only (workers and transformers.js import it from
// there at run time). Vite bundles each worker separately, so a plain `import 'onnxruntime-web'` would copy the
// runtime into every worker chunk and its wasm into assets/ under a hashed name; this audit catches that. It also
// catches a chunk importing a file that is not there (a worker referenced twice is bundled twice: a source edited
// between the two bundles gives two versions, and only one set of their shared chunks survives).
// CLI: `tsx scripts/auditDist.ts <outDir>` exits 1 with the findings (the e2e web server runs it after building).
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';

/** A string every onnxruntime-web runtime build contains (its "no backend" error) and no other package does. */
export const ORT_RUNTIME_MARKER = 'no available backend found';
/** The one JavaScript file allowed to hold ORT's runtime. */
export const ORT_RUNTIME_FILE = 'ort/ort.all.min.mjs';

export interface DistAudit {
  totalBytes: number;
  /** Groups of .wasm files with the same content or the same name once a Vite content hash is removed. */
  duplicateWasm: string[][];
  /** JavaScript files (relative, `/`-separated) that contain ORT's runtime. */
  ortRuntimeFiles: string[];
  /** `file → ./chunk.js` imports of chunks the build did not emit (a source edited during the build mixes two). */
  missingImports: string[];
  problems: string[];
}

function listFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = join(dir, name);
    return statSync(full).isDirectory() ? listFiles(full) : [full];
  });
}

/** `ort-wasm-simd-threaded.jsep-MDYUKy93.wasm` → `ort-wasm-simd-threaded.jsep.wasm` (Vite's `[name]-[hash]`). */
export function unhashedName(file: string): string {
  const base = file.split('/').pop() ?? file;
  return base.replace(/-[A-Za-z0-9_-]{8}(\.[a-z0-9]+)$/, '$1');
}

function groupsOfTwoOrMore(keyed: Map<string, string[]>): string[][] {
  return [...keyed.values()].filter((g) => g.length > 1);
}

export function auditDist(outDir: string): DistAudit {
  const files = listFiles(outDir).map((f) => ({ full: f, rel: relative(outDir, f).split(sep).join('/') }));
  const totalBytes = files.reduce((sum, f) => sum + statSync(f.full).size, 0);

  const byContent = new Map<string, string[]>();
  const byName = new Map<string, string[]>();
  for (const f of files.filter((x) => x.rel.endsWith('.wasm'))) {
    const digest = createHash('sha256').update(readFileSync(f.full)).digest('hex');
    byContent.set(digest, [...(byContent.get(digest) ?? []), f.rel]);
    const name = unhashedName(f.rel);
    byName.set(name, [...(byName.get(name) ?? []), f.rel]);
  }
  const seen = new Set<string>();
  const duplicateWasm = [...groupsOfTwoOrMore(byContent), ...groupsOfTwoOrMore(byName)].filter((g) => {
    const key = [...g].sort().join('|');
    return seen.has(key) ? false : (seen.add(key), true);
  });

  const ortRuntimeFiles = files
    .filter((f) => /\.m?js$/.test(f.rel) && readFileSync(f.full, 'utf8').includes(ORT_RUNTIME_MARKER))
    .map((f) => f.rel)
    .sort();

  const emitted = new Set(files.map((f) => f.rel));
  const missingImports = files.filter((f) => /\.m?js$/.test(f.rel)).flatMap((f) => {
    const dir = f.rel.includes('/') ? f.rel.slice(0, f.rel.lastIndexOf('/') + 1) : '';
    const imported = [...readFileSync(f.full, 'utf8').matchAll(/(?:from|import\()\s*["'`]\.\/([^"'`]+\.m?js)["'`]/g)].map((m) => m[1]);
    return [...new Set(imported)].filter((name) => !emitted.has(dir + name)).map((name) => `${f.rel} → ./${name}`);
  });

  const problems = [
    ...duplicateWasm.map((g) => `WebAssembly shipped more than once: ${g.join(', ')}`),
    ...ortRuntimeFiles.filter((f) => f !== ORT_RUNTIME_FILE).map((f) =>
      `onnxruntime-web's runtime is bundled into ${f}; import it from /${ORT_RUNTIME_FILE} (see scripts/viteOrtFromSelfHost.ts)`),
    ...missingImports.map((m) => `a chunk imports a file the build did not emit: ${m} (were sources edited during the build? build again)`),
  ];
  return { totalBytes, duplicateWasm, ortRuntimeFiles, missingImports, problems };
}

const invokedDirectly = process.argv[1]?.endsWith('auditDist.ts');
if (invokedDirectly) {
  const outDir = process.argv[2] ?? 'dist';
  const audit = auditDist(outDir);
  console.log(`${outDir}: ${(audit.totalBytes / 2 ** 20).toFixed(1)} MiB; ORT runtime in ${audit.ortRuntimeFiles.join(', ') || 'no file'}`);
  for (const p of audit.problems) console.error(`dist audit: ${p}`);
  process.exit(audit.problems.length ? 1 : 0);
}
