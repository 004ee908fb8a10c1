// Mixing maths on constructed distributions: the linear and contrastive rules by hand, α = 0 returns the target's
// numbers bit for bit, supports are the union of both top-k, top-k ties go to the lower id, wide lm heads are masked.
import { describe, expect, it } from 'vitest';
import { pickToken } from '../lm/causalLm';
import { mixBounds, mixStep, shouldMix, softmaxMasked, softmaxStats, targetStep, topK } from './mix';

const pt = Float64Array.from([0.5, 0.3, 0.15, 0.05, 0]);
const close = (got: ArrayLike<number>, want: number[]) => want.forEach((v, j) => expect(got[j]).toBeCloseTo(v, 14));

describe('softmax and top-k', () => {
  it('softmax over the first `vocab` logits only (a wider lm head is masked)', () => {
    const p = softmaxMasked(Float32Array.from([1, 2, 3, 100]), 3);
    expect(p.length).toBe(3);
    const z = Math.exp(1) + Math.exp(2) + Math.exp(3);
    expect(p[2]).toBeCloseTo(Math.exp(3) / z, 14);
    expect(p.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 14);
  });

  it('top-k is sorted, ties go to the lower id, and top-1 agrees with the greedy pick on random logits', () => {
    expect(topK([0.1, 0.4, 0.4, 0.1, 0.9], 3)).toEqual([4, 1, 2]);
    expect(topK([1, 2], 5)).toEqual([1, 0]);
    expect(topK([1, 2, 3], 0)).toEqual([]);
    let seed = 7;
    const rnd = () => ((seed = (seed * 16807) % 2147483647) / 2147483647);
    for (let trial = 0; trial < 50; trial++) {
      const logits = Float32Array.from({ length: 300 }, () => Math.round(rnd() * 20) / 4); // many ties
      const p = softmaxMasked(logits, 280);
      expect(topK(p, 1)[0]).toBe(pickToken(logits, 280));
      const ids = topK(p, 20);
      const ref = Array.from({ length: 280 }, (_, i) => i).sort((a, b) => p[b] - p[a] || a - b).slice(0, 20);
      expect(ids).toEqual(ref);
    }
  });
});

describe('mixing', () => {
  const bridged = { ids: [3, 4], probs: [0.6, 0.2] }; // 0.2 of the anchor's mass was lost before this

  it('linear: (1−α)·p_t + α·B(p_a) over the union support, B renormalised over the mapped mass', () => {
    const s = mixStep(pt, 2, bridged, 0.5, 'linear');
    expect(s.ids).toEqual([0, 1, 3, 4]); // target top-2, then the anchor's ids not already there
    expect(Array.from(s.target)).toEqual([0.5, 0.3, 0.05, 0]);
    close(s.anchor, [0, 0, 0.75, 0.25]);
    [0.25, 0.15, 0.4, 0.125].forEach((v, j) => expect(s.mixed[j]).toBeCloseTo(v, 14));
  });

  it('contrastive: p_t + α·(B − p_t) clipped at 0 and rescaled to the target mass on the support', () => {
    const s = mixStep(pt, 2, bridged, 2, 'contrastive');
    const B = [0, 0, 0.75, 0.25];
    const t = [0.5, 0.3, 0.05, 0];
    const raw = t.map((x, j) => Math.max(0, x + 2 * (B[j] - x)));
    const z = raw.reduce((a, b) => a + b, 0);
    const mt = t.reduce((a, b) => a + b, 0);
    expect(s.ids).toEqual([0, 1, 3, 4]);
    raw.forEach((r, j) => expect(s.mixed[j]).toBeCloseTo((r * mt) / z, 14));
    expect(s.mixed[1]).toBe(0); // 0.3 + 2·(0 − 0.3) < 0: clipped
  });

  it('α = 0 gives the target probabilities exactly, for both rules', () => {
    for (const rule of ['linear', 'contrastive'] as const) {
      const s = mixStep(pt, 3, bridged, 0, rule);
      s.ids.forEach((id, j) => expect(s.mixed[j]).toBe(pt[id]));
    }
    const plain = targetStep(pt, 3);
    expect(plain.ids).toEqual([0, 1, 2]);
    plain.ids.forEach((id, j) => expect(plain.mixed[j]).toBe(pt[id]));
  });

  it('an anchor whose mass was all lost leaves the target distribution unchanged', () => {
    const s = mixStep(pt, 2, { ids: [], probs: [] }, 0.9, 'linear');
    expect(Array.from(s.mixed)).toEqual([0.5, 0.3]);
  });

  it('α = 1 (linear) is the translated anchor alone', () => {
    const s = mixStep(pt, 2, bridged, 1, 'linear');
    close(s.mixed, [0, 0, 0.75, 0.25]);
  });
});

describe('which steps are mixed', () => {
  it('the first m tokens (0 or ∞ = all), and with a gate only where the target is unsure', () => {
    expect([0, 7, 8].map((t) => shouldMix(t, 8, undefined, 0.99))).toEqual([true, true, false]);
    expect(shouldMix(100, 0, undefined, 0.5)).toBe(true);
    expect(shouldMix(100, Infinity, undefined, 0.5)).toBe(true);
    expect(shouldMix(0, 8, 0.9, 0.95)).toBe(false);
    expect(shouldMix(0, 8, 0.9, 0.5)).toBe(true);
  });
});

describe('softmax into a reused buffer', () => {
  it('gives the same values bit for bit, only the first vocab entries, and leaves earlier results of other buffers alone', () => {
    const logits = Float32Array.from({ length: 300 }, (_, i) => Math.sin(i * 0.37) * 6);
    const scratch = new Float64Array(400).fill(7);
    const fresh = softmaxMasked(logits, 257);
    const reused = softmaxMasked(logits, 257, scratch);
    expect(reused.length).toBe(257);
    expect(reused.buffer).toBe(scratch.buffer);
    expect(Array.from(reused)).toEqual(Array.from(fresh));
    const again = softmaxMasked(logits.map((v) => -v), 257, scratch); // overwrites the buffer, not `fresh`
    expect(again[0]).not.toBe(fresh[0]);
    expect(Array.from(softmaxMasked(logits, 257))).toEqual(Array.from(fresh));
    expect(softmaxMasked(logits, 257, new Float64Array(10)).length).toBe(257); // too short: a fresh array
  });
});

describe('bounds used to leave out beams (decode.ts hopelessBeams)', () => {
  it('every mixed value is at most the upper bound, and the k-th best at least (1 − α)·the k-th best target value', () => {
    let seed = 11;
    const rnd = () => ((seed = (seed * 16807) % 2147483647) / 2147483647);
    for (let trial = 0; trial < 300; trial++) {
      const logits = Float32Array.from({ length: 40 }, () => (rnd() - 0.5) * (trial % 3 === 0 ? 30 : 6));
      const p = softmaxMasked(logits, 40);
      const ids = Array.from({ length: 1 + Math.floor(rnd() * 8) }, () => Math.floor(rnd() * 40)).filter((id, i, a) => a.indexOf(id) === i);
      const bridged = { ids, probs: ids.map(() => rnd()) };
      for (const rule of ['linear', 'contrastive'] as const) {
        const alpha = rule === 'linear' ? rnd() : rnd() * 3;
        const top = topK(p, 8);
        const step = mixStep(p, 8, bridged, alpha, rule, top);
        const { upper, lowerScale } = mixBounds(p[top[0]], alpha, rule);
        for (const v of step.mixed) expect(v).toBeLessThanOrEqual(upper * (1 + 1e-12));
        const best = topK(step.mixed, 4);
        best.forEach((j, k) => expect(step.mixed[j]).toBeGreaterThanOrEqual(lowerScale * p[top[k]]));
      }
    }
    expect(mixBounds(0.4, 0.9, 'linear').upper).toBeCloseTo(0.94, 12);
    expect(mixBounds(0.4, 0.9, 'contrastive')).toEqual({ upper: 1, lowerScale: 0 });
  });

  it('softmaxStats gives softmaxMasked\'s values to the bit (exp(l − max) / z)', () => {
    const logits = Float32Array.from({ length: 300 }, (_, i) => Math.cos(i * 0.71) * 9);
    const p = softmaxMasked(logits, 257);
    const st = softmaxStats(logits, 257);
    for (let i = 0; i < 257; i++) expect(Math.exp(logits[i] - st.max) / st.z).toBe(p[i]);
    const out = { max: 0, z: 0 };
    softmaxMasked(logits, 257, undefined, out);
    expect(out).toEqual(st);
  });
});
