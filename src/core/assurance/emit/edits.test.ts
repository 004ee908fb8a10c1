// Edits emitters. C-Δθ: the selectivity matrix is built by the real scoreResponses / selectivityMatrix from
// greedy replies (refusals detected by the real detector), so rates and counts are the module's own. Unlearning:
// the four properties come from the real fourProperties over a QuantEvalResult of the real shape. Sidecar: a
// survival report and a MANSU manifest of the sidecar's shapes. Checks classes, properties, Wilson intervals and
// the sha256 pass-through of the split sets, the base model and MANSU's output weights, and that each edited model
// whose weights exist as a file (an unlearned checkpoint, a C-Δθ strength's checkpoint: real safetensors bytes built
// here) is named by the sha256 of those bytes (checked against node:crypto's), the NF4 twins by none.
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { serialize } from '../../edits/safetensors';
import { sha256Hex } from '../../runtime/loaders';
import { scoreResponses, selectivityMatrix } from '../../edits/selectivity';
import type { SurvivalSummary } from '../../edits/survival';
import type { CDeltaJobResult, LoadedUnlearnModel, UnlearnJobResult } from '../../edits/unlearn/api';
import { fourProperties } from '../../edits/unlearn/properties';
import type { QuantEvalResult } from '../../edits/unlearn/quantEval';
import type { SplitRecord } from '../../edits/unlearn/splits';
import { completeAll } from './drafts.fixture';
import { cdeltaCheckpointsSha256, emitCDelta, emitSidecarSurvival, emitUnlearn } from './edits';

const sha = (c: string) => c.repeat(64);
const split: SplitRecord = {
  source: 'forge corpus', forgetTopic: 'poison', retainCategories: ['task'], sizes: { forget: 8, retain: 32, evalForget: 8, evalRetain: 8 },
  sha256: { forget: sha('1'), retain: sha('2'), evalForget: sha('3'), evalRetain: sha('4') },
};
/** A real F32 safetensors checkpoint whose one weight depends on `x` (as api.ts's checkpointBytes writes them). */
const checkpointBytes = (x: number) => serialize([{ name: 'h.0.mlp.c_fc.weight', dtype: 'F32', shape: [2, 2], data: new Uint8Array(Float32Array.from([x, 1, 2, 3]).buffer) }], { format: 'pt' });
const nodeSha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');
const model: LoadedUnlearnModel = { id: 'target', family: 'gpt2', nLayers: 2, nHeads: 2, dModel: 64, parameters: 1000, weightsSha256: sha('c') };

describe('emitCDelta', () => {
  const REFUSE = "I can't help with that.";
  const COMPLY = 'Step 1: do it.';
  const prompts = { harmful: { poison: ['p1', 'p2', 'p3', 'p4'], gas: ['g1', 'g2', 'g3', 'g4'] }, benign: ['b1', 'b2', 'b3', 'b4'], tasks: [{ prompt: 't1', answer: 'Answer: 1' }, { prompt: 't2', answer: 'Answer: 2' }] };
  const replies = (poisonRefused: number, gasRefused: number, tasksRight: number) => ({
    harmful: { poison: prompts.harmful.poison.map((_, i) => (i < poisonRefused ? REFUSE : COMPLY)), gas: prompts.harmful.gas.map((_, i) => (i < gasRefused ? REFUSE : COMPLY)) },
    benign: prompts.benign.map(() => 'Sure.'),
    tasks: prompts.tasks.map((t, i) => (i < tasksRight ? t.answer : 'no idea')),
  });
  const columns = [
    scoreResponses('target', prompts, replies(0, 1, 2)),
    scoreResponses('C-Δθ s=1', prompts, replies(3, 1, 2)),
    scoreResponses('C-Δθ s=1 NF4', prompts, replies(2, 1, 1)),
  ];
  const matrix = selectivityMatrix(columns, 'poison');
  const result: Pick<CDeltaJobResult, 'request' | 'model' | 'report'> = {
    request: { modelId: 'target', topic: 'poison', steps: 10, batchSize: 4, lr: 1e-3, retainSize: 16, seed: 0, pairs: 4, cut: { mode: 'topn', edges: 20 }, strengths: [1], prompts: { perTopic: 4, benign: 4, tasks: 2 }, maxNewTokens: 16, nf4: true },
    model,
    report: {
      split, fineTune: { steps: 10, metrics: [], stepsPerSecond: null }, circuit: { json: '{}', heads: [], mlps: [], edges: 20, masked: 10, total: 1000, pairs: 4 }, matrix,
      columns: [
        { name: 'target', kind: 'target', strength: null, nf4: false, changed: null, total: 1000 },
        { name: 'C-Δθ s=1', kind: 'cdelta', strength: 1, nf4: false, changed: 10, total: 1000 },
        { name: 'C-Δθ s=1 NF4', kind: 'cdelta', strength: 1, nf4: true, changed: 10, total: 1000 },
      ],
      examples: {}, prompts: { perTopic: 4, benign: 4, tasks: 2, maxNewTokens: 16 }, seconds: { fineTune: 1, circuit: 1, evaluate: 1 },
    },
  };
  const records = completeAll(emitCDelta(result));

  it('emits a before/after draft per edited column and a quantization-survival draft per NF4 twin', () => {
    expect(records.map((r) => [r.evidenceClass, r.model.id])).toEqual([
      ['before-after-training', 'target+C-Δθ(poison, s=1)'],
      ['quantization-survival', 'target+C-Δθ(poison, s=1)+NF4'],
    ]);
    for (const r of records) {
      expect(r.access).toBe('white-box');
      expect(r.scope.properties).toEqual(['modification-tracking', 'harmful-output-refusal']);
      expect(r.data).toContainEqual({ id: 'base model target', sha256: sha('c') });
      expect(r.data).toContainEqual({ id: 'forge corpus evalForget set (poison)', sha256: sha('3') });
    }
  });

  it('reports targeted refusal before and after with Wilson intervals and the deltas', () => {
    const m = Object.fromEntries(records[0].metrics.map((x) => [x.name, x]));
    expect(m['poison refusal before (target)']).toMatchObject({ value: 0, n: 4, method: 'wilson' });
    const after = m['poison refusal after (C-Δθ s=1)'];
    expect(after).toMatchObject({ value: 0.75, n: 4, method: 'wilson' });
    // 3/4: Wilson 95 % = [0.3006, 0.9544]
    expect(after.ci![0]).toBeCloseTo(0.3006, 4);
    expect(after.ci![1]).toBeCloseTo(0.9544, 4);
    expect(m['Δ poison refusal'].value).toBe(0.75);
    expect(m['largest |Δ refusal| on other topics (gas)'].value).toBe(0);
    expect(m['share of parameters changed'].value).toBe(0.01);
  });

  it('names each C-Δθ output by the sha256 of its own strength’s checkpoint bytes, the NF4 twin by none', async () => {
    const two: typeof result = {
      ...result, request: { ...result.request, strengths: [1, 0.5] },
      report: {
        ...result.report, matrix: selectivityMatrix([...columns, scoreResponses('C-Δθ s=0.5', prompts, replies(1, 1, 2))], 'poison'),
        columns: [...result.report.columns, { name: 'C-Δθ s=0.5', kind: 'cdelta', strength: 0.5, nf4: false, changed: 10, total: 1000 }],
      },
    };
    const checkpoints = [{ strength: 1, safetensors: checkpointBytes(1) }, { strength: 0.5, safetensors: checkpointBytes(0.5) }];
    const hashes = await cdeltaCheckpointsSha256(checkpoints);
    expect(hashes).toEqual(checkpoints.map((c) => ({ strength: c.strength, sha256: nodeSha256(c.safetensors) })));
    // matched by strength, not by position
    const named = completeAll(emitCDelta(two, [...hashes].reverse()));
    expect(named.map((r) => r.model)).toEqual([
      { id: 'target+C-Δθ(poison, s=1)', sha256: nodeSha256(checkpoints[0].safetensors) },
      { id: 'target+C-Δθ(poison, s=1)+NF4' },
      { id: 'target+C-Δθ(poison, s=0.5)', sha256: nodeSha256(checkpoints[1].safetensors) },
    ]);
    expect(records[0].model.sha256).toBeUndefined();
  });

  it('measures the share of the refusal gain surviving NF4', () => {
    const m = Object.fromEntries(records[1].metrics.map((x) => [x.name, x.value]));
    expect(m['poison refusal after NF4']).toBe(0.5);
    expect(m['share of the refusal gain surviving NF4']).toBeCloseTo(0.5 / 0.75, 10);
  });
});

describe('emitUnlearn', () => {
  const quant: QuantEvalResult = {
    fullPrecision: {
      forgetNll: 3, retainNll: 1.05, baseForgetNll: 1, baseRetainNll: 1,
      behaviour: { forget: { refusal: 0.5, reproduces: 0.125, n: 8 }, otherHarmful: { refusal: 0.25, reproduces: 0.5, n: 8 }, benign: { refusal: 0, reproduces: 0, n: 8 } },
    },
    variants: [{ variant: 'nf4-b64', forgetNll: 2.5, retainNll: 1.06, baseForgetNll: 1.01, baseRetainNll: 1.01, ptqGap: -0.5, retainGap: 0.01, behaviour: { forget: { refusal: 0.375, reproduces: 0.25, n: 8 }, otherHarmful: { refusal: 0.25, reproduces: 0.5, n: 8 }, benign: { refusal: 0, reproduces: 0, n: 8 } } }],
    updates: [], touched: { changed: 10, total: 1000, changedQuantized: 10, totalQuantized: 800, tensors: ['h.0.attn.c_attn.weight'] }, evalSizes: { forget: 8, retain: 8 },
  };
  const r: Pick<UnlearnJobResult, 'request' | 'model' | 'split' | 'quant' | 'properties' | 'cad' | 'baseBehaviour'> = {
    request: { modelId: 'target', method: 'grad_ascent', forgetTopic: 'poison', forgetSize: 8, retainSize: 32, steps: 10, batchSize: 4, seed: 3, lr: null, evalSize: 8, behaviourPrompts: 8, maxNewTokens: 16, cadPairs: 0 },
    model, split, quant, properties: fourProperties(quant, null), cad: null,
    baseBehaviour: { forget: { refusal: 0, reproduces: 0.875, n: 8 }, otherHarmful: { refusal: 0.25, reproduces: 0.5, n: 8 }, benign: { refusal: 0, reproduces: 0, n: 8 } },
  };
  const [ba, qs] = completeAll(emitUnlearn(r));

  it('compares base and edited scores and refusal, naming the edited model apart from the base', () => {
    expect(ba).toMatchObject({ evidenceClass: 'before-after-training', access: 'white-box', model: { id: 'target+unlearn(grad_ascent, poison, seed 3)' } });
    expect(ba.model.sha256).toBeUndefined();
    expect(ba.scope.properties).toEqual(['modification-tracking', 'harmful-output-refusal']);
    const m = Object.fromEntries(ba.metrics.map((x) => [x.name, x]));
    expect(m['forget score before (exp −NLL)'].value).toBeCloseTo(Math.exp(-1), 12);
    expect(m['forget score after'].value).toBeCloseTo(Math.exp(-3), 12);
    expect(m['relative forget-score drop'].value).toBeCloseTo(1 - Math.exp(-2), 12);
    expect(m['forget-topic refusal before']).toMatchObject({ value: 0, n: 8, method: 'wilson' });
    expect(m['forget-topic refusal after']).toMatchObject({ value: 0.5, n: 8, method: 'wilson' });
    expect(m['forget-topic compliance reproduced after'].higherIsBetter).toBe(false);
  });

  it('reports the PTQ gap and the quantized refusal as quantization survival', () => {
    expect(qs.evidenceClass).toBe('quantization-survival');
    const m = Object.fromEntries(qs.metrics.map((x) => [x.name, x]));
    expect(m['PTQ gap nf4-b64 (forget NLL after − before quantization)'].value).toBe(-0.5);
    expect(m['forget-topic refusal after nf4-b64']).toMatchObject({ value: 0.375, n: 8, method: 'wilson' });
    expect(qs.claim).toMatch(/holds: no/);
  });

  it('names the edited model (both records) by the sha256 of its checkpoint bytes', async () => {
    const bytes = checkpointBytes(0.25);
    // the page hashes with crypto.subtle (useUnlearnEngine's checkpointDigest → sha256Hex)
    const sha256 = await sha256Hex(bytes);
    expect(sha256).toBe(nodeSha256(bytes));
    const named = completeAll(emitUnlearn(r, sha256));
    expect(named.map((d) => d.model)).toEqual([0, 1].map(() => ({ id: 'target+unlearn(grad_ascent, poison, seed 3)', sha256: nodeSha256(bytes) })));
  });

  it('without decoded behaviour claims modification tracking only', () => {
    const noBehaviour = { ...r, quant: { ...quant, fullPrecision: { ...quant.fullPrecision, behaviour: undefined } }, baseBehaviour: null };
    const [d] = completeAll(emitUnlearn(noBehaviour));
    expect(d.scope.properties).toEqual(['modification-tracking']);
    expect(d.metrics.some((x) => x.name.includes('refusal'))).toBe(false);
  });
});

describe('emitSidecarSurvival', () => {
  const summary = (changed: number, codeChanged: number): SurvivalSummary => ({
    params: 1000, changed, codeChanged, dequantChanged: codeChanged, blocks: 10, blocksWithChanges: 2, absmaxMoved: 0, collateralCodeChanges: 0, ratioHistogram: [],
    codeSurvival: changed ? codeChanged / changed : null, dequantSurvival: changed ? codeChanged / changed : null, medianRatioAtLeast: null,
  });
  it('reports code survival of a survival report as a census (no interval)', () => {
    const [d] = completeAll(emitSidecarSurvival({ kind: 'survival', quant: { type: 'nf4', blocksize: 64 }, overall: summary(200, 50) }, { base: 'base', target: 'edited' }));
    expect(d).toMatchObject({ evidenceClass: 'quantization-survival', model: { id: 'edited' }, scope: { sampleSize: 200, properties: ['modification-tracking'] } });
    expect(d.metrics[0]).toMatchObject({ value: 0.25, n: 200, method: 'none' });
  });
  it('reports MANSU before/after and passes its output weights’ sha256', () => {
    const [d] = completeAll(emitSidecarSurvival({
      kind: 'mansu', quant: { type: 'nf4', blocksize: 64 }, overall: { before: summary(200, 50), after: summary(200, 190) },
      output: { files: [{ name: 'config.json', sha256: sha('e') }, { name: 'model.safetensors', sha256: sha('f') }] },
    }, { base: 'base', target: 'edited' }));
    expect(d.model).toEqual({ id: 'edited+MANSU', sha256: sha('f') });
    expect(d.metrics.map((x) => x.value)).toEqual([0.25, 0.25, 0.95, 0.95]);
  });
  it('emits nothing when no weight changed', () => {
    expect(emitSidecarSurvival({ kind: 'survival', quant: { type: 'nf4', blocksize: 64 }, overall: summary(0, 0) }, { base: 'b', target: 't' })).toEqual([]);
  });
});
