// The fixed cases on which the TabICL replica was checked against TabICL's own torch modules
// (bench/tabicl-arch-torch-check.*): config, seeded weights, inputs. The test (tabiclArch.test.ts) rebuilds them and
// compares the ONNX graph with the logits torch computed. Pure.
import { mulberry32 } from '../../../numeric/random';
import { TABICL_ARCH_SMALL, tabiclArchWeights, type TabiclArchConfig, type TabiclWeights } from './tabiclArchReference';

export interface TabiclCheckCase { config: TabiclArchConfig; weights: TabiclWeights; X: number[][][]; y: number[][] }

export function tabiclTorchCheckCases(): TabiclCheckCase[] {
  const shapes = [
    { config: TABICL_ARCH_SMALL, B: 2, T: 20, H: 5, N: 14, k: 3 },
    { config: { ...TABICL_ARCH_SMALL, row_rope_interleaved: false, col_num_blocks: 2, row_num_blocks: 3, icl_num_blocks: 3, row_num_cls: 2 }, B: 1, T: 15, H: 6, N: 10, k: 4 },
  ];
  return shapes.map((c, ci) => {
    const r = mulberry32(100 + ci);
    const X = Array.from({ length: c.B }, () => Array.from({ length: c.T }, () => Array.from({ length: c.H }, () => Math.fround(2 * r() - 1))));
    const y = Array.from({ length: c.B }, () => Array.from({ length: c.N }, (_, i) => (i < c.k ? i : Math.floor(r() * c.k))));
    return { config: c.config, weights: tabiclArchWeights(c.config, 7 + ci), X, y };
  });
}
