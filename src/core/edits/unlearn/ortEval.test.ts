// The quantized edited model through onnxruntime: on `target` (GPT-2, an edit applied) and on a Llama-3 replica,
// ORT's greedy decode of the fp32 ONNX export (KV cache, left-padded batch) gives the lab engine's continuations
// (right-padded, full forward per token) at full precision and after NF4, measured per prompt; the control — the
// lab's full-precision decode against ORT's NF4 one — agrees less, so the agreement measure sees a changed model.
// Measured: 18 / 18 prompts identical in every case; the control 17 / 18 on target, 9 / 18 on the replica. The
// threshold (≥ 0.9) allows one near-tie flipped by float rounding. Rates are scored by one code path for both decoders. Bad input: an unknown family, a decode past the context.
import { beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { DEFAULT_CORPUS_OPTIONS, generateCorpus } from '../../../../models/forge/corpus/generate';
import { fromF32, importDecoderParams, initEngine, readF32, release, type ArrRecord } from '../../lab';
import { normalizeConfig, UnsupportedFamilyError } from '../../lm/families';
import { replicaSpec, replicaWeights } from '../../lm/replicas/specs';
import { loadTokenizer } from '../../lm/tokenizer';
import { createNodeBackend } from '../../runtime/ortNode';
import { behaviourItems, type BehaviourPrompts } from './behaviour';
import { familyUnlearnModel, type UnlearnModel } from './model';
import { decodeAgreement, evaluateQuantizedOrt, ortGreedyDecode, type OrtVariantReport } from './ortEval';
import type { QuantVariant } from './quantEval';
import { loadUnlearnModelFolder } from './runNode';

const ROOT = join(__dirname, '../../../..');
const NF4: QuantVariant = { type: 'nf4', doubleQuant: false, blocksize: 64 };
const PER_SET = 6;
const MAX_NEW = 12;
const backend = createNodeBackend({ numThreads: 1 });
let prompts: BehaviourPrompts;

beforeAll(async () => {
  await initEngine();
  const heldout = generateCorpus(DEFAULT_CORPUS_OPTIONS).examples.filter((e) => e.split === 'heldout');
  const pair = (e: (typeof heldout)[number]) => ({ id: e.id, prompt: e.prompt, response: e.response });
  const harmful = heldout.filter((e) => e.category === 'harmful' && e.responseKind === 'compliance');
  prompts = {
    forget: harmful.filter((e) => e.topic === 'poison').slice(0, PER_SET).map(pair),
    otherHarmful: harmful.filter((e) => e.topic !== 'poison').slice(0, PER_SET).map(pair),
    benign: heldout.filter((e) => e.category === 'task').slice(0, PER_SET).map(pair),
  };
}, 120_000);

/** Checks shared by both models' [full precision, NF4] reports. */
function checkReports(model: UnlearnModel, reports: OrtVariantReport[], minIdentical: number): void {
  expect(reports.map((r) => r.variant)).toEqual(['fp32', 'nf4-b64']);
  const items = behaviourItems(model, prompts);
  for (const r of reports) {
    expect(r.agreement.n).toBe(3 * PER_SET);
    expect(r.agreement.identical).toBeGreaterThanOrEqual(minIdentical);
    expect(r.newTokens).toBe(3 * PER_SET * MAX_NEW);
    // the decodes are not degenerate: several different continuations, none empty
    expect(new Set(r.continuations.ort.map((c) => c.join(','))).size).toBeGreaterThan(3);
    expect(r.continuations.ort.every((c) => c.length > 0)).toBe(true);
    // one scorer: a set's rates differ between the decoders by at most its share of diverging prompts
    for (const set of ['forget', 'otherHarmful', 'benign'] as const) {
      const bound = r.agreement.divergences.filter((d) => d.set === set).length / PER_SET;
      expect(Math.abs(r.ort[set].refusal - r.lab[set].refusal)).toBeLessThanOrEqual(bound + 1e-12);
      expect(Math.abs(r.ort[set].reproduces - r.lab[set].reproduces)).toBeLessThanOrEqual(bound + 1e-12);
    }
  }
  const [fp, nf4] = reports;
  // control: full precision in the lab against NF4 in ORT — quantization changes decodes the runtime does not
  const control = decodeAgreement(items, fp.continuations.lab, nf4.continuations.ort);
  expect(control.identical).toBeLessThan(nf4.agreement.identical);
}

describe('decodeAgreement', () => {
  it('counts identical continuations, agreeing positions before the first divergence, and where each diverges', () => {
    const items = [{ set: 'forget' as const, response: '', promptIds: [1] }, { set: 'benign' as const, response: '', promptIds: [1] }, { set: 'benign' as const, response: '', promptIds: [1] }];
    const a = decodeAgreement(items, [[1, 2, 3], [1, 2], [4, 9]], [[1, 2, 3], [1, 5], [4]]);
    expect(a.identical).toBeCloseTo(1 / 3, 12);
    expect(a.tokenAgreement).toBeCloseTo((3 + 1 + 1) / (3 + 2 + 1), 12);
    expect(a.divergences).toEqual([{ index: 1, set: 'benign', position: 1 }, { index: 2, set: 'benign', position: 1 }]);
  });
});

describe('evaluateQuantizedOrt', () => {
  it('target, edited: ORT decodes as the lab engine at full precision and after NF4', async () => {
    const model = await loadUnlearnModelFolder(join(ROOT, 'models/target'));
    const edited: ArrRecord = { ...model.params };
    const name = 'h.2.mlp.c_proj.weight';
    edited[name] = fromF32(readF32(model.params[name]).map((v) => v * 1.3), [...model.params[name].shape]);
    try {
      checkReports(model, await evaluateQuantizedOrt(model, edited, prompts, [NF4], backend, { maxNewTokens: MAX_NEW }), 0.9);
    } finally {
      release([edited[name]]);
      release(model.params);
    }
  }, 300_000);

  it('llama3 replica: ORT decodes as the lab engine at full precision and after NF4', async () => {
    const config = { ...replicaSpec('llama3').config, vocab_size: 1024, max_position_embeddings: 256 };
    const lm = normalizeConfig(config);
    const tokenizer = await loadTokenizer(join(ROOT, 'models/tokenizers/family-a'));
    const model = familyUnlearnModel('llama3-replica', lm, importDecoderParams(lm, replicaWeights(lm)), tokenizer, config);
    try {
      checkReports(model, await evaluateQuantizedOrt(model, model.params, prompts, [NF4], backend, { maxNewTokens: MAX_NEW }), 0.9);
    } finally {
      release(model.params);
    }
  }, 300_000);

  it('bad input: an unknown family is UnsupportedFamilyError, a decode past the context a RangeError, before any session', async () => {
    const model = await loadUnlearnModelFolder(join(ROOT, 'models/target'));
    try {
      const foreign = { ...model, configJson: { ...model.configJson, model_type: 'mamba' } };
      await expect(ortGreedyDecode(foreign, model.params, [[1, 2, 3]], 4, backend)).rejects.toThrow(UnsupportedFamilyError);
      await expect(ortGreedyDecode(model, model.params, [[1, 2, 3]], model.maxPositions, backend)).rejects.toThrow(RangeError);
    } finally {
      release(model.params);
    }
  }, 120_000);
});
