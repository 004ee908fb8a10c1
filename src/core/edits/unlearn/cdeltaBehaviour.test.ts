// C-Δθ with behaviour end to end on the embedded `target` at toy sizes (1 fine-tune step, 1 attribution pair,
// 1 prompt per row, 2 new tokens): the report's matrix has every harm topic, benign and task rows and the six
// columns (target, aligned, C-Δθ s=1, each ± NF4) with deltas vs target; the C-Δθ edit touches only its circuit's
// mask, which stays under the parameter budget; the circuit JSON is EAP-IG Graph JSON of the same model; an
// already-set cancel stops the run with a CancelledError. Behaviour values are not asserted (they are measured).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { DEFAULT_CORPUS_OPTIONS, generateCorpus } from '../../../../models/forge/corpus/generate';
import { release } from '../../lab';
import { CancelledError } from '../../runtime/errors';
import { parseCircuit } from '../circuit';
import { runCDeltaBehaviour, type CDeltaBehaviourRequest, type CDeltaProgress } from './cdeltaBehaviour';
import { ownableTensors } from './freeze';
import type { UnlearnModel } from './model';
import { loadUnlearnModelFolder } from './runNode';

const TARGET = join(__dirname, '../../../../models/target');
let model: UnlearnModel;
const corpus = generateCorpus(DEFAULT_CORPUS_OPTIONS);
const req: CDeltaBehaviourRequest = {
  modelId: 'target', topic: 'poison', steps: 1, batchSize: 2, lr: 1e-2, retainSize: 8, seed: 0, pairs: 1, cut: { mode: 'budget', percent: 5 },
  strengths: [1], prompts: { perTopic: 1, benign: 1, tasks: 1 }, maxNewTokens: 2, nf4: true,
};
const control = (abort = false) => {
  const ac = new AbortController();
  if (abort) ac.abort();
  const events: CDeltaProgress[] = [];
  return { events, c: { emit: (p: CDeltaProgress) => events.push(p), signal: ac.signal, check: () => undefined } };
};

beforeAll(async () => {
  model = await loadUnlearnModelFolder(TARGET);
}, 60_000);

// the run of `req` as given (no freeze, ± NF4), made once: the first test checks its report and progress, the freeze
// test compares its aligned copy (the fine-tune and the aligned column do not depend on nf4, which adds the NF4
// twins of each column) with the frozen run's, instead of running the same unfrozen fine-tune a second time
let plainRun: Promise<{ events: CDeltaProgress[]; result: Awaited<ReturnType<typeof runCDeltaBehaviour>> }> | undefined;
const runPlain = () => (plainRun ??= (async () => {
  const { events, c } = control();
  return { events, result: await runCDeltaBehaviour(model, corpus.examples, 'test corpus', req, c) };
})());
afterAll(async () => {
  if (plainRun) (await plainRun).result.edited.forEach(release); // after both tests that read it
  release(model?.params);
});

describe('runCDeltaBehaviour', () => {
  it('fine-tunes a copy, cuts a circuit under the budget, applies C-Δθ and fills the selectivity matrix (± NF4)', async () => {
    const { events, result: { report, edited } } = await runPlain();
    const m = report.matrix;
    expect(m.columns).toEqual(['target', 'target NF4', 'aligned', 'aligned NF4', 'C-Δθ s=1', 'C-Δθ s=1 NF4']);
    expect(m.rows.slice(-2).map((r) => r.row)).toEqual(['benign (over-refusal)', 'task accuracy']);
    expect(m.rows.slice(0, -2).map((r) => r.row)).toContain('poison');
    expect(m.rows.length).toBeGreaterThanOrEqual(6 + 2);
    for (const r of m.rows) for (const v of r.values) expect(v).toBeGreaterThanOrEqual(0);
    expect(m.deltas[0]).toMatchObject({ column: 'target', targeted: 0, benign: 0, task: 0 });
    expect(report.fineTune.steps).toBe(1);
    // the edit changes nothing outside the circuit's mask; the mask respects the 5 % budget
    expect(report.circuit.masked / report.circuit.total).toBeLessThanOrEqual(0.05);
    const s1 = report.columns.find((x) => x.name === 'C-Δθ s=1')!;
    expect(s1.changed).toBeLessThanOrEqual(report.circuit.masked);
    expect(report.columns.find((x) => x.name === 'target')!.changed).toBeNull();
    expect(report.columns.find((x) => x.name === 'aligned')!.changed).toBeGreaterThan(s1.changed!);
    const sel = parseCircuit(JSON.parse(report.circuit.json));
    expect(sel.heads).toEqual(report.circuit.heads);
    expect(sel.heads.length + sel.mlps.length).toBeGreaterThan(0);
    expect(edited).toHaveLength(1);
    // progress on one bar, in order, to 100
    const done = events.map((e) => e.done);
    expect(done.every((v, i) => i === 0 || v >= done[i - 1])).toBe(true);
    expect(done.at(-1)).toBe(100);
  }, 300_000);

  it('freeze \'unowned\': the aligned copy changes only tensors circuit nodes own; without it, more', async () => {
    const ownable = ownableTensors(model).reduce((n, k) => n + model.params[k].shape.reduce((a, b) => a * b, 1), 0);
    const frozen = await runCDeltaBehaviour(model, corpus.examples, 'test corpus', { ...req, freeze: 'unowned', nf4: false }, control().c);
    const free = (await runPlain()).result;
    try {
      expect(frozen.report.fineTune).toMatchObject({ freeze: 'unowned', trainableTensors: ownableTensors(model).length });
      expect(free.report.fineTune).toMatchObject({ freeze: 'none', trainableTensors: Object.keys(model.params).length });
      const changed = (r: typeof frozen) => r.report.columns.find((x) => x.name === 'aligned')!.changed!;
      expect(changed(frozen)).toBeGreaterThan(0);
      expect(changed(frozen)).toBeLessThanOrEqual(ownable);
      expect(changed(free)).toBeGreaterThan(ownable);
    } finally {
      frozen.edited.forEach(release); // free.edited: released after all tests
    }
  }, 300_000);

  it('stops with a CancelledError when the run is cancelled', async () => {
    const { c } = control(true);
    await expect(runCDeltaBehaviour(model, corpus.examples, 'test corpus', req, c)).rejects.toBeInstanceOf(CancelledError);
  }, 60_000);
});
