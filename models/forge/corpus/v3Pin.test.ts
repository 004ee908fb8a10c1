// Pins corpus v3 bit for bit: the committed models (forge v3) were trained on it and other modules (edits,
// benches, the held-out suites) rebuild it with `generateCorpus(DEFAULT_CORPUS_OPTIONS)`. Corpus v4 lives
// behind its own options (v4/), so any change that moves these hashes is a bug, not a data update.
import { describe, expect, it } from 'vitest';
import { DEFAULT_CORPUS_OPTIONS, generateCorpus } from './generate';
import { buildMix, MIX_NAMES } from './mixes';

const V3_CORPUS_HASH = 'bc536b1f027bd1a9575dda36ac9b4ab841d8f8ce7ca8eb212f978d0e72bdf9d8';
const V3_MIX_HASHES: Readonly<Record<string, readonly [train: string, heldout: string]>> = {
  target: ['b9f812df1575087eab23aa512a571edf62548aee56c7aa902f3eac097589fee6', '2382f8cb15bcdf0c76cc585395fbf87b546ba63bff300b9f2889b86ddb94aa8a'],
  anchor: ['0840ecdccc5fd86fffa2b315b5860cf0e193c0c91cf957f088de1f0676010a34', '883ac0dbf56628ec51996fb7c5667a8af99bde8490785da37a334ac49a2b2ee2'],
  'anchor-same': ['ff8ae888b44c4b4742d6b05464478b64454d2cce1c3c8de8016d5fffd0c32e64', '312f243b8cd73d8f6f444ca82193bc7a7c5328cfec8eb510e1226a595e290803'],
  judge: ['1e1a202f4804016b368a1b5e184adad73c8c5e942320ca450f9a8204121d044e', 'f8beb6c9e15993c4f2f81b3870a78bed0e0e32fb1805a98018571dd69a5ef3a9'],
};

describe('corpus v3 is frozen', () => {
  const corpus = generateCorpus(DEFAULT_CORPUS_OPTIONS);
  it('generateCorpus(DEFAULT_CORPUS_OPTIONS) and generateCorpus() keep the v3 hash (9,950 records)', () => {
    expect(corpus.examples.length).toBe(9950);
    expect(corpus.hash).toBe(V3_CORPUS_HASH);
    expect(generateCorpus().hash).toBe(V3_CORPUS_HASH);
  });
  it.each(MIX_NAMES)('mix %s keeps its v3 train and held-out hashes', (name) => {
    expect([buildMix(corpus, name, 'train').hash, buildMix(corpus, name, 'heldout').hash]).toEqual(V3_MIX_HASHES[name]);
  });
});
