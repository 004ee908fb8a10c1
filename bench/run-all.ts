// Runs every benchmark in bench/ one after another (each compares against its baseline in the same run and writes
// bench/results/<name>.json). Default sizes are the CI-friendly ones; pass a name to run only that one.
// Run: npm run bench [-- ensembles]
import { spawnSync } from 'node:child_process';

const BENCHES = ['runtime', 'runtime-browser', 'ensembles', 'tabular-teacher', 'tabular-baselines', 'distill', 'gbdt', 'edits', 'alignbeam', 'circuits', 'sweeps'];
const only = process.argv.slice(2);
const root = new URL('..', import.meta.url).pathname;
let failed = 0;
for (const name of BENCHES.filter((b) => only.length === 0 || only.includes(b))) {
  console.log(`\n=== bench/${name}.ts ===`);
  const r = spawnSync('npx', ['tsx', `bench/${name}.ts`], { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) { failed++; console.error(`bench/${name}.ts exited with ${r.status}`); }
}
process.exit(failed ? 1 : 0);
