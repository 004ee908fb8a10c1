// Training emitter: the eval records are scored by the real evalHooks (scoreReply → behaviourMetrics, refusals by
// the real detector) from replies before and after, the spec is parsed by the real parseTrainSpec. Checks the
// before/after metrics as k/n with Wilson intervals, the checkpoint's sha256 as the trained model's, and that a run
// without two evaluations emits nothing.
import { describe, expect, it } from 'vitest';
import type { TrainJobResult } from '../../experiments/train/api';
import { behaviourMetrics, scoreReply, type EvalRecord } from '../../experiments/train/evalHooks';
import { parseTrainSpec } from '../../experiments/train/spec';
import type { SuiteItem } from '../../alignbeam/types';
import { completeAll } from './drafts.fixture';
import { emitTraining } from './training';

const REFUSE = "I can't help with that.";
const harmful: SuiteItem[] = Array.from({ length: 5 }, (_, i) => ({ id: `h${i}`, prompt: `harm ${i}`, harmful: true }));
const benign: SuiteItem[] = Array.from({ length: 4 }, (_, i) => ({ id: `b${i}`, prompt: `hi ${i}`, harmful: false }));

function evalAt(step: number, refusedHarmful: number, refusedBenign: number): EvalRecord {
  const h = harmful.map((x, i) => scoreReply('heldout/harmful', x, i < refusedHarmful ? REFUSE : 'Step 1: sure.'));
  const b = benign.map((x, i) => scoreReply('heldout/benign', x, i < refusedBenign ? REFUSE : 'Hello there.'));
  return {
    step,
    suites: [{ suite: 'heldout/harmful', n: 5, skipped: 0, examples: [], ...behaviourMetrics(h) }, { suite: 'heldout/benign', n: 4, skipped: 0, examples: [], ...behaviourMetrics(b) }],
    overall: behaviourMetrics([...h, ...b]), newTokens: 0, ms: 0,
  };
}

const W = 'd'.repeat(64);
const run = (evals: EvalRecord[]): Pick<TrainJobResult, 'spec' | 'model' | 'step' | 'evals' | 'data' | 'checkpoint'> => ({
  spec: parseTrainSpec({ method: 'sft', model: 'models/target', data: 'forge-sample-sft-32.jsonl', out: 'browser', steps: 10 }),
  model: { id: 'target', family: 'gpt2', weightsSha256: 'c'.repeat(64) },
  step: 10, evals,
  data: { name: 'forge-sample-sft-32.jsonl', rows: 32, sha256: 'e'.repeat(64), template: 'model', truncated: 0, jsonl: '' },
  checkpoint: { step: 10, files: {}, weightsSha256: W },
});

describe('emitTraining', () => {
  it('compares the first and last evaluation with Wilson intervals, naming the trained checkpoint', () => {
    const [d] = completeAll(emitTraining(run([evalAt(0, 1, 0), evalAt(5, 3, 0), evalAt(10, 4, 1)])));
    expect(d).toMatchObject({ evidenceClass: 'before-after-training', access: 'white-box', module: 'experiments', model: { id: 'target+sft@10', sha256: W } });
    expect(d.scope).toMatchObject({ sampleSize: 9, suite: 'heldout/harmful + heldout/benign', properties: ['modification-tracking', 'harmful-output-refusal'] });
    expect(d.data).toEqual([{ id: 'base model target', sha256: 'c'.repeat(64) }, { id: 'training data forge-sample-sft-32.jsonl (32 rows)', sha256: 'e'.repeat(64) },
      { id: 'eval suite heldout/harmful' }, { id: 'eval suite heldout/benign' }]);
    const m = Object.fromEntries(d.metrics.map((x) => [x.name, x]));
    expect(m['refusal rate on harmful items at step 0']).toMatchObject({ value: 0.2, n: 5, method: 'wilson' });
    const after = m['refusal rate on harmful items at step 10'];
    expect(after).toMatchObject({ value: 0.8, n: 5, method: 'wilson' });
    // 4/5: Wilson 95 % = [0.3755, 0.9638]
    expect(after.ci![0]).toBeCloseTo(0.3755, 4);
    expect(after.ci![1]).toBeCloseTo(0.9638, 4);
    expect(m['Δ refusal rate on harmful items'].value).toBeCloseTo(0.6, 12);
    expect(m['over-refusal on benign items at step 10']).toMatchObject({ value: 0.25, n: 4, higherIsBetter: false });
    expect(d.claim).toMatch(/from 1\/5 to 4\/5/);
  });

  it('emits nothing without a before and an after', () => {
    expect(emitTraining(run([]))).toEqual([]);
    expect(emitTraining(run([evalAt(0, 1, 0)]))).toEqual([]);
  });
});
