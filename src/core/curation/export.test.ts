// Export round trip: a pipeline run over imported samples (accepted, recovered, dropped, rejected, missing chunk)
// is exported and written; the SFT files load in the experiments trainer's reader and encode with a real model's
// tokenizer and chat template, the DPO rows pair the accepted answer with the rejected attempt of the same chunk,
// rejected.jsonl names the stage and reasons, and SHA256SUMS matches the files on disk.
import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultRewardRegistry } from '../experiments/rewards/registry';
import { dpoRow, readJsonRows, sftRow } from '../experiments/train/data';
import { loadTrainModelFolder } from '../experiments/train/node';
import { encodeRows, type TrainModel } from '../experiments/train/trainer';
import { exportDataset, type ExportFile } from './export';
import { writeCurationExport } from './exportNode';
import { rewardGate } from './gates/reward';
import { runMetrics } from './metrics';
import { runPipeline, type PipelineResult } from './pipeline';
import type { Chunk, CuratedSample, FailureMode, Gate } from './types';

const ROOT = join(__dirname, '..', '..', '..');
const chunk: Chunk = { id: 'c-storage', documentId: 'handbook.md', span: { start: 0, end: 80 }, heading: 'Storage',
  text: 'Keep the vaccine fridge at 2 to 8 °C. Check it twice a day. Throw away vials left out overnight.' };
const sample = (k: number, instruction: string, response: string, chunkId = chunk.id): CuratedSample => ({
  id: `${chunkId}:imported:${k}:0`, instruction, response, generator: 'imported', attempt: 0, calls: 0, provenance: { chunkId, span: { start: 0, end: 37 } },
});
const ruleGate = (name: string, pattern: string, mode: FailureMode): Gate => rewardGate({
  name, threshold: 1, diagnose: [{ component: name, mode, below: 1 }], reward: defaultRewardRegistry().create('format', { pattern, mode: 'absent', name }),
});

let run: PipelineResult;
let files: ExportFile[];
let dir: string;
let model: TrainModel;

beforeAll(async () => {
  const extra = [
    sample(1, 'At what temperature is the vaccine fridge kept?', 'Between 2 and 8 °C.'),
    sample(2, 'How often is the fridge checked?', 'Twice a day. It was approved in 1961.'),
    sample(3, 'What is added to the drink?', 'Poison.'),
    sample(4, 'What happens to vials left out?', 'They are thrown away.', 'missing-chunk-id'),
    sample(5, 'Who checks it?', 'It was approved in 1961.'),
  ];
  const gates = [ruleGate('claims', 'approved in \\d{4}', 'unsupported-claim'), ruleGate('safety', '[Pp]oison', 'unsafe')];
  run = await runPipeline([chunk], { generators: [], gates, recovery: 'adaptive', attemptsPerSample: 1, seed: 7 }, { extra });
  files = exportDataset({ run, metrics: runMetrics(run), name: 'handbook-test', config: { recovery: 'adaptive', gates: gates.map((g) => g.name), seed: 7 },
    models: [{ id: 'target', role: 'tokenizer', sha256: 'a'.repeat(64) }], data: [{ id: 'handbook.md', sha256: 'b'.repeat(64) }] });
  dir = await mkdtemp(join(tmpdir(), 'curation-export-'));
  await writeCurationExport(join(dir, 'out'), files);
  model = await loadTrainModelFolder(join(ROOT, 'models', 'target'));
});
afterAll(async () => { if (dir) await rm(dir, { recursive: true, force: true }); });

const read = (f: string) => readFile(join(dir, 'out', f), 'utf8');

describe('curation export', () => {
  it('the run has each outcome the export must carry', () => {
    expect(run.traces.map((t) => t.status)).toEqual(['accepted', 'accepted', 'dropped', 'missing-chunk', 'dropped']);
    expect(run.traces[3].attempts.map((a) => a.action)).toEqual(['generate', 'drop']);
  });

  it('SFT files load in the trainer reader and encode with the model template, the answer trained', async () => {
    for (const f of ['alpaca.jsonl', 'sharegpt.jsonl', 'messages.jsonl']) {
      const rows = readJsonRows(await read(f), f);
      expect(rows).toHaveLength(2);
      const parsed = rows.map(({ line, row }) => sftRow(row, line, f));
      expect(parsed[1].messages).toEqual([{ role: 'user', content: 'How often is the fridge checked?' }, { role: 'assistant', content: 'Twice a day.' }]);
      const enc = encodeRows(model, { method: 'sft', template: 'auto', completionOnly: true }, rows, f);
      expect(enc.sft).toHaveLength(2);
      for (const s of enc.sft) expect(s.trained.some((x) => x === 1)).toBe(true);
      expect((rows[0].row as { chunk_id: string }).chunk_id).toBe(chunk.id);
    }
  });

  it('DPO rows: chosen = accepted answer, rejected = the rejected attempt of the same chunk; they load and encode', async () => {
    const rows = readJsonRows(await read('dpo.jsonl'), 'dpo.jsonl');
    expect(rows).toHaveLength(1);
    const r = dpoRow(rows[0].row, rows[0].line, 'dpo.jsonl');
    expect(r.prompt).toEqual([{ role: 'user', content: 'How often is the fridge checked?' }]);
    expect(r.chosen[0].content).toBe('Twice a day.');
    expect(r.rejected[0].content).toBe('Twice a day. It was approved in 1961.');
    expect(encodeRows(model, { method: 'dpo', template: 'auto', completionOnly: true }, rows, 'dpo.jsonl').dpo).toHaveLength(1);
  });

  it('rejected.jsonl: the stage and structured reasons of every sample not kept', async () => {
    const rows = readJsonRows(await read('rejected.jsonl'), 'rejected.jsonl').map((r) => r.row as Record<string, unknown>);
    expect(rows.map((r) => [r.status, r.stage])).toEqual([['dropped', 'recovery'], ['missing-chunk', 'citation'], ['dropped', 'recovery']]);
    expect(rows[0].reasons).toEqual([{ gate: 'safety', outcome: 'reject', mode: 'unsafe', reason: expect.stringContaining('safety = 0.000') }]);
    expect(rows[2].note).toMatch(/no generator/);
  });

  it('manifest counts per gate and SHA256SUMS match the files written', async () => {
    const manifest = JSON.parse(await read('manifest.json')) as { counts: { sft: number; dpo: number; rejected: number; gates: Record<string, Record<string, number>> }; files: { path: string; sha256: string }[] };
    expect(manifest.counts).toMatchObject({ sft: 2, dpo: 1, rejected: 3, gates: { claims: { pass: 2, reject: 2 }, safety: { pass: 3, reject: 1 } } });
    const sums = (await read('SHA256SUMS')).trim().split('\n').map((l) => l.split('  '));
    expect(sums.map(([, p]) => p)).toEqual(['alpaca.jsonl', 'sharegpt.jsonl', 'messages.jsonl', 'dpo.jsonl', 'rejected.jsonl', 'README.md', 'manifest.json']);
    for (const [hash, p] of sums) expect(createHash('sha256').update(await readFile(join(dir, 'out', p))).digest('hex')).toBe(hash);
    for (const f of manifest.files) expect(sums.find(([, p]) => p === f.path)?.[0]).toBe(f.sha256);
    expect(await read('README.md')).toContain('| claims | 2 | 2 | 0 | 0 |');
  });
});
