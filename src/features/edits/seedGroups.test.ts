import { describe, expect, it } from 'vitest';
import type { UnlearnJobRequest, UnlearnJobResult } from '../../core/edits/unlearn/api';
import type { FourProperties, PropertyCheck } from '../../core/edits/unlearn/properties';
import { seedGroups } from './seedGroups';

const REQ: UnlearnJobRequest = {
  modelId: 'target', method: 'npo', forgetTopic: 'poison', forgetSize: 8, retainSize: 16, steps: 3, batchSize: 2, seed: 0, lr: null,
  evalSize: 4, behaviourPrompts: 0, maxNewTokens: 4, cadPairs: 2,
};
const check = (value: number, threshold: number): PropertyCheck => ({ value, threshold, margin: value - threshold, pass: value >= threshold });
/** A result carrying only what grouping reads: its request and its four properties. */
const run = (req: Partial<UnlearnJobRequest>, forgetting: number): UnlearnJobResult => ({
  request: { ...REQ, ...req },
  properties: { forgetting: check(forgetting, 0.5), retain: check(0.2, 0.1), ptqGap: check(0, 0), structural: check(0.1, 0.05), allPass: forgetting >= 0.5, variant: 'nf4-b64' } as FourProperties,
} as UnlearnJobResult);

describe('seedGroups', () => {
  it('groups runs that differ only in the seed and summarises their properties over the seeds', () => {
    const groups = seedGroups([
      run({ seed: 2 }, 0.7), run({ seed: 0 }, 0.4), run({ seed: 1 }, 0.6),
      run({ seed: 0, method: 'rmu' }, 0.9),
      run({ seed: 0, method: 'mansu', mansu: { objective: 'grad_diff', circuit: true, fisher: false, nullSpace: true, floor: true } }, 0.8),
      run({ seed: 0, method: 'mansu', mansu: { objective: 'grad_diff', circuit: true, fisher: true, nullSpace: true, floor: true } }, 0.8),
    ]);
    expect(groups.map((g) => [g.config.method, g.seeds])).toEqual([['npo', [0, 1, 2]], ['rmu', [0]], ['mansu', [0]], ['mansu', [0]]]);
    const npo = groups[0].summary;
    expect(npo.seeds).toBe(3);
    expect(npo.forgetting.mean).toBeCloseTo((0.7 + 0.4 + 0.6) / 3, 12);
    expect(npo.forgetting.sd).toBeCloseTo(Math.sqrt(((0.7 - 17 / 30) ** 2 + (0.4 - 17 / 30) ** 2 + (0.6 - 17 / 30) ** 2) / 2), 12);
    expect(npo.forgetting.minMargin).toBeCloseTo(-0.1, 12);
    expect([npo.forgetting.passes, npo.allPass]).toEqual([2, 2]);
  });

  it('counts a repeated seed once (its newest run, which comes first)', () => {
    const [g] = seedGroups([run({ seed: 4 }, 0.9), run({ seed: 4 }, 0.1)]);
    expect(g.seeds).toEqual([4]);
    expect(g.summary.forgetting.mean).toBe(0.9);
  });
});
