// The fast decode path (K anchor views stepped in one batched anchor run per step, the anchor model skipped at α = 0,
// the anchor's text re-encoded only from its prompt's last special token and its settled boundaries, beams that
// cannot reach the K kept left out) against the plain one (one anchor run per beam, the anchor always run, the whole
// text encoded at every step, every beam mixed) on the embedded pairs, cross vocabulary
// (the production anchor: text bridge, token healing, start translator, response lead; and the plain text bridge)
// and same vocabulary: candidates (ids, tokens with shifts and mixed flags, scores) must be identical to the bit,
// for greedy and beam settings. Float equality is exact (toEqual), so a batching or cache change that moves a logit
// by one ulp fails here.
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { CausalLM } from '../lm/causalLm';
import { loadCausalLMFolder } from '../lm/causalLmNode';
import { promptFrame } from './anchorView';
import { Translator, buildBridge } from './bridge';
import { beamDecode, FAST_DECODE, type DecodeAnchor, type DecodeImpl, type DecodeSettings } from './decode';
import { AlignbeamPair } from './pair';
import { parseHeldoutJsonl } from './suites';
import { DEFAULT_ALIGNBEAM_SETTINGS, type BridgeKind } from './types';

const MODELS = resolve(__dirname, '../../../models');
const IDS = ['target', 'anchor', 'anchor-same', 'judge'] as const;
const present = IDS.every((m) => existsSync(join(MODELS, m, 'onnx/model.onnx')));
const PLAIN: DecodeImpl = { batchAnchor: false, skipAlphaZero: false, cutAnchorPrefix: false, skipHopeless: false };
const prompts = (name: string, n: number) => present
  ? parseHeldoutJsonl(name, readFileSync(join(MODELS, 'forge/heldout', `${name}.jsonl`), 'utf8')).items.slice(0, n).map((i) => i.prompt) : [];

const base: DecodeSettings = { ...DEFAULT_ALIGNBEAM_SETTINGS, maxNewTokens: 20 };
const GRID: Array<Partial<DecodeSettings>> = [
  { K: 1, alpha: 0.9, m: 0 },
  { K: 4, alpha: 0.9, m: 0 },
  { K: 4, alpha: 0.5, m: 8, rule: 'linear' },
  { K: 3, alpha: 1.5, m: 0, rule: 'contrastive' },
  { K: 4, alpha: 0, m: 0 },
  { K: 2, alpha: 0.5, m: 0, confidenceGate: 0.6 },
];

describe.skipIf(!present)('fast decode = plain decode, bit for bit', () => {
  const lm = {} as Record<(typeof IDS)[number], CausalLM>;
  let pair: AlignbeamPair;
  const anchors: Record<string, DecodeAnchor> = {};
  const ps = [...prompts('harmful', 2), ...prompts('tasks', 2), ...prompts('benign', 1)];

  beforeAll(async () => {
    for (const id of IDS) lm[id] = await loadCausalLMFolder(join(MODELS, id));
    pair = new AlignbeamPair({ target: lm.target, anchor: lm.anchor, judge: lm.judge, anchorSame: lm['anchor-same'] });
    // the anchor exactly as pair.generate builds it (healer, start translator, response lead)
    const production = (a: CausalLM, kind: BridgeKind) => (pair as unknown as { decodeAnchor(a: CausalLM, k: BridgeKind, heal: boolean): DecodeAnchor }).decodeAnchor(a, kind, true);
    anchors['cross, healed text bridge'] = production(lm.anchor, 'text');
    anchors['cross, plain text bridge'] = { lm: lm.anchor, frame: promptFrame(lm.anchor.tokenizer, 'anchor'), translator: new Translator(buildBridge(lm.anchor.tokenizer, lm.target.tokenizer, 'text')) };
    anchors['same vocabulary'] = production(lm['anchor-same'], 'identity');
  });
  afterAll(async () => {
    for (const id of IDS) await lm[id]?.dispose();
  });

  for (const name of ['cross, healed text bridge', 'cross, plain text bridge', 'same vocabulary']) {
    it(`${name}: identical candidates and scores for greedy and beam settings; fewer anchor runs at K > 1`, async () => {
      const frame = pair.frame(lm.target);
      const anchorLm = anchors[name].lm;
      let batchedRuns = 0;
      let plainRuns = 0;
      let hopelessSkips = 0;
      for (const prompt of ps) {
        for (const g of GRID) {
          const settings = { ...base, ...g };
          const spy = vi.spyOn(anchorLm, 'step');
          const plain = await beamDecode(lm.target, frame, anchors[name], prompt, settings, undefined, undefined, PLAIN);
          const plainCalls = spy.mock.calls.length;
          spy.mockClear();
          const fast = await beamDecode(lm.target, frame, anchors[name], prompt, settings, undefined, undefined, FAST_DECODE);
          const fastCalls = spy.mock.calls.length;
          spy.mockRestore();
          expect(fast.candidates).toEqual(plain.candidates);
          hopelessSkips += fast.hopelessSkips;
          expect(plain.hopelessSkips).toBe(0);
          if (settings.alpha === 0) {
            expect(fastCalls).toBe(0); // the anchor model is skipped where it cannot change the step
          } else if (fast.hopelessSkips === 0) {
            // same tokens fed, reused and rolled back, only grouped into fewer runs
            expect(fast.anchorStats).toEqual(plain.anchorStats);
            expect(fastCalls).toBeLessThanOrEqual(plainCalls);
            if (settings.K > 1) { batchedRuns += fastCalls; plainRuns += plainCalls; }
          } else {
            // beams left out feed nothing
            expect(fast.anchorStats!.fed).toBeLessThanOrEqual(plain.anchorStats!.fed);
            expect(fastCalls).toBeLessThanOrEqual(plainCalls);
            if (settings.K > 1) { batchedRuns += fastCalls; plainRuns += plainCalls; }
          }
        }
      }
      // The K views really share runs: all of them for the same vocabulary (equal lengths); across vocabularies only
      // views whose token counts agree share a run (rows are not padded) and rollbacks are fed per view.
      expect(batchedRuns).toBeLessThan(plainRuns * (name === 'same vocabulary' ? 0.4 : 0.8));
      // and beams that cannot reach the K kept are left out (21 / 16 / 11 beam steps in this grid when written)
      expect(hopelessSkips).toBeGreaterThan(0);
    });
  }
});
