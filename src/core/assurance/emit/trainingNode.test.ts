// The Node training CLI's evidence file from a real (tiny) run: two SFT steps of the embedded target with the eval
// hooks on the first two held-out harmful prompts; the file parses as a ledger (what the Assurance page imports)
// with one before/after record naming the trained model by the sha256 of the last checkpoint's model.safetensors
// (hashed here from the bytes on disk, and told apart from the step-1 checkpoint's), the base weights and the data.
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { initEngine, release } from '../../lab';
import { trainFromSpec } from '../../experiments/train/node';
import { parseTrainSpec } from '../../experiments/train/spec';
import { parseLedgerFile } from '../ledger';
import { checkpointWeightsPath, trainEvidenceLedger } from './trainingNode';

const fileSha256 = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex');

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
    const spec = parseTrainSpec({ method: 'sft', model: 'models/target', data: SFT, out: join(dir, 'out'), steps: 2, checkpointEvery: 1, batchSize: 2, lr: 2e-3, eval: { suites: ['heldout/harmful'], limit: 2, maxNewTokens: 8 } });
    const r = await trainFromSpec(spec);
    release(r.params);
    const text = (await trainEvidenceLedger(spec, r, new Date('2026-12-06T00:00:00Z')))!;
    const { records, flags } = parseLedgerFile(text);
    expect(flags).toEqual([]);
    expect(records).toHaveLength(1);
    const [e] = records;
    expect(e).toMatchObject({ evidenceClass: 'before-after-training', access: 'white-box', module: 'experiments', model: { id: 'target+sft@2' }, run: { module: 'experiments' } });
    const last = fileSha256(checkpointWeightsPath(spec.out, 2));
    expect(e.model.sha256).toBe(last);
    expect(last).not.toBe(fileSha256(checkpointWeightsPath(spec.out, 1)));
    expect(last).not.toBe(r.model.weightsSha256);
    expect(e.data[0]).toEqual({ id: 'base model target', sha256: r.model.weightsSha256 });
    expect(e.data[1]).toEqual({ id: 'training data sft.jsonl (2 rows)', sha256: r.data.sha256 });
    const before = e.metrics.find((m) => m.name === 'refusal rate on harmful items at step 0')!;
    expect(before).toMatchObject({ n: 2, method: 'wilson', value: r.evals[0].overall.refusalRate!.rate });

    // no checkpoint under spec.out (a run resumed from elsewhere that stopped at once): the model carries no hash
    rmSync(join(spec.out, 'step-000002'), { recursive: true });
    const [bare] = parseLedgerFile((await trainEvidenceLedger(spec, r))!).records;
    expect(bare.model).toEqual({ id: 'target+sft@2' });
  }, 240_000);

  it('has nothing to write without evaluations', async () => {
    const spec = parseTrainSpec({ method: 'sft', model: 'models/target', data: SFT, out: join(dir, 'out2'), steps: 1, batchSize: 2 });
    const r = await trainFromSpec(spec);
    release(r.params);
    expect(await trainEvidenceLedger(spec, r)).toBeNull();
  }, 240_000);
});
