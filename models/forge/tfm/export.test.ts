import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_TFM_CONFIG, type TfmConfig } from '../../../src/core/tabular/tfm/config';
import { encodeTfmWeights } from '../../../src/core/tabular/tfm/io';
import { initTfmParams } from '../../../src/core/tabular/tfm/model';
import { exportTfm } from './export';

const tiny: TfmConfig = { ...DEFAULT_TFM_CONFIG, dModel: 8, nHead: 2, nLayer: 1, dMlp: 8, initStd: 0.3 };

describe('tfm forge export', () => {
  it('writes onnx/model.onnx, records parity in forge.json and registers every file in the manifest', async () => {
    const models = mkdtempSync(join(tmpdir(), 'tfm-export-'));
    const dir = join(models, 'tfm');
    mkdirSync(dir);
    writeFileSync(join(dir, 'config.json'), JSON.stringify({ model_type: 'workbench-tfm', ...tiny }));
    writeFileSync(join(dir, 'model.safetensors'), encodeTfmWeights(tiny, initTfmParams(tiny, 1)));
    writeFileSync(join(dir, 'forge.json'), '{}');
    const { maxAbsDiff } = await exportTfm({ dir, modelsDir: models, updateManifestFile: true });
    expect(maxAbsDiff).toBeLessThan(1e-4);
    const forge = JSON.parse(readFileSync(join(dir, 'forge.json'), 'utf8')) as { export: { parity: { maxAbsDiff: number } } };
    expect(forge.export.parity.maxAbsDiff).toBe(maxAbsDiff);
    const manifest = JSON.parse(readFileSync(join(models, 'manifest.json'), 'utf8')) as { models: { id: string; family: string; files: { path: string; sha256: string }[] }[] };
    const entry = manifest.models.find((m) => m.id === 'tfm')!;
    expect(entry.family).toBe('tfm');
    expect(entry.files.map((f) => f.path)).toEqual(['config.json', 'forge.json', 'model.safetensors', 'onnx/model.onnx']);
    const onnx = entry.files.find((f) => f.path === 'onnx/model.onnx')!;
    expect(onnx.sha256).toBe(createHash('sha256').update(readFileSync(join(dir, 'onnx', 'model.onnx'))).digest('hex'));
  });
});
