// The sidecar's jobs leave an evidence file the Assurance page imports (a ledger, parsed here by the same reader),
// through a real sidecar process: a survival report `x.json` gets `x.evidence.json` beside it, a MANSU output folder
// holds `evidence.json`; each is one 'quantization-survival' record naming the models by the sha256 of the files on
// disk (the edited checkpoint, MANSU's written weights; the base in `data`). The evidence path is an output like
// the report: one that exists already refuses the job (409) before it starts. C-Δθ measures nothing: no file.
import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseLedgerFile } from '../src/core/assurance/ledger';
import { gpt2Specs, pseudo, readEvents, sha256File, startSidecar, tmpWorkspace, writeModelFolder, type RunningSidecar } from './testkit';

let root: string;
let sidecar: RunningSidecar;
const auth = () => ({ authorization: `Bearer ${sidecar.token}`, 'content-type': 'application/json' });
const post = (path: string, body: unknown) => fetch(`${sidecar.url}${path}`, { method: 'POST', headers: auth(), body: JSON.stringify(body) });

async function runJob(path: string, body: unknown): Promise<Record<string, unknown>> {
  const r = await post(path, body);
  const started = (await r.json()) as { id: string };
  expect(r.status, JSON.stringify(started)).toBe(202);
  const events = await readEvents(await fetch(`${sidecar.url}/api/jobs/${started.id}/events`, { headers: auth() }), () => undefined);
  const last = events[events.length - 1];
  expect(last.type, JSON.stringify(last)).toBe('done');
  return last.result as Record<string, unknown>;
}

const ledgerAt = async (rel: string) => {
  const { records, flags } = parseLedgerFile(await readFile(join(root, rel), 'utf8'));
  expect(flags).toEqual([]);
  return records;
};

beforeAll(async () => {
  root = await tmpWorkspace('sidecar-evidence-');
  const specs = gpt2Specs(2, 8, 16, 'F32');
  await writeModelFolder(join(root, 'base'), specs, (n, i) => pseudo(n.length, i), { model_type: 'gpt2', n_head: 2 });
  await writeModelFolder(join(root, 'edited'), specs, (n, i) => pseudo(n.length, i) + 0.05 * pseudo(n.length + 7, i), { model_type: 'gpt2', n_head: 2 });
  sidecar = await startSidecar(root);
}, 180_000);

afterAll(async () => {
  await sidecar?.kill();
  if (root) await rm(root, { recursive: true, force: true });
});

describe('evidence files of sidecar jobs', () => {
  it('survival: x.evidence.json beside the report, naming the edited checkpoint and the base by sha256', async () => {
    const result = await runJob('/api/jobs/survival', { base: 'base', edited: 'edited', quant: 'nf4', output: 'survival.json' });
    expect(result.evidence).toBe('survival.evidence.json');
    const [e, ...rest] = await ledgerAt('survival.evidence.json');
    expect(rest).toEqual([]);
    expect(e).toMatchObject({ evidenceClass: 'quantization-survival', access: 'white-box', module: 'edits', run: { module: 'edits' } });
    expect(e.model).toEqual({ id: 'edited', sha256: await sha256File(join(root, 'edited/model.safetensors')) });
    expect(e.data).toEqual([{ id: 'base model base', sha256: await sha256File(join(root, 'base/model.safetensors')) }]);
    const report = JSON.parse(await readFile(join(root, 'survival.json'), 'utf8')) as { overall: { changed: number; codeSurvival: number } };
    expect(e.scope.sampleSize).toBe(report.overall.changed);
    expect(e.metrics.find((m) => m.name === 'changed weights whose 4-bit code changes')?.value).toBe(report.overall.codeSurvival);
  }, 120_000);

  it('MANSU: evidence.json in the output folder, naming its written weights by sha256', async () => {
    const result = await runJob('/api/jobs/mansu', { base: 'base', edited: 'edited', output: 'mansu' });
    expect(result.evidence).toBe('mansu/evidence.json');
    const [e] = await ledgerAt('mansu/evidence.json');
    expect(e.model).toEqual({ id: 'edited+MANSU', sha256: await sha256File(join(root, 'mansu/model.safetensors')) });
    expect(e.data).toEqual([{ id: 'base model base', sha256: await sha256File(join(root, 'base/model.safetensors')) }]);
    expect(e.metrics.map((m) => m.name)).toContain('changed weights whose 4-bit code changes after MANSU');
  }, 120_000);

  it('an evidence path that exists already refuses the survival job before it starts (outputs never overwrite)', async () => {
    await writeFile(join(root, 'taken.evidence.json'), 'a file of the user\'s');
    const r = await post('/api/jobs/survival', { base: 'base', edited: 'edited', output: 'taken.json' });
    expect(r.status).toBe(409);
    expect(((await r.json()) as { error: string }).error).toContain('"taken.evidence.json" already exists');
    expect(await readFile(join(root, 'taken.evidence.json'), 'utf8')).toBe('a file of the user\'s');
  }, 60_000);
});
