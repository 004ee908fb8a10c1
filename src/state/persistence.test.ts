import { describe, expect, it } from 'vitest';
import { historySafeSpec, linkSafeSpec, SPEC_PERSISTENCE } from './persistence';
import { modulesWithSpecs, specFor } from './specs';

describe('persistence table', () => {
  it.each(modulesWithSpecs())('declares every key of the %s spec', (module) => {
    const def = specFor(module)!;
    const keys = Object.keys(def.schema.parse({}));
    const table = SPEC_PERSISTENCE[module]!;
    for (const k of keys) expect(table[k], `${module}.${k}`).toBeDefined();
  });

  it('drops undeclared keys from links and history', () => {
    expect(linkSafeSpec('ensembles', { seed: 1, secretToken: 'x' })).toEqual({ seed: 1 });
    expect(historySafeSpec('ensembles', { seed: 1, fileBytes: [1, 2] })).toEqual({ seed: 1 });
  });
});
