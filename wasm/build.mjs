// Builds wasm/survival.wasm from wasm/survival.ts with the pinned AssemblyScript compiler (`npm run build:wasm`).
// The survival kernel test rebuilds with the same arguments and compares bytes, so the committed binary is the
// source's.
import { fileURLToPath } from 'node:url';

/** asc arguments, without the output path. */
export const ASC_ARGS = ['survival.ts', '-O3', '--runtime', 'stub', '--enable', 'simd', '--noAssert', '--use', 'abort=', '--initialMemory', '4'];

/** Compiles to `outFile` (relative to this folder); throws with the compiler's messages on failure. */
export async function buildSurvivalWasm(outFile) {
  const asc = await import('assemblyscript/asc');
  const dir = fileURLToPath(new URL('.', import.meta.url));
  const { error, stderr } = await asc.main([...ASC_ARGS, '--baseDir', dir, '-o', outFile]);
  if (error) throw new Error(`asc failed: ${error.message}\n${stderr.toString()}`);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await buildSurvivalWasm('survival.wasm');
