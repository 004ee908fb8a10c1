// The HTTP API in-process: every guard (token, Origin, traversal, symlink escape, body size, overwrite) and
// the three jobs end to end on small checkpoints the test writes (GPT-2 folder, sharded Llama folder).
import { mkdir, readFile, readdir, rm, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeToF32, roundToDtype } from '../src/core/edits/dtypes';
import { bytesSource, readHeader, serialize } from '../src/core/edits/safetensors';
import { SurvivalCounter, summarize } from '../src/core/edits/survival';
import { createApp, DEFAULT_ORIGINS } from './app';
import { buildCheckpoint, gpt2Specs, llamaSpecs, pseudo, readEvents, sha256File, tmpWorkspace, writeModelFolder } from './testkit';
import { Workspace } from './workspace';

type Digests = { files: { name: string; sha256: string }[] };
interface CDeltaManifest {
  strength: number;
  paramsChanged: number;
  mask: { heads: string[]; paramsMasked: number };
  inputs: Record<string, Digests>;
  output: Digests;
  tool: { version: string };
}
interface MansuManifest {
  overall: { before: { codeSurvival: number }; after: { codeChanged: number }; floor: { failed: number; kept: number; saturated: number } };
  tensors: { name: string; fisherZeroed: number; maskedOut: number }[];
}

const TOKEN = 'test-token-0123456789';
let root: string;
let app: ReturnType<typeof createApp>['app'];
let jobs: ReturnType<typeof createApp>['jobs'];

async function call(path: string, o: { method?: string; body?: unknown; headers?: Record<string, string>; raw?: string } = {}) {
  const headers: Record<string, string> = { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json', ...o.headers };
  const init: RequestInit = { method: o.method ?? (o.body !== undefined || o.raw !== undefined ? 'POST' : 'GET'), headers };
  if (o.raw !== undefined) init.body = o.raw;
  else if (o.body !== undefined) init.body = JSON.stringify(o.body);
  return app.request(path, init);
}

async function tensors(file: string): Promise<Map<string, Float32Array>> {
  const buf = new Uint8Array(await readFile(file));
  const h = await readHeader(bytesSource(buf), file);
  return new Map(h.tensors.map((t) => [t.name, decodeToF32(t.dtype, buf.subarray(t.begin, t.end))]));
}

const base: (n: string, i: number) => number = (n, i) => pseudo(n.length, i);
const aligned: (n: string, i: number) => number = (n, i) => pseudo(n.length, i) + 0.01 * pseudo(n.length + 7, i);
const circuitJson = { cfg: { n_heads: 2 }, nodes: { input: true, 'a1.h0': true, 'a0.h1': false, m0: true, logits: true }, edges: { 'a1.h0->logits': { in_graph: true, score: 2 } } };

beforeAll(async () => {
  root = await tmpWorkspace();
  const specs = gpt2Specs(2, 8, 16, 'F16');
  await writeModelFolder(join(root, 'gpt2/base'), specs, base, { model_type: 'gpt2', n_head: 2 });
  await writeModelFolder(join(root, 'gpt2/aligned'), specs, aligned);
  await writeFile(join(root, 'circuit.json'), JSON.stringify(circuitJson));
  ({ app, jobs } = createApp({ workspace: await Workspace.open(root), token: TOKEN, origins: DEFAULT_ORIGINS, maxBodyBytes: 4096, port: () => 0 }));
});
afterAll(async () => {
  await jobs.cancelAll();
  await rm(root, { recursive: true, force: true });
});

describe('guards', () => {
  it('refuses requests without the token or with a wrong one', async () => {
    expect((await app.request('/api/checkpoints')).status).toBe(401);
    expect((await call('/api/checkpoints', { headers: { authorization: 'Bearer nope' } })).status).toBe(401);
    expect((await call('/api/checkpoints')).status).toBe(200);
  });

  it('refuses a foreign Origin and answers CORS only for the app origin', async () => {
    const bad = await call('/api/checkpoints', { headers: { origin: 'http://evil.example' } });
    expect(bad.status).toBe(403);
    expect(bad.headers.get('access-control-allow-origin')).toBeNull();
    const ok = await call('/api/checkpoints', { headers: { origin: 'http://localhost:5173' } });
    expect(ok.status).toBe(200);
    expect(ok.headers.get('access-control-allow-origin')).toBe('http://localhost:5173');
    const pre = await app.request('/api/jobs/cdelta', { method: 'OPTIONS', headers: { origin: 'http://127.0.0.1:4173', 'access-control-request-method': 'POST' } });
    expect(pre.status).toBe(204);
    expect(pre.headers.get('access-control-allow-origin')).toBe('http://127.0.0.1:4173');
  });

  it('lets only /api/health be probed no-cors (CORP), whatever its status', async () => {
    const probe = await app.request('/api/health');
    expect(probe.status).toBe(401);
    expect(probe.headers.get('cross-origin-resource-policy')).toBe('cross-origin');
    expect((await call('/api/checkpoints')).headers.get('cross-origin-resource-policy')).toBeNull();
  });

  it('refuses traversal, absolute paths and symlink escapes', async () => {
    const outside = await tmpWorkspace('edits-outside-');
    await writeFile(join(outside, 'secret.safetensors'), serialize([]));
    await symlink(outside, join(root, 'escape'));
    // outside-path-ok: traversal inputs the sidecar must refuse
    for (const p of ['../x.safetensors', 'gpt2/../../etc', '/etc/passwd', 'escape/secret.safetensors', 'gpt2/./base']) {
      const r = await call(`/api/checkpoints/inspect?path=${encodeURIComponent(p)}`);
      expect(r.status, p).toBe(403);
    }
    const out = await call('/api/jobs/survival', { body: { base: 'gpt2/base', edited: 'gpt2/aligned', output: 'escape/report.json' } });
    expect(out.status).toBe(403);
    expect(((await call('/api/checkpoints').then((r) => r.json())) as { checkpoints: { path: string }[] }).checkpoints.map((c) => c.path)).toEqual(['gpt2/aligned', 'gpt2/base']);
    await rm(join(root, 'escape'));
    await rm(outside, { recursive: true });
  });

  it('refuses an oversize body, bad JSON and unknown fields', async () => {
    const big = await call('/api/jobs/cdelta', { raw: JSON.stringify({ base: 'x'.repeat(5000) }) });
    expect(big.status).toBe(413);
    expect((await call('/api/jobs/cdelta', { raw: '{nope' })).status).toBe(400);
    const extra = await call('/api/jobs/survival', { body: { base: 'gpt2/base', edited: 'gpt2/aligned', output: 'r.json', surprise: 1 } });
    expect(extra.status).toBe(400);
  });

  it('never overwrites: an existing output path is a 409, an input as output too', async () => {
    const r = await call('/api/jobs/survival', { body: { base: 'gpt2/base', edited: 'gpt2/aligned', output: 'circuit.json' } });
    expect(r.status).toBe(409);
    const r2 = await call('/api/jobs/cdelta', { body: { base: 'gpt2/base', aligned: 'gpt2/aligned', circuit: 'circuit.json', outputs: [{ strength: 1, path: 'gpt2/base' }] } });
    expect(r2.status).toBe(409);
  });

  it('reports a malformed checkpoint with its reason', async () => {
    await writeFile(join(root, 'broken.safetensors'), new Uint8Array(4));
    const r = await call('/api/checkpoints/inspect?path=broken.safetensors');
    expect(r.status).toBe(422);
    expect(((await r.json()) as { error: string }).error).toMatch(/shorter than the 8-byte/);
    await rm(join(root, 'broken.safetensors'));
  });
});

describe('C-Δθ job', () => {
  it('edits exactly the circuit slices of a GPT-2 folder, for each strength, with a manifest', async () => {
    const r = await call('/api/jobs/cdelta', { body: { base: 'gpt2/base', aligned: 'gpt2/aligned', circuit: 'circuit.json', outputs: [{ strength: 1, path: 'out-s1' }, { strength: 0.5, path: 'out-s05' }] } });
    expect(r.status).toBe(202);
    const { id } = (await r.json()) as { id: string };
    const events = await readEvents(await call(`/api/jobs/${id}/events`), () => undefined);
    const last = events[events.length - 1];
    expect(last.type, JSON.stringify(last)).toBe('done');
    const fr = events.filter((e) => e.type === 'progress').map((e) => e.fraction as number);
    fr.forEach((f, i) => i && expect(f).toBeGreaterThanOrEqual(fr[i - 1]));
    const b = await tensors(join(root, 'gpt2/base/model.safetensors'));
    const a = await tensors(join(root, 'gpt2/aligned/model.safetensors'));
    for (const [dir, s] of [['out-s1', 1], ['out-s05', 0.5]] as const) {
      expect((await readdir(join(root, dir))).sort()).toEqual(['config.json', 'edit-manifest.json', 'model.safetensors']);
      const o = await tensors(join(root, dir, 'model.safetensors'));
      // a1.h0: c_attn columns 0..4 of each third (d=8, hd=4), c_proj rows 0..4; m0: all of layer 0's MLP.
      const inMask = (name: string, i: number) => {
        if (/h\.0\.mlp\./.test(name)) return true;
        if (name.endsWith('h.1.attn.c_attn.weight') || name.endsWith('h.1.attn.c_attn.bias')) return (i % 24) % 8 < 4;
        if (name.endsWith('h.1.attn.c_proj.weight')) return Math.floor(i / 8) < 4;
        return false;
      };
      let changed = 0;
      for (const [name, ov] of o) {
        const bv = b.get(name)!;
        const av = a.get(name)!;
        ov.forEach((v, i) => {
          const want = inMask(name, i) ? roundToDtype(bv[i] + s * (av[i] - bv[i]), 'F16') : bv[i];
          if (v !== want) throw new Error(`${dir} ${name}[${i}] = ${v}, want ${want} (base ${bv[i]}, aligned ${av[i]})`);
          if (v !== bv[i]) changed++;
        });
      }
      const m = JSON.parse(await readFile(join(root, dir, 'edit-manifest.json'), 'utf8')) as CDeltaManifest;
      expect(m.strength).toBe(s);
      expect(m.paramsChanged).toBe(changed);
      expect(m.mask.heads).toEqual(['a1.h0']);
      expect(m.mask.paramsMasked).toBe(8 * 12 + 12 + 4 * 8 + (8 * 32 + 32 + 32 * 8));
      expect(m.inputs.base.files[0].sha256).toBe(await sha256File(join(root, 'gpt2/base/model.safetensors')));
      expect(m.inputs.aligned.files[0].sha256).toBe(await sha256File(join(root, 'gpt2/aligned/model.safetensors')));
      expect(m.output.files[0].sha256).toBe(await sha256File(join(root, dir, 'model.safetensors')));
      expect(m.tool.version).toBe('0.1.0');
    }
    const man = await call(`/api/jobs/${id}/manifest`);
    expect(((await man.json()) as unknown[]).length).toBe(2);
    expect((await call('/api/manifest?path=out-s1')).status).toBe(200);
  });

  it('mirrors a sharded Llama checkpoint (GQA) and touches only the mapped slices', async () => {
    const specs = llamaSpecs(2, 8, 4, 2, 16);
    const dir = join(root, 'llama');
    for (const [name, vals] of [['base', base], ['aligned', aligned]] as const) {
      await mkdir(join(dir, name), { recursive: true });
      const half = specs.length / 2;
      const shards = [specs.slice(0, half), specs.slice(half)];
      const weightMap: Record<string, string> = {};
      for (let k = 0; k < 2; k++) {
        const file = `model-0000${k + 1}-of-00002.safetensors`;
        await writeFile(join(dir, name, file), buildCheckpoint(shards[k], vals));
        for (const s of shards[k]) weightMap[s.name] = file;
      }
      await writeFile(join(dir, name, 'model.safetensors.index.json'), JSON.stringify({ metadata: { total_size: 0 }, weight_map: weightMap }));
      await writeFile(join(dir, name, 'config.json'), JSON.stringify({ num_attention_heads: 4, num_key_value_heads: 2 }));
    }
    const r = await call('/api/jobs/cdelta', { body: { base: 'llama/base', aligned: 'llama/aligned', circuitJson: { nodes: { 'a1.h2': true } }, outputs: [{ strength: 2, path: 'llama-out' }] } });
    expect(r.status).toBe(202);
    const job = await jobs.wait(((await r.json()) as { id: string }).id);
    expect(job?.state, job?.error).toBe('done');
    expect((await readdir(join(root, 'llama-out'))).sort()).toEqual(['config.json', 'edit-manifest.json', 'model-00001-of-00002.safetensors', 'model-00002-of-00002.safetensors', 'model.safetensors.index.json']);
    const lm = JSON.parse(await readFile(join(root, 'llama-out/edit-manifest.json'), 'utf8')) as CDeltaManifest;
    const idx = lm.inputs.base.files.find((f) => f.name === 'model.safetensors.index.json');
    expect(idx?.sha256).toBe(await sha256File(join(dir, 'base/model.safetensors.index.json')));
    const got = new Map([...(await tensors(join(root, 'llama-out/model-00001-of-00002.safetensors'))), ...(await tensors(join(root, 'llama-out/model-00002-of-00002.safetensors')))]);
    const touchedRows: Record<string, (i: number) => boolean> = {
      'model.layers.1.self_attn.q_proj.weight': (i) => Math.floor(i / 8) >= 4 && Math.floor(i / 8) < 6,
      'model.layers.1.self_attn.k_proj.weight': (i) => Math.floor(i / 8) >= 2,
      'model.layers.1.self_attn.v_proj.weight': (i) => Math.floor(i / 8) >= 2,
      'model.layers.1.self_attn.o_proj.weight': (i) => i % 8 >= 4 && i % 8 < 6,
    };
    for (const s of specs) {
      const v = got.get(s.name)!;
      v.forEach((x, i) => {
        const sel = touchedRows[s.name]?.(i) ?? false;
        const want = sel ? Math.fround(base(s.name, i) + 2 * (Math.fround(aligned(s.name, i)) - Math.fround(base(s.name, i)))) : Math.fround(base(s.name, i));
        expect(x).toBeCloseTo(want, 6);
        if (!sel) expect(x).toBe(Math.fround(base(s.name, i)));
      });
    }
  });
});

describe('survival and MANSU jobs', () => {
  it('writes a survival report equal to the core counter', async () => {
    const r = await call('/api/jobs/survival', { body: { base: 'gpt2/base', edited: 'gpt2/aligned', quant: 'nf4', output: 'survival.json' } });
    const job = await jobs.wait(((await r.json()) as { id: string }).id);
    expect(job?.state, job?.error).toBe('done');
    const report = JSON.parse(await readFile(join(root, 'survival.json'), 'utf8')) as { overall: ReturnType<typeof summarize> };
    const b = await tensors(join(root, 'gpt2/base/model.safetensors'));
    const a = await tensors(join(root, 'gpt2/aligned/model.safetensors'));
    const c = new SurvivalCounter('nf4');
    for (const [name, bv] of b) c.add(bv, a.get(name)!);
    expect(report.overall).toEqual(summarize(c.counts));
    expect(report.overall.changed).toBeGreaterThan(1000);
  });

  it('MANSU: masks, gates by Fisher, projects off the retain covariance and floors to survive NF4', async () => {
    const specs = llamaSpecs(1, 8, 4, 2, 16);
    const small = (n: string, i: number) => pseudo(n.length, i) + 1e-4 * pseudo(3, i);
    await writeModelFolder(join(root, 'm/base'), specs, base, { num_attention_heads: 4 });
    await writeModelFolder(join(root, 'm/edited'), specs, small);
    // Retain stats: Fisher high on the first half of gate_proj; covariance of up_proj's 8-dim input
    // concentrated on e0 and e1 (rank 2).
    const cov = new Float32Array(64);
    cov[0] = 5;
    cov[9] = 3;
    const fisher = Float32Array.from({ length: 128 }, (_, i) => (i < 64 ? 10 : 0));
    await writeFile(join(root, 'm/stats.safetensors'), serialize([
      { name: 'fisher/model.layers.0.mlp.gate_proj.weight', dtype: 'F32', shape: [16, 8], data: new Uint8Array(fisher.buffer) },
      { name: 'cov/model.layers.0.mlp.up_proj.weight', dtype: 'F32', shape: [8, 8], data: new Uint8Array(cov.buffer) },
    ]));
    const r = await call('/api/jobs/mansu', { body: { base: 'm/base', edited: 'm/edited', stats: 'm/stats.safetensors', fisher: { mode: 'zero', threshold: 1 }, covariance: { topK: 2 }, circuitJson: { nodes: { m0: true } }, output: 'm/out' } });
    expect(r.status).toBe(202);
    const job = await jobs.wait(((await r.json()) as { id: string }).id);
    expect(job?.state, job?.error).toBe('done');
    const o = await tensors(join(root, 'm/out/model.safetensors'));
    const b = await tensors(join(root, 'm/base/model.safetensors'));
    const gate = o.get('model.layers.0.mlp.gate_proj.weight')!;
    const gb = b.get('model.layers.0.mlp.gate_proj.weight')!;
    for (let i = 0; i < 64; i++) expect(gate[i]).toBe(gb[i]);
    const up = o.get('model.layers.0.mlp.up_proj.weight')!;
    const ub = b.get('model.layers.0.mlp.up_proj.weight')!;
    for (let row = 0; row < 16; row++) for (const c of [0, 1]) expect(up[row * 8 + c]).toBe(ub[row * 8 + c]);
    expect(o.get('model.layers.0.self_attn.q_proj.weight')).toEqual(b.get('model.layers.0.self_attn.q_proj.weight'));
    const m = JSON.parse(await readFile(join(root, 'm/out/edit-manifest.json'), 'utf8')) as MansuManifest;
    expect(m.overall.before.codeSurvival).toBeLessThan(0.1);
    expect(m.overall.floor.failed).toBe(0);
    expect(m.overall.after.codeChanged).toBe(m.overall.floor.kept - m.overall.floor.saturated);
    const t = m.tensors;
    expect(t.find((x) => x.name.endsWith('gate_proj.weight'))!.fisherZeroed).toBe(64);
    expect(t.find((x) => x.name.endsWith('q_proj.weight'))!.maskedOut).toBe(64);
  });

  it('MANSU projects Conv1D ([in, out]) weights along their input axis, in two passes', async () => {
    const specs = gpt2Specs(1, 8, 16, 'F32');
    const shifted = (n: string, i: number) => base(n, i) + 0.05 * pseudo(9, i);
    await writeModelFolder(join(root, 'g/base'), specs, base, { n_head: 2 });
    await writeModelFolder(join(root, 'g/edited'), specs, shifted);
    const cov = new Float32Array(64);
    cov[0] = 4;
    cov[9] = 2;
    await writeFile(join(root, 'g/stats.safetensors'), serialize([{ name: 'cov/transformer.h.0.mlp.c_fc.weight', dtype: 'F32', shape: [8, 8], data: new Uint8Array(cov.buffer) }]));
    const r = await call('/api/jobs/mansu', { body: { base: 'g/base', edited: 'g/edited', stats: 'g/stats.safetensors', covariance: { topK: 2 }, floor: false, output: 'g/out' } });
    const job = await jobs.wait(((await r.json()) as { id: string }).id);
    expect(job?.state, job?.error).toBe('done');
    const o = (await tensors(join(root, 'g/out/model.safetensors'))).get('transformer.h.0.mlp.c_fc.weight')!;
    const b = (await tensors(join(root, 'g/base/model.safetensors'))).get('transformer.h.0.mlp.c_fc.weight')!;
    const e = (await tensors(join(root, 'g/edited/model.safetensors'))).get('transformer.h.0.mlp.c_fc.weight')!;
    // Input dims 0 and 1 (rows 0, 1 of the [8, 32] Conv1D weight) carry the retain activations: untouched.
    for (let i = 0; i < 64; i++) expect(o[i]).toBe(b[i]);
    for (let i = 64; i < 256; i++) expect(o[i]).toBe(e[i]);
  });
});
