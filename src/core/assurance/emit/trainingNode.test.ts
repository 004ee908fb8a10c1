// The Node training CLI's evidence file from a real (tiny) run: two SFT steps of the embedded target with the eval
// hooks on the first two held-out harmful prompts; the file parses as a ledger (what the Assurance page imports)
// with one before/after record naming the trained model by the sha256 of the last checkpoint's model.safetensors
// (hashed here from the bytes on disk, and told apart from the step-1 checkpoint's), the base weights and the data.
// A run that resumed and stopped before its first step names the weights it resumed from, saying no checkpoint was
// written; with no weights file to hash the model has no hash and the record says why.
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
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
    const spec = parseTrainSpec({ method: 'sft', model: 'models/target', data: SFT, out: join(dir, 'out'), steps: 2, checkpointEvery: 1, batchSize: 2, lr: 2e-3, eval: { suites: ['heldout/harmful'], limit: 2, maxNewTokens: 8, every: 1 } });
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

    // a run resumed from step 1 into another folder and stopped before its first step wrote no checkpoint: the
    // weights it holds are the resumed checkpoint's, hashed, and a data entry says no checkpoint was written
    const resumedSpec = parseTrainSpec({ ...spec, out: join(dir, 'out-resumed'), resumeFrom: join(spec.out, 'step-000001') });
    const stopped = new AbortController();
    stopped.abort();
    const resumed = await trainFromSpec(resumedSpec, { signal: stopped.signal });
    release(resumed.params);
    expect(resumed).toMatchObject({ status: 'cancelled', step: 1 });
    expect(existsSync(checkpointWeightsPath(resumedSpec.out, 1))).toBe(false);
    const [held] = parseLedgerFile((await trainEvidenceLedger(resumedSpec, resumed))!).records;
    expect(held.model).toEqual({ id: 'target+sft@1', sha256: fileSha256(checkpointWeightsPath(spec.out, 1)) });
    expect(held.data.at(-1)).toEqual({ id: 'no checkpoint written by this run (it stopped before its first step): weights as resumed from step-000001/model.safetensors' });

    // no checkpoint under spec.out and none resumed from (the folder was deleted): no hash, and a data entry says why
    rmSync(join(spec.out, 'step-000002'), { recursive: true });
    const [bare] = parseLedgerFile((await trainEvidenceLedger(spec, r))!).records;
    expect(bare.model).toEqual({ id: 'target+sft@2' });
    expect(bare.data.at(-1)).toEqual({ id: 'no checkpoint of step 2 under out: the trained weights are not hashed' });
  }, 240_000);

  it('has nothing to write without evaluations', async () => {
    const spec = parseTrainSpec({ method: 'sft', model: 'models/target', data: SFT, out: join(dir, 'out2'), steps: 1, batchSize: 2 });
    const r = await trainFromSpec(spec);
    release(r.params);
    expect(await trainEvidenceLedger(spec, r)).toBeNull();
  }, 240_000);
});
