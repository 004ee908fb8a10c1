// Faults found by attacking the sidecar with odd files and names (issue #16): tensors named like
// Object.prototype members, headers listing too many tensors, FIFOs and folders where files are expected,
// output names the filesystem cannot hold, edits that change nothing or produce NaN/Inf, and a written
// output that does not read back as intended (it must never be published).
import { execFileSync } from 'node:child_process';
import { constants } from 'node:fs';
import { mkdir, open, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeToF32, encodeFromF32 } from '../src/core/edits/dtypes';
import { OutputVerificationError } from '../src/core/edits/errors';
import { bytesSource, encodeHeader, MAX_TENSORS_PER_FILE, readHeader, serialize, type TensorSpec } from '../src/core/edits/safetensors';
import { createApp, DEFAULT_ORIGINS } from './app';
import { closeCheckpoint, openCheckpoint, verifyWrittenFile } from './checkpoint';
import { OutputFolder } from './tasks/output';
import { buildCheckpoint, gpt2Specs, pseudo, tmpWorkspace, writeModelFolder } from './testkit';
import { Workspace } from './workspace';

const TOKEN = 'robust-token';
let root: string;
let app: ReturnType<typeof createApp>['app'];
let jobs: ReturnType<typeof createApp>['jobs'];
const fifos: string[] = [];

async function call(path: string, body?: unknown) {
  const init: RequestInit = { headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' } };
  if (body !== undefined) Object.assign(init, { method: 'POST', body: JSON.stringify(body) });
  const res = await app.request(path, init);
  return { status: res.status, json: (await res.json()) as Record<string, unknown> };
}

async function runJob(path: string, body: unknown) {
  const r = await call(path, body);
  expect(r.status, JSON.stringify(r.json)).toBe(202);
  const job = await jobs.wait(r.json.id as string);
  expect(job?.state, job?.error).toBe('done');
  return job!;
}

async function tensors(file: string): Promise<Map<string, { spec: TensorSpec; values: Float32Array }>> {
  const buf = new Uint8Array(await readFile(file));
  const h = await readHeader(bytesSource(buf), file);
  return new Map(h.tensors.map((t) => [t.name, { spec: { name: t.name, dtype: t.dtype, shape: t.shape }, values: decodeToF32(t.dtype, buf.subarray(t.begin, t.end)) }]));
}

function mkfifo(rel: string): void {
  const p = join(root, rel);
  execFileSync('mkfifo', [p]);
  fifos.push(p);
}

const base = (n: string, i: number) => pseudo(n.length, i);
const aligned = (n: string, i: number) => pseudo(n.length, i) + 0.01 * pseudo(n.length + 7, i);

beforeAll(async () => {
  root = await tmpWorkspace('edits-robust-');
  const specs = gpt2Specs(1, 8, 16, 'F16');
  await writeModelFolder(join(root, 'gpt2/base'), specs, base, { n_head: 2 });
  await writeModelFolder(join(root, 'gpt2/aligned'), specs, aligned);
  ({ app, jobs } = createApp({ workspace: await Workspace.open(root), token: TOKEN, origins: DEFAULT_ORIGINS, maxBodyBytes: 1 << 20, port: () => 0 }));
});

afterAll(async () => {
  // A reader stuck opening a FIFO (the bug) is released by a writer opening the other end.
  for (const f of fifos) await open(f, constants.O_WRONLY | constants.O_NONBLOCK).then((fh) => fh.close(), () => undefined);
  await jobs.cancelAll();
  await rm(root, { recursive: true, force: true });
});

describe('tensor names that are Object.prototype members', () => {
  it('C-Δθ writes __proto__ and constructor tensors into a valid output', async () => {
    const specs: TensorSpec[] = [...gpt2Specs(1, 8, 16, 'F16'), { name: '__proto__', dtype: 'F16', shape: [4] }, { name: 'constructor', dtype: 'F32', shape: [3] }];
    await writeModelFolder(join(root, 'proto/base'), specs, base, { n_head: 2 });
    await writeModelFolder(join(root, 'proto/aligned'), specs, aligned);
    await runJob('/api/jobs/cdelta', { base: 'proto/base', aligned: 'proto/aligned', circuitJson: { nodes: { m0: true } }, outputs: [{ strength: 1, path: 'proto/out' }] });
    const out = await tensors(join(root, 'proto/out/model.safetensors'));
    const inp = await tensors(join(root, 'proto/base/model.safetensors'));
    expect([...out.keys()]).toEqual(specs.map((s) => s.name));
    for (const name of ['__proto__', 'constructor']) {
      expect(out.get(name)!.spec).toEqual(inp.get(name)!.spec);
      expect(out.get(name)!.values).toEqual(inp.get(name)!.values);
    }
  });
});

describe('outputs are verified before they are published', () => {
  it('a short write fails the commit and nothing appears under the final name', async () => {
    const ck = await openCheckpoint(join(root, 'gpt2/base'), 'gpt2/base');
    const folder = await OutputFolder.create(ck, join(root, 'short-out'), 'f'.repeat(16), { edit: 'test' });
    for (const t of ck.tensors) {
      await folder.writer.beginTensor(t);
      await folder.writer.write(new Uint8Array(Math.max(0, t.end - t.begin - 2)));
    }
    await expect(folder.commit(() => ({}))).rejects.toThrow(OutputVerificationError);
    await folder.discard();
    await closeCheckpoint(ck);
    expect((await readdir(root)).filter((n) => n.includes('short-out'))).toEqual([]);
  });

  it('a header that lists other tensors than were written is caught', async () => {
    const path = join(root, 'mislabelled.safetensors');
    await writeFile(path, serialize([{ name: 'b', dtype: 'F32', shape: [1], data: encodeFromF32('F32', Float32Array.of(1)) }]));
    const written: TensorSpec[] = [{ name: 'a', dtype: 'F32', shape: [1] }];
    await expect(verifyWrittenFile(path, 'x', written, {})).rejects.toThrow(/lists tensor "b", which was not written/);
    await expect(verifyWrittenFile(path, 'x', [{ name: 'b', dtype: 'F32', shape: [1] }], { edit: 'c' })).rejects.toThrow(/metadata reads back/);
    await expect(verifyWrittenFile(path, 'x', [{ name: 'b', dtype: 'F32', shape: [1] }], {})).resolves.toBeUndefined();
    await rm(path);
  });
});

describe('inputs that are not what they claim', () => {
  it(`refuses a header of more than ${MAX_TENSORS_PER_FILE} tensors quickly, with the limit in the answer`, async () => {
    const specs = Array.from({ length: MAX_TENSORS_PER_FILE + 1 }, (_, i): TensorSpec => ({ name: `t${i}`, dtype: 'U8', shape: [0] }));
    await writeFile(join(root, 'many.safetensors'), encodeHeader(specs).bytes);
    const t0 = performance.now();
    const r = await call('/api/checkpoints/inspect?path=many.safetensors');
    expect(r.status).toBe(422);
    expect(r.json.error).toMatch(/more than 100000 tensors.*Split the model into shards/);
    // Loose: the parse itself is bounded in safetensors.test.ts; here a worker thread starts too.
    expect(performance.now() - t0).toBeLessThan(10_000);
    await rm(join(root, 'many.safetensors'));
  });

  it('answers a FIFO input, circuit, config or shard index with a 4xx at once (no hang)', async () => {
    await mkdir(join(root, 'odd'));
    mkfifo('odd/pipe.safetensors');
    mkfifo('odd/circuit.json');
    await writeModelFolder(join(root, 'odd/cfgpipe'), gpt2Specs(1, 8, 16, 'F16'), base);
    mkfifo('odd/cfgpipe/config.json');
    await mkdir(join(root, 'odd/idxpipe'));
    mkfifo('odd/idxpipe/model.safetensors.index.json');
    const jobsBefore = jobs.list().length;
    const t0 = performance.now();
    const inspect = await call('/api/checkpoints/inspect?path=odd/pipe.safetensors');
    expect(inspect.status).toBe(400);
    expect(inspect.json.error).toMatch(/"odd\/pipe.safetensors" is a FIFO/);
    expect((await call('/api/jobs/survival', { base: 'odd/pipe.safetensors', edited: 'gpt2/base', output: 'never.json' })).status).toBe(400);
    const circ = await call('/api/jobs/cdelta', { base: 'gpt2/base', aligned: 'gpt2/aligned', circuit: 'odd/circuit.json', outputs: [{ strength: 1, path: 'never' }] });
    expect(circ.status).toBe(400);
    // A FIFO config.json is skipped like an unreadable one; a FIFO index makes the checkpoint invalid.
    const cfg = await call('/api/checkpoints/inspect?path=odd/cfgpipe');
    expect(cfg.status, JSON.stringify(cfg.json)).toBe(200);
    expect(cfg.json.config).toBeNull();
    const idx = await call('/api/checkpoints/inspect?path=odd/idxpipe');
    expect(idx.status).toBe(422);
    expect(idx.json.error).toMatch(/odd\/idxpipe\/model.safetensors.index.json is a FIFO/);
    // Before the fix the first inspect never answered; five answers well inside the test timeout.
    expect(performance.now() - t0).toBeLessThan(15_000);
    expect(jobs.list().length).toBe(jobsBefore);
  }, 30_000);

  it('answers a folder given as a circuit with a 4xx that names it relative to the workspace', async () => {
    const r = await call('/api/jobs/cdelta', { base: 'gpt2/base', aligned: 'gpt2/aligned', circuit: 'gpt2', outputs: [{ strength: 1, path: 'never' }] });
    expect(r.status).toBe(422);
    expect(r.json.error).toMatch(/^gpt2 is a folder, not a regular file/);
    expect(JSON.stringify(r.json)).not.toContain(root);
    expect((await call('/api/manifest?path=gpt2')).status).toBe(404);
  });
});

describe('output names', () => {
  it('refuses a name the filesystem cannot hold before any job starts', async () => {
    const before = jobs.list().length;
    // 231 bytes of UTF-8 fit NAME_MAX (255) but not with the temp name's 26 extra (".<name>.partial-<16 hex>").
    const nearLimit = await call('/api/jobs/survival', { base: 'gpt2/base', edited: 'gpt2/aligned', output: `${'é'.repeat(113)}.json` });
    expect(nearLimit.status).toBe(400);
    expect(nearLimit.json.error).toMatch(/too long.*255-byte limit per name/);
    const over = await call('/api/jobs/cdelta', { base: 'gpt2/base', aligned: 'gpt2/aligned', circuitJson: { nodes: { m0: true } }, outputs: [{ strength: 1, path: 'x'.repeat(300) }] });
    expect(over.status).toBe(400);
    expect(over.json.error).toMatch(/300 bytes long/);
    expect(jobs.list().length).toBe(before);
    // a survival report's evidence file (x.evidence.json, 9 bytes more) must fit too: report names up to 220 bytes
    const noRoom = await call('/api/jobs/survival', { base: 'gpt2/base', edited: 'gpt2/aligned', output: `${'é'.repeat(108)}.json` });
    expect(noRoom.status).toBe(400);
    expect(noRoom.json.error).toMatch(/evidence file .* does not fit \(survival report names are limited to 220 bytes/);
    expect(jobs.list().length).toBe(before);
    const fits = await runJob('/api/jobs/survival', { base: 'gpt2/base', edited: 'gpt2/aligned', output: `${'é'.repeat(107)}.json` });
    expect(fits.state).toBe('done');
    const cdeltaFits = await runJob('/api/jobs/cdelta', { base: 'gpt2/base', aligned: 'gpt2/aligned', circuitJson: { nodes: { m0: true } }, outputs: [{ strength: 1, path: 'é'.repeat(114) + 'x' }] });
    expect(cdeltaFits.state).toBe('done');
  });
});

describe('edits that change nothing or produce non-finite values', () => {
  it('C-Δθ with an empty circuit warns, in the result and the manifest, that the output is an unchanged copy', async () => {
    const job = await runJob('/api/jobs/cdelta', { base: 'gpt2/base', aligned: 'gpt2/aligned', circuitJson: { nodes: { input: true, 'a0.h0': false, logits: true } }, outputs: [{ strength: 1, path: 'empty-out' }] });
    const res = job.result as { outputs: { warnings: string[]; paramsChanged: number }[] };
    expect(res.outputs[0].paramsChanged).toBe(0);
    expect(res.outputs[0].warnings.join('\n')).toMatch(/no attention head and no MLP[\s\S]*unchanged copy of the target/);
    const m = JSON.parse(await readFile(join(root, 'empty-out/edit-manifest.json'), 'utf8')) as { warnings: string[] };
    expect(m.warnings).toEqual(res.outputs[0].warnings);
  });

  it('C-Δθ whose strength overflows f16 warns about NaN/Inf and counts them per tensor', async () => {
    const job = await runJob('/api/jobs/cdelta', { base: 'gpt2/base', aligned: 'gpt2/aligned', circuitJson: { nodes: { m0: true } }, outputs: [{ strength: 1e9, path: 'inf-out' }] });
    const res = job.result as { outputs: { warnings: string[] }[] };
    expect(res.outputs[0].warnings.join('\n')).toMatch(/\d+ parameter\(s\) were written as NaN or ±Inf \(in transformer\.h\.0\.mlp/);
    const m = JSON.parse(await readFile(join(root, 'inf-out/edit-manifest.json'), 'utf8')) as { warnings: string[]; tensors: { name: string; nonFinite: number; sumAbs: number }[] };
    expect(m.warnings).toEqual(res.outputs[0].warnings);
    const fc = m.tensors.find((t) => t.name.endsWith('mlp.c_fc.weight'))!;
    expect(fc.nonFinite).toBeGreaterThan(0);
    expect(Number.isFinite(fc.sumAbs)).toBe(true);
    const inf = [...(await tensors(join(root, 'inf-out/model.safetensors'))).get(fc.name)!.values].filter((v) => !Number.isFinite(v)).length;
    expect(fc.nonFinite).toBe(inf);
  });

  it('MANSU warns when its circuit is empty (nothing changes) and when the output overflows its dtype', async () => {
    const empty = await runJob('/api/jobs/mansu', { base: 'gpt2/base', edited: 'gpt2/aligned', circuitJson: { nodes: { input: true } }, output: 'mansu-empty' });
    expect((empty.result as { warnings: string[] }).warnings.join('\n')).toMatch(/no attention head and no MLP[\s\S]*unchanged copy of the base/);
    const specs = gpt2Specs(1, 8, 16, 'F16');
    await mkdir(join(root, 'huge'));
    await writeFile(join(root, 'huge/model.safetensors'), buildCheckpoint(specs.map((s) => ({ ...s, dtype: 'F32' as const })), (n, i) => (n.endsWith('ln_1.weight') ? 1e6 : base(n, i))));
    const inf = await runJob('/api/jobs/mansu', { base: 'gpt2/base', edited: 'huge', floor: false, output: 'mansu-inf' });
    expect((inf.result as { warnings: string[] }).warnings.join('\n')).toMatch(/8 parameter\(s\) were written as NaN or ±Inf \(in transformer\.h\.0\.ln_1\.weight\)/);
    const m = JSON.parse(await readFile(join(root, 'mansu-inf/edit-manifest.json'), 'utf8')) as { warnings: string[] };
    expect(m.warnings).toEqual((inf.result as { warnings: string[] }).warnings);
  });
});
