// The ALIGNBEAM decode loop: beam search of width K over the mixed distribution. The target runs the K beams as one
// batch (KV rows reordered when beams fork); each beam keeps its own anchor view of its committed text (a single-row
// anchor cache, reused up to the longest common token prefix). Mixing happens on the first m response tokens (or
// all), optionally only where the target is unsure; outside it the target's own distribution is used and the anchor
// is not run at all. Each step first runs every beam's anchor view in one batched anchor call (views grouped by
// cache length, so results are bit-identical to one call per beam), then mixes beam by beam. Anchor work that cannot
// change the step is skipped: at α = 0 with K ≤ topK the mixed top-K and its values are the target's exactly (mixStep
// returns p_t on the union support, and extra anchor ids cannot beat the target top-topK, ties going to the target
// ids first), so only the anchor's tokenization is done (it decides whether the anchor's context is full, which
// sets the tokens' `mixed` flag). Candidates run to the target's eos or the token budget. With α = 0 and K = 1 this is exactly
// CausalLM.generate's greedy decode (same ids).
import type { CausalLM, StepResult } from '../lm/causalLm';
import { AnchorView, completeUtf8Length, type AnchorViewStats, type PromptFrame } from './anchorView';
import type { SparseDist, Translator } from './bridge';
import { MAX_BACK, type Healer } from './healing';
import { ContextFullError, EmptyPromptError, SettingsError } from './errors';
import { selectRows } from './kv';
import { mixBounds, mixStep, shouldMix, softmaxMasked, targetStep, topK, type MixedStep } from './mix';
import type { AlignbeamSettings, GeneratedToken } from './types';

export type DecodeSettings = Pick<AlignbeamSettings, 'alpha' | 'K' | 'm' | 'topK' | 'rule' | 'confidenceGate' | 'maxNewTokens'>;

export interface DecodeAnchor {
  lm: CausalLM;
  frame: PromptFrame;
  translator: Translator;
  /** For the first response token when the two tokenizations put different leads before it (bridge startLead). */
  startTranslator?: Translator;
  /** The target's response lead (stripped from the committed text the anchor reads). */
  targetLead?: string;
  /** Token healing for cross-vocabulary anchors (healing.ts); absent = translate the anchor's plain next token. */
  healer?: Healer;
}

export interface BeamCandidate {
  ids: number[];
  tokens: GeneratedToken[];
  logProb: number;
  /** Sum of the target's own log-probabilities of the tokens (the judge's tie-break among safe candidates). */
  targetLogProb: number;
  text: string;
  /** Ended with eos (false: ran out of budget). */
  finished: boolean;
}

export interface DecodeOutput {
  /** Best score first. */
  candidates: BeamCandidate[];
  targetMs: number;
  anchorMs: number;
  mixMs: number;
  totalMs: number;
  anchorStats: AnchorViewStats | null;
  /** Beam steps left out because none of their expansions could reach the K kept (no anchor run, no mixing). */
  hopelessSkips: number;
}

/** Throws SettingsError listing every bad field. */
export function validateSettings(s: DecodeSettings): void {
  const bad: string[] = [];
  const posInt = (v: number) => Number.isInteger(v) && v >= 1;
  if (!Number.isFinite(s.alpha) || s.alpha < 0) bad.push(`alpha must be a number ≥ 0 (got ${s.alpha})`);
  else if (s.rule === 'linear' && s.alpha > 1) bad.push(`alpha must be ≤ 1 for the linear rule (got ${s.alpha}); use the contrastive rule to amplify the anchor`);
  if (!posInt(s.K) || s.K > 32) bad.push(`K must be an integer in 1..32 (got ${s.K})`);
  if (!(s.m === Infinity || (Number.isInteger(s.m) && s.m >= 0))) bad.push(`m must be an integer ≥ 0 or Infinity (got ${s.m})`);
  if (!posInt(s.topK)) bad.push(`topK must be an integer ≥ 1 (got ${s.topK})`);
  if (!posInt(s.maxNewTokens)) bad.push(`maxNewTokens must be an integer ≥ 1 (got ${s.maxNewTokens})`);
  if (s.rule !== 'linear' && s.rule !== 'contrastive') bad.push(`rule must be linear or contrastive (got ${String(s.rule)})`);
  if (s.confidenceGate !== undefined && !(s.confidenceGate > 0 && s.confidenceGate <= 1)) bad.push(`confidenceGate must be in (0, 1] (got ${s.confidenceGate})`);
  if (bad.length) throw new SettingsError(bad);
}

interface Beam {
  ids: number[];
  tokens: GeneratedToken[];
  bytes: Uint8Array;
  /** The response text the anchor reads (bytes to the last complete character, target lead removed), once computed. */
  text: string | null;
  score: number;
  targetScore: number;
  done: boolean;
  finished: boolean;
  /** Row in the current target batch (active beams only). */
  row: number;
  view: AnchorView | null;
}

interface Expansion {
  parent: number;
  /** −1: a finished beam carried over. */
  id: number;
  p: number;
  pt: number;
  mixed: boolean;
  score: number;
  targetScore: number;
}

const decoder = new TextDecoder();

function concatBytes(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}

function translateTop(logits: Float32Array, vocab: number, k: number, translator: Translator, scratch: Float64Array): SparseDist {
  const pa = softmaxMasked(logits, vocab, scratch);
  const top = topK(pa, k);
  return translator.translate(top, top.map((i) => pa[i]));
}

/**
 * Which active beams cannot place any expansion among the K kept, known before the anchor runs. Sure scores: a
 * finished beam carries its own; a beam mixed this step (linear rule) has K expansions scoring at least
 * score + log((1−α)·p_t) of its top-K target tokens (mixed_j ≥ (1−α)·p_t[j], in floating point too: a non-negative
 * term is added to the same product); an unmixed one exactly score + log p_t. The K-th best sure score is then a floor
 * for the K-th kept expansion, and a mixed beam whose ceiling (score + log of mixBounds' upper value) is below it
 * (less a 1e-9 relative margin for rounding) loses every expansion to at least K others: its anchor run and mixing
 * change nothing. Contrastive mixing has no lower bound, so only finished and unmixed beams set its floor.
 */
function hopelessBeams(beams: readonly Beam[], pts: Float64Array[], ptTops: number[][], mixNow: boolean[], s: DecodeSettings): boolean[] | null {
  const sure: number[] = [];
  for (let bi = 0; bi < beams.length; bi++) {
    const beam = beams[bi];
    if (beam.done) { sure.push(beam.score); continue; }
    const scale = mixNow[bi] ? mixBounds(pts[bi][ptTops[bi][0]], s.alpha, s.rule).lowerScale : 1;
    if (scale <= 0) continue;
    const top = ptTops[bi];
    for (let k = 0; k < Math.min(s.K, top.length); k++) sure.push(beam.score + Math.log(scale * pts[bi][top[k]]));
  }
  if (sure.length < s.K) return null;
  const floor = sure.sort((a, b) => b - a)[s.K - 1];
  if (!Number.isFinite(floor)) return null;
  const margin = 1e-9 * (1 + Math.abs(floor));
  let any = false;
  const out = beams.map((beam, bi) => {
    if (beam.done || !mixNow[bi]) return false;
    const ceiling = beam.score + Math.log(mixBounds(pts[bi][ptTops[bi][0]], s.alpha, s.rule).upper);
    const lost = ceiling < floor - margin;
    if (lost) any = true;
    return lost;
  });
  return any ? out : null;
}

function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw signal.reason instanceof Error ? signal.reason : new Error('cancelled');
}

/** Implementation switches: the defaults are the fast path; tests turn them off to compare with the plain one. */
export interface DecodeImpl {
  /** Step the K anchor views in one batched run per step (default true). */
  batchAnchor: boolean;
  /** Batch views of different lengths left-padded (fewer runs; logits move by ~4e-6, so outputs may; default false). */
  padAnchorBatch?: boolean;
  /** At α = 0 with K ≤ topK, skip the anchor model (the outcome cannot change; default true). */
  skipAlphaZero: boolean;
  /** Re-encode the anchor's text only from its prompt prefix's last special token (PrefixEncoder; default true). */
  cutAnchorPrefix: boolean;
  /** Skip the anchor (and mixing) of beams whose best possible expansion is below the K-th sure one (default true). */
  skipHopeless: boolean;
}
export const FAST_DECODE: Readonly<DecodeImpl> = { batchAnchor: true, skipAlphaZero: true, cutAnchorPrefix: true, skipHopeless: true };
/** What beamDecode uses when no impl is passed (pair.generate): FAST_DECODE; bench/alignbeam.ts flips padAnchorBatch
 *  on for one arm to measure it. */
export const DEFAULT_DECODE_IMPL: DecodeImpl = { ...FAST_DECODE };

/** Called after each decode step with the steps done and the token budget (a decode that ends early stops short). */
export type TokenProgress = (done: number, budget: number) => void;

/**
 * Decodes `prompt` with the target (framed by `targetFrame`), mixing in the anchor when one is given and α > 0.
 * `anchor` null = target alone (K-beam search over the target distribution).
 */
export async function beamDecode(target: CausalLM, targetFrame: PromptFrame, anchor: DecodeAnchor | null, prompt: string,
  s: DecodeSettings, signal?: AbortSignal, onToken?: TokenProgress, impl: DecodeImpl = DEFAULT_DECODE_IMPL): Promise<DecodeOutput> {
  if (prompt.trim() === '') throw new EmptyPromptError();
  validateSettings(s);
  const t0 = performance.now();
  const tok = target.tokenizer;
  const specials = new Set(tok.specialIds);
  const promptIds = tok.encode(targetFrame.prefix(prompt));
  if (promptIds.length >= target.nPositions) throw new ContextFullError(target.id, promptIds.length, target.nPositions);
  const budget = Math.min(s.maxNewTokens, target.nPositions - promptIds.length);
  // Every stop id of generation_config.json, as CausalLM.generate (Gemma ends a turn with <end_of_turn>, Llama 3 with
  // <|eot_id|>: neither is the tokenizer's eos).
  const stop = new Set(target.eosIds);
  // With skipAlphaZero off the anchor runs even at α = 0 (the mix is then the target's distribution bit for bit), so
  // α = 0 checks the whole mixing path against target-only; pass anchor = null for plain target decoding.
  const useAnchor = anchor !== null;
  const skipAnchorModel = impl.skipAlphaZero && s.alpha === 0 && s.K <= s.topK;
  let targetMs = 0;
  let anchorMs = 0;
  let mixMs = 0;

  let tm = performance.now();
  let res: StepResult = await target.prefill([promptIds]);
  targetMs += performance.now() - tm;
  const firstView = useAnchor ? AnchorView.create(anchor.lm, anchor.frame.prefix(prompt), impl.cutAnchorPrefix) : null;
  let beams: Beam[] = [{ ids: [], tokens: [], bytes: new Uint8Array(0), text: null, score: 0, targetScore: 0, done: false, finished: false, row: 0, view: firstView }];

  // One target distribution per beam row is alive at a time (all rows' anchors run before any beam mixes), one anchor
  // distribution at a time: reused across steps.
  const ptScratch: Float64Array[] = [];
  const rowScratch = (row: number) => (ptScratch[row] ??= new Float64Array(target.vocabSize));
  const responseText = (beam: Beam) => {
    if (beam.text === null) {
      const text = decoder.decode(beam.bytes.subarray(0, completeUtf8Length(beam.bytes)));
      beam.text = anchor?.targetLead && text.startsWith(anchor.targetLead) ? text.slice(anchor.targetLead.length) : text;
    }
    return beam.text;
  };
  const paScratch = new Float64Array(anchor ? anchor.lm.vocabSize : 0);
  let hopelessSkips = 0;
  for (let t = 0; t < budget; t++) {
    throwIfAborted(signal);
    const expansions: Expansion[] = [];
    // Phase 1: the target distribution of every beam, and which beams the anchor reads this step.
    const pts: Float64Array[] = [];
    const ptTops: number[][] = []; // topK(pt, s.topK) per beam, computed once (gate, healing, mixing)
    const mixNow: boolean[] = [];
    const batch: Array<{ view: AnchorView; want: number[] }> = [];
    let mm = performance.now();
    for (let bi = 0; bi < beams.length; bi++) {
      const beam = beams[bi];
      if (beam.done) continue;
      const pt = (pts[bi] = softmaxMasked(res.logits[beam.row], target.vocabSize, rowScratch(beam.row)));
      const ptTop = (ptTops[bi] = topK(pt, s.topK)); // ptTop[0] = topK(pt, 1)[0]: same order, same tie rule
      // Inside a multi-byte character (the target wrote its first bytes, e.g. "÷" = Ã + · in a byte-level BPE) the
      // anchor cannot read the half character (its view holds complete characters only) and would propose the
      // character's start again: the target completes the character alone, then mixing resumes.
      const midCharacter = completeUtf8Length(beam.bytes) < beam.bytes.length;
      mixNow[bi] = useAnchor && beam.view !== null && !midCharacter && shouldMix(t, s.m, s.confidenceGate, pt[ptTop[0]]);
    }
    const hopeless = impl.skipHopeless && useAnchor ? hopelessBeams(beams, pts, ptTops, mixNow, s) : null;
    mixMs += performance.now() - mm;
    let am = performance.now();
    for (let bi = 0; bi < beams.length; bi++) {
      const beam = beams[bi];
      if (beam.done || hopeless?.[bi]) continue;
      if (!mixNow[bi] || !(impl.batchAnchor || skipAnchorModel)) continue;
      am = performance.now();
      const want = anchor!.translator.bridge.kind === 'identity' ? beam.view!.idsForResponse(beam.ids) : beam.view!.tokenize(responseText(beam));
      if (skipAnchorModel) {
        // the anchor's context is full exactly when its model would return null
        if (want.length === 0 || want.length >= anchor!.lm.nPositions) beam.view = null;
      } else batch.push({ view: beam.view!, want });
      anchorMs += performance.now() - am;
    }
    if (batch.length > 0) {
      am = performance.now();
      await AnchorView.advanceBatch(batch, impl.padAnchorBatch === true);
      anchorMs += performance.now() - am;
    }
    // Phase 2: mix beam by beam (the anchor calls below are free when the batch already ran them).
    for (let bi = 0; bi < beams.length; bi++) {
      const beam = beams[bi];
      if (beam.done) {
        expansions.push({ parent: bi, id: -1, p: 1, pt: 1, mixed: false, score: beam.score, targetScore: beam.targetScore });
        continue;
      }
      if (hopeless?.[bi]) { hopelessSkips++; continue; } // none of its expansions can be among the K kept
      mm = performance.now();
      const pt = pts[bi];
      let step: MixedStep | null = null;
      let mixed = false;
      if (mixNow[bi] && beam.view && skipAnchorModel) {
        mixed = true; // α = 0: mixStep would return the target's values on a support whose top-K is the target's
      } else if (mixNow[bi] && beam.view) {
        mixMs += performance.now() - mm;
        am = performance.now();
        const text = responseText(beam);
        let bridged: SparseDist | null = null;
        if (anchor!.translator.bridge.kind === 'identity') {
          const la = await beam.view.logitsForResponseIds(beam.ids);
          anchorMs += performance.now() - am;
          mm = performance.now();
          if (la) bridged = translateTop(la, anchor!.lm.vocabSize, s.topK, anchor!.translator, paScratch);
        } else if (anchor!.healer) {
          const ctx = await beam.view.context(text, MAX_BACK);
          anchorMs += performance.now() - am;
          mm = performance.now();
          if (ctx) bridged = anchor!.healer.toTarget(anchor!.healer.continuations(ctx, s.topK), pt, ptTops[bi]);
        } else {
          const la = await beam.view.logitsFor(text);
          anchorMs += performance.now() - am;
          mm = performance.now();
          const translator = text === '' && anchor!.startTranslator ? anchor!.startTranslator : anchor!.translator;
          if (la) bridged = translateTop(la, anchor!.lm.vocabSize, s.topK, translator, paScratch);
        }
        if (bridged) {
          step = mixStep(pt, s.topK, bridged, s.alpha, s.rule, ptTops[bi]);
          mixed = true;
        } else {
          beam.view = null; // the anchor's context is full: the rest of this beam is the target's alone
        }
      }
      step ??= targetStep(pt, s.topK, ptTops[bi]);
      for (const j of topK(step.mixed, s.K)) {
        expansions.push({ parent: bi, id: step.ids[j], p: step.mixed[j], pt: step.target[j], mixed, score: beam.score + Math.log(step.mixed[j]), targetScore: beam.targetScore + Math.log(step.target[j]) });
      }
      mixMs += performance.now() - mm;
    }
    // Stable sort: equal scores keep beam order, then the per-beam order (higher p, lower id).
    const chosen = expansions.map((e, i) => ({ e, i })).sort((a, b) => b.e.score - a.e.score || a.i - b.i).slice(0, s.K).map((x) => x.e);
    onToken?.(t + 1, budget);
    const viewTaken = new Set<number>();
    const next: Beam[] = chosen.map((e) => {
      const parent = beams[e.parent];
      if (e.id === -1) return parent;
      let view = parent.view;
      if (view && viewTaken.has(e.parent)) view = view.fork();
      viewTaken.add(e.parent);
      if (stop.has(e.id)) return { ...parent, score: e.score, targetScore: e.targetScore, done: true, finished: true, view: null };
      const token: GeneratedToken = { id: e.id, text: tok.decodeToken(e.id), shift: Math.abs(e.p - e.pt), mixed: e.mixed };
      // Special tokens add no response text for the anchor to read.
      const bytes = specials.has(e.id) ? parent.bytes : concatBytes(parent.bytes, tok.tokenBytes(e.id));
      return { ids: [...parent.ids, e.id], tokens: [...parent.tokens, token], bytes, text: null, score: e.score, targetScore: e.targetScore, done: false, finished: false, row: parent.row, view };
    });
    if (t + 1 >= budget) {
      beams = next.map((b) => (b.done ? b : { ...b, done: true, view: null }));
      break;
    }
    beams = next;
    const active = beams.filter((b) => !b.done);
    if (active.length === 0) break;
    const rows = active.map((b) => b.row);
    const identity = rows.length === res.logits.length && rows.every((r, i) => r === i);
    tm = performance.now();
    res = await target.step(identity ? res.cache : selectRows(res.cache, rows), active.map((b) => b.ids[b.ids.length - 1]));
    targetMs += performance.now() - tm;
    active.forEach((b, r) => { b.row = r; });
  }
  const candidates = [...beams].sort((a, b) => b.score - a.score).map((b) => ({
    ids: b.ids, tokens: b.tokens, logProb: b.score, targetLogProb: b.targetScore, finished: b.finished, text: tok.decode(b.ids, { skipSpecialTokens: true }),
  }));
  return { candidates, targetMs, anchorMs, mixMs, totalMs: performance.now() - t0, anchorStats: firstView?.stats ?? null, hopelessSkips };
}
