// Export step of the tfm forge: safetensors → ONNX (onnxExport.ts), a parity check of the ONNX graph on
// onnxruntime-node against the jax-js forward on random inputs (NaNs, several feature/context/query sizes, absent
// classes), forge.json's export section, and the models/manifest.json entry (updateManifest).
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createNodeBackend } from '../../../src/core/runtime/ortNode';
import { updateManifest } from '../../../src/core/runtime/registryNode';
import { configFromJson, decodeTfmWeights } from '../../../src/core/tabular/tfm/io';
import { buildTfmOnnx } from '../../../src/core/tabular/tfm/onnxExport';
import { tfmParity } from '../../../src/core/tabular/tfm/parity';
import { TFM_LIMITS } from '../../../src/core/tabular/teachers/teacher';

export async function exportTfm(o: { dir: string; modelsDir: string; updateManifestFile: boolean }): Promise<{ maxAbsDiff: number }> {
  const config = configFromJson(JSON.parse(readFileSync(join(o.dir, 'config.json'), 'utf8')));
  const params = decodeTfmWeights(new Uint8Array(readFileSync(join(o.dir, 'model.safetensors'))));
  const bytes = buildTfmOnnx(config, params);
  mkdirSync(join(o.dir, 'onnx'), { recursive: true });
  writeFileSync(join(o.dir, 'onnx', 'model.onnx'), bytes);
  const parity = await tfmParity(config, params, bytes, createNodeBackend({ numThreads: 1 }), 7);
  console.log(`onnx parity vs jax-js forward: max |Δp| = ${parity.maxAbsDiff.toExponential(2)} over ${parity.cases.length} cases`);
  if (!(parity.maxAbsDiff < 1e-4)) throw new Error(`ONNX export disagrees with the jax-js forward: max |Δp| ${parity.maxAbsDiff}`);
  const forgePath = join(o.dir, 'forge.json');
  const forge = JSON.parse(readFileSync(forgePath, 'utf8')) as Record<string, unknown>;
  forge.export = { onnx: 'onnx/model.onnx', opset: 17, bytes: bytes.byteLength, parity };
  writeFileSync(forgePath, `${JSON.stringify(forge, null, 1)}\n`);
  if (o.updateManifestFile) {
    const entry = await updateManifest(o.modelsDir, 'tfm', {
      family: 'tfm', task: 'tabular-classification',
      description: `Prior-fitted network (TabPFN-style in-context tabular classifier, ${config.nLayer} layers × ${config.dModel}) trained here on synthetic SCM/tree tasks; ≤${TFM_LIMITS.maxContext.toLocaleString('en')} context rows per forward, ≤32 features, ≤10 classes`,
    });
    console.log(`manifest: tfm, ${entry.files.length} files`);
  }
  return { maxAbsDiff: parity.maxAbsDiff };
}
