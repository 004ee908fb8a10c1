// Cross-vocabulary translation that respects token boundaries on both sides ("token healing").
//
// Anchor side. The committed text often ends inside what the anchor would write as one token: the target wrote
// "Answer" where the anchor's vocabulary has "▁Answer:". Re-tokenized, the anchor sits after "▁A nsw er", a split it
// never saw, and its next-token distribution is noise. So we back up to the earliest of the last MAX_BACK anchor
// token boundaries whose suffix (the text after it) some anchor token extends, and ask what text comes next:
//   · a token a that extends the suffix continues with the rest of a, weight p(a | before the suffix);
//   · the suffix ends as tokenized, weight Π p(suffix tokens), then the anchor's next token b, weight p(b | text).
// Target side. A continuation such as " " (the anchor writes "▁" then "4") is a strict prefix of target tokens
// (" 4", " 2"): the target never writes " " then "4". Its mass is shared among the target's top-k tokens that
// start with it (and the exact token), in proportion to the target's own probabilities: the anchor picks the
// direction, the target the token. Only where the continuation cannot end a word: after a space or punctuation, or
// inside a UTF-8 character; "I" is not shared with "It" (the anchor ended a word there). Otherwise a continuation
// goes where the text bridge sends its bytes.
import type { LmTokenizer } from '../lm/tokenizer';
import type { AnchorContext } from './anchorView';
import { bytesKey, mapBytes, targetIndex, type SparseDist, type TargetIndex, type VocabBridge } from './bridge';
import { softmaxMasked, softmaxStats, topK, type SoftmaxStats } from './mix';

/** How many anchor tokens healing may back up over. */
export const MAX_BACK = 4;
/** Past this many vocabulary extensions, only those in the anchor's top-k are used. */
const MAX_EXTENSIONS = 512;

/** Anchor continuations: text (Latin-1 byte keys) with weights, and special tokens already in target ids. */
export interface Continuations {
  text: Map<string, number>;
  special: Map<number, number>;
  lostMass: number;
  /** Anchor tokens backed up over (0 = plain next-token distribution). */
  backedUp: number;
}

export class Healer {
  private readonly index: TargetIndex;
  private readonly memo = new Map<string, number>();
  private readonly anchorKeys: string[];
  private readonly sortedKeys: string[];
  private readonly sortedIds: number[];
  private readonly lead: { anchor: string; target: string };
  /** Softmax buffers for `continuations` (synchronous, so one call at a time uses them). */
  private scratchFull?: Float64Array;
  private scratchBack?: Float64Array;
  private readonly statsCache = new WeakMap<Float32Array, SoftmaxStats>();
  private readonly topSets = new WeakMap<Float32Array, { k: number; ids: Set<number> }>();
  private readonly extendedMemo = new Map<string, { ids: number[]; rests: string[] }>();
  /** toTarget's sums per target id (all zero between calls) */
  private accScratch?: Float64Array;
  private seenScratch?: Uint8Array;

  /** `leads`: what each tokenization puts before the first response character (responseLead in anchorView.ts). */
  constructor(readonly anchor: LmTokenizer, readonly target: LmTokenizer, readonly bridge: VocabBridge, leads: { anchor: string; target: string }) {
    this.index = targetIndex(target, bridge.targetVocab);
    const special = new Set(anchor.specialIds);
    this.anchorKeys = Array.from({ length: bridge.anchorVocab }, (_, i) => (special.has(i) ? '' : bytesKey(anchor.tokenBytes(i))));
    const order = this.anchorKeys.map((_, i) => i).filter((i) => this.anchorKeys[i] !== '')
      .sort((a, b) => (this.anchorKeys[a] < this.anchorKeys[b] ? -1 : this.anchorKeys[a] > this.anchorKeys[b] ? 1 : a - b));
    this.sortedIds = order;
    this.sortedKeys = order.map((i) => this.anchorKeys[i]);
    const latin1 = (s: string) => bytesKey(new TextEncoder().encode(s));
    this.lead = { anchor: latin1(leads.anchor), target: latin1(leads.target) };
  }

  /** Anchor ids whose bytes strictly extend `prefix` (binary search over the sorted keys). */
  extensions(prefix: string): readonly number[] {
    return this.extended(prefix).ids;
  }

  /** extensions(prefix) and each one's rest (its bytes after the prefix), kept per prefix: a decode asks for the same
   *  few suffixes at step after step, and a short one (" ") has hundreds of extensions. */
  private extended(prefix: string): { ids: number[]; rests: string[] } {
    let e = this.extendedMemo.get(prefix);
    if (!e) {
      const lo = lowerBound(this.sortedKeys, prefix);
      const hi = lowerBound(this.sortedKeys, prefix + '\u0100');
      e = { ids: [], rests: [] };
      for (let i = lo; i < hi; i++) {
        if (this.sortedKeys[i].length <= prefix.length) continue;
        e.ids.push(this.sortedIds[i]);
        e.rests.push(this.sortedKeys[i].slice(prefix.length));
      }
      if (this.extendedMemo.size >= 8192) this.extendedMemo.clear();
      this.extendedMemo.set(prefix, e);
    }
    return e;
  }

  /** The anchor's distribution over what text comes next, healed over its last tokens. */
  continuations(ctx: AnchorContext, k: number): Continuations {
    const V = this.bridge.anchorVocab;
    const out: Continuations = { text: new Map(), special: new Map(), lostMass: 0, backedUp: 0 };
    const n = ctx.ids.length;
    const rs = ctx.responseStart;
    const keys = this.anchorKeys;
    // The earliest of the last MAX_BACK boundaries whose suffix (text after it) some anchor token extends.
    let j = n;
    let exts: { ids: number[]; rests: string[] } | null = null;
    for (let b = Math.max(rs, n - MAX_BACK); b < n; b++) {
      let suffix = '';
      let special = false;
      for (let i = b; i < n; i++) {
        const key = keys[ctx.ids[i]] ?? ''; // ids past the bridge (none in practice) add no text, as before
        if (key === '') { special = true; break; }
        suffix += key;
      }
      if (special) continue;
      const e = this.extended(suffix);
      if (e.ids.length > 0 && ctx.logitsAt(b - 1)) { j = b; exts = e; break; }
    }
    const last = ctx.logitsAt(n - 1)!;
    if (j === n || !exts) {
      const pFull = this.softmaxOf(last, V, (this.scratchFull ??= new Float64Array(V)));
      for (const b of topK(pFull, k)) this.addToken(out, b, pFull[b], n === rs);
      return out;
    }
    out.backedUp = n - j;
    // p(a | text before the suffix) for the extensions only; the whole distribution only where its top-k is needed.
    const lj = ctx.logitsAt(j - 1)!;
    const sj = this.stats(lj, V);
    const top = exts.ids.length > MAX_EXTENSIONS ? this.topSet(lj, V, k) : null;
    for (let e = 0; e < exts.ids.length; e++) {
      const a = exts.ids[e];
      if (top && !top.has(a)) continue;
      const rest = exts.rests[e];
      out.text.set(rest, (out.text.get(rest) ?? 0) + (a < V ? Math.exp(lj[a] - sj.max) / sj.z : 0));
    }
    // The suffix as tokenized: the product of its tokens' probabilities, then the next token.
    let wEnd = 1;
    for (let i = j; i < n; i++) {
      const li = ctx.logitsAt(i - 1)!;
      const si = this.stats(li, V);
      const id = ctx.ids[i];
      wEnd *= id < V ? Math.exp(li[id] - si.max) / si.z : 0;
    }
    if (wEnd > 0) {
      const pFull = this.softmaxOf(last, V, (this.scratchFull ??= new Float64Array(V)));
      for (const b of topK(pFull, k)) this.addToken(out, b, wEnd * pFull[b], false);
    }
    return out;
  }

  /** Adds anchor token b's continuation with weight w (at the response start the anchor's lead is the target's). */
  private addToken(out: Continuations, b: number, w: number, start: boolean): void {
    let key = this.anchorKeys[b];
    if (key === '') {
      const t = b < this.bridge.anchorVocab ? this.bridge.map[b] : -1;
      if (t >= 0) out.special.set(t, (out.special.get(t) ?? 0) + w);
      else out.lostMass += w;
      return;
    }
    if (start && key.startsWith(this.lead.anchor)) key = this.lead.target + key.slice(this.lead.anchor.length);
    if (key === '') { out.lostMass += w; return; }
    out.text.set(key, (out.text.get(key) ?? 0) + w);
  }

  /** The top-k anchor ids of a position as a set, kept per position (backing up reads the same one step after step). */
  private topSet(logits: Float32Array, V: number, k: number): Set<number> {
    let memo = this.topSets.get(logits);
    if (!memo || memo.k !== k) this.topSets.set(logits, (memo = { k, ids: new Set(topK(softmaxMasked(logits, V, (this.scratchBack ??= new Float64Array(V))), k)) }));
    return memo.ids;
  }

  /** softmaxMasked of an anchor position into `scratch`, keeping its max and normaliser for later steps. */
  private softmaxOf(logits: Float32Array, V: number, scratch: Float64Array): Float64Array {
    const st = { max: 0, z: 0 };
    const p = softmaxMasked(logits, V, scratch, st);
    this.statsCache.set(logits, st);
    return p;
  }

  /**
   * The max and normaliser of an anchor position's softmax. Positions' logits are the views' immutable history
   * arrays, so each is summed once per decode, not once per step that backs up over it (up to MAX_BACK times), and
   * a token's probability is then one exp: the same number softmaxMasked gives (same loops, same order).
   */
  private stats(logits: Float32Array, V: number): SoftmaxStats {
    let st = this.statsCache.get(logits);
    if (!st) this.statsCache.set(logits, (st = softmaxStats(logits, V)));
    return st;
  }

  private mapKey(key: string): number {
    let id = this.memo.get(key);
    if (id === undefined) {
      const kind = this.bridge.kind === 'identity' ? 'exact' : this.bridge.kind;
      id = mapBytes(this.index, this.target, Uint8Array.from(key, (c) => c.charCodeAt(0)), kind)[0];
      this.memo.set(key, id);
    }
    return id;
  }

  /** Continuations → a sparse distribution over target ids (not renormalised), using the target's own top-k. */
  toTarget(c: Continuations, pt: Float64Array, targetTop: readonly number[]): SparseDist & { lostMass: number } {
    // Sums per target id in a dense scratch (ids in first-seen order, each sum 0 + w1 + w2 … as a Map would add them).
    const T = this.bridge.targetVocab;
    const acc = (this.accScratch ??= new Float64Array(T));
    const seen = (this.seenScratch ??= new Uint8Array(T));
    const ids: number[] = [];
    const add = (t: number, w: number) => {
      if (!seen[t]) { seen[t] = 1; ids.push(t); }
      acc[t] += w;
    };
    let lostMass = c.lostMass;
    for (const [t, w] of c.special) add(t, w);
    const keys = this.index.keys;
    const share: number[] = [];
    for (const [key, w] of c.text) {
      share.length = 0;
      let z = 0;
      if (opensWord(key)) {
        for (const t of targetTop) {
          if (keys[t].length >= key.length && keys[t].startsWith(key) && pt[t] > 0) { share.push(t); z += pt[t]; }
        }
      }
      if (z > 0) {
        for (const t of share) add(t, (w * pt[t]) / z);
        continue;
      }
      const mapped = this.mapKey(key);
      if (mapped >= 0) add(mapped, w);
      else lostMass += w;
    }
    const probs = ids.map((t) => {
      const p = acc[t];
      acc[t] = 0;
      seen[t] = 0;
      return p;
    });
    return { ids, probs, lostMass };
  }
}

/** Whether text can continue this key inside the same token: it ends in ASCII space/punctuation or mid-character. */
export function opensWord(key: string): boolean {
  const last = key.charCodeAt(key.length - 1);
  if (last < 0x80) return !((last >= 0x30 && last <= 0x39) || (last >= 0x41 && last <= 0x5a) || (last >= 0x61 && last <= 0x7a));
  // Non-ASCII: open when the key ends inside a UTF-8 sequence (its last lead byte needs more bytes than follow it).
  for (let back = 1; back <= Math.min(4, key.length); back++) {
    const b = key.charCodeAt(key.length - back);
    if ((b & 0xc0) === 0x80) continue;
    const need = b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : b >= 0xc0 ? 2 : 1;
    return need > back;
  }
  return true;
}

function lowerBound(sorted: readonly string[], key: string): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid] < key) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
