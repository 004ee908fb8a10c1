// Brief training of the small real-architecture TabICL replica on the forge prior (`npx tsx
// bench/tabicl-arch-train.ts`), then held-out synthetic AUC through the user-TFM path (TabICL adapter) against the
// same replica untrained, the kernel-vote contract replica and the embedded tfm. Nothing trained is written to
// models/: the weights live in memory, and bench/results/tabicl-arch-train.json gets the figures.
// Training runs the jax-js port (tabiclArchTrain.ts) on tables preprocessed on the host by the adapter's own
// pipeline (tabiclPreprocess, norm 'none': standard scaling then 4σ outlier clipping), labels as ranks among the
// context's classes (as the adapter compacts them), cross-entropy over the 10 logit slots on the test rows whose
// class occurs in the context. Before training the port is checked against the float64 reference, after it the
// ONNX of the trained weights against the port. Env: TABICL_MINUTES (default 20) training wall-clock cap,
// TABICL_STEPS (default 4000) step cap, TABICL_EVAL_TASKS (default 40) held-out tasks.
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { DEFAULT_ADAMW, fromF32, fromI32, initEngine, keep, release, takeF32, type AdamWConfig, type Arr, type ArrRecord } from '../src/core/lab';
import { trainJitAdamw } from './jaxTrainLoop';
import { asMatrix, heldOutAuc } from './replicaHeldOut';
import { createNodeBackend } from '../src/core/runtime/ortNode';
import { tensor } from '../src/core/runtime/tensor';
import type { Teacher } from '../src/core/tabular/teachers/teacher';
import { tfmLoss } from '../src/core/tabular/tfm/model';
import { DEFAULT_TFM_ONNX, nodeTfmRuntime } from '../src/core/tabular/tfm/nodeRuntime';
import { sampleTask, type PriorTask } from '../src/core/tabular/tfm/prior';
import { tfmTeacher } from '../src/core/tabular/tfm/tfmTeacher';
import { loadUserTfm } from '../src/core/tabular/tfm/userTfm';
import { buildTabiclReplica } from '../src/core/tabular/tfm/formats/replicas';
import { tabiclPreprocess } from '../src/core/tabular/tfm/formats/tabicl';
import { buildTabiclArchReplica } from '../src/core/tabular/tfm/formats/tabiclArch';
import { TABICL_ARCH_SMALL, tabiclArchReference, tabiclArchWeights } from '../src/core/tabular/tfm/formats/tabiclArchReference';
import { fromTrainParams, tabiclTrainForward, toTrainInputs, toTrainParams, type TabiclHostBatch, type TabiclTrainInputs } from '../src/core/tabular/tfm/formats/tabiclArchTrain';

const OUT = new URL('./results/tabicl-arch-train.json', import.meta.url);
const MINUTES = Number(process.env.TABICL_MINUTES ?? 20);
const MAX_STEPS = Number(process.env.TABICL_STEPS ?? 4000);
const EVAL_TASKS = Number(process.env.TABICL_EVAL_TASKS ?? 40);
const C = TABICL_ARCH_SMALL;
const SEED = 1;
/** training shapes (jit compiles once per shape) */
const BUCKETS = [{ d: 3 }, { d: 5 }, { d: 8 }];
const Nc = 64;
const Nq = 32;
const B = 8;
const OPTIM: AdamWConfig = { ...DEFAULT_ADAMW, lr: 1e-3, warmupSteps: 100, totalSteps: MAX_STEPS, weightDecay: 0.01 };

/** One task as the replica's inputs after the adapter's preprocessing; labels as context-class ranks (−1 absent). */
function taskInputs(t: PriorTask, nc: number): { xc: Float32Array; xq: Float32Array; yc: Int32Array; yq: Int32Array; wq: Float32Array } {
  const d = t.d;
  const nq = t.n - nc;
  const view = tabiclPreprocess(asMatrix(t, 0, nc), asMatrix(t, nc, t.n), Array.from({ length: d }, (_, j) => j), 'none', 4);
  const xc = new Float32Array(nc * d);
  const xq = new Float32Array(nq * d);
  for (let j = 0; j < d; j++) {
    for (let i = 0; i < nc; i++) xc[i * d + j] = Number.isFinite(view.ctx[j][i]) ? view.ctx[j][i] : 0;
    for (let i = 0; i < nq; i++) xq[i * d + j] = Number.isFinite(view.qry[j][i]) ? view.qry[j][i] : 0;
  }
  const present = [...new Set(Array.from(t.y.subarray(0, nc)))].sort((a, b) => a - b);
  const rank = (v: number) => present.indexOf(v);
  const yq = Int32Array.from(t.y.subarray(nc), (v) => Math.max(rank(v), 0));
  const wq = Float32Array.from(t.y.subarray(nc), (v) => (rank(v) >= 0 ? 1 : 0));
  return { xc, xq, yc: Int32Array.from(t.y.subarray(0, nc), rank), yq, wq };
}

function priorBatch(step: number): TabiclHostBatch {
  const H = BUCKETS[step % BUCKETS.length].d;
  const b: TabiclHostBatch = { B, Nc, Nq, H, xc: new Float32Array(B * Nc * H), xq: new Float32Array(B * Nq * H), yc: new Int32Array(B * Nc), yq: new Int32Array(B * Nq), wq: new Float32Array(B * Nq) };
  for (let t = 0; t < B; t++) {
    const task = sampleTask(step * 64 + t + 1 + SEED * 1_000_003, { nRows: Nc + Nq, nFeatures: H, maxClasses: 10, version: 2 });
    const inp = taskInputs(task, Nc);
    b.xc.set(inp.xc, t * Nc * H);
    b.xq.set(inp.xq, t * Nq * H);
    b.yc.set(inp.yc, t * Nc);
    b.yq.set(inp.yq, t * Nq);
    b.wq.set(inp.wq, t * Nq);
  }
  return b;
}


async function main(): Promise<void> {
  const engine = await initEngine();
  const base = tabiclArchWeights(C, SEED);
  const freqs = base.get('row_interactor.tf_row.rope.freqs')!.data;
  const params = toTrainParams(base);
  // the port against the float64 reference on batch 0's first table
  const probe = priorBatch(0);
  const refTable = (b: TabiclHostBatch, t: number): { X: number[][][]; y: number[][] } => ({
    X: [[...Array.from({ length: Nc }, (_, r) => Array.from(b.xc.subarray((t * Nc + r) * b.H, (t * Nc + r + 1) * b.H))),
      ...Array.from({ length: Nq }, (_, r) => Array.from(b.xq.subarray((t * Nq + r) * b.H, (t * Nq + r + 1) * b.H)))]],
    y: [Array.from(b.yc.subarray(t * Nc, (t + 1) * Nc))],
  });
  const gap = (port: Float32Array, ref: number[][][]) => Math.max(...ref[0].flatMap((row, i) => row.map((v, k) => Math.abs(v - port[i * C.max_classes + k]))));
  const pr = refTable(probe, 0);
  const portGap = gap(takeF32(tabiclTrainForward(C, keep(params), toTrainInputs(C, probe), B, freqs)), tabiclArchReference(C, base, pr.X, pr.y));
  console.log(`jax-js port vs float64 reference at init: max |Δlogit| ${portGap.toExponential(2)}`);
  if (!(portGap < 1e-3)) throw new Error('the jax-js port does not match the reference');

  const loss = (p: ArrRecord, inp: TabiclTrainInputs, yq: Arr, wq: Arr): Arr => tfmLoss(tabiclTrainForward(C, p, inp, B, freqs), yq, wq);
  const run = trainJitAdamw({
    params, loss, optim: OPTIM, maxSteps: MAX_STEPS, minutes: MINUTES, logEvery: 25,
    batch: (s) => { const b = priorBatch(s); return { inputs: toTrainInputs(C, b), target: fromI32(b.yq, [B, Nq]), weight: fromF32(b.wq, [B, Nq]) }; },
  });
  const { steps, seconds, curve } = run;
  const state = { p: run.params };
  const trained = fromTrainParams(Object.fromEntries(Object.entries(state.p).map(([k, a]) => [k, takeF32(a.ref)])), base);

  // the ONNX of the trained weights against the port, on the probe table
  const ortBackend = createNodeBackend({ numThreads: 1 });
  const trainedBytes = buildTabiclArchReplica({ weights: trained });
  const session = await ortBackend.createSession(trainedBytes, { file: 'trained.onnx' });
  const onnxOut = (await session.run({ X: tensor('float32', Float32Array.from(pr.X.flat(2)), [1, Nc + Nq, probe.H]), y_train: tensor('float32', Float32Array.from(pr.y[0]), [1, Nc]) })).logits;
  const portTrained = takeF32(tabiclTrainForward(C, keep(state.p), toTrainInputs(C, probe), B, freqs));
  const k = onnxOut.dims[2];
  const onnxData = onnxOut.data as Float32Array;
  let onnxGap = 0;
  for (let i = 0; i < Nq; i++) for (let c = 0; c < k; c++) onnxGap = Math.max(onnxGap, Math.abs(onnxData[i * k + c] - portTrained[i * C.max_classes + c]));
  console.log(`trained: ONNX vs jax-js port max |Δlogit| ${onnxGap.toExponential(2)}`);
  await session.dispose();
  release(state.p);

  // held-out synthetic tasks (seeds training never draws), binary, 128 context + 128 query rows
  const nc = 128;
  const tasks = Array.from({ length: EVAL_TASKS }, (_, i) => sampleTask(3e9 + i, { nRows: 256, nClasses: 2, maxFeatures: 10, version: 2 }));
  const user = async (bytes: Uint8Array, id: string): Promise<Teacher> => ({ ...(await loadUserTfm(bytes, '', ortBackend)).teacher, id });
  const teachers: Teacher[] = [
    await user(trainedBytes, 'arch-replica-trained'),
    await user(buildTabiclArchReplica({ seed: SEED }), 'arch-replica-untrained'),
    await user(buildTabiclReplica(), 'kernel-vote-replica'),
    { ...tfmTeacher({ runtime: nodeTfmRuntime(DEFAULT_TFM_ONNX, 1) }), id: 'tfm (embedded)' },
  ];
  const results: Record<string, { auc: number; failed: number }> = {};
  for (const t of teachers) {
    results[t.id] = await heldOutAuc(t, tasks, nc);
    console.log(`${t.id}: mean AUC ${results[t.id].auc} (${results[t.id].failed} failed)`);
  }
  mkdirSync(new URL('./results/', import.meta.url), { recursive: true });
  writeFileSync(OUT, `${JSON.stringify({
    date: new Date().toISOString(), command: 'npx tsx bench/tabicl-arch-train.ts', env: { TABICL_MINUTES: MINUTES, TABICL_STEPS: MAX_STEPS, TABICL_EVAL_TASKS: EVAL_TASKS },
    machine: { cpu: cpus()[0]?.model ?? 'unknown', cores: cpus().length, loadavg: loadavg().map((v) => +v.toFixed(2)), engine: `@jax-js/jax ${engine.device}` },
    replica: C, training: { prior: 'forge prior v2 (sampleTask version 2)', buckets: BUCKETS, B, Nc, Nq, optimizer: OPTIM, steps, seconds, curve },
    checks: { portVsReferenceAtInit: portGap, onnxVsPortTrained: onnxGap },
    heldOut: { tasks: EVAL_TASKS, seeds: '3e9 + i', rows: '128 context + 128 query, binary, ≤ 10 features, prior v2', teachersThrough: 'the user-TFM path (TabICL adapter, 8 members) / the embedded tfm teacher', meanAuc: results },
  }, null, 1)}\n`);
  console.log(`wrote ${OUT.pathname}`);
}

main().catch((e) => { console.error(e); process.exit(1); });
