// TFM on a synthetic family with known Bayes-optimal AUC (`npx tsx bench/tfm-bayes.ts`): the embedded tfm,
// logistic regression, kNN and a GBDT each score held-out rows from the same context, on the three members of
// src/core/tabular/data/bayesFamily.ts (linear, xor, rings) at balance and at 5 % positives, with few and many
// irrelevant features and 256 / 1,024 context rows. Reported: AUC, the gap to AUC* (the best any classifier can
// do), and, with TFM_BASELINE_ONNX=path/to/model.onnx, an earlier tfm in the same run (e.g. the model before a
// retrain). Writes bench/results/tfm-bayes.json. BAYES_SEEDS (default 2) sets the replicates per cell.
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { aucFromProbs, type ProbMatrix } from '../src/core/metrics/classification';
import { bayesTask, type BayesFamilyKind } from '../src/core/tabular/data/bayesFamily';
import type { FeatureMatrix } from '../src/core/tabular/matrix';
import { trainGbdt } from '../src/core/tabular/students/gbdt/gbdt';
import { knnTeacher } from '../src/core/tabular/teachers/knn';
import { logRegTeacher } from '../src/core/tabular/teachers/logreg';
import type { Teacher } from '../src/core/tabular/teachers/teacher';
import { DEFAULT_TFM_ONNX, nodeTfmRuntime } from '../src/core/tabular/tfm/nodeRuntime';
import { tfmTeacher } from '../src/core/tabular/tfm/tfmTeacher';

const OUT = new URL('./results/tfm-bayes.json', import.meta.url);
const SEEDS = Number(process.env.BAYES_SEEDS ?? 2);
const TEST_ROWS = 2000;
const CELLS: { kind: BayesFamilyKind; bayesAuc: number }[] = [{ kind: 'linear', bayesAuc: 0.85 }, { kind: 'xor', bayesAuc: 0.9 }, { kind: 'rings', bayesAuc: 0.8 }];
const SHARES = [0.5, 0.05];
const NOISE = [2, 12];
const CONTEXTS = [256, 1024];

/** A GBDT fitted on the context's true labels (one-hot targets), as a teacher. */
const gbdtTeacher: Teacher = {
  id: 'gbdt',
  async predict(xc, yc, k, xq) {
    const targets: ProbMatrix = { probs: new Float64Array(xc.n * k), n: xc.n, k };
    yc.forEach((y, i) => { targets.probs[i * k + y] = 1; });
    return trainGbdt(xc, targets).predict(xq);
  },
};

const rowsOf = (t: { x: Float64Array; d: number; names: string[] }, from: number, to: number): FeatureMatrix => ({ x: t.x.slice(from * t.d, to * t.d), n: to - from, d: t.d, names: t.names });

async function main(): Promise<void> {
  const started = new Date().toISOString();
  const load0 = loadavg()[0];
  const teachers: Teacher[] = [
    { ...tfmTeacher({ runtime: nodeTfmRuntime(DEFAULT_TFM_ONNX, 1) }), id: 'tfm' },
    ...(process.env.TFM_BASELINE_ONNX ? [{ ...tfmTeacher({ runtime: nodeTfmRuntime(process.env.TFM_BASELINE_ONNX, 1) }), id: 'tfm-baseline' }] : []),
    logRegTeacher(), knnTeacher(), gbdtTeacher,
  ];
  const rows: { kind: BayesFamilyKind; bayesAuc: number; positiveShare: number; noiseFeatures: number; context: number; seed: number; teacher: string; auc: number; gap: number; ms: number }[] = [];
  for (const cell of CELLS) for (const positiveShare of SHARES) for (const noiseFeatures of NOISE) for (const context of CONTEXTS) for (let seed = 0; seed < SEEDS; seed++) {
    const t = bayesTask({ ...cell, positiveShare, noiseFeatures, rows: context + TEST_ROWS, seed: 100 + seed });
    const xc = rowsOf(t, 0, context);
    const xq = rowsOf(t, context, t.n);
    const yc = t.y.slice(0, context);
    const yq = t.y.slice(context);
    if (yc.every((v) => v === yc[0])) continue; // a one-class context (5 % positives in 256 rows can miss): no teacher applies
    for (const teacher of teachers) {
      const t0 = performance.now();
      const p = await teacher.predict(xc, yc, 2, xq);
      const ms = performance.now() - t0;
      const auc = aucFromProbs(p, yq);
      rows.push({ ...cell, positiveShare, noiseFeatures, context, seed, teacher: teacher.id, auc, gap: cell.bayesAuc - auc, ms });
    }
    process.stderr.write('.');
  }
  process.stderr.write('\n');
  const ids = teachers.map((t) => t.id);
  const mean = (v: number[]): number => v.reduce((a, b) => a + b, 0) / Math.max(1, v.length);
  console.log(`Gap to the Bayes-optimal AUC (AUC* − AUC, mean over ${SEEDS} seeds; ${TEST_ROWS} test rows per task)`);
  console.log(`kind    AUC*  pos   noise ctx   ${ids.map((i) => i.padStart(12)).join('')}`);
  const summary: Record<string, unknown>[] = [];
  for (const cell of CELLS) for (const positiveShare of SHARES) for (const noiseFeatures of NOISE) for (const context of CONTEXTS) {
    const g = rows.filter((r) => r.kind === cell.kind && r.positiveShare === positiveShare && r.noiseFeatures === noiseFeatures && r.context === context);
    const gaps = ids.map((id) => mean(g.filter((r) => r.teacher === id).map((r) => r.gap)));
    summary.push({ ...cell, positiveShare, noiseFeatures, context, gap: Object.fromEntries(ids.map((id, i) => [id, gaps[i]])) });
    console.log(`${cell.kind.padEnd(7)} ${cell.bayesAuc.toFixed(2)}  ${positiveShare.toFixed(2)}  ${String(noiseFeatures).padStart(5)} ${String(context).padStart(5)} ${gaps.map((v) => v.toFixed(3).padStart(12)).join('')}`);
  }
  const overall = Object.fromEntries(ids.map((id) => [id, mean(rows.filter((r) => r.teacher === id).map((r) => r.gap))]));
  const wins = Object.fromEntries(ids.map((id) => [id, summary.filter((s) => { const gap = s.gap as Record<string, number>; return ids.every((o) => gap[id] <= gap[o] + 1e-12); }).length]));
  console.log(`mean gap: ${ids.map((id) => `${id} ${overall[id].toFixed(4)}`).join(' · ')}`);
  console.log(`cells where each is best (of ${summary.length}): ${ids.map((id) => `${id} ${wins[id]}`).join(' · ')}`);
  mkdirSync(new URL('./results/', import.meta.url), { recursive: true });
  writeFileSync(OUT, JSON.stringify({
    bench: 'tfm-bayes', started, finished: new Date().toISOString(), node: process.version, cpu: cpus()[0]?.model ?? 'unknown', loadAverageAtStart: load0, loadAverageAtEnd: loadavg()[0],
    baselineOnnx: process.env.TFM_BASELINE_ONNX ?? null, seeds: SEEDS, testRows: TEST_ROWS, meanGap: overall, bestCells: wins, summary, rows,
  }, null, 1));
  console.log(`wrote ${OUT.pathname}`);
}

main().catch((e: unknown) => { console.error(e); process.exit(1); });
