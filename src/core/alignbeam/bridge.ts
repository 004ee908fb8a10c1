// The vocabulary bridge: anchor token id → target token id, built once per (anchor, target, kind) and cached.
// Tokens are compared by the exact bytes they add to running text (tokenizerBytes.ts), never by decoded strings:
// a byte-level token may hold half a UTF-8 character and a metaspace decoder strips the leading space.
//
// Kinds:
//   identity  same vocabulary (checked entry by entry): id → id.
//   exact     the target token with the same bytes, else lost.
//   text      exact if one exists; else the anchor token's text re-encoded with the target tokenizer and mapped to
//             the FIRST target token (approximate) when that token's bytes are a prefix of the anchor token's;
//             otherwise (incomplete UTF-8, normalisers that add a "▁") the target token with the longest byte
//             prefix. Nothing at all → lost.
//   mined     exact if one exists; else the target token nearest by edit distance over bytes (within half the
//             length), else lost. Large vocabularies compare against at most MINED_CANDIDATES tokens of similar
//             length and first byte.
// Specials map by identical string, or by role (eos → eos, bos → bos), and count as exact; other specials are lost.
import type { LmTokenizer } from '../lm/tokenizer';
import { SettingsError } from './errors';
import type { BridgeCoverage, BridgeKind, BridgeMatch } from './types';

export const MATCH_EXACT = 0;
export const MATCH_APPROX = 1;
export const MATCH_LOST = 2;
const MATCH_NAMES: readonly BridgeMatch[] = ['exact', 'approx', 'lost'];

export interface VocabBridge {
  kind: BridgeKind;
  /** Anchor ids covered (the anchor's usable vocabulary). */
  anchorVocab: number;
  /** Target ids below this are the only ones the bridge produces (masked lm-head widths excluded). */
  targetVocab: number;
  /** anchor id → target id, −1 when lost. */
  map: Int32Array;
  /** anchor id → MATCH_EXACT | MATCH_APPROX | MATCH_LOST. */
  match: Uint8Array;
  buildMs: number;
}

export interface BridgeOptions {
  /** Usable anchor ids (default the tokenizer's vocabulary). */
  anchorVocab?: number;
  /** Usable target ids, e.g. min(tokenizer vocab, lm-head width) (default the tokenizer's vocabulary). */
  targetVocab?: number;
  /**
   * Bytes each model's tokenization puts before a response's first character (responseLead in anchorView.ts; e.g.
   * a metaspace "▁" = " "). Given, the bridge is the one for the FIRST response token: an anchor token that starts
   * with the anchor's lead has it replaced by the target's, so "▁I" at the response start means "I", not " I".
   */
  startLead?: { anchor: string; target: string };
}

const MINED_CANDIDATES = 2048;
const BYTE_TOKEN = /^<0x[0-9A-Fa-f]{2}>$/;
const fatalUtf8 = new TextDecoder('utf-8', { fatal: true });

/** Bytes as a Latin-1 string: a cheap Map key where each char is one byte. */
export function bytesKey(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length; i++) s += String.fromCharCode(bytes[i]);
  return s;
}

export function matchName(code: number): BridgeMatch {
  return MATCH_NAMES[code];
}

/** Same vocabulary: same size and the same entry at every id. */
export function sameVocabulary(a: LmTokenizer, b: LmTokenizer): boolean {
  if (a === b) return true;
  if (a.vocabSize !== b.vocabSize || a.convention !== b.convention) return false;
  for (let i = 0; i < a.vocabSize; i++) if (a.tokenString(i) !== b.tokenString(i)) return false;
  return true;
}

export interface TargetIndex {
  /** bytes key → id (non-special; a real token is preferred over a <0xNN> byte token with the same byte). */
  byBytes: Map<string, number>;
  keys: string[];
  special: Map<string, number>;
  maxLen: number;
  limit: number;
}

const indexes = new WeakMap<LmTokenizer, Map<number, TargetIndex>>();

/** The byte index of a target vocabulary (cached per tokenizer and limit). */
export function targetIndex(target: LmTokenizer, limit: number): TargetIndex {
  let byLimit = indexes.get(target);
  if (!byLimit) indexes.set(target, (byLimit = new Map()));
  let index = byLimit.get(limit);
  if (!index) byLimit.set(limit, (index = indexTarget(target, limit)));
  return index;
}

function indexTarget(target: LmTokenizer, limit: number): TargetIndex {
  const specialIds = new Set(target.specialIds);
  const byBytes = new Map<string, number>();
  const keys: string[] = new Array<string>(limit);
  const special = new Map<string, number>();
  let maxLen = 0;
  for (let id = 0; id < limit; id++) {
    const str = target.tokenString(id);
    if (specialIds.has(id)) {
      special.set(str, id);
      keys[id] = '';
      continue;
    }
    const key = bytesKey(target.tokenBytes(id));
    keys[id] = key;
    if (key.length === 0) continue;
    maxLen = Math.max(maxLen, key.length);
    const prev = byBytes.get(key);
    if (prev === undefined || (BYTE_TOKEN.test(target.tokenString(prev)) && !BYTE_TOKEN.test(str))) byBytes.set(key, id);
  }
  return { byBytes, keys, special, maxLen, limit };
}

function longestPrefix(index: TargetIndex, key: string): number {
  for (let len = Math.min(index.maxLen, key.length); len > 0; len--) {
    const id = index.byBytes.get(key.slice(0, len));
    if (id !== undefined) return id;
  }
  return -1;
}

/** Levenshtein distance over bytes with an early exit once every cell exceeds `cap`. */
export function editDistance(a: string, b: string, cap = Infinity): number {
  if (Math.abs(a.length - b.length) > cap) return cap + 1;
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    let rowMin = i;
    for (let j = 1; j <= b.length; j++) {
      const v = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a.charCodeAt(i - 1) === b.charCodeAt(j - 1) ? 0 : 1));
      cur.push(v);
      if (v < rowMin) rowMin = v;
    }
    if (rowMin > cap) return cap + 1;
    prev = cur;
  }
  return prev[b.length];
}

/** Candidate lists for mined matching: target ids bucketed by first byte, each sorted by length. */
function minedBuckets(index: TargetIndex): Map<number, number[]> {
  const buckets = new Map<number, number[]>();
  for (const [key, id] of index.byBytes) {
    const b = key.charCodeAt(0);
    let list = buckets.get(b);
    if (!list) buckets.set(b, (list = []));
    list.push(id);
  }
  for (const list of buckets.values()) list.sort((x, y) => index.keys[x].length - index.keys[y].length || x - y);
  return buckets;
}

function nearestMined(index: TargetIndex, buckets: Map<number, number[]>, key: string): number {
  const cap = Math.max(1, Math.floor(key.length / 2));
  const list = buckets.get(key.charCodeAt(0));
  if (!list) return -1;
  // Candidates closest in length first (distance ≥ length difference), at most MINED_CANDIDATES of them.
  const near = list.filter((id) => Math.abs(index.keys[id].length - key.length) <= cap)
    .sort((x, y) => Math.abs(index.keys[x].length - key.length) - Math.abs(index.keys[y].length - key.length) || x - y)
    .slice(0, MINED_CANDIDATES);
  let best = -1;
  let bestD = cap + 1;
  for (const id of near) {
    const d = editDistance(key, index.keys[id], bestD - 1);
    if (d < bestD) { bestD = d; best = id; }
  }
  return best;
}

/**
 * Where a byte string (an anchor token, or the rest of one after token healing) lands in the target vocabulary, by
 * the rules of `kind` (not identity): [target id or −1, match class].
 */
export function mapBytes(index: TargetIndex, target: LmTokenizer, bytes: Uint8Array, kind: Exclude<BridgeKind, 'identity'>,
  buckets?: Map<number, number[]>): [number, number] {
  if (bytes.length === 0) return [-1, MATCH_LOST];
  const key = bytesKey(bytes);
  const exact = index.byBytes.get(key);
  if (exact !== undefined) return [exact, MATCH_EXACT];
  if (kind === 'exact') return [-1, MATCH_LOST];
  if (kind === 'mined') return [nearestMined(index, buckets ?? minedBuckets(index), key), MATCH_APPROX];
  // text: re-encode complete UTF-8 with the target tokenizer and keep its first token if it is a byte prefix.
  let first = -1;
  let text: string | null = null;
  try { text = fatalUtf8.decode(bytes); } catch { text = null; } // an incomplete UTF-8 piece
  if (text !== null) {
    const ids = target.encode(text);
    const id = ids.length > 0 ? ids[0] : -1;
    if (id >= 0 && id < index.limit && index.keys[id].length > 0 && key.startsWith(index.keys[id])) first = id;
  }
  return [first >= 0 ? first : longestPrefix(index, key), MATCH_APPROX];
}

/** Builds the bridge (uncached; use `getBridge` for the cached one). */
export function buildBridge(anchor: LmTokenizer, target: LmTokenizer, kind: BridgeKind, o: BridgeOptions = {}): VocabBridge {
  const t0 = performance.now();
  const A = o.anchorVocab ?? anchor.vocabSize;
  const T = o.targetVocab ?? target.vocabSize;
  const map = new Int32Array(A).fill(-1);
  const match = new Uint8Array(A).fill(MATCH_LOST);
  if (kind === 'identity') {
    if (!sameVocabulary(anchor, target)) throw new SettingsError(['the identity bridge needs the anchor and the target to share a vocabulary; use the text, exact or mined bridge']);
    for (let i = 0; i < Math.min(A, T); i++) { map[i] = i; match[i] = MATCH_EXACT; }
    return { kind, anchorVocab: A, targetVocab: T, map, match, buildMs: performance.now() - t0 };
  }
  const index = targetIndex(target, T);
  const anchorSpecial = new Set(anchor.specialIds);
  const buckets = kind === 'mined' ? minedBuckets(index) : undefined;
  const roles: Array<[number | null, number | null]> = [[anchor.eosId, target.eosId], [anchor.bosId, target.bosId]];
  const set = (i: number, id: number, m: number) => {
    if (id >= 0 && id < T) { map[i] = id; match[i] = m; }
  };
  for (let i = 0; i < A; i++) {
    if (anchorSpecial.has(i)) {
      const same = index.special.get(anchor.tokenString(i));
      const role = roles.find(([a]) => a === i)?.[1];
      if (same !== undefined) set(i, same, MATCH_EXACT);
      else if (role !== undefined && role !== null) set(i, role, MATCH_EXACT);
      continue;
    }
    let bytes = anchor.tokenBytes(i);
    if (o.startLead) bytes = swapLead(bytes, o.startLead);
    const [id, m] = mapBytes(index, target, bytes, kind, buckets);
    set(i, id, m);
  }
  return { kind, anchorVocab: A, targetVocab: T, map, match, buildMs: performance.now() - t0 };
}

const utf8 = new TextEncoder();

function swapLead(bytes: Uint8Array, lead: { anchor: string; target: string }): Uint8Array {
  const a = utf8.encode(lead.anchor);
  if (a.length > bytes.length || a.some((b, j) => bytes[j] !== b)) return bytes;
  const t = utf8.encode(lead.target);
  const out = new Uint8Array(t.length + bytes.length - a.length);
  out.set(t);
  out.set(bytes.subarray(a.length), t.length);
  return out;
}

const cache = new WeakMap<LmTokenizer, WeakMap<LmTokenizer, Map<string, VocabBridge>>>();

/** The bridge for a pair, built on first use and kept while both tokenizers live. */
export function getBridge(anchor: LmTokenizer, target: LmTokenizer, kind: BridgeKind, o: BridgeOptions = {}): VocabBridge {
  let byTarget = cache.get(anchor);
  if (!byTarget) cache.set(anchor, (byTarget = new WeakMap()));
  let byKind = byTarget.get(target);
  if (!byKind) byTarget.set(target, (byKind = new Map()));
  const lead = o.startLead ? `:${JSON.stringify(o.startLead)}` : '';
  const key = `${kind}:${o.anchorVocab ?? anchor.vocabSize}:${o.targetVocab ?? target.vocabSize}${lead}`;
  let bridge = byKind.get(key);
  if (!bridge) byKind.set(key, (bridge = buildBridge(anchor, target, kind, o)));
  return bridge;
}

/** Token counts per match class over the anchor vocabulary; masses of `probs` (any non-negative weights over anchor
 *  ids, normalised here) or of the uniform distribution when omitted. */
export function bridgeCoverage(bridge: VocabBridge, probs?: ArrayLike<number>, ids?: ArrayLike<number>): BridgeCoverage {
  const tokens = [0, 0, 0];
  for (let i = 0; i < bridge.anchorVocab; i++) tokens[bridge.match[i]]++;
  const mass = [0, 0, 0];
  if (probs === undefined) {
    for (let c = 0; c < 3; c++) mass[c] = tokens[c];
  } else {
    const n = ids ? ids.length : Math.min(probs.length, bridge.anchorVocab);
    for (let j = 0; j < n; j++) {
      const id = ids ? ids[j] : j;
      // Ids beyond the bridge (a wider lm head than the tokenizer) carry no text: lost.
      mass[id < bridge.anchorVocab ? bridge.match[id] : MATCH_LOST] += probs[j];
    }
  }
  const total = mass[0] + mass[1] + mass[2] || 1;
  return {
    exactMass: mass[0] / total, approxMass: mass[1] / total, lostMass: mass[2] / total,
    exactTokens: tokens[0], approxTokens: tokens[1], lostTokens: tokens[2],
  };
}

/** Mean of several coverages (token counts are the bridge's, equal in all). */
export function meanCoverage(list: readonly BridgeCoverage[]): BridgeCoverage | null {
  if (list.length === 0) return null;
  const avg = (k: 'exactMass' | 'approxMass' | 'lostMass') => list.reduce((s, c) => s + c[k], 0) / list.length;
  return { ...list[0], exactMass: avg('exactMass'), approxMass: avg('approxMass'), lostMass: avg('lostMass') };
}

/** A sparse distribution over target ids (ids unique). */
export interface SparseDist {
  ids: number[];
  probs: number[];
}

/**
 * Translates a sparse anchor distribution (e.g. its top-k) into target space: mass of anchor tokens that map to the
 * same target id adds up, lost mass is dropped and reported. Not renormalised (the mixer does that). Reuses one
 * scratch buffer, so keep one Translator per bridge and decode loop.
 */
export class Translator {
  private readonly acc: Float64Array;
  private readonly seen: Uint8Array;

  constructor(readonly bridge: VocabBridge) {
    this.acc = new Float64Array(bridge.targetVocab);
    this.seen = new Uint8Array(bridge.targetVocab);
  }

  translate(anchorIds: ArrayLike<number>, anchorProbs: ArrayLike<number>): SparseDist & { lostMass: number } {
    const { map, anchorVocab } = this.bridge;
    const ids: number[] = [];
    let lostMass = 0;
    for (let j = 0; j < anchorIds.length; j++) {
      const a = anchorIds[j];
      const t = a < anchorVocab ? map[a] : -1;
      if (t < 0) { lostMass += anchorProbs[j]; continue; }
      if (!this.seen[t]) { this.seen[t] = 1; ids.push(t); }
      this.acc[t] += anchorProbs[j];
    }
    const probs = ids.map((t) => {
      const p = this.acc[t];
      this.acc[t] = 0;
      this.seen[t] = 0;
      return p;
    });
    return { ids, probs, lostMass };
  }
}
