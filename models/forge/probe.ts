// Writes `models/runtime-probe`: a small seeded transformer-block graph (the runtime bench graph at toy size) that
// the runtime layer's browser checks load like any embedded model — WebGPU vs WASM parity, forced fallback,
// progress invariants, caching. Deterministic: rerunning rewrites identical bytes.
// Run: npx tsx models/forge/probe.ts
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildBenchGraph, type BenchGraphConfig } from '../../src/core/runtime/benchGraph';
import { updateManifest } from '../../src/core/runtime/registryNode';

export const PROBE_CONFIG: Partial<BenchGraphConfig> = { layers: 2, dModel: 64, heads: 4, seq: 16, seed: 7 };

const modelsDir = join(import.meta.dirname, '..');
const dir = join(modelsDir, 'runtime-probe');
mkdirSync(join(dir, 'onnx'), { recursive: true });
const graph = buildBenchGraph(PROBE_CONFIG);
writeFileSync(join(dir, 'onnx', 'model.onnx'), graph.bytes);
writeFileSync(join(dir, 'config.json'), JSON.stringify({
  model_type: 'runtime-probe',
  description: 'Pre-LN transformer blocks with seeded random weights; input x float32 [batch, seq, d_model] → y. Not trained: it checks backends, not accuracy.',
  ...graph.config,
}, null, 2) + '\n');
const entry = await updateManifest(modelsDir, 'runtime-probe', { family: 'probe', description: 'seeded transformer-block graph for runtime checks (untrained)' });
console.log(`wrote ${dir}: ${entry.files.map((f) => `${f.path} ${f.size} B`).join(', ')}`);
