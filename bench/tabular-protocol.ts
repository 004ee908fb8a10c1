// The seed studies at their protocol (`npx tsx bench/tabular-protocol.ts`, issue #25 item 4): one run of
// src/core/tabular/study/protocol.ts over the bundled datasets (and OpenML suites/datasets by id when online),
// teachers from the registry (tfm loads models/tfm through it, so a retrained model is picked up), the tuned GBDT
// as the baseline. Writes bench/results/tabular-protocol.json with every record and each paper's analysis, and
// prints the headline tables. Defaults (all 5 outer folds, 5-fold OOF labels, study at 64/256/1,024 rows over 3 folds)
// took 372 s with the 106 k-parameter tfm on the shared 2-core machine at load 5–7, leaving room under 15 min for a
// larger tfm; env knobs:
//   PROTOCOL_DATASETS=german,pima,...   bundled datasets (default: the five benchmark sets + breast_cancer, 30 features)
//   PROTOCOL_TEACHERS=tfm,knn,logreg    registry ids
//   PROTOCOL_FOLDS=5 PROTOCOL_FOLDS_RUN=5 PROTOCOL_LABEL_FOLDS=5   outer folds, how many run, OOF folds
//   PROTOCOL_STRATEGIES=uniform,...  PROTOCOL_SIZES=64,256,1024  PROTOCOL_STUDY_FOLDS=3   the context study (PROTOCOL_STUDY=0 skips it)
//   PROTOCOL_BASELINE=tuned|plain     tuned GBDT (default) or the untuned GBDT on true labels
//   PROTOCOL_OPENML_SUITES=99  PROTOCOL_OPENML_DATASETS=31,37  PROTOCOL_OPENML_MAX_ROWS=20000   (online only)
//   PROTOCOL_OUT=bench/results/tabular-protocol.json   PROTOCOL_LABEL="…"  a note stored in the result (e.g. "reduced run")
//   PROTOCOL_FROM_RECORDS=results.json   runs nothing: merges the run records of a protocol sweep (the `--out` file of
//       `npm run sweep -- sweeps/examples/tabular-protocol.json [--redis …]`, one job per dataset) into one result and
//       prints / writes it as below (src/core/experiments/runners/tabularProtocolRecords.ts)

import { execSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { protocolFromRecords } from '../src/core/experiments/runners/tabularProtocolRecords';
import type { RunRecord } from '../src/core/experiments/record';
import { loadSharedDataset, sharedDatasetSpec } from '../src/core/tabular/data/registry';
import { STRATEGY_NAMES, type StrategyName } from '../src/core/tabular/strategies';
import { DEFAULT_PROTOCOL, runProtocol, type ProtocolConfig, type ProtocolResult } from '../src/core/tabular/study/protocol';
import { protocolBaseline } from '../src/core/tabular/study/protocolRun';
import { loadOpenMlDatasets, shippedSensitive, type ProtocolDataset } from '../src/core/tabular/study/protocolSources';
import { TEACHER_FACTORIES } from '../src/core/tabular/teachers/registry';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const env = process.env;
const list = (name: string, def: string): string[] => (env[name] ?? def).split(',').map((s) => s.trim()).filter(Boolean);
const ints = (name: string, def: string): number[] => list(name, def).map((s) => {
  const v = Number(s);
  if (!Number.isInteger(v) || v <= 0) throw new RangeError(`${name}: "${s}" is not a positive integer.`);
  return v;
});
const int = (name: string, def: number): number => ints(name, String(def))[0];

const datasetIds = list('PROTOCOL_DATASETS', 'german,pima,breast-cancer-wisconsin,mammography,phoneme,breast_cancer');
const teacherIds = list('PROTOCOL_TEACHERS', 'tfm,knn,logreg');
const strategies = list('PROTOCOL_STRATEGIES', STRATEGY_NAMES.join(','));
const bad = strategies.find((s) => !(STRATEGY_NAMES as readonly string[]).includes(s));
if (bad) throw new RangeError(`PROTOCOL_STRATEGIES: unknown strategy "${bad}" (known: ${STRATEGY_NAMES.join(', ')}).`);
const config: ProtocolConfig = {
  ...DEFAULT_PROTOCOL,
  folds: int('PROTOCOL_FOLDS', 5), foldsRun: int('PROTOCOL_FOLDS_RUN', 5), labelFolds: int('PROTOCOL_LABEL_FOLDS', 5), seed: 0,
  study: env.PROTOCOL_STUDY === '0' ? false : { strategies: strategies as StrategyName[], sizes: ints('PROTOCOL_SIZES', '64,256,1024'), folds: int('PROTOCOL_STUDY_FOLDS', 3) },
  latencyRows: 256, teacherLatencyRows: 4, latencyRepeats: 2,
};
const out = resolve(ROOT, env.PROTOCOL_OUT ?? 'bench/results/tabular-protocol.json');

const teachers = teacherIds.map((id) => {
  const f = TEACHER_FACTORIES.find((t) => t.id === id);
  if (!f) throw new RangeError(`PROTOCOL_TEACHERS: unknown teacher "${id}" (registry: ${TEACHER_FACTORIES.map((t) => t.id).join(', ')}).`);
  return f.create();
});
const baseline = protocolBaseline(env.PROTOCOL_BASELINE === 'plain' ? 'plain' : 'tuned-gbdt', 0);
const fromRecords = env.PROTOCOL_FROM_RECORDS;

const datasets: ProtocolDataset[] = [];
for (const id of fromRecords ? [] : datasetIds) {
  const task = await loadSharedDataset(id, readFileSync(resolve(ROOT, 'public/samples/tabular', sharedDatasetSpec(id).file), 'utf8'));
  datasets.push({ id, task, source: 'shipped', sensitive: shippedSensitive(id, task) });
}
const suites = ints('PROTOCOL_OPENML_SUITES', '');
const openmlIds = ints('PROTOCOL_OPENML_DATASETS', '');
let openmlSkipped: { openmlId: number; reason: string }[] = [];
if (suites.length || openmlIds.length) {
  // OfflineError (no network) ends the run here with its remedy, before any compute
  const got = await loadOpenMlDatasets({ suites, datasets: openmlIds, maxRows: int('PROTOCOL_OPENML_MAX_ROWS', 20000), maxClasses: 10 }, fetch);
  datasets.push(...got.datasets);
  openmlSkipped = got.skipped;
}

const sha256 = (path: string): string | null => (existsSync(path) ? createHash('sha256').update(readFileSync(path)).digest('hex') : null);
const git = (cmd: string): string => { try { return execSync(cmd, { cwd: ROOT, encoding: 'utf8' }).trim(); } catch { return 'unknown'; } };
const started = new Date().toISOString();
const loadStart = loadavg();
let lastPct = -1;
const t0 = performance.now();
const records = fromRecords ? (JSON.parse(readFileSync(resolve(fromRecords), 'utf8')) as { records: { record: RunRecord }[] }).records.map((r) => r.record) : [];
const result: ProtocolResult = fromRecords
  ? protocolFromRecords(records)
  : await runProtocol(datasets, teachers, baseline, config, {
    onProgress: (e) => {
      const pct = Math.floor((100 * e.done) / e.total);
      if (pct !== lastPct && pct % 5 === 0) { lastPct = pct; process.stderr.write(`${pct}% ${((performance.now() - t0) / 1000).toFixed(0)} s · ${e.label}\n`); }
    },
  });
const seconds = (performance.now() - t0) / 1000;

const a = result.analyses;
const f3 = (v: number): string => (Number.isFinite(v) ? v.toFixed(3) : '—');
const rc = result.config;
console.log(`\nDistillation (mean over ${rc.foldsRun} of ${rc.folds} folds; GBDT student on ${rc.labelFolds}-fold OOF soft targets)`);
console.log('dataset                   d  teacher  teacher AUC  student AUC  retention  baseline AUC  ECE t/s');
for (const d of a.distill) {
  console.log(`${d.dataset.padEnd(24)} ${String(d.features).padStart(2)}  ${d.teacher.padEnd(7)}  ${f3(d.teacherAuc).padStart(11)}  ${f3(d.studentAuc).padStart(11)}  ` +
    `${(100 * d.retention).toFixed(1).padStart(8)} %  ${f3(d.baselineAuc).padStart(12)}  ${f3(d.teacherEce)}/${f3(d.studentEce)}`);
}
if (a.rankTransfer) console.log(`\nRank transfer teacher → student: pooled Spearman ${f3(a.rankTransfer.pooled.spearman)}, Kendall ${f3(a.rankTransfer.pooled.kendall)}; mean per dataset ${f3(a.rankTransfer.meanSpearman)} / ${f3(a.rankTransfer.meanKendall)}`);
console.log('\nWilcoxon vs baseline (AUC over datasets)');
for (const w of a.wilcoxon) console.log(`  ${w.label.padEnd(36)} mean Δ ${w.meanDifference >= 0 ? '+' : ''}${w.meanDifference.toFixed(4)}  W/L ${w.wins}/${w.losses}  p ${w.wilcoxon.p.toFixed(4)}`);
console.log('\nLatency batch 1 (first fold): ' + result.latency.map((l) => `${l.dataset}/${l.teacher} ×${l.speedupBatch1.toFixed(0)} (${l.studentBatch1UsPerRow.toFixed(1)} µs)`).join(', '));
console.log('\nVariance shares (strategy / teacher / size / strategy×teacher / residual)');
for (const v of a.variance) console.log(`  ${v.scope.padEnd(24)} ${[v.strategy, v.teacher, v.size, v.strategyXTeacher, v.residual].map((x) => `${(100 * x).toFixed(1)} %`).join(' / ')}`);
console.log('\nFairness gaps (AUC gap teacher → student)');
for (const f of a.fairness) console.log(`  ${f.dataset} ${f.attribute} ${f.teacher}: ${f3(f.teacherAucGap)} → ${f3(f.studentAucGap)} (TPR gap ${f3(f.teacherTprGap)} → ${f3(f.studentTprGap)}; baseline ${f3(f.baselineAucGap)})`);
console.log('\nGains by dimensionality (mean, < 21 features | ≥ 21)');
for (const d of a.dimensionality) console.log(`  ${d.comparison.padEnd(40)} ${f3(d.split.low.meanGain)} (${d.split.low.datasets.length}) | ${f3(d.split.high.meanGain)} (${d.split.high.datasets.length})`);
console.log(`\nPool mean pairwise Yule's Q: ${f3(a.diversity.meanQ)} (teachers only ${f3(a.diversity.meanQTeachers)})`);
console.log(`\n${seconds.toFixed(0)} s`);

mkdirSync(dirname(out), { recursive: true });
writeFileSync(out, JSON.stringify({
  bench: 'tabular-protocol', label: env.PROTOCOL_LABEL ?? null, started, finished: new Date().toISOString(),
  // merged from records, the run's time is the jobs' (each record's own duration; the sweep's wall time is the submitter's)
  seconds: fromRecords ? null : seconds, jobSeconds: fromRecords ? records.map((r) => r.durationMs / 1000) : null,
  machine: { node: process.version, cpus: cpus().length, cpu: cpus()[0]?.model ?? 'unknown', loadavgStart: loadStart, loadavgEnd: loadavg() },
  git: { revision: git('git rev-parse HEAD'), dirty: git('git status --porcelain') !== '' },
  spec: { env: Object.fromEntries(Object.entries(env).filter(([k]) => k.startsWith('PROTOCOL_'))), fromRecords: fromRecords ?? null, datasets: result.datasets.map((d) => d.id), teachers: result.teachers, openml: { suites, datasets: openmlIds, skipped: openmlSkipped } },
  models: { tfmOnnxSha256: sha256(resolve(ROOT, 'models/tfm/onnx/model.onnx')) },
  notes: [
    'Sensitive attributes: german age ≤ 25 / > 25 (the registry column; personal_status_sex mixes sex with marital status), pima age ≤ 30 / > 30; fairness gaps = largest − smallest group AUC / TPR with the minority class as positive.',
    'Dimensionality = raw feature columns before one-hot encoding; the split is < 21 vs ≥ 21.',
    'Teacher batch-1 latency follows the in-context contract: every call reads the whole training fold as context (LR refits on it).',
    'Yule\'s Q pool: teachers, the baseline and each teacher\'s student, on the test folds run; meanQTeachers over the teacher pairs only.',
    'Wilcoxon: scipy.stats.wilcoxon defaults (two-sided, zeros dropped, exact below 14 pairs): with 6 datasets the smallest attainable p is 0.03125.',
  ],
  result,
}, (_, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? null : v), 1));
console.log(`wrote ${out}`);
