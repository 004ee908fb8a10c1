// Edits on every model family, end to end through the real sidecar process: for each architecture replica
// (src/core/lm/replicas: the family's real config.json keys and tensor names, GQA k/v shapes, tied embeddings where
// the real model ties them), a base checkpoint written by writeReplica and an "aligned" copy with every weight
// changed, as one model.safetensors (F32) and as a two-shard BF16 folder with model.safetensors.index.json. A
// circuit is found and exported by the circuits module for that model's graph config (buildGraph, scores, top-n
// extraction, json.ts export: head a1.h3 reached through its k input, and MLP m0), then the sidecar runs C-Δθ on
// both layouts and NF4 + FP4 survival on the results. The output must differ from the target exactly on the
// slices familySlices.fixture.ts describes by hand (q rows of the head, k/v rows of its KV group, o_proj columns,
// the MLP and its own norms), keep every tensor name, shape and dtype, and carry a valid shard index.
// The vocabulary is cut to 1,024 so that each family costs a few MB of I/O; nothing here reads tokens.
import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildGraph, edgeName, graphConfigForLm } from '../src/core/circuits/graph';
import { extract } from '../src/core/circuits/extract';
import { exportGraphJson } from '../src/core/circuits/json';
import { decodeToF32, encodeFromF32, type FloatDtype } from '../src/core/edits/dtypes';
import { expectedCells, expectedSlicesHead13Mlp0 } from '../src/core/edits/familySlices.fixture';
import { bytesSource, readHeader, serialize, type TensorEntry } from '../src/core/edits/safetensors';
import { checkShardsAgainstIndex, INDEX_FILE, parseShardIndex } from '../src/core/edits/sharded';
import type { NormalizedLmConfig } from '../src/core/lm/families';
import { REPLICAS } from '../src/core/lm/replicas/specs';
import { writeReplica } from '../src/core/lm/replicas/writeReplicaNode';
import { pseudo, readEvents, startSidecar, tmpWorkspace, type RunningSidecar } from './testkit';

const VOCAB = 1024;
const SHARDS = ['model-00001-of-00002.safetensors', 'model-00002-of-00002.safetensors'];

let root = '';
let sidecar: RunningSidecar;

beforeAll(async () => {
  root = await tmpWorkspace('edits-families-');
  sidecar = await startSidecar(root);
}, 60_000);

afterAll(async () => {
  await sidecar?.kill();
  if (root) await rm(root, { recursive: true, force: true });
});

type Tensors = Map<string, { dtype: FloatDtype; shape: number[]; data: Float32Array }>;

/** Every tensor of a model folder (single file or shards), decoded, with the headers as written. */
async function readFolder(dir: string): Promise<{ tensors: Tensors; headers: Map<string, TensorEntry[]> }> {
  const files = (await readdir(dir)).filter((f) => f.endsWith('.safetensors')).sort();
  const tensors: Tensors = new Map();
  const headers = new Map<string, TensorEntry[]>();
  for (const f of files) {
    const buf = new Uint8Array(await readFile(join(dir, f)));
    const h = await readHeader(bytesSource(buf), f);
    headers.set(f, h.tensors);
    for (const t of h.tensors) tensors.set(t.name, { dtype: t.dtype as FloatDtype, shape: t.shape, data: decodeToF32(t.dtype, buf.subarray(t.begin, t.end)) });
  }
  return { tensors, headers };
}

/** The same weights as a two-shard folder in `dtype`, with the index and config.json. */
async function writeSharded(dir: string, weights: Tensors, dtype: FloatDtype, config: string): Promise<void> {
  await mkdir(dir, { recursive: true });
  const names = [...weights.keys()].sort();
  const half = Math.ceil(names.length / 2);
  const weightMap: Record<string, string> = {};
  let total = 0;
  for (const [k, part] of [names.slice(0, half), names.slice(half)].entries()) {
    const bytes = serialize(part.map((name) => {
      const t = weights.get(name)!;
      weightMap[name] = SHARDS[k];
      const data = encodeFromF32(dtype, t.data);
      total += data.byteLength;
      return { name, dtype, shape: t.shape, data };
    }), { format: 'pt' });
    await writeFile(join(dir, SHARDS[k]), bytes);
  }
  await writeFile(join(dir, INDEX_FILE), JSON.stringify({ metadata: { total_size: total }, weight_map: weightMap }));
  await writeFile(join(dir, 'config.json'), config);
}

async function writeSingle(dir: string, weights: Tensors, config: string): Promise<void> {
  await mkdir(dir, { recursive: true });
  const names = [...weights.keys()].sort();
  await writeFile(join(dir, 'model.safetensors'), serialize(names.map((name) => {
    const t = weights.get(name)!;
    return { name, dtype: 'F32' as const, shape: t.shape, data: encodeFromF32('F32', t.data) };
  }), { format: 'pt' }));
  await writeFile(join(dir, 'config.json'), config);
}

/**
 * A circuit as the circuits module finds one: the model's full graph, small scores everywhere and three strong
 * edges input → m0 → a1.h3<k> → logits, top-3 extraction (prune keeps the connected path), EAP-IG JSON export.
 */
function circuitJson(c: NormalizedLmConfig): string {
  const g = buildGraph(graphConfigForLm(c));
  const strong = new Map([[edgeName('input', 'm0'), 4], [edgeName('m0', 'a1.h3', 'k'), 5], [edgeName('a1.h3', 'logits'), 3]]);
  g.edges.forEach((e, i) => (e.score = strong.get(e.id) ?? 0.01 * pseudo(1, i)));
  const circuit = extract(g, { mode: 'topn', n: 3 });
  circuit.meta = { ...circuit.meta, model: `replica:${c.modelType}`, method: 'eap-ig', metric: 'logit_diff' };
  return exportGraphJson(circuit);
}

async function runJob(path: string, body: unknown): Promise<Record<string, unknown>> {
  const auth = { authorization: `Bearer ${sidecar.token}`, 'content-type': 'application/json' };
  const r = await fetch(`${sidecar.url}${path}`, { method: 'POST', headers: auth, body: JSON.stringify(body) });
  const started = (await r.json()) as { id: string; error?: string };
  expect(r.status, JSON.stringify(started)).toBe(202);
  const events = await readEvents(await fetch(`${sidecar.url}/api/jobs/${started.id}/events`, { headers: auth }), () => undefined);
  const last = events[events.length - 1];
  expect(last.type, JSON.stringify(last)).toBe('done');
  return last.result as Record<string, unknown>;
}

interface SurvivalReport { tensors: { name: string; params: number; changed: number; codeChanged: number }[]; overall: { params: number; changed: number } }

describe('C-Δθ and NF4/FP4 survival on every family through the sidecar', () => {
  it.each(REPLICAS.map((r) => r.id))('%s', async (id) => {
    const dir = join(root, id);
    const rep = await writeReplica(id, join(dir, 'base'), { variants: [], configOverrides: { vocab_size: VOCAB } });
    const c = rep.config;
    const config = await readFile(join(dir, 'base/config.json'), 'utf8');
    const base: Tensors = new Map([...rep.weights].map(([name, t]) => [name, { dtype: 'F32', shape: t.shape, data: t.data }]));
    const aligned: Tensors = new Map([...base].map(([name, t], k) => [name, { ...t, data: t.data.map((v, i) => v + 0.05 * pseudo(k + 11, i)) }]));
    await writeSingle(join(dir, 'aligned'), aligned, config);
    await writeSharded(join(dir, 'base-bf16'), base, 'BF16', config);
    await writeSharded(join(dir, 'aligned-bf16'), aligned, 'BF16', config);
    await writeFile(join(dir, 'circuit.json'), circuitJson(c));
    expect(JSON.parse(await readFile(join(dir, 'circuit.json'), 'utf8')).cfg).toMatchObject({ n_heads: c.numHeads, d_model: c.hiddenSize, model_type: c.modelType });
    if (c.tieWordEmbeddings) expect(base.has(c.tensors.lmHead)).toBe(false);

    for (const layout of ['single', 'sharded'] as const) {
      const [b, a, out] = layout === 'single' ? ['base', 'aligned', 'out'] : ['base-bf16', 'aligned-bf16', 'out-bf16'];
      const result = await runJob('/api/jobs/cdelta', { base: `${id}/${b}`, aligned: `${id}/${a}`, circuit: `${id}/circuit.json`, outputs: [{ strength: 1, path: `${id}/${out}` }] });
      expect(result.mask).toMatchObject({ arch: { family: c.family, familyFrom: 'config.json', nHeads: c.numHeads, nKvHeads: c.numKvHeads, headDim: c.headDim }, heads: ['a1.h3'], mlps: ['m0'] });
      const target = await readFolder(join(dir, b));
      const al = await readFolder(join(dir, a));
      const got = await readFolder(join(dir, out));
      // same tensors, shapes, dtypes and shard assignment as the target
      expect([...got.headers].map(([f, ts]) => [f, ts.map((t) => [t.name, t.dtype, t.shape])])).toEqual([...target.headers].map(([f, ts]) => [f, ts.map((t) => [t.name, t.dtype, t.shape])]));
      if (layout === 'sharded') {
        const index = parseShardIndex(await readFile(join(dir, out, INDEX_FILE), 'utf8'));
        checkShardsAgainstIndex(index, got.headers);
        expect(index.weightMap).toEqual(parseShardIndex(await readFile(join(dir, b, INDEX_FILE), 'utf8')).weightMap);
      }
      const slices = expectedSlicesHead13Mlp0(c);
      let changed = 0;
      for (const [name, t] of target.tensors) {
        const o = got.tensors.get(name)!;
        const owned = expectedCells(slices, name, t.shape);
        const dtype = t.dtype;
        const want = t.data.map((v, i) => (owned?.has(i) ? v + 1 * (al.tensors.get(name)!.data[i] - v) : v));
        const wantWritten = decodeToF32(dtype, encodeFromF32(dtype, want));
        const wrong = o.data.findIndex((v, i) => !Object.is(v, wantWritten[i]));
        expect(wrong, `${layout} ${name}: element ${wrong} is ${o.data[wrong]}, expected ${wantWritten[wrong]}`).toBe(-1);
        changed += o.data.reduce((n, v, i) => n + (v !== t.data[i] ? 1 : 0), 0);
        if (!owned) continue;
        // the edit really moved the owned slice (the aligned copy differs everywhere)
        expect(o.data.some((v, i) => owned.has(i) && v !== t.data[i]), `${layout} ${name} changed`).toBe(true);
      }
      for (const name of [c.tensors.embed, c.tensors.lmHead, c.tensors.finalNorm]) {
        if (target.tensors.has(name)) expect(got.tensors.get(name)!.data).toEqual(target.tensors.get(name)!.data);
      }

      const quant = layout === 'single' ? 'nf4' : 'fp4';
      const report = `${id}/${out}-${quant}.json`;
      await runJob('/api/jobs/survival', { base: `${id}/${b}`, edited: `${id}/${out}`, quant, blocksize: 64, output: report });
      const s = JSON.parse(await readFile(join(root, report), 'utf8')) as SurvivalReport;
      expect(s.overall.changed).toBe(changed);
      expect(s.tensors.map((t) => t.name).sort()).toEqual([...target.tensors.keys()].sort());
      for (const t of s.tensors) {
        const owned = expectedCells(slices, t.name, target.tensors.get(t.name)!.shape);
        if (!owned) expect(t.changed, t.name).toBe(0);
        expect(t.codeChanged).toBeLessThanOrEqual(t.changed);
      }
    }
  }, 120_000);
});
