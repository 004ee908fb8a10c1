// Ensembles spec: the statistics options travel in a link, old links get the core's defaults, and a Bonferroni–Dunn
// control that is not among the strategies is dropped on decode rather than stopping the analysis later.
import { describe, expect, it } from 'vitest';
import { decodeLink, encodeLink } from '../linkCodec';
import fixtures from '../fixtures/links.json';
import { rawLink } from './linkTestKit';
import { ensemblesSpec, type EnsemblesSpec } from './ensembles';

const defaults = (): EnsemblesSpec => ensemblesSpec.clamp(ensemblesSpec.schema.parse({}));

describe('ensembles spec statistics', () => {
  it("defaults are the core's: scipy's Wilcoxon (wilcox, auto, no correction), Demšar's Friedman, no control", () => {
    expect(defaults().statistics).toEqual({
      wilcoxonZeroMethod: 'wilcox', wilcoxonMethod: 'auto', wilcoxonCorrection: false, friedmanTieCorrection: false, control: null,
    });
  });

  it('links written before the statistics options decode with those defaults', () => {
    for (const f of fixtures.fixtures.filter((x) => x.hash.startsWith('#/ensembles'))) {
      expect((decodeLink(f.hash)!.spec as EnsemblesSpec).statistics).toEqual(defaults().statistics);
    }
  });

  it('round-trips Demšar-style options with a control', () => {
    const spec: EnsemblesSpec = {
      ...defaults(),
      statistics: { wilcoxonZeroMethod: 'zsplit', wilcoxonMethod: 'asymptotic', wilcoxonCorrection: true, friedmanTieCorrection: true, control: 'caruana' },
    };
    expect(decodeLink(encodeLink('ensembles', spec))!.spec).toEqual(spec);
  });

  it('drops a control that is not among the strategies; fills missing statistics fields', () => {
    const s = decodeLink(rawLink('ensembles', { strategies: ['caruana', 'stacking-lr'], statistics: { control: 'cascade', wilcoxonZeroMethod: 'pratt' } }))!.spec as EnsemblesSpec;
    expect(s.statistics).toEqual({ ...defaults().statistics, wilcoxonZeroMethod: 'pratt', control: null });
  });
});
