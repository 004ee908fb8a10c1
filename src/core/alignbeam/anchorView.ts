// The anchor's view of the shared response text. Both models condition on the same committed text, not on the same
// tokens: after each target token the anchor re-tokenizes (its chat prefix + the committed text) and reuses its KV
// cache up to the longest common token prefix, so a merge that changes its last token costs one or two steps, not a
// full recompute. The K beams' views are advanced together (advanceBatch: one anchor run per token position and
// cache length, bit-identical to one run per view). Committed target bytes that end inside a UTF-8 character are held
// back until the character is complete (the anchor never sees U+FFFD).
import type { CausalLM, KvCache } from '../lm/causalLm';
import type { LmTokenizer } from '../lm/tokenizer';
import { commonPrefixLength, splitRows, stackRows, truncateCache } from './kv';
import { PrefixEncoder, type SettledPrefix } from './prefixEncoder';

/** How a model frames a user prompt: its chat template, or a plain fallback when it has none. */
export interface PromptFrame {
  prefix: (prompt: string) => string;
  /** Why the frame is not the model's own chat template (null when it is). */
  problem: string | null;
}

export function promptFrame(tok: LmTokenizer, label: string): PromptFrame {
  try {
    const probe = tok.chatPrefix('\u2063probe\u2063');
    if (!probe.includes('\u2063probe\u2063')) throw new Error('the rendered template does not contain the user message');
    tok.encodeChat('probe', 'reply'); // throws when the prompt prefix is not a prefix of the whole conversation
    return { prefix: (p) => tok.chatPrefix(p), problem: null };
  } catch (e) {
    const bos = tok.bosId !== null ? tok.tokenString(tok.bosId) : '';
    return {
      prefix: (p) => `${bos}User: ${p}\nAssistant:`,
      problem: `${label} has no usable chat template (${(e as Error).message}); it is prompted as "User: …\\nAssistant:", `
        + 'which it may not have been trained on, so its distribution (and the steering) can be weaker',
    };
  }
}

/**
 * Text a model's tokenization adds before the first response character: " " for a metaspace tokenizer that prepends
 * "▁" to the segment after its chat prefix, "" for byte-level ones. Read from the tokenizer, not assumed.
 */
export function responseLead(tok: LmTokenizer, frame: PromptFrame): string {
  // pair.generate asks for it on every call: kept per (tokenizer, frame), both long-lived
  let byFrame = leads.get(tok);
  if (!byFrame) leads.set(tok, (byFrame = new WeakMap()));
  let lead = byFrame.get(frame);
  if (lead === undefined) byFrame.set(frame, (lead = readResponseLead(tok, frame)));
  return lead;
}

const leads = new WeakMap<LmTokenizer, WeakMap<PromptFrame, string>>();

function readResponseLead(tok: LmTokenizer, frame: PromptFrame): string {
  const prefix = frame.prefix('p');
  const base = tok.encode(prefix);
  const ids = tok.encode(prefix + 'x');
  if (ids.length <= base.length || base.some((id, i) => ids[i] !== id)) return '';
  const rest = new TextDecoder().decode(concat(ids.slice(base.length).map((id) => tok.tokenBytes(id))));
  return rest.endsWith('x') ? rest.slice(0, -1) : '';
}

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) { out.set(p, o); o += p.length; }
  return out;
}

/** Length of the longest prefix of `bytes` that ends on a complete UTF-8 character. */
export function completeUtf8Length(bytes: Uint8Array): number {
  const n = bytes.length;
  for (let back = 1; back <= Math.min(3, n); back++) {
    const b = bytes[n - back];
    if ((b & 0xc0) === 0x80) continue; // continuation byte: keep looking for the lead byte
    const need = b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : b >= 0xc0 ? 2 : 1;
    return need > back ? n - back : n;
  }
  return n;
}

export interface AnchorViewStats {
  /** Tokens run through the model. */
  fed: number;
  /** Tokens whose cache entries were reused. */
  reused: number;
  /** Calls that re-tokenization forced to drop cached tokens. */
  rollbacks: number;
}

/** What token healing needs: the anchor's ids for the text and its logits at the last few positions. */
export interface AnchorContext {
  ids: number[];
  /** Index of the first response token in `ids` (= the prompt prefix length). */
  responseStart: number;
  /** Logits after ids[0..pos] (predicting ids[pos+1]); undefined where not computed. */
  logitsAt: (pos: number) => Float32Array | undefined;
}

export class AnchorView {
  private ids: number[] = [];
  private cache: KvCache | null = null;
  /** hist[i] = logits after ids[0..i] (predicting token i+1); entries can be missing (after a prefill). */
  private hist: (Float32Array | undefined)[] = [];
  private encoder: PrefixEncoder | undefined;
  /** The last text tokenized and its ids (a decode step asks for the same text twice: batching, then healing). */
  private lastText: string | null = null;
  private lastIds: number[] = [];
  /** The text's settled boundary (prefixEncoder.ts): ids before it are not re-encoded. */
  private settled: SettledPrefix | null = null;

  private constructor(readonly lm: CausalLM, readonly prefixText: string, readonly stats: AnchorViewStats, private readonly cutPrefix: boolean) {}

  /** `cutPrefix` false: encode the whole prefix + text at every step (PrefixEncoder's plain path, for the tests). */
  static create(lm: CausalLM, prefixText: string, cutPrefix = true): AnchorView {
    return new AnchorView(lm, prefixText, { fed: 0, reused: 0, rollbacks: 0 }, cutPrefix);
  }

  /** An independent copy (beams that fork from one parent); caches are immutable, so this shares them. */
  fork(): AnchorView {
    const v = new AnchorView(this.lm, this.prefixText, this.stats, this.cutPrefix);
    v.ids = this.ids;
    v.cache = this.cache;
    v.hist = [...this.hist];
    v.encoder = this.encoder;
    v.lastText = this.lastText;
    v.lastIds = this.lastIds;
    v.settled = this.settled;
    return v;
  }

  private prefixEncoder(): PrefixEncoder {
    return (this.encoder ??= new PrefixEncoder(this.lm.tokenizer, this.prefixText, this.cutPrefix));
  }

  private prefix(): number[] {
    return this.prefixEncoder().prefixIds;
  }

  /** Token ids of prefix + response text as this anchor tokenizes them (do not modify the array). */
  tokenize(responseText: string): number[] {
    if (responseText !== this.lastText) {
      ({ ids: this.lastIds, settled: this.settled } = this.prefixEncoder().encode(responseText, this.settled));
      this.lastText = responseText;
    }
    return this.lastIds;
  }

  /** Next-token logits after prefix + text; null when that no longer fits the anchor's context. */
  async logitsFor(responseText: string): Promise<Float32Array | null> {
    return this.logitsForIds(this.tokenize(responseText));
  }

  /**
   * Same-vocabulary pairs skip re-tokenization: the anchor reads the target's own response ids (as SafeDecoding
   * does), so at α = 1 it decodes exactly as it would alone.
   */
  async logitsForResponseIds(responseIds: readonly number[]): Promise<Float32Array | null> {
    return this.logitsForIds(this.idsForResponse(responseIds));
  }

  /**
   * The anchor's ids for prefix + text with logits at its last `back` + 1 positions (token healing backs up over the
   * last tokens). Usually free: those logits were kept from the previous steps; else one full forward fills them.
   */
  async context(responseText: string, back: number): Promise<AnchorContext | null> {
    const want = this.tokenize(responseText);
    const full = await this.logitsForIds(want);
    if (!full) return null;
    const responseStart = this.prefix().length;
    const from = Math.max(responseStart, want.length - back) - 1;
    const hist = this.hist;
    if (Array.from({ length: want.length - from }, (_, i) => hist[from + i]).some((l) => !l)) {
      const { logits, seqLen } = await this.lm.forwardAll([want]);
      const V = this.lm.lmHeadWidth;
      for (let pos = Math.max(0, from); pos < seqLen; pos++) hist[pos] ??= logits[0].slice(pos * V, (pos + 1) * V);
      this.stats.fed += want.length;
    }
    return { ids: want, responseStart, logitsAt: (pos) => (pos >= 0 ? hist[pos] : undefined) };
  }

  /** prefix ids + the target's response ids (same-vocabulary anchors). */
  idsForResponse(responseIds: readonly number[]): number[] {
    return [...this.prefix(), ...responseIds];
  }

  private async logitsForIds(want: number[]): Promise<Float32Array | null> {
    const plan = this.plan(want);
    if (plan === null || plan instanceof Float32Array) return plan;
    await AnchorView.advanceBatch([{ view: this, want }]);
    return this.hist[want.length - 1]!;
  }

  /** null: does not fit; logits: already known; 'prefill': no usable cache; else how many cached tokens to keep. */
  private plan(want: number[]): Float32Array | null | 'prefill' | number {
    if (want.length === 0 || want.length >= this.lm.nPositions) return null;
    const lcp = commonPrefixLength(this.ids, want);
    const known = this.hist[want.length - 1];
    if (this.cache && lcp === want.length && lcp === this.ids.length && known) return known;
    // At least one token must be fed to get logits for the last position.
    const keep = Math.min(lcp, want.length - 1);
    return !this.cache || keep === 0 ? 'prefill' : keep;
  }

  /**
   * Brings each view to its `want` ids (prefix + response as that view tokenizes it; one view per item). Each view
   * keeps its cache to the longest common prefix and feeds the rest one token at a time, as alone; the feeds of
   * different views share anchor runs. Unpadded (default), a run takes the views whose caches have the same length,
   * so every view's logits are bit-identical to stepping it alone. `pad` puts all views in one left-padded run per
   * token (attention masks): fewer runs, but ONNX Runtime's reductions then group differently and logits move by
   * ~4e-6 (bench/alignbeam.ts measures both). Later logitsFor/context calls for the same ids are free. Views whose
   * ids do not fit are left as they are (logitsFor then returns null).
   */
  static async advanceBatch(items: ReadonlyArray<{ view: AnchorView; want: number[] }>, pad = false): Promise<void> {
    const rows: Array<{ view: AnchorView; want: number[]; cache: KvCache; next: number; hist: (Float32Array | undefined)[] }> = [];
    for (const { view, want } of items) {
      const plan = view.plan(want);
      if (plan === null || plan instanceof Float32Array) continue;
      if (plan === 'prefill') {
        const res = await view.lm.prefill([want]);
        view.stats.fed += want.length;
        view.ids = want;
        view.cache = res.cache;
        view.hist = [];
        view.hist[want.length - 1] = res.logits[0];
        continue;
      }
      if (plan < view.ids.length) view.stats.rollbacks++;
      view.stats.reused += plan;
      rows.push({ view, want, cache: plan < view.ids.length ? truncateCache(view.cache!, plan) : view.cache!, next: plan, hist: view.hist.slice(0, plan) });
    }
    for (;;) {
      const pending = rows.filter((r) => r.next < r.want.length);
      if (pending.length === 0) break;
      const groups = new Map<number, typeof pending>();
      for (const r of pending) {
        const key = pad ? 0 : r.cache.mask[0].length;
        groups.set(key, [...(groups.get(key) ?? []), r]);
      }
      for (const group of groups.values()) {
        const lm = group[0].view.lm;
        if (group.some((r) => r.view.lm !== lm)) throw new Error('advanceBatch: views of different models');
        const res = await lm.step(group.length === 1 ? group[0].cache : stackRows(group.map((r) => r.cache)), group.map((r) => r.want[r.next]));
        const caches = group.length === 1 ? [res.cache] : splitRows(res.cache, group.map((r) => r.cache.mask[0].length + 1));
        group.forEach((r, k) => {
          r.cache = caches[k];
          r.hist[r.next++] = res.logits[k];
          r.view.stats.fed++;
        });
      }
    }
    for (const r of rows) {
      r.view.ids = r.want;
      r.view.cache = r.cache;
      r.view.hist = r.hist;
    }
  }
}

/** Full recompute (no cache): the reference the incremental path must match. */
export async function anchorLogitsFull(lm: CausalLM, prefixText: string, responseText: string): Promise<Float32Array> {
  const ids = lm.tokenizer.encode(prefixText + responseText);
  const { logits, seqLen } = await lm.forwardAll([ids]);
  const V = lm.lmHeadWidth;
  return logits[0].slice((seqLen - 1) * V, seqLen * V);
}
