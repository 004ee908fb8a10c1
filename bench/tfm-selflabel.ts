// Synthetic self-labelling check for the embedded tfm (issue #25: "naive self-labelling collapses; OOF does not"),
// decided on synthetic tasks only, never on the shipped datasets: `npx tsx bench/tfm-selflabel.ts`.
//  A. self-labelling: held-out prior-v2 tasks (seeds 3.7e9 + i, never drawn by the forge), 256 labelled rows each;
//     the tfm teacher (default feed) labels those rows naively (context = the rows themselves, so every row meets
//     its own copy) and out-of-fold (5 folds). Reported: the share of rows whose max probability exceeds 0.99,
//     the mean max probability, and the AUC of the targets against the rows' own labels — overall and on the
//     tasks without prior-v2 duplicates (where OOF has no copy to find);
//  B. held-out generalisation: the forge's 48 evaluation tasks (prior v2, seeds 3e9 + i, 256 context / 128
//     query rows) plus 144 more (3e9 + 48 …), scored by the teacher: mean AUC and log-loss, and paired
//     differences against the first model with their standard error.
// TFM_MODELS=name=path.onnx,name=path.onnx compares models in one run (default: the committed models/tfm).
// SELFLABEL_TASKS (A, default 40) and HELDOUT_TASKS (B, default 192); SELFLABEL_RAW=1 scores with the bare network
// (one member, T = 1); SELFLABEL_TAG=x writes tfm-selflabel-x.json. Writes bench/results/tfm-selflabel.json.
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { aucFromProbs, logLoss, type ProbMatrix } from '../src/core/metrics/classification';
import { collapseStats } from '../src/core/tabular/distill/collapse';
import { labelWithTeachers } from '../src/core/tabular/distill/label';
import type { LabelledMatrix } from '../src/core/tabular/matrix';
import { DEFAULT_TFM_ONNX, nodeTfmRuntime } from '../src/core/tabular/tfm/nodeRuntime';
import { sampleTask, type PriorTask } from '../src/core/tabular/tfm/prior';
import { tfmTeacher } from '../src/core/tabular/tfm/tfmTeacher';

const TAG = process.env.SELFLABEL_TAG ? `-${process.env.SELFLABEL_TAG}` : '';
const OUT = new URL(`./results/tfm-selflabel${TAG}.json`, import.meta.url);
/** SELFLABEL_RAW=1: one member at T = 1 (the bare network, no test-time ensemble or temperature) */
const RAW = process.env.SELFLABEL_RAW === '1';
const MODELS = (process.env.TFM_MODELS ?? `tfm=${DEFAULT_TFM_ONNX}`).split(',').map((s) => { const [name, path] = s.split('='); return { name, path }; });
const SELF_TASKS = Number(process.env.SELFLABEL_TASKS ?? 40);
const HELD_TASKS = Number(process.env.HELDOUT_TASKS ?? 192);
const mean = (v: number[]): number => v.reduce((a, b) => a + b, 0) / Math.max(1, v.length);
const se = (v: number[]): number => { const m = mean(v); return Math.sqrt(v.reduce((a, b) => a + (b - m) ** 2, 0) / Math.max(1, v.length - 1) / Math.max(1, v.length)); };
const r4 = (v: number): number => Math.round(v * 1e4) / 1e4;

function meanMaxProb(p: ProbMatrix): number {
  let s = 0;
  for (let i = 0; i < p.n; i++) { let m = 0; for (let c = 0; c < p.k; c++) m = Math.max(m, p.probs[i * p.k + c]); s += m; }
  return s / Math.max(1, p.n);
}

/** Rows [from, to) of a prior task as a labelled matrix; classes renumbered densely over those rows. */
function labelled(t: PriorTask, from: number, to: number, classes?: Map<number, number>): LabelledMatrix & { classes: Map<number, number> } {
  const map = classes ?? new Map([...new Set(t.y.subarray(from, to))].sort((a, b) => a - b).map((c, i) => [c, i]));
  const n = to - from;
  const y = Int32Array.from(t.y.subarray(from, to), (c) => map.get(c) ?? -1);
  return { x: Float64Array.from(t.x.subarray(from * t.d, to * t.d)), n, d: t.d, names: Array.from({ length: t.d }, (_, j) => `f${j}`), y, k: map.size, classNames: [...map.keys()].map(String), classes: map };
}

/** A: tasks with every class ≥ 10 rows among the 256 (stratified 5-fold OOF needs each class in every fold). */
function selfTasks(): { t: PriorTask; m: LabelledMatrix }[] {
  const out: { t: PriorTask; m: LabelledMatrix }[] = [];
  for (let s = 0; out.length < SELF_TASKS && s < SELF_TASKS * 20; s++) {
    const t = sampleTask(3.7e9 + s, { nRows: 256, version: 2, maxClasses: 4 });
    const counts = new Map<number, number>();
    for (const c of t.y) counts.set(c, (counts.get(c) ?? 0) + 1);
    if (counts.size < 2 || [...counts.values()].some((c) => c < 10)) continue;
    out.push({ t, m: labelled(t, 0, t.n) });
  }
  return out;
}

async function selfLabelling(path: string, tasks: { t: PriorTask; m: LabelledMatrix }[]) {
  const teacher = tfmTeacher({ runtime: nodeTfmRuntime(path, 1), seed: 0, ...(RAW ? { members: 1, softmaxTemperature: 1 } : {}) });
  interface Both { naive: number; oof: number }
  const rows: { duplicated: number; share099: Both; maxProb: Both; aucOnOwnLabels: Both }[] = [];
  for (const { t, m } of tasks) {
    const naive = await labelWithTeachers(teacher, m, { mode: 'naive' });
    const oof = await labelWithTeachers(teacher, m, { mode: 'oof', folds: 5, seed: 0 });
    rows.push({
      duplicated: t.meta.duplicated ?? 0,
      share099: { naive: collapseStats(naive.targets).shareConfident, oof: collapseStats(oof.targets).shareConfident },
      maxProb: { naive: meanMaxProb(naive.targets), oof: meanMaxProb(oof.targets) },
      aucOnOwnLabels: { naive: aucFromProbs(naive.targets, m.y), oof: aucFromProbs(oof.targets, m.y) },
    });
    process.stderr.write('.');
  }
  process.stderr.write('\n');
  const summary = (sel: typeof rows) => ({
    tasks: sel.length,
    share099: { naive: r4(mean(sel.map((r) => r.share099.naive))), oof: r4(mean(sel.map((r) => r.share099.oof))) },
    maxProb: { naive: r4(mean(sel.map((r) => r.maxProb.naive))), oof: r4(mean(sel.map((r) => r.maxProb.oof))) },
    aucOnOwnLabels: { naive: r4(mean(sel.map((r) => r.aucOnOwnLabels.naive))), oof: r4(mean(sel.map((r) => r.aucOnOwnLabels.oof))) },
  });
  return { all: summary(rows), withoutDuplicates: summary(rows.filter((r) => r.duplicated === 0)), withDuplicates: summary(rows.filter((r) => r.duplicated > 0)) };
}

/** B: context 256 / queries 128 as evalSynthetic.ts; queries of classes the context lacks are dropped. */
function heldOutTasks(): { xc: LabelledMatrix; xq: LabelledMatrix }[] {
  const out: { xc: LabelledMatrix; xq: LabelledMatrix }[] = [];
  for (let i = 0; i < HELD_TASKS; i++) {
    const t = sampleTask(3e9 + i, { nRows: 384, maxFeatures: 32, maxClasses: 10, version: 2 });
    const xc = labelled(t, 0, 256);
    if (xc.k < 2) continue;
    const keep = Array.from({ length: 128 }, (_, r) => 256 + r).filter((r) => xc.classes.has(t.y[r]));
    const q = labelled({ ...t, x: Float32Array.from(keep.flatMap((r) => Array.from(t.x.subarray(r * t.d, (r + 1) * t.d)))), y: Int32Array.from(keep, (r) => t.y[r]), n: keep.length }, 0, keep.length, xc.classes);
    if (new Set(q.y).size < 2) continue;
    out.push({ xc, xq: q });
  }
  return out;
}

async function heldOut(path: string, tasks: { xc: LabelledMatrix; xq: LabelledMatrix }[]) {
  const teacher = tfmTeacher({ runtime: nodeTfmRuntime(path, 1), seed: 0, ...(RAW ? { members: 1, softmaxTemperature: 1 } : {}) });
  const auc: number[] = [];
  const ll: number[] = [];
  for (const { xc, xq } of tasks) {
    const p = await teacher.predict(xc, xc.y, xc.k, xq);
    auc.push(aucFromProbs(p, xq.y));
    ll.push(logLoss(p, xq.y));
  }
  return { auc, logLoss: ll };
}

async function main(): Promise<void> {
  const self = selfTasks();
  const held = heldOutTasks();
  console.log(`A: ${self.length} self-labelling tasks; B: ${held.length} held-out tasks; load ${loadavg().map((v) => v.toFixed(2)).join(' ')}`);
  const results: { model: string; selfLabelling: Awaited<ReturnType<typeof selfLabelling>>; heldOut: { auc: number; logLoss: number; perTaskAuc: number[]; perTaskLogLoss: number[] } }[] = [];
  for (const { name, path } of MODELS) {
    const a = await selfLabelling(path, self);
    const b = await heldOut(path, held);
    results.push({ model: name, selfLabelling: a, heldOut: { auc: r4(mean(b.auc)), logLoss: r4(mean(b.logLoss)), perTaskAuc: b.auc.map(r4), perTaskLogLoss: b.logLoss.map(r4) } });
    console.log(`${name}: share>0.99 naive ${a.all.share099.naive} vs oof ${a.all.share099.oof}; max p ${a.all.maxProb.naive} vs ${a.all.maxProb.oof}; own-label AUC ${a.all.aucOnOwnLabels.naive} vs ${a.all.aucOnOwnLabels.oof}` +
      ` | no-dup tasks (${a.withoutDuplicates.tasks}): share ${a.withoutDuplicates.share099.naive} vs ${a.withoutDuplicates.share099.oof}, max p ${a.withoutDuplicates.maxProb.naive} vs ${a.withoutDuplicates.maxProb.oof}` +
      ` | held-out AUC ${r4(mean(b.auc))} log-loss ${r4(mean(b.logLoss))}`);
  }
  const first = results[0].heldOut;
  const paired = results.slice(1).map((r) => {
    const dA = r.heldOut.perTaskAuc.map((v, i) => v - first.perTaskAuc[i]);
    const dL = r.heldOut.perTaskLogLoss.map((v, i) => v - first.perTaskLogLoss[i]);
    return { model: r.model, vs: results[0].model, aucDelta: r4(mean(dA)), aucDeltaSe: r4(se(dA)), logLossDelta: r4(mean(dL)), logLossDeltaSe: r4(se(dL)), aucWins: dA.filter((d) => d > 1e-9).length, aucLosses: dA.filter((d) => d < -1e-9).length };
  });
  for (const p of paired) console.log(`${p.model} − ${p.vs}: ΔAUC ${p.aucDelta} ± ${p.aucDeltaSe} (W/L ${p.aucWins}/${p.aucLosses}), Δlog-loss ${p.logLossDelta} ± ${p.logLossDeltaSe}`);
  mkdirSync(new URL('./results/', import.meta.url), { recursive: true });
  writeFileSync(OUT, `${JSON.stringify({ date: new Date().toISOString(), raw: RAW, machine: { cpu: cpus()[0]?.model, cores: cpus().length, load: loadavg() }, results, paired }, null, 1)}\n`);
}

main().catch((e: unknown) => { console.error(e); process.exit(1); });
