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
import { softmaxMasked, topK } from './mix';

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
  extensions(prefix: string): number[] {
    const lo = lowerBound(this.sortedKeys, prefix);
    const hi = lowerBound(this.sortedKeys, prefix + '\u0100');
    const out: number[] = [];
    for (let i = lo; i < hi; i++) if (this.sortedKeys[i].length > prefix.length) out.push(this.sortedIds[i]);
    return out;
  }

  /** The anchor's distribution over what text comes next, healed over its last tokens. */
  continuations(ctx: AnchorContext, k: number): Continuations {
    const V = this.bridge.anchorVocab;
    const out: Continuations = { text: new Map(), special: new Map(), lostMass: 0, backedUp: 0 };
    const n = ctx.ids.length;
    const rs = ctx.responseStart;
    const pFull = softmaxMasked(ctx.logitsAt(n - 1)!, V, (this.scratchFull ??= new Float64Array(V)));
    const addToken = (b: number, w: number, start: boolean) => {
      let key = this.anchorKeys[b];
      if (key === '') {
        const t = b < V ? this.bridge.map[b] : -1;
        if (t >= 0) out.special.set(t, (out.special.get(t) ?? 0) + w);
        else out.lostMass += w;
        return;
      }
      // At the response start the anchor's lead (a metaspace " ") is the target's (none), not text.
      if (start && key.startsWith(this.lead.anchor)) key = this.lead.target + key.slice(this.lead.anchor.length);
      if (key === '') { out.lostMass += w; return; }
      out.text.set(key, (out.text.get(key) ?? 0) + w);
    };
    let j = n;
    let exts: number[] = [];
    for (let b = Math.max(rs, n - MAX_BACK); b < n; b++) {
      const suffix = ctx.ids.slice(b).map((id) => this.anchorKeys[id]).join('');
      if (ctx.ids.slice(b).some((id) => this.anchorKeys[id] === '')) continue;
      const e = this.extensions(suffix);
      if (e.length > 0 && ctx.logitsAt(b - 1)) { j = b; exts = e; break; }
    }
    if (j === n) {
      for (const b of topK(pFull, k)) addToken(b, pFull[b], n === rs);
      return out;
    }
    out.backedUp = n - j;
    const suffix = ctx.ids.slice(j).map((id) => this.anchorKeys[id]).join('');
    const pj = softmaxMasked(ctx.logitsAt(j - 1)!, V, (this.scratchBack ??= new Float64Array(V)));
    if (exts.length > MAX_EXTENSIONS) {
      const top = new Set(topK(pj, k));
      exts = exts.filter((a) => top.has(a));
    }
    for (const a of exts) {
      const rest = this.anchorKeys[a].slice(suffix.length);
      out.text.set(rest, (out.text.get(rest) ?? 0) + pj[a]);
    }
    // The suffix as tokenized: the product of its tokens' probabilities, then the next token.
    let wEnd = 1;
    for (let i = j; i < n; i++) wEnd *= softmaxAt(ctx.logitsAt(i - 1)!, V, ctx.ids[i]);
    if (wEnd > 0) for (const b of topK(pFull, k)) addToken(b, wEnd * pFull[b], false);
    return out;
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
    const acc = new Map<number, number>();
    const add = (t: number, w: number) => acc.set(t, (acc.get(t) ?? 0) + w);
    let lostMass = c.lostMass;
    for (const [t, w] of c.special) add(t, w);
    const keys = this.index.keys;
    for (const [key, w] of c.text) {
      const mapped = this.mapKey(key);
      const share: number[] = [];
      let z = 0;
      if (opensWord(key)) {
        for (const t of targetTop) {
          if (keys[t].length >= key.length && keys[t].startsWith(key) && pt[t] > 0) { share.push(t); z += pt[t]; }
        }
      }
      if (z > 0) for (const t of share) add(t, (w * pt[t]) / z);
      else if (mapped >= 0) add(mapped, w);
      else lostMass += w;
    }
    return { ids: [...acc.keys()], probs: [...acc.values()], lostMass };
  }
}

/** Whether text can continue this key inside the same token: it ends in ASCII space/punctuation or mid-character. */
export function opensWord(key: string): boolean {
  const last = key.charCodeAt(key.length - 1);
  if (last < 0x80) return !/[A-Za-z0-9]/.test(key[key.length - 1]);
  // Non-ASCII: open when the key ends inside a UTF-8 sequence (its last lead byte needs more bytes than follow it).
  for (let back = 1; back <= Math.min(4, key.length); back++) {
    const b = key.charCodeAt(key.length - back);
    if ((b & 0xc0) === 0x80) continue;
    const need = b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : b >= 0xc0 ? 2 : 1;
    return need > back;
  }
  return true;
}

function softmaxAt(logits: Float32Array, V: number, id: number): number {
  let max = -Infinity;
  for (let i = 0; i < V; i++) if (logits[i] > max) max = logits[i];
  let z = 0;
  for (let i = 0; i < V; i++) z += Math.exp(logits[i] - max);
  return id < V ? Math.exp(logits[id] - max) / z : 0;
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
