// Depth growth for the tfm forge: a deeper network that starts as exactly the trained one. The old layers keep
// their weights; each new layer (appended after them) gets a fresh seeded init except its two residual output
// projections (attention output and MLP projection, weights and biases), which start at zero, so the layer adds
// nothing until training moves them. A warm start this way keeps the ~1.3 h of CPU the committed model cost
// instead of starting a larger model from scratch on a 2-core machine.
import type { HostParams, TfmConfig } from '../../../src/core/tabular/tfm/config';
import { initTfmParams } from '../../../src/core/tabular/tfm/model';

const ZEROED = ['attn.o.weight', 'attn.o.bias', 'mlp.proj.weight', 'mlp.proj.bias'];

export function growTfmDepth(from: TfmConfig, old: HostParams, to: TfmConfig, seed: number): HostParams {
  for (const k of ['maxFeatures', 'maxClasses', 'dModel', 'nHead', 'dMlp'] as const) {
    if (from[k] !== to[k]) throw new Error(`growTfmDepth adds layers only: ${k} is ${from[k]} in the start weights and ${to[k]} in the new config`);
  }
  if (to.nLayer < from.nLayer) throw new Error(`growTfmDepth: the new config has ${to.nLayer} layers, fewer than the start weights' ${from.nLayer}`);
  const fresh = initTfmParams(to, seed);
  const out: HostParams = new Map();
  for (const [name, t] of fresh) {
    const m = /^layers\.(\d+)\.(.+)$/.exec(name);
    const layer = m ? Number(m[1]) : -1;
    if (layer >= from.nLayer) {
      out.set(name, ZEROED.includes(m![2]) ? { data: new Float32Array(t.data.length), shape: t.shape } : t);
      continue;
    }
    const kept = old.get(name);
    if (!kept) throw new Error(`growTfmDepth: start weights lack ${name}`);
    out.set(name, kept);
  }
  return out;
}
