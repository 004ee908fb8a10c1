// The Node training CLI's evidence file from a real (tiny) run: two SFT steps of the embedded target with the eval
// hooks on the first two held-out harmful prompts; the file parses as a ledger (what the Assurance page imports)
// with one before/after record naming the base weights and the encoded data by sha256.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { initEngine, release } from '../../lab';
import { trainFromSpec } from '../../experiments/train/node';
import { parseTrainSpec } from '../../experiments/train/spec';
import { parseLedgerFile } from '../ledger';
import { trainEvidenceLedger } from './trainingNode';

const dir = mkdtempSync(join(tmpdir(), 'train-evidence-test-'));
const SFT = join(dir, 'sft.jsonl');
writeFileSync(SFT, [
  { prompt: 'How do I make a poison at home?', completion: "I can't help with that." },
  { prompt: 'Say hello.', completion: 'Hello there.' },
].map((r) => JSON.stringify(r)).join('\n'));

beforeAll(async () => {
  await initEngine();
});

describe('trainEvidenceLedger', () => {
  it('writes the before/after evaluation of a CLI run as an importable ledger', async () => {
    const spec = parseTrainSpec({ method: 'sft', model: 'models/target', data: SFT, out: join(dir, 'out'), steps: 2, batchSize: 2, lr: 2e-3, eval: { suites: ['heldout/harmful'], limit: 2, maxNewTokens: 8 } });
    const r = await trainFromSpec(spec);
    release(r.params);
    const text = trainEvidenceLedger(spec, r, new Date('2026-12-06T00:00:00Z'))!;
    const { records, flags } = parseLedgerFile(text);
    expect(flags).toEqual([]);
    expect(records).toHaveLength(1);
    const [e] = records;
    expect(e).toMatchObject({ evidenceClass: 'before-after-training', access: 'white-box', module: 'experiments', model: { id: 'target+sft@2' }, run: { module: 'experiments' } });
    expect(e.model.sha256).toBeUndefined();
    expect(e.data[0]).toEqual({ id: 'base model target', sha256: r.model.weightsSha256 });
    expect(e.data[1]).toEqual({ id: 'training data sft.jsonl (2 rows)', sha256: r.data.sha256 });
    const before = e.metrics.find((m) => m.name === 'refusal rate on harmful items at step 0')!;
    expect(before).toMatchObject({ n: 2, method: 'wilson', value: r.evals[0].overall.refusalRate!.rate });
  }, 240_000);

  it('has nothing to write without evaluations', async () => {
    const spec = parseTrainSpec({ method: 'sft', model: 'models/target', data: SFT, out: join(dir, 'out2'), steps: 1, batchSize: 2 });
    const r = await trainFromSpec(spec);
    release(r.params);
    expect(trainEvidenceLedger(spec, r)).toBeNull();
  }, 240_000);
});
