// The KV-cached decoder (kvDecode.ts) against the full forward it replaces: on family replicas (real config keys
// and tensor names, random weights, vocabulary cut to 512) covering every block variant decoderForward runs —
// GPT-2's learned positions and fused Conv1D c_attn, Llama 3 GQA with llama3 RoPE scaling, Phi-3's fused qkv /
// gate_up, Qwen2's qkv bias, Gemma 2's soft-caps and Gemma 3's q/k norm, sandwich norms, (1 + w) RMSNorm, local
// RoPE base and sliding window (4, shorter than the rows) — three right-padded rows of different prompt lengths are
// prefilled, then fed a teacher continuation one token per step; each step's logits at every row's own position
// equal the padded full forward's logits there within 1e-4, and its greedy token is their argmax.
import { beforeAll, describe, expect, it } from 'vitest';
import { normalizeConfig, type NormalizedLmConfig } from '../lm/families';
import { replicaSpec, replicaWeights, REPLICAS } from '../lm/replicas/specs';
import { mulberry32 } from '../numeric/random';
import { gptConfig, toHfConfig } from './config';
import { decoderForward } from './decoder';
import { importDecoderParams } from './decoderParams';
import { fromI32, initEngine, keep, release, takeF32, type Arr, type ArrRecord } from './engine';
import { gptForward } from './gpt';
import { cachedGreedyDecode, kvSession } from './kvDecode';
import { initParams } from './params';

beforeAll(async () => {
  await initEngine();
});

const V = 512;
const PROMPT_LENGTHS = [4, 9, 6];
const CONTINUATION = 5;

function tokens(n: number, r: () => number): number[] {
  return Array.from({ length: n }, () => Math.floor(r() * V));
}

/**
 * Feeds prompts then the teacher tokens through a cache session and returns the largest |cached − full| logit gap
 * and the largest |full| logit; asserts every step's greedy token is the argmax of its cached logits.
 */
function compare(c: NormalizedLmConfig, params: ArrRecord, full: (tok: Arr) => Arr): { worst: number; scale: number } {
  const r = mulberry32(11);
  const prompts = PROMPT_LENGTHS.map((n) => tokens(n, r));
  const teacher = PROMPT_LENGTHS.map(() => tokens(CONTINUATION, r));
  const B = prompts.length;
  const P = Math.max(...PROMPT_LENGTHS);
  const S = P + CONTINUATION;
  // the reference: one padded full forward over the final rows (causal, so position t reads tokens ≤ t only)
  const padded = prompts.flatMap((p, b) => [...p, ...teacher[b], ...Array<number>(S - p.length - CONTINUATION).fill(0)]);
  const want = takeF32(full(fromI32(padded, [B, S]))); // [B,S,V]
  const session = kvSession(c, params, B, P, S, { padId: 0, withLogits: true });
  let worst = 0;
  let scale = 0;
  try {
    const rows = prompts.map((p) => [...p]);
    for (let k = 0; k < CONTINUATION; k++) {
      const { next, logits } = session.feed(rows);
      rows.forEach((row, b) => {
        const t = row.length - 1;
        const ref = want.subarray((b * S + t) * V, (b * S + t + 1) * V);
        const got = logits!.subarray(b * V, (b + 1) * V);
        let best = 0;
        for (let v = 0; v < V; v++) {
          worst = Math.max(worst, Math.abs(got[v] - ref[v]));
          scale = Math.max(scale, Math.abs(ref[v]));
          if (got[v] > got[best]) best = v;
        }
        expect(next[b]).toBe(best);
        row.push(teacher[b][k]);
      });
    }
  } finally {
    session.dispose();
  }
  return { worst, scale };
}

describe('cached steps equal the full forward', () => {
  it('covers the families the lab supports', () => {
    expect(REPLICAS.map((r) => r.id)).toEqual(expect.arrayContaining(['gpt2', 'llama3', 'phi3', 'qwen2', 'gemma2', 'gemma3']));
  });

  for (const { id } of REPLICAS) {
    it(`${id} replica (decoderForward)`, () => {
      const c = normalizeConfig({ ...replicaSpec(id).config, vocab_size: V });
      const params = importDecoderParams(c, replicaWeights(c, 7));
      const { worst, scale } = compare(c, params, (tok) => decoderForward(c, keep(params), tok).logits);
      release(params);
      expect(scale).toBeGreaterThan(0.05); // the logits are not trivially small
      expect(worst).toBeLessThan(1e-4);
    });
  }

  it('forge GPT-2 layout (gptForward, the path forge models run) through the family table\'s gpt2 row', () => {
    const cfg = gptConfig({ vocabSize: V, nCtx: 32, dModel: 64, nHead: 4, nLayer: 2 });
    const params = initParams(cfg, 3);
    const c = normalizeConfig(toHfConfig(cfg));
    const { worst, scale } = compare(c, params, (tok) => gptForward(cfg, keep(params), tok).logits);
    release(params);
    expect(scale).toBeGreaterThan(0.05);
    expect(worst).toBeLessThan(1e-4);
  });
});

describe('cachedGreedyDecode refuses rows it cannot continue', () => {
  it('an empty prompt row or an empty batch is a named RangeError (not a read of cache slot −1)', () => {
    const cfg = gptConfig({ vocabSize: V, nCtx: 32, dModel: 32, nHead: 2, nLayer: 1 });
    const params = initParams(cfg, 5);
    const c = normalizeConfig(toHfConfig(cfg));
    try {
      expect(() => cachedGreedyDecode(c, params, [[5, 6], []], 4, 8, { padId: 0, eosId: null })).toThrow(/prompt row 1 has no tokens/);
      expect(() => cachedGreedyDecode(c, params, [], 4, 8, { padId: 0, eosId: null })).toThrow(/no prompts/);
      // and a good batch still decodes
      expect(cachedGreedyDecode(c, params, [[5, 6], [7]], 3, 8, { padId: 0, eosId: null }).map((r) => r.length)).toEqual([3, 3]);
    } finally {
      release(params);
    }
  });
});
