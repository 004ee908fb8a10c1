// A MANSU edit through onnxruntime (issue #20 item 4, "the quantized model run through ORT"): MANSU at toy sizes on
// `target` (circuit, Fisher, null space, NF4 floor; a few steps), then evaluateQuantizedOrt at full precision and
// after NF4 (block 64): ORT's greedy decode of the exported (quantized) edit gives the lab engine's continuations of
// the same params, and the NF4 export ORT runs is the edit's, not the base's — its quantized weights differ from the
// base's NF4 weights exactly where the floor changed a code, and ORT's NF4 decodes of edit and base differ.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { readF32, release } from '../../lab';
import { createNodeBackend } from '../../runtime/ortNode';
import type { BehaviourPrompts } from './behaviour';
import { runMansu } from './mansuPipeline';
import type { UnlearnModel } from './model';
import { evaluateQuantizedOrt } from './ortEval';
import { bnbLinearWeights, quantizedParams, updateStats, type QuantVariant } from './quantEval';
import { forgeBehaviourPrompts, forgeUnlearnData, loadUnlearnModelFolder } from './runNode';
import type { UnlearnData } from './splits';

const ROOT = join(__dirname, '../../../..');
const NF4: QuantVariant = { type: 'nf4', doubleQuant: false, blocksize: 64 };
const MAX_NEW = 6;
let model: UnlearnModel;
let data: UnlearnData;
let prompts: BehaviourPrompts;

beforeAll(async () => {
  model = await loadUnlearnModelFolder(join(ROOT, 'models/target'));
  const s = await forgeUnlearnData({ forgetTopic: 'poison', forgetSize: 24, retainSize: 64, seed: 0 });
  const ok = (ps: UnlearnData['forget']) => ps.filter((p) => model.tokenizer.encodeChat(p.prompt, p.response).ids.length <= 52);
  data = { forget: ok(s.data.forget), retain: ok(s.data.retain), evalForget: ok(s.data.evalForget).slice(0, 4), evalRetain: ok(s.data.evalRetain).slice(0, 4) };
  prompts = forgeBehaviourPrompts('poison', 4);
}, 120_000);
afterAll(() => release(model?.params));

describe('MANSU through ORT', () => {
  it('the quantized MANSU edit decodes in ORT as in the lab engine, and is not the base', async () => {
    const backend = createNodeBackend({ numThreads: 1 });
    const r = await runMansu(model, data, {
      objective: { method: 'grad_diff', steps: 4, batchSize: 4, evalSize: 4, checkpointEvery: 4, lr: 1e-2 },
      circuit: { edges: 12, pairs: 4, igSteps: 2 }, nullSpace: { examples: 16 }, fisher: { examples: 8 },
    });
    const qEdit = quantizedParams(model, r.params, NF4);
    const qBase = quantizedParams(model, model.params, NF4);
    try {
      expect(r.report.floor!.kept).toBeGreaterThan(0);
      // the 4-bit weights ORT runs differ from the base's in as many entries as the floor changed codes (saturated ones aside)
      const u = updateStats(model, model.params, r.params, 'nf4');
      let differ = 0;
      for (const n of bnbLinearWeights(model)) {
        const [a, b] = [readF32(qEdit[n]), readF32(qBase[n])];
        for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) differ++;
      }
      expect(u.codeChanged).toBeGreaterThan(0);
      expect(differ).toBeGreaterThanOrEqual(u.codeChanged);

      const [fp, nf4] = await evaluateQuantizedOrt(model, r.params, prompts, [NF4], backend, { maxNewTokens: MAX_NEW });
      const [, baseNf4] = await evaluateQuantizedOrt(model, model.params, prompts, [NF4], backend, { maxNewTokens: MAX_NEW });
      expect([fp.variant, nf4.variant]).toEqual(['fp32', 'nf4-b64']);
      for (const rep of [fp, nf4]) {
        expect(rep.agreement.n).toBe(12);
        expect(rep.agreement.identical).toBeGreaterThanOrEqual(0.9);
        expect(rep.continuations.ort.every((c) => c.length > 0)).toBe(true);
      }
      // ORT runs the edit: its NF4 continuations are not the base's NF4 ones on every prompt
      const same = nf4.continuations.ort.filter((c, i) => c.join(',') === baseNf4.continuations.ort[i].join(',')).length;
      expect(same).toBeLessThan(12);
    } finally {
      release(qEdit);
      release(qBase);
      release(r.params);
    }
  }, 120_000);
});
