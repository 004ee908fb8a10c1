// Writes the TabICL replica's check cases (config, seeded weights under the torch state-dict names, inputs, and the
// float64 reference logits) as JSON, for bench/tabicl-arch-torch-check.py to run through TabICL's own torch
// modules. Not part of `npm run bench` (it needs torch and a tabicl checkout, neither a project dependency).
// Run: npx tsx bench/tabicl-arch-torch-check.ts OUT.json
import { writeFileSync } from 'node:fs';
import { tabiclTorchCheckCases } from '../src/core/tabular/tfm/formats/tabiclArchCases';
import { tabiclArchReference } from '../src/core/tabular/tfm/formats/tabiclArchReference';

const out = process.argv[2];
if (!out) throw new Error('usage: npx tsx bench/tabicl-arch-torch-check.ts OUT.json');
const cases = tabiclTorchCheckCases().map((c) => ({
  config: c.config, X: c.X, y: c.y, logits: tabiclArchReference(c.config, c.weights, c.X, c.y),
  weights: Object.fromEntries([...c.weights].map(([n, t]) => [n, { dims: t.dims, data: Array.from(t.data) }])),
}));
writeFileSync(out, JSON.stringify(cases));
console.log(`wrote ${cases.length} cases to ${out}`);
