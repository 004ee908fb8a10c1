// The anchor's tokenization of (prompt prefix + response text) at every decode step, without re-encoding what
// cannot change. Two cuts, each exact (tests compare with full encoding on both embedded families and Llama 3 /
// Qwen 3 / Gemma 3, texts grown piece by piece as in decoding, cross-vocabulary pair and token healing included):
//
// 1. The prefix's last special token. Tokenizers (Hugging Face and transformers.js alike) first split text at added
//    tokens and encode the pieces independently; what the piece after a special token depends on besides its own
//    text is that token's rstrip flag and whether the piece is the first one (Metaspace's prepend_scheme "first"),
//    both the same when the re-encoded tail starts with that token. So encode(prefix + text) = ids before the token
//    ++ encode(prefix from the token + text). Checked once against the prefix's own encoding (the tail's ids must be
//    its suffix); where that fails, or the prefix has no special token, each call encodes the whole string.
//
// 2. Settled boundaries inside the response section, for BPE tokenizers that encode that section as ONE word (no
//    pre-tokenizer, or Gemma's split on " " after a normalizer that leaves no " "; the normalizer only replaces
//    " " by "▁" and may prepend one "▁": Llama 2 / Mistral / Gemma style, the embedded anchor). There BPE's cost
//    grows with the whole response at every step. A merge that joined symbols across a position q would create a
//    symbol pair (x, y) with x ending at q and y starting at q; if no merge rule pairs a suffix of the normalized
//    text before q with a prefix of the text after q, no merge crosses q, BPE's runs on the two sides are the runs
//    each side has alone (equal ranks tie by position, the same on each side), and encode = encode(left) ++
//    encode(right). Once the text after q holds the longest right-hand merge part, later text cannot change that
//    check: q is settled, and its left ids are kept for the rest of the decode. Pieces between boundaries are encoded
//    here, by the same BPE (lowest merge rank first, the leftmost of equal ranks, vocabulary ids, byte fallback per
//    symbol) on the normalized text: the tokenizer library's own call costs ≈ 0.1 ms per call on the embedded anchor,
//    mostly overhead (JSON keys per pair, an LRU cache that a growing text always misses). A symbol with neither an
//    id nor byte tokens (unknown), added-token text in the response, or a tokenizer outside these rules fall back to
//    cut 1.
import type { LmTokenizer } from '../lm/tokenizer';

/** A settled boundary of one view's text: the normalized section's first `upTo` chars encode to `ids` whatever
 *  follows `checked`. */
export interface SettledPrefix {
  /** The normalized section the boundaries were checked on (the text must still start with it). */
  checked: string;
  upTo: number;
  ids: number[];
  /** Positions up to here have had their final check (those past `upTo` failed it): later steps check new ones only. */
  scanned: number;
}

interface TokenizerJson {
  normalizer?: { type?: string; normalizers?: TokenizerJson['normalizer'][]; prepend?: string; pattern?: { String?: string }; content?: string } | null;
  pre_tokenizer?: { type?: string; pattern?: { String?: string } } | null;
  model?: { type?: string; vocab?: Record<string, number>; merges?: Array<string | [string, string]>; dropout?: number | null; continuing_subword_prefix?: string | null;
    end_of_word_suffix?: string | null; ignore_merges?: boolean; byte_fallback?: boolean };
  added_tokens?: Array<{ id: number; content: string; normalized?: boolean; rstrip?: boolean }>;
}

/** What cut 2 needs of a tokenizer that qualifies (see the header). */
interface SectionBpe {
  prepend: boolean;
  /** merge ranks by left + "\u0000" + right (a repeated rule keeps its last rank, as the library's Map does), and the
   *  rules' left parts */
  ranks: Map<string, number>;
  lefts: Set<string>;
  maxLeft: number;
  maxRight: number;
  added: string[];
  /** added tokens that strip the whitespace after them (the section after one is then not encoded alone) */
  rstrip: Set<string>;
  /** token string → id: the model's vocabulary, then the added tokens */
  vocab: Map<string, number>;
}

const sectionBpes = new WeakMap<LmTokenizer, SectionBpe | null>();

/** Cut 2's tables for a tokenizer, or null when it does not qualify (cached per tokenizer). */
export function sectionBpe(tok: LmTokenizer): SectionBpe | null {
  if (!sectionBpes.has(tok)) sectionBpes.set(tok, readSectionBpe(tok));
  return sectionBpes.get(tok)!;
}

function readSectionBpe(tok: LmTokenizer): SectionBpe | null {
  const json = (tok.raw as unknown as { _tokenizerJSON?: TokenizerJson })._tokenizerJSON;
  const config = (tok.raw as unknown as { config?: Record<string, unknown> }).config ?? {};
  const model = json?.model;
  if (!json || !model || model.type !== 'BPE' || !model.merges || !model.byte_fallback || model.dropout || model.continuing_subword_prefix || model.end_of_word_suffix
    || model.ignore_merges || config.remove_space || config.do_lowercase_and_remove_accent) return null;
  // normalizer: Replace " " → "▁", optionally after Prepend "▁"
  const n = json.normalizer;
  const steps = n?.type === 'Sequence' ? n.normalizers ?? [] : n ? [n] : [];
  const isReplace = (s: (typeof steps)[number]) => s?.type === 'Replace' && s.pattern?.String === ' ' && s.content === '▁';
  let prepend = false;
  if (steps.length === 2 && steps[0]?.type === 'Prepend' && steps[0].prepend === '▁' && isReplace(steps[1])) prepend = true;
  else if (!(steps.length === 1 && isReplace(steps[0]))) return null;
  const pre = json.pre_tokenizer;
  if (pre && !(pre.type === 'Split' && pre.pattern?.String === ' ')) return null; // a split on " " finds none after Replace
  if ((json.added_tokens ?? []).some((t) => t.normalized)) return null;
  const ranks = new Map<string, number>();
  const lefts = new Set<string>();
  let maxLeft = 0;
  let maxRight = 0;
  for (const [rank, m] of model.merges.entries()) {
    const [a, b] = typeof m === 'string' ? splitMerge(m) : m;
    ranks.set(`${a}\u0000${b}`, rank);
    lefts.add(a);
    maxLeft = Math.max(maxLeft, a.length);
    maxRight = Math.max(maxRight, b.length);
  }
  const added = json.added_tokens ?? [];
  const vocab = new Map(Object.entries(model.vocab ?? {}));
  for (const t of added) vocab.set(t.content, t.id);
  return { prepend, ranks, lefts, maxLeft, maxRight, added: added.map((t) => t.content), rstrip: new Set(added.filter((t) => t.rstrip).map((t) => t.content)), vocab };
}

function splitMerge(m: string): [string, string] {
  const i = m.indexOf(' ', 1);
  return [m.slice(0, i), m.slice(i + 1)];
}

/** Whether no merge rule pairs a suffix of norm[..q) with a prefix of norm[q..) (no merge can cross q). */
function noMergeAcross(bpe: SectionBpe, norm: string, q: number): boolean {
  for (let i = 1; i <= Math.min(bpe.maxLeft, q); i++) {
    const x = norm.slice(q - i, q);
    if (!bpe.lefts.has(x)) continue;
    for (let j = 1; j <= Math.min(bpe.maxRight, norm.length - q); j++) if (bpe.ranks.has(`${x}\u0000${norm.slice(q, q + j)}`)) return false;
  }
  return true;
}

const utf8 = new TextEncoder();

/** BPE of one normalized word to ids, or null where a symbol has neither an id nor byte tokens (unknown). */
function bpeIds(bpe: SectionBpe, word: string): number[] | null {
  const syms = Array.from(word);
  const rank: number[] = [];
  const rankAt = (i: number) => bpe.ranks.get(`${syms[i]}\u0000${syms[i + 1]}`) ?? Infinity;
  for (let i = 0; i + 1 < syms.length; i++) rank.push(rankAt(i));
  for (;;) {
    let at = -1;
    let best = Infinity;
    for (let i = 0; i < rank.length; i++) if (rank[i] < best) { best = rank[i]; at = i; }
    if (at < 0) break;
    syms.splice(at, 2, syms[at] + syms[at + 1]);
    rank.splice(at, 1);
    if (at > 0) rank[at - 1] = rankAt(at - 1);
    if (at < rank.length) rank[at] = rankAt(at);
  }
  const ids: number[] = [];
  for (const sym of syms) {
    const id = bpe.vocab.get(sym);
    if (id !== undefined) { ids.push(id); continue; }
    for (const byte of utf8.encode(sym)) {
      const b = bpe.vocab.get(`<0x${byte.toString(16).toUpperCase().padStart(2, '0')}>`);
      if (b === undefined) return null;
      ids.push(b);
    }
  }
  return ids;
}

export class PrefixEncoder {
  readonly prefixIds: number[];
  /** Cut 1, found on first use (same-vocabulary anchors only need prefixIds): ids before the prefix's last special
   *  token, that token's ids, and the prefix text after it (the start of the response's section). */
  private split: { head: number[]; special: number[]; specialText: string; sectionStart: string } | null | undefined;

  /** `cut` false: every call encodes prefix + text whole (the plain path the tests compare with). */
  constructor(readonly tok: LmTokenizer, readonly prefixText: string, readonly cut = true) {
    this.prefixIds = tok.encode(prefixText);
  }

  /** Whether cut 1 holds for this prefix (tests: the embedded and hub chat prefixes all end in a special token). */
  get isCut(): boolean {
    return this.cutPoint() !== null;
  }

  /** Whether cut 2 applies to this tokenizer and prefix (Gemma's qualifies, but its "\n" after "model" is an added
   *  token, so its response section never holds one BPE word and it stays at cut 1). */
  get settles(): boolean {
    const bpe = sectionBpe(this.tok);
    const split = this.cutPoint();
    return bpe !== null && split !== null && !bpe.rstrip.has(split.specialText) && !bpe.added.some((a) => split.sectionStart.includes(a));
  }

  private cutPoint(): NonNullable<PrefixEncoder['split']> | null {
    if (this.split === undefined) this.split = this.cut ? this.findCut() : null;
    return this.split;
  }

  private findCut(): NonNullable<PrefixEncoder['split']> | null {
    const { tok, prefixText, prefixIds } = this;
    const specials = new Set(tok.specialIds);
    for (let i = prefixIds.length - 1; i >= 0; i--) {
      if (!specials.has(prefixIds[i])) continue;
      const specialText = tok.tokenString(prefixIds[i]);
      const at = prefixText.lastIndexOf(specialText);
      if (at < 0) return null;
      const tailIds = tok.encode(prefixText.slice(at));
      if (tailIds.length !== prefixIds.length - i || tailIds.some((id, k) => id !== prefixIds[i + k])) return null;
      return { head: prefixIds.slice(0, i), special: [prefixIds[i]], specialText, sectionStart: prefixText.slice(at + specialText.length) };
    }
    return null;
  }

  /**
   * Ids of prefixText + text. `settled`: the view's last settled boundary (its text must have grown from the text
   * it was found on, else it is ignored); the result carries the new one.
   */
  encode(text: string, settled?: SettledPrefix | null): { ids: number[]; settled: SettledPrefix | null } {
    const split = this.cutPoint();
    if (!split) return { ids: this.tok.encode(this.prefixText + text), settled: null };
    const { head, special, specialText, sectionStart } = split;
    const bpe = sectionBpe(this.tok);
    const section = sectionStart + text;
    if (!bpe || bpe.rstrip.has(specialText) || bpe.added.some((a) => section.includes(a))) return { ids: head.concat(this.tok.encode(specialText + section)), settled: null };
    // the section as BPE sees it: " " → "▁", and a "▁" prepended to a non-empty section where the normalizer does
    const norm = section === '' ? '' : (bpe.prepend ? '▁' : '') + section.replaceAll(' ', '▁');
    const s = this.settle(bpe, norm, settled && norm.startsWith(settled.checked) ? settled : { checked: '', upTo: 0, ids: [], scanned: 0 });
    const restIds = s && bpeIds(bpe, norm.slice(s.upTo));
    if (!s || !restIds) return { ids: head.concat(this.tok.encode(specialText + section)), settled: null };
    return { ids: head.concat(special, s.ids, restIds), settled: s };
  }

  /**
   * Moves the settled boundary as far as the text allows: the last position whose merge check is final (the text
   * after it holds the longest right merge part) and passes. null where a piece has an unknown symbol.
   */
  private settle(bpe: SectionBpe, norm: string, s: SettledPrefix): SettledPrefix | null {
    const last = norm.length - bpe.maxRight;
    if (last <= s.scanned) return s;
    for (let q = last; q > Math.max(s.upTo, s.scanned); q--) {
      if (isLowSurrogate(norm.charCodeAt(q)) || !noMergeAcross(bpe, norm, q)) continue;
      const ids = bpeIds(bpe, norm.slice(s.upTo, q));
      return ids && { checked: norm, upTo: q, ids: s.ids.concat(ids), scanned: last };
    }
    return { ...s, checked: norm, scanned: last };
  }
}

function isLowSurrogate(c: number): boolean {
  return c >= 0xdc00 && c <= 0xdfff;
}
