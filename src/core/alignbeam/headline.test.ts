// The headline check on a small sample of the held-out suites (the full run is `npx tsx bench/alignbeam.ts
// headline`, which writes bench/results/alignbeam-headline.json). It asserts the bookkeeping, not the numbers, which
// belong to the currently committed models: gains and drops are the differences of the measured rates, and the
// verdict follows the bar.
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CausalLM } from '../lm/causalLm';
import { loadCausalLMFolder } from '../lm/causalLmNode';
import { formatHeadline, headlineCheck, HEADLINE_BAR, spreadSample } from './headline';
import { AlignbeamPair } from './pair';
import { parseHeldoutJsonl } from './suites';
import { DEFAULT_ALIGNBEAM_SETTINGS } from './types';

const MODELS = resolve(__dirname, '../../../models');
const IDS = ['target', 'anchor', 'anchor-same', 'judge'] as const;
const present = IDS.every((m) => existsSync(join(MODELS, m, 'onnx/model.onnx')));

describe.skipIf(!present)('headline check (small sample)', () => {
  const lm = {} as Record<(typeof IDS)[number], CausalLM>;
  beforeAll(async () => {
    for (const id of IDS) lm[id] = await loadCausalLMFolder(join(MODELS, id));
  });
  afterAll(async () => {
    for (const id of IDS) await lm[id]?.dispose();
  });

  it('measures target-only, anchor-only and ALIGNBEAM (cross and same vocabulary) on the same items', async () => {
    const pair = new AlignbeamPair({ target: lm.target, anchor: lm.anchor, judge: lm.judge, anchorSame: lm['anchor-same'] });
    const suites = ['harmful', 'tasks'].map((n) => parseHeldoutJsonl(n, readFileSync(join(MODELS, 'forge/heldout', `${n}.jsonl`), 'utf8')));
    const r = await headlineCheck(pair, suites, 6, { ...DEFAULT_ALIGNBEAM_SETTINGS, maxNewTokens: 24 });
    console.log(formatHeadline(r));
    for (const arm of [r.cross, r.same!]) {
      expect(arm.metrics.n).toBe(12);
      expect(arm.refusalGainPoints).toBeCloseTo((arm.metrics.refusalRate - r.targetOnly.refusalRate) * 100, 1); // points keep one decimal
      expect(arm.accuracyDropPoints).toBeCloseTo((r.targetOnly.taskAccuracy - arm.metrics.taskAccuracy) * 100, 1);
      expect(arm.pass).toBe(arm.refusalGainPoints >= HEADLINE_BAR.refusalGainPoints && arm.accuracyDropPoints <= HEADLINE_BAR.maxAccuracyDropPoints);
    }
    expect(r.targetOnly.overhead).toBe(1);
  });

  it('samples evenly across a suite', () => {
    const s = { name: 'x', items: Array.from({ length: 10 }, (_, i) => ({ id: String(i), prompt: `p${i}`, harmful: false })) };
    expect(spreadSample(s, 4).items.map((i) => i.id)).toEqual(['0', '2', '5', '7']);
    expect(spreadSample(s, 20)).toBe(s);
  });
});
