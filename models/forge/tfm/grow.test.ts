import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { initEngine, release } from '../../../src/core/lab';
import { priorBatch } from '../../../src/core/tabular/tfm/batch';
import { configFromJson, decodeTfmWeights } from '../../../src/core/tabular/tfm/io';
import { toEngineParams } from '../../../src/core/tabular/tfm/model';
import { makeTfmPredict } from '../../../src/core/tabular/tfm/trainStep';
import { growTfmDepth } from './grow';

const dir = join(__dirname, '../../tfm');

describe('tfm depth growth', () => {
  it('a grown network predicts exactly what the committed tfm predicts, until training moves the new layers', async () => {
    await initEngine();
    const from = configFromJson(JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8')));
    const old = decodeTfmWeights(new Uint8Array(readFileSync(join(dir, 'model.safetensors'))));
    const to = { ...from, nLayer: from.nLayer + 2 };
    const grown = growTfmDepth(from, old, to, 3);
    expect(grown.size).toBeGreaterThan(old.size);
    const batch = priorBatch(42, 2, 40, 12, from.maxFeatures, from.maxClasses, 2);
    const a = makeTfmPredict(from);
    const b = makeTfmPredict(to);
    const pa = a.run(toEngineParams(from, old), batch);
    const pb = b.run(toEngineParams(to, grown), batch);
    let maxDiff = 0;
    for (let i = 0; i < pa.length; i++) maxDiff = Math.max(maxDiff, Math.abs(pa[i] - pb[i]));
    expect(maxDiff).toBeLessThan(1e-5);
    // and the new layers are really there: a nonzero output projection changes the prediction
    const moved = new Map(grown);
    const name = `layers.${from.nLayer}.mlp.proj.bias`;
    moved.set(name, { data: Float32Array.from({ length: from.dModel }, (_, i) => (i % 3) - 1), shape: [from.dModel] }); // not uniform: ln_f removes a constant shift
    const pc = b.run(toEngineParams(to, moved), batch);
    expect(pc.some((v, i) => Math.abs(v - pa[i]) > 1e-3)).toBe(true);
    a.dispose();
    b.dispose();
    release(null);
    expect(() => growTfmDepth(from, old, { ...to, dModel: 96 }, 0)).toThrow(/dModel/);
  }, 120_000);
});
