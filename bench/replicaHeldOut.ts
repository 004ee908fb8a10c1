// Held-out evaluation the TFM replica benches share (bench/tfm-replica-train.ts, bench/tabicl-arch-train.ts): a prior
// task's rows as a FeatureMatrix, and a teacher's mean AUC over tasks (first `nc` rows context, the rest queries).
// A task the teacher throws on is counted as failed (the first error is printed), not averaged in.
import { aucFromProbs } from '../src/core/metrics/classification';
import type { FeatureMatrix } from '../src/core/tabular/matrix';
import type { Teacher } from '../src/core/tabular/teachers/teacher';
import type { PriorTask } from '../src/core/tabular/tfm/prior';

export const asMatrix = (t: PriorTask, from: number, to: number): FeatureMatrix =>
  ({ x: Float64Array.from(t.x.subarray(from * t.d, to * t.d)), n: to - from, d: t.d, names: Array.from({ length: t.d }, (_, j) => `f${j}`) });

export async function heldOutAuc(teacher: Teacher, tasks: PriorTask[], nc: number): Promise<{ auc: number; failed: number }> {
  const aucs: number[] = [];
  let failed = 0;
  for (const t of tasks) {
    try {
      const t0 = performance.now();
      const p = await teacher.predict(asMatrix(t, 0, nc), t.y.slice(0, nc), t.k, asMatrix(t, nc, t.n), undefined,
        (done, of) => { if (t === tasks[0] && done === of) console.log(`  ${teacher.id} task 0: ${of} members ${(performance.now() - t0).toFixed(0)} ms`); });
      const a = aucFromProbs(p, t.y.subarray(nc));
      if (Number.isFinite(a)) aucs.push(a);
    } catch (e) {
      failed++;
      if (failed === 1) console.log(`${teacher.id}: ${(e as Error).message}`);
    }
  }
  return { auc: +(aucs.reduce((a, b) => a + b, 0) / Math.max(aucs.length, 1)).toFixed(4), failed };
}
