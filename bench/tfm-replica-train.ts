// Brief training of the small real-architecture TabPFN v2 replica on the forge prior (`npx tsx
// bench/tfm-replica-train.ts`), then held-out synthetic AUC through the user-TFM path against the kernel-vote
// contract replica, the same replica untrained, and the embedded tfm. Nothing trained is written to models/: the
// weights live in memory (a forked child trains with jax-js and sends them to the parent, which evaluates with
// ONNX Runtime), and bench/results/tfm-replica-train.json gets the figures.
// The learnable network (encoders, feature embeddings' linear map, layers, decoder) is ported to jax-js here; the
// in-graph preprocessing (NaN → mean, 12σ soft clip, z-score, × √(2/used), target ranks) is not learnable and runs
// on the host through the reference's own column function, so training sees what the ONNX graph computes. Before
// training the port is checked against the float64 reference (and after it, the ONNX built from the trained
// weights against the port) on one batch. Env: REPLICA_MINUTES (default 15) training wall-clock cap,
// REPLICA_EVAL_TASKS (default 40) held-out tasks, REPLICA_STEPS (default 4000) step cap.
import { fork } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { nn, numpy as np } from '@jax-js/jax';
import { DEFAULT_ADAMW, fromF32, fromI32, initEngine, keep, matmul, release, takeF32, type AdamWConfig, type Arr, type ArrRecord } from '../src/core/lab';
import { trainJitAdamw } from './jaxTrainLoop';
import { heldOutAuc } from './replicaHeldOut';
import { createNodeBackend } from '../src/core/runtime/ortNode';
import { tensor } from '../src/core/runtime/tensor';
import type { Teacher } from '../src/core/tabular/teachers/teacher';
import { buildTabpfnV2Replica } from '../src/core/tabular/tfm/formats/replicas';
import { buildTabpfnV2ArchReplica } from '../src/core/tabular/tfm/formats/tabpfnV2Arch';
import { preprocessColumn, tabpfnV2ArchReference } from '../src/core/tabular/tfm/formats/tabpfnV2ArchReference';
import { layerName, RANDOM_FEATURE_TABLE, SMALL_TABPFN_V2, tabpfnV2ArchWeights, type ArchWeights } from '../src/core/tabular/tfm/formats/tabpfnV2ArchWeights';
import { DEFAULT_TFM_ONNX, nodeTfmRuntime } from '../src/core/tabular/tfm/nodeRuntime';
import { sampleTask } from '../src/core/tabular/tfm/prior';
import { tfmTeacher } from '../src/core/tabular/tfm/tfmTeacher';
import { loadUserTfm } from '../src/core/tabular/tfm/userTfm';

const OUT = new URL('./results/tfm-replica-train.json', import.meta.url);
const MINUTES = Number(process.env.REPLICA_MINUTES ?? 15);
const MAX_STEPS = Number(process.env.REPLICA_STEPS ?? 4000);
const EVAL_TASKS = Number(process.env.REPLICA_EVAL_TASKS ?? 40);
const C = SMALL_TABPFN_V2;
const E = C.emsize;
const H = C.nhead;
const DK = E / H;
const FPG = C.featuresPerGroup;
const NHID = E * C.nhidFactor;
const SEED = 1;
/** training shapes (jit compiles once per shape): feature count buckets, Nc context + Nq query rows, B tasks */
const BUCKETS = [{ d: 2 }, { d: 4 }, { d: 7 }, { d: 10 }];
const Nc = 96;
const Nq = 32;
const B = 8;
const OPTIM: AdamWConfig = { ...DEFAULT_ADAMW, lr: 1e-3, warmupSteps: 100, totalSteps: MAX_STEPS, weightDecay: 0.01 };

// ---------- host side: tasks → the network's inputs (what the ONNX graph computes before its first weight) ----------

interface HostBatch { G: number; tokC: Float32Array; tokQ: Float32Array; yC: Float32Array; yQ: Float32Array; target: Int32Array; weight: Float32Array }

/** One task's rows as the encoders' inputs: tokens [N, G, 2·fpg] and target inputs [N, 2], context first. */
function taskInputs(x: Float32Array, y: ArrayLike<number>, n: number, d: number, sep: number, G: number): { tok: Float32Array; yin: Float32Array; ranks: number[] } {
  const cols = Array.from({ length: G * FPG }, (_, f) => {
    if (f >= d) return { z: new Float64Array(n), nan: new Float64Array(n) };
    const col = Float64Array.from({ length: n }, (_, i) => x[i * d + f]);
    const ctx = Array.from(col.subarray(0, sep)).filter((v) => !Number.isNaN(v));
    // the adapter drops context-constant columns; here they become an unused zero column
    if (ctx.every((v) => v === ctx[0])) return { z: new Float64Array(n), nan: col.map((v) => (Number.isNaN(v) ? -2 : 0)) };
    return preprocessColumn(col, sep);
  });
  const tok = new Float32Array(n * G * 2 * FPG);
  for (let g = 0; g < G; g++) {
    let used = 0;
    for (let j = g * FPG; j < (g + 1) * FPG; j++) if (cols[j].z.some((v) => v !== cols[j].z[0])) used++;
    const s = Math.sqrt(FPG / Math.max(used, 1));
    for (let i = 0; i < n; i++) for (let j = 0; j < FPG; j++) {
      tok[(i * G + g) * 2 * FPG + j] = cols[g * FPG + j].z[i] * s;
      tok[(i * G + g) * 2 * FPG + FPG + j] = cols[g * FPG + j].nan[i];
    }
  }
  const uniq = [...new Set(Array.from({ length: sep }, (_, i) => y[i]))].sort((a, b) => a - b);
  let mean = 0;
  for (let i = 0; i < sep; i++) mean += y[i] / sep;
  const rankOf = (v: number) => uniq.filter((u) => v > u).length;
  const yin = new Float32Array(n * 2);
  for (let i = 0; i < n; i++) { yin[2 * i] = rankOf(i < sep ? y[i] : mean); yin[2 * i + 1] = i < sep ? 0 : -2; }
  // the class index the logits use: its rank among the context's classes (−1 = absent from the context)
  const ranks = Array.from({ length: n }, (_, i) => (uniq.includes(y[i]) ? rankOf(y[i]) : -1));
  return { tok, yin, ranks };
}

function priorBatch(step: number): HostBatch {
  const d = BUCKETS[step % BUCKETS.length].d;
  const G = Math.ceil(d / FPG);
  const b: HostBatch = { G, tokC: new Float32Array(B * Nc * G * 2 * FPG), tokQ: new Float32Array(B * Nq * G * 2 * FPG),
    yC: new Float32Array(B * Nc * 2), yQ: new Float32Array(B * Nq * 2), target: new Int32Array(B * Nq), weight: new Float32Array(B * Nq) };
  for (let t = 0; t < B; t++) {
    const task = sampleTask(step * 64 + t + 1 + SEED * 1_000_003, { nRows: Nc + Nq, nFeatures: d, maxClasses: 10, version: 2 });
    const { tok, yin, ranks } = taskInputs(task.x, task.y, task.n, d, Nc, G);
    const w = G * 2 * FPG;
    b.tokC.set(tok.subarray(0, Nc * w), t * Nc * w);
    b.tokQ.set(tok.subarray(Nc * w), t * Nq * w);
    b.yC.set(yin.subarray(0, 2 * Nc), t * Nc * 2);
    b.yQ.set(yin.subarray(2 * Nc), t * Nq * 2);
    for (let q = 0; q < Nq; q++) { const r = ranks[Nc + q]; b.target[t * Nq + q] = Math.max(r, 0); b.weight[t * Nq + q] = r >= 0 ? 1 : 0; }
  }
  return b;
}

// ---------- weights: torch layout (ONNX, reference) ⇄ matrix layout (jax-js) ----------

const T2 = (a: Float32Array, r: number, c: number) => { const o = new Float32Array(r * c); for (let i = 0; i < r; i++) for (let j = 0; j < c; j++) o[j * r + i] = a[i * c + j]; return o; };
const ATTNS = ['self_attn_between_features', 'self_attn_between_items'];

function toMatrices(w: ArchWeights): Map<string, { data: Float32Array; shape: number[] }> {
  const m = new Map<string, { data: Float32Array; shape: number[] }>();
  const get = (n: string) => w.get(n)!.data;
  m.set('enc', { data: T2(get('encoder.5.layer.weight'), E, 2 * FPG), shape: [2 * FPG, E] });
  m.set('y.w', { data: T2(get('y_encoder.2.layer.weight'), E, 2), shape: [2, E] });
  m.set('y.b', { data: get('y_encoder.2.layer.bias'), shape: [E] });
  m.set('pos.w', { data: T2(get('feature_positional_embedding_embeddings.weight'), E, E / 4), shape: [E / 4, E] });
  m.set('pos.b', { data: get('feature_positional_embedding_embeddings.bias'), shape: [E] });
  for (let l = 0; l < C.nlayers; l++) {
    for (const a of ATTNS) {
      const qkv = get(layerName(l, `${a}._w_qkv`));
      ['q', 'k', 'v'].forEach((s, j) => m.set(`${l}.${a}.${s}`, { data: T2(qkv.subarray(j * H * DK * E, (j + 1) * H * DK * E), H * DK, E), shape: [E, H * DK] }));
      m.set(`${l}.${a}.o`, { data: get(layerName(l, `${a}._w_out`)), shape: [H * DK, E] });
    }
    m.set(`${l}.m1`, { data: T2(get(layerName(l, 'mlp.linear1.weight')), NHID, E), shape: [E, NHID] });
    m.set(`${l}.m2`, { data: T2(get(layerName(l, 'mlp.linear2.weight')), E, NHID), shape: [NHID, E] });
  }
  m.set('d0.w', { data: T2(get('decoder_dict.standard.0.weight'), NHID, E), shape: [E, NHID] });
  m.set('d0.b', { data: get('decoder_dict.standard.0.bias'), shape: [NHID] });
  m.set('d2.w', { data: T2(get('decoder_dict.standard.2.weight'), C.nOut, NHID), shape: [NHID, C.nOut] });
  m.set('d2.b', { data: get('decoder_dict.standard.2.bias'), shape: [C.nOut] });
  return m;
}

function fromMatrices(m: Map<string, Float32Array>, base: ArchWeights): ArchWeights {
  const w: ArchWeights = new Map([...base].map(([k, t]) => [k, { data: t.data.slice(), dims: t.dims }]));
  const set = (n: string, data: Float32Array) => { w.get(n)!.data.set(data); };
  set('encoder.5.layer.weight', T2(m.get('enc')!, 2 * FPG, E));
  set('y_encoder.2.layer.weight', T2(m.get('y.w')!, 2, E));
  set('y_encoder.2.layer.bias', m.get('y.b')!);
  set('feature_positional_embedding_embeddings.weight', T2(m.get('pos.w')!, E / 4, E));
  set('feature_positional_embedding_embeddings.bias', m.get('pos.b')!);
  for (let l = 0; l < C.nlayers; l++) {
    for (const a of ATTNS) {
      const qkv = new Float32Array(3 * H * DK * E);
      ['q', 'k', 'v'].forEach((s, j) => qkv.set(T2(m.get(`${l}.${a}.${s}`)!, E, H * DK), j * H * DK * E));
      set(layerName(l, `${a}._w_qkv`), qkv);
      set(layerName(l, `${a}._w_out`), m.get(`${l}.${a}.o`)!);
    }
    set(layerName(l, 'mlp.linear1.weight'), T2(m.get(`${l}.m1`)!, E, NHID));
    set(layerName(l, 'mlp.linear2.weight'), T2(m.get(`${l}.m2`)!, NHID, E));
  }
  set('decoder_dict.standard.0.weight', T2(m.get('d0.w')!, E, NHID));
  set('decoder_dict.standard.0.bias', m.get('d0.b')!);
  set('decoder_dict.standard.2.weight', T2(m.get('d2.w')!, NHID, C.nOut));
  set('decoder_dict.standard.2.bias', m.get('d2.b')!);
  return w;
}

// ---------- the network in jax-js (every array consumed once; `.ref` for each extra use) ----------

interface NetInputs { tokC: Arr; tokQ: Arr; yC: Arr; yQ: Arr; table: Arr; place: Arr; placeY: Arr; pick: Arr; head0: Arr; ones: Arr }

function ln(x: Arr): Arr {
  const mean = x.ref.mean(-1, { keepdims: true });
  const xc = x.sub(mean);
  const variance = np.square(xc.ref).mean(-1, { keepdims: true });
  return xc.mul(np.reciprocal(np.sqrt(variance.add(1e-5))));
}
const gelu = (x: Arr): Arr => nn.gelu(x, { approximate: false });

/** Heads of x [A, C, T, h·dk] → [A, C, h, T, dk]. */
const split = (x: Arr, h: number) => { const [a, c, t] = x.shape; return x.reshape([a, c, t, h, DK]).transpose([0, 1, 3, 2, 4]); };

/** Attention over axis 2 of xq [A,C,Tq,e] against xkv [A,C,Tk,e]; head0: keys/values from head 0 only. */
function attention(p: ArrRecord, name: string, xq: Arr, xkv: Arr, head0: Arr | null, ones: Arr | null): Arr {
  const [A, Cn, Tq] = xq.shape;
  const q = split(matmul(xq, p[`${name}.q`].ref), H); // [A,C,h,Tq,dk]
  let k: Arr;
  let v: Arr;
  if (head0 && ones) {
    const kvh = (w: Arr) => matmul(xkv.ref, matmul(w, head0.ref)).reshape([A, Cn, 1, xkv.shape[2], DK]).mul(ones.ref); // [A,C,h,Tk,dk]
    k = kvh(p[`${name}.k`].ref);
    v = kvh(p[`${name}.v`].ref);
    xkv.dispose();
    head0.dispose();
    ones.dispose();
  } else {
    k = split(matmul(xkv.ref, p[`${name}.k`].ref), H);
    v = split(matmul(xkv, p[`${name}.v`].ref), H);
  }
  const s = matmul(q, k.transpose([0, 1, 2, 4, 3])).mul(1 / Math.sqrt(DK));
  const o = matmul(nn.softmax(s, -1), v).transpose([0, 1, 3, 2, 4]).reshape([A, Cn, Tq, H * DK]);
  return matmul(o, p[`${name}.o`].ref);
}

/** Logits [B, Nq, 10]. Consumes inp and p (pass keep(params) to reuse them). */
function forward(p: ArrRecord, inp: NetInputs): Arr {
  const pos = matmul(inp.table, p['pos.w'].ref).add(p['pos.b'].ref); // [G,e]
  const tokens = (tok: Arr, yin: Arr): Arr => { // [B,N,G,4], [B,N,2] → [B,N,T,e]
    const x = matmul(tok, p.enc.ref).add(pos.ref); // [B,N,G,e]
    const [b, n] = x.shape;
    const y = matmul(yin, p['y.w'].ref).add(p['y.b'].ref).reshape([b, n, E, 1]);
    return matmul(x.transpose([0, 1, 3, 2]), inp.place.ref).add(matmul(y, inp.placeY.ref)).transpose([0, 1, 3, 2]);
  };
  let c = tokens(inp.tokC, inp.yC);
  let q = tokens(inp.tokQ, inp.yQ);
  pos.dispose();
  inp.place.dispose();
  inp.placeY.dispose();
  for (let l = 0; l < C.nlayers; l++) {
    const fa = `${l}.self_attn_between_features`;
    c = ln(c.ref.add(attention(p, fa, c.ref, c, null, null)));
    q = ln(q.ref.add(attention(p, fa, q.ref, q, null, null)));
    const ia = `${l}.self_attn_between_items`;
    const ct = c.ref.transpose([0, 2, 1, 3]); // [B,T,Nc,e]
    const qt = q.ref.transpose([0, 2, 1, 3]); // [B,T,Nq,e]
    const qNew = attention(p, ia, qt, ct.ref, inp.head0.ref, inp.ones.ref).transpose([0, 2, 1, 3]);
    const cNew = attention(p, ia, ct.ref, ct, null, null).transpose([0, 2, 1, 3]);
    c = ln(c.add(cNew));
    q = ln(q.add(qNew));
    const mlp = (x: Arr) => matmul(gelu(matmul(x, p[`${l}.m1`].ref)), p[`${l}.m2`].ref);
    c = ln(c.ref.add(mlp(c)));
    q = ln(q.ref.add(mlp(q)));
  }
  c.dispose();
  inp.head0.dispose();
  inp.ones.dispose();
  const [b, n] = q.shape;
  const target = matmul(q.transpose([0, 1, 3, 2]), inp.pick).reshape([b, n, E]); // the target token
  const logits = matmul(gelu(matmul(target, p['d0.w'].ref).add(p['d0.b'].ref)), p['d2.w'].ref).add(p['d2.b'].ref);
  release(p);
  return logits;
}

function netInputs(b: HostBatch, table: Float32Array): NetInputs {
  const G = b.G;
  const T = G + 1;
  const place = new Float32Array(G * T);
  for (let g = 0; g < G; g++) place[g * T + g] = 1;
  const pick = new Float32Array(T);
  pick[G] = 1;
  const head0 = new Float32Array(H * DK * DK);
  for (let d = 0; d < DK; d++) head0[d * DK + d] = 1;
  return {
    tokC: fromF32(b.tokC, [B, Nc, G, 2 * FPG]), tokQ: fromF32(b.tokQ, [B, Nq, G, 2 * FPG]), yC: fromF32(b.yC, [B, Nc, 2]), yQ: fromF32(b.yQ, [B, Nq, 2]),
    table: fromF32(table.subarray(0, G * (E / 4)), [G, E / 4]), place: fromF32(place, [G, T]), placeY: fromF32(pick, [1, T]), pick: fromF32(pick, [T, 1]),
    head0: fromF32(head0, [H * DK, DK]), ones: fromF32(new Float32Array(H).fill(1), [1, 1, H, 1, 1]),
  };
}

function loss(p: ArrRecord, inp: NetInputs, target: Arr, weight: Arr): Arr {
  const logits = forward(p, inp);
  const nll = nn.logSoftmax(logits, -1).mul(nn.oneHot(target, C.nOut).astype(np.float32)).sum(-1).neg();
  return nll.mul(weight.ref).sum().div(np.maximum(weight.sum(), 1));
}

// ---------- evaluation through the user-TFM path ----------


/** What the training child sends back. */
interface TrainReport { engine: string; portGap: number; steps: number; seconds: number; curve: { step: number; loss: number; seconds: number }[]; matrices: Record<string, number[]>; probeLogits: number[] }

const PROBE = () => sampleTask(7, { nRows: Nc + Nq, nFeatures: 5, maxClasses: 10, version: 2 });

/** The training child: checks the port, trains, and sends the weights (jax-js lives only in this process). */
async function trainChild(): Promise<void> {
  const engine = await initEngine();
  const base = tabpfnV2ArchWeights(C, SEED);
  const table = base.get(RANDOM_FEATURE_TABLE)!.data;
  const params: ArrRecord = Object.fromEntries([...toMatrices(base)].map(([k, t]) => [k, fromF32(t.data, t.shape)]));
  // the port against the float64 reference, on one prior task (batch element 0 of a batch of copies)
  const probeTask = PROBE();
  const probe = (() => {
    const G = 3;
    const { tok, yin } = taskInputs(probeTask.x, probeTask.y, probeTask.n, 5, Nc, G);
    const w = G * 2 * FPG;
    const rep = (a: Float32Array, from: number, to: number) => { const o = new Float32Array((to - from) * B); for (let t = 0; t < B; t++) o.set(a.subarray(from, to), t * (to - from)); return o; };
    return { G, tokC: rep(tok, 0, Nc * w), tokQ: rep(tok, Nc * w, tok.length), yC: rep(yin, 0, 2 * Nc), yQ: rep(yin, 2 * Nc, yin.length), target: new Int32Array(B * Nq), weight: new Float32Array(B * Nq) } satisfies HostBatch;
  })();
  const portLogits = takeF32(forward(keep(params), netInputs(probe, table))).subarray(0, Nq * C.nOut);
  const refLogits = tabpfnV2ArchReference(C, base, probeTask.x, [probeTask.n, 1, 5], Float32Array.from(probeTask.y.subarray(0, Nc)), Nc);
  const portGap = Math.max(...Array.from(portLogits, (v, i) => Math.abs(v - refLogits[i])));
  console.log(`jax-js port vs float64 reference at init: max |Δlogit| ${portGap.toExponential(2)}`);
  if (!(portGap < 1e-3)) throw new Error('the jax-js port does not match the reference');

  const t0 = performance.now();
  const { params: trained, steps, curve } = trainJitAdamw({
    params, loss, optim: OPTIM, maxSteps: MAX_STEPS, minutes: MINUTES, logEvery: 50,
    batch: (s) => { const b = priorBatch(s); return { inputs: netInputs(b, table), target: fromI32(b.target, [B, Nq]), weight: fromF32(b.weight, [B, Nq]) }; },
  });
  const probeLogits = Array.from(takeF32(forward(keep(trained), netInputs(probe, table))).subarray(0, Nq * C.nOut));
  const matrices = Object.fromEntries(Object.entries(trained).map(([k, a]) => [k, Array.from(takeF32(a.ref))]));
  release(trained);
  const report: TrainReport = { engine: `@jax-js/jax ${engine.device}`, portGap, steps, seconds: Math.round((performance.now() - t0) / 1000), curve, matrices, probeLogits };
  await new Promise<void>((res) => process.send!(report, () => res()));
}

/** The parent: forks the training child (jax-js), then evaluates through ONNX Runtime. */
async function main(): Promise<void> {
  const child = fork(fileURLToPath(import.meta.url), [], { env: { ...process.env, REPLICA_CHILD: '1' }, execArgv: process.execArgv, stdio: ['inherit', 'inherit', 'inherit', 'ipc'] });
  const report = await new Promise<TrainReport>((res, rej) => {
    child.on('message', (m) => res(m as TrainReport));
    child.on('exit', (code) => rej(new Error(`training child exited with ${code} before reporting`)));
  });
  const base = tabpfnV2ArchWeights(C, SEED);
  const trained = fromMatrices(new Map(Object.entries(report.matrices).map(([k, v]) => [k, Float32Array.from(v)])), base);

  // the ONNX of the trained weights against the port, on the probe task
  const ortBackend = createNodeBackend({ numThreads: 1 });
  const trainedBytes = buildTabpfnV2ArchReplica('traced', { weights: trained });
  const session = await ortBackend.createSession(trainedBytes, { file: 'trained.onnx' });
  const probeTask = PROBE();
  const onnxOut = (await session.run({ X: tensor('float32', Float32Array.from(probeTask.x), [probeTask.n, 1, 5]), y: tensor('float32', Float32Array.from(probeTask.y.subarray(0, Nc)), [Nc]) })).output.data as Float32Array;
  const onnxGap = Math.max(...report.probeLogits.map((v, i) => Math.abs(v - onnxOut[i])));
  console.log(`trained: ONNX vs jax-js port max |Δlogit| ${onnxGap.toExponential(2)}`);
  await session.dispose();

  // held-out synthetic tasks (seeds training never draws), binary, 128 context + 128 query rows
  const nc = 128;
  const tasks = Array.from({ length: EVAL_TASKS }, (_, i) => sampleTask(3e9 + i, { nRows: 256, nClasses: 2, maxFeatures: 10, version: 2 }));
  const user = async (bytes: Uint8Array, id: string): Promise<Teacher> => ({ ...(await loadUserTfm(bytes, '', ortBackend)).teacher, id });
  const teachers: Teacher[] = [
    await user(trainedBytes, 'arch-replica-trained'),
    await user(buildTabpfnV2ArchReplica('traced'), 'arch-replica-untrained'),
    await user(buildTabpfnV2Replica('traced'), 'kernel-vote-replica'),
    { ...tfmTeacher({ runtime: nodeTfmRuntime(DEFAULT_TFM_ONNX, 1) }), id: 'tfm (embedded)' },
  ];
  console.log(`held-out: ${tasks.length} tasks, ${teachers.length} teachers`);
  const results: Record<string, { auc: number; failed: number }> = {};
  for (const t of teachers) {
    results[t.id] = await heldOutAuc(t, tasks, nc);
    console.log(`${t.id}: mean AUC ${results[t.id].auc} (${results[t.id].failed} failed)`);
  }
  mkdirSync(new URL('./results/', import.meta.url), { recursive: true });
  writeFileSync(OUT, `${JSON.stringify({
    date: new Date().toISOString(), command: 'npx tsx bench/tfm-replica-train.ts', env: { REPLICA_MINUTES: MINUTES, REPLICA_STEPS: MAX_STEPS, REPLICA_EVAL_TASKS: EVAL_TASKS },
    machine: { cpu: cpus()[0]?.model ?? 'unknown', cores: cpus().length, loadavg: loadavg().map((v) => +v.toFixed(2)), engine: report.engine },
    replica: C, training: { prior: 'forge prior v2 (sampleTask version 2)', buckets: BUCKETS, B, Nc, Nq, optimizer: OPTIM, steps: report.steps, seconds: report.seconds, curve: report.curve },
    checks: { portVsReferenceAtInit: report.portGap, onnxVsPortTrained: onnxGap },
    heldOut: { tasks: EVAL_TASKS, seeds: '3e9 + i', rows: '128 context + 128 query, binary, ≤ 10 features, prior v2', teachersThrough: 'the user-TFM path (TabPFN v2 adapter, 4 members) / the embedded tfm teacher', meanAuc: results },
  }, null, 1)}\n`);
  console.log(`wrote ${OUT.pathname}`);
}

(process.env.REPLICA_CHILD ? trainChild() : main()).then(() => process.exit(0), (e) => { console.error(e); process.exit(1); });
