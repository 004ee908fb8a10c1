// C-Δθ restricted to a circuit on the embedded `target` (GPT-2 Conv1D layout): with an aligned copy that differs
// everywhere, exactly the circuit's slices change (head 2 of layer 1: its q/k/v output columns of c_attn and
// bias, its input rows of attn.c_proj; MLP 2: c_fc, c_proj, their biases and ln_2), to t + s·(a − t) in f32;
// every other parameter keeps the target's bits.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { fromF32, readF32, release, type ArrRecord } from '../../lab';
import type { CircuitSelection } from '../circuit';
import { MaskMappingError } from '../errors';
import { cdeltaLab } from './cdeltaLab';
import { checkExactCDelta } from './cdeltaExact.fixture';
import type { UnlearnModel } from './model';
import { loadUnlearnModelFolder } from './runNode';

const TARGET = join(__dirname, '../../../../models/target');
let model: UnlearnModel;
let aligned: ArrRecord;

beforeAll(async () => {
  model = await loadUnlearnModelFolder(TARGET);
  // a copy moved by a different nonzero amount at every element
  aligned = Object.fromEntries(Object.entries(model.params).map(([n, a]) => [n, fromF32(readF32(a).map((v, i) => v + 0.01 * (1 + (i % 7))), [...a.shape])]));
}, 60_000);
afterAll(() => {
  release(model?.params);
  release(aligned);
});

const sel: CircuitSelection = { heads: [[1, 2]], mlps: [2], nodesInGraph: 2, edgesInGraph: 1 };
const hd = 32;
const d = 128;

/** Whether flat element i of engine tensor `name` belongs to head (1,2) or MLP 2, written from archMap's ownership rules. */
function owned(name: string, i: number): boolean {
  const inHead = (f: number) => f >= 2 * hd && f < 3 * hd;
  if (name === 'h.1.attn.c_attn.weight') return [0, d, 2 * d].some((off) => inHead((i % (3 * d)) - off)); // [d, 3d]: columns
  if (name === 'h.1.attn.c_attn.bias') return [0, d, 2 * d].some((off) => inHead(i - off));
  if (name === 'h.1.attn.c_proj.weight') return inHead(Math.floor(i / d)); // [d, d] Conv1D: the head's input rows
  return /^h\.2\.(mlp\.|ln_2\.)/.test(name);
}

describe('C-Δθ in the lab engine', () => {
  it('changes exactly the circuit\'s parameters, to t + s·(a − t), at each strength', () => {
    const strengths = [1, 2.5];
    const r = cdeltaLab(model, model.params, aligned, sel, strengths);
    const masked = checkExactCDelta(model.params, aligned, r.params, strengths, owned);
    strengths.forEach((_, k) => expect(r.stats[k].reduce((x, st) => x + st.changed, 0)).toBe(masked));
    // head: 3·32 columns × 128 rows + 96 bias + 32 rows × 128; MLP: 2 × 128·512 + 512 + 128 + 2·128
    expect(masked).toBe(3 * hd * d + 3 * hd + hd * d + 2 * d * 4 * d + 4 * d + d + 2 * d);
    expect(r.masked).toBe(masked);
    expect(r.total).toBe(Object.values(model.params).reduce((x, a) => x + a.size, 0));
    r.params.forEach(release);
  });

  it('a head the model does not have is a MaskMappingError', () => {
    expect(() => cdeltaLab(model, model.params, aligned, { ...sel, heads: [[1, 7]] }, [1])).toThrow(MaskMappingError);
  });
});
