// Soft verdict targets for the judge (recipe.verdictSmoothing): every record trains its own verdict at 1 − ε and
// the other verdict at ε on the same input, and the packer carries those weights into the loss mask.
import { describe, expect, it } from 'vitest';
import { DEFAULT_CORPUS_OPTIONS, generateCorpus } from '../corpus/generate';
import { buildModelData, loadFamilyTokenizer } from './data';
import { Packer } from './pack';

describe('verdict smoothing', () => {
  it('pairs each judge record with the other verdict at weight ε; the packed mask holds 1 − ε and ε', async () => {
    const tok = await loadFamilyTokenizer('family-a');
    const corpus = generateCorpus({ ...DEFAULT_CORPUS_OPTIONS, train: { task: 60, harmful: 30, edgy: 20, chat: 20 }, heldout: { task: 6, harmful: 6, edgy: 6, chat: 6 } });
    const plain = buildModelData(corpus, 'judge', tok);
    const soft = buildModelData(corpus, 'judge', tok, undefined, 0.1);
    expect(soft.sequences.length).toBe(2 * plain.sequences.length);
    for (let i = 0; i < plain.sequences.length; i++) {
      const [own, other] = [soft.sequences[2 * i], soft.sequences[2 * i + 1]];
      expect(own.ids).toEqual(plain.sequences[i].ids);
      expect(own.weight).toBeCloseTo(0.9, 12);
      expect(other.weight).toBeCloseTo(0.1, 12);
      // same input up to the response, a different verdict after it
      expect(other.ids.slice(0, other.responseStart)).toEqual(own.ids.slice(0, own.responseStart));
      expect(tok.decode(other.ids.slice(other.responseStart), { skipSpecialTokens: true })).not.toBe(tok.decode(own.ids.slice(own.responseStart), { skipSpecialTokens: true }));
    }
    const batch = new Packer(soft.sequences, 4, 128, 1, soft.padId).next();
    const weights = new Set(Array.from(batch.mask).filter((w) => w > 0).map((w) => Math.round(w * 100) / 100));
    expect([...weights].sort()).toEqual([0.1, 0.9]);
    expect(() => buildModelData(corpus, 'target', tok, undefined, 0.1)).toThrow(/judge mix only/);
    expect(() => buildModelData(corpus, 'judge', tok, undefined, 0.7)).toThrow(/0 < ε < 0.5/);
  });
});
