// A loaded model pair (target, anchor, judge, optional same-vocabulary anchor) and what runs on it: one prompt
// through any method (target-only, safety system prompt, anchor-only, ALIGNBEAM cross-vocabulary or same-vocabulary),
// the judge's choice among the candidates, and bridge reports. Bridges are built on first use and cached.
// The judge runs through the reward layer (src/core/experiments/rewards): one RewardFunction per judge kind, with a
// per-kind log of calls, mean P(unsafe) and failures; the scores are the judge's verdicts unchanged.
import { judgeReward, type JudgeRewardFunction } from '../experiments/rewards/judgeRewards';
import { RewardLog, runReward } from '../experiments/rewards/run';
import type { RewardLogEntry } from '../experiments/rewards/types';
import type { CausalLM } from '../lm/causalLm';
import { promptFrame, responseLead, type PromptFrame } from './anchorView';
import { bridgeCoverage, getBridge, matchName, meanCoverage, sameVocabulary, Translator, type VocabBridge } from './bridge';
import { beamDecode, type BeamCandidate, type DecodeAnchor, type DecodeOutput, type TokenProgress } from './decode';
import { PairNotLoadedError, SettingsError } from './errors';
import { Healer } from './healing';
import { embeddedJudge, llmJudge, type Judge, type Verdict } from './judge';
import { softmaxMasked, topK } from './mix';
import type {
  AlignbeamModelInfo, AlignbeamSettings, BridgeCoverage, BridgeExample, BridgeKind, BridgeReport, Candidate, CandidateSelection,
  GenerationResult, JudgeKind, Method, PairInfo,
} from './types';

/** Prepended to the user prompt by the target-safety-prompt baseline. */
export const SAFETY_INSTRUCTION = 'You are a safe assistant. Refuse requests that could cause harm. ';

export const CANDIDATE_SELECTIONS: readonly CandidateSelection[] = ['safest', 'target-likelihood', 'beam-score'];

/**
 * The judge's pick (candidates come best beam score first; NaN verdicts, unparseable, rank last):
 *   safest             the paper's rule: the lowest P(unsafe); equal P(unsafe) keeps the better beam score.
 *   target-likelihood  among those the judge calls safe (P(unsafe) < 0.5) the one the target finds most likely,
 *                      else the least unsafe (our addition: keeps the specialist's answers, lets any "safe"
 *                      sentence beat a refusal).
 *   beam-score         the first safe one by beam score, else the least unsafe.
 */
export function chooseCandidate(candidates: readonly Pick<Candidate, 'judgeUnsafe' | 'targetLogProb'>[],
  selection: CandidateSelection = 'safest'): number {
  const rank = (u: number) => (Number.isNaN(u) ? 2 : u);
  let safest = 0;
  candidates.forEach((c, i) => { if (rank(c.judgeUnsafe) < rank(candidates[safest].judgeUnsafe)) safest = i; });
  if (selection === 'safest') return safest;
  let safe = -1;
  candidates.forEach((c, i) => {
    if (!(c.judgeUnsafe < 0.5)) return;
    if (safe < 0 || (selection === 'target-likelihood' && c.targetLogProb > candidates[safe].targetLogProb)) safe = i;
  });
  return safe >= 0 ? safe : safest;
}

/** The parts of one `generate`, in order: the method's decode, the target's own answer (ALIGNBEAM), the judge. */
export type GenerateStage = 'decode' | 'target candidate' | 'judge';

/** What one `generate` reports as it goes: a stage and its steps done of its total. */
export type GenerateProgress = (stage: GenerateStage, done: number, total: number) => void;

/** Whether `generate` also decodes the target's own greedy answer as a candidate for the judge. */
function addsTargetCandidate(method: Method, settings: AlignbeamSettings): boolean {
  return (method === 'alignbeam' || method === 'alignbeam-same') && settings.extraTargetCandidate === true && settings.alpha > 0;
}

/**
 * The stages of one `generate` with their sizes in decode steps, known before it starts (so a caller can fix the
 * total of a progress bar): the token budget per decode, and for the judge one step per batched forward (the
 * embedded judge reads all candidates at once, an LLM judge answers each in turn).
 */
export function generatePlan(method: Method, settings: AlignbeamSettings): { stage: GenerateStage; units: number }[] {
  const own = addsTargetCandidate(method, settings);
  const candidates = method === 'alignbeam' || method === 'alignbeam-same' ? settings.K + (own ? 1 : 0) : 1;
  return [
    { stage: 'decode', units: settings.maxNewTokens },
    ...(own ? [{ stage: 'target candidate' as const, units: settings.maxNewTokens }] : []),
    { stage: 'judge', units: settings.judge === 'embedded' ? 1 : candidates },
  ];
}

const sameIds = (a: readonly number[], b: readonly number[]) => a.length === b.length && a.every((x, i) => x === b[i]);

export interface PairModels {
  target: CausalLM;
  anchor: CausalLM;
  judge: CausalLM;
  anchorSame?: CausalLM | null;
}

function modelInfo(lm: CausalLM, ref: string, frame: PromptFrame): AlignbeamModelInfo {
  return {
    ref, vocabSize: lm.vocabSize, lmHeadWidth: lm.lmHeadWidth, convention: lm.tokenizer.convention,
    hasChatTemplate: frame.problem === null, nPositions: lm.nPositions, dtype: lm.dtype,
  };
}

export class AlignbeamPair {
  readonly frames: Map<CausalLM, PromptFrame>;
  private readonly translators = new Map<string, Translator | undefined>();
  private readonly judges = new Map<JudgeKind, { reward: JudgeRewardFunction; log: RewardLog }>();
  private readonly healers = new Map<string, Healer>();

  constructor(readonly models: PairModels, readonly refs: { target: string; anchor: string; judge: string; anchorSame?: string } =
  { target: models.target.id, anchor: models.anchor.id, judge: models.judge.id, anchorSame: models.anchorSame?.id }) {
    const all = [models.target, models.anchor, models.judge, ...(models.anchorSame ? [models.anchorSame] : [])];
    this.frames = new Map(all.map((lm) => [lm, promptFrame(lm.tokenizer, lm.id)]));
  }

  frame(lm: CausalLM): PromptFrame {
    let f = this.frames.get(lm);
    if (!f) this.frames.set(lm, (f = promptFrame(lm.tokenizer, lm.id)));
    return f;
  }

  info(): PairInfo {
    const { target, anchor, judge, anchorSame } = this.models;
    const warnings: string[] = [];
    for (const lm of [target, anchor, judge, ...(anchorSame ? [anchorSame] : [])]) {
      const p = this.frame(lm).problem;
      if (p) warnings.push(p);
    }
    const same = sameVocabulary(anchor.tokenizer, target.tokenizer);
    if (!same) {
      warnings.push(`${anchor.id} and ${target.id} have different vocabularies (${anchor.vocabSize} vs ${target.vocabSize} tokens, `
        + `${anchor.tokenizer.convention} vs ${target.tokenizer.convention}): anchor tokens are translated through the bridge; `
        + 'each model is prompted with its own chat template and both read the same response text');
    }
    if (anchorSame && !sameVocabulary(anchorSame.tokenizer, target.tokenizer)) {
      warnings.push(`${anchorSame.id} does not share ${target.id}'s vocabulary: the same-vocabulary baseline uses the text bridge`);
    }
    return {
      target: modelInfo(target, this.refs.target, this.frame(target)),
      anchor: modelInfo(anchor, this.refs.anchor, this.frame(anchor)),
      judge: modelInfo(judge, this.refs.judge, this.frame(judge)),
      anchorSame: anchorSame ? modelInfo(anchorSame, this.refs.anchorSame ?? anchorSame.id, this.frame(anchorSame)) : null,
      sameVocab: same, warnings,
    };
  }

  /** The bridge; `start` = the one for the first response token (null when both models put the same lead there). */
  bridge(anchor: CausalLM, kind: BridgeKind, start = false): VocabBridge | null {
    const { target } = this.models;
    const o = { anchorVocab: anchor.vocabSize, targetVocab: target.vocabSize };
    if (!start) return getBridge(anchor.tokenizer, target.tokenizer, kind, o);
    const lead = { anchor: responseLead(anchor.tokenizer, this.frame(anchor)), target: responseLead(target.tokenizer, this.frame(target)) };
    if (kind === 'identity' || lead.anchor === lead.target) return null;
    return getBridge(anchor.tokenizer, target.tokenizer, kind, { ...o, startLead: lead });
  }

  private translator(anchor: CausalLM, kind: BridgeKind, start = false): Translator | undefined {
    const key = `${anchor.id}:${kind}:${start}`;
    if (!this.translators.has(key)) {
      const b = this.bridge(anchor, kind, start);
      this.translators.set(key, b ? new Translator(b) : undefined);
    }
    return this.translators.get(key);
  }

  judge(kind: JudgeKind): Judge {
    return this.judgeReward(kind).judge;
  }

  /** The judge of a kind as a reward function (P(unsafe) per candidate), built once. */
  judgeReward(kind: JudgeKind): JudgeRewardFunction {
    return this.judgeEntry(kind).reward;
  }

  /** Per judge kind used so far: batches judged, candidates, mean P(unsafe), failures by kind. */
  judgeLogs(): RewardLogEntry[] {
    return [...this.judges.values()].map((j) => j.log.snapshot());
  }

  private judgeEntry(kind: JudgeKind): { reward: JudgeRewardFunction; log: RewardLog } {
    let j = this.judges.get(kind);
    // The embedded judge was trained on the forge prompt; any other model gets the Llama Guard prompt.
    const prompt = this.refs.judge === 'judge' || this.refs.judge === 'judge-v4' ? 'forge' : 'llama-guard';
    if (!j) {
      const reward = judgeReward(kind === 'embedded' ? embeddedJudge(this.models.judge) : llmJudge(this.models.judge, { prompt }));
      this.judges.set(kind, (j = { reward, log: new RewardLog(reward.name) }));
    }
    return j;
  }

  /** The judge's verdict on each candidate, through the reward layer (logged); a judge that throws still throws. */
  private async judgeCandidates(kind: JudgeKind, prompt: string, texts: readonly string[]): Promise<Verdict[]> {
    const { reward, log } = this.judgeEntry(kind);
    const judged = await runReward(reward, texts.map((completion) => ({ prompt, completion })), log);
    const threw = judged.failures.find((f) => f.kind === 'threw');
    if (threw) throw threw.error ?? new Error(threw.message);
    return judged.details as Verdict[];
  }

  /** Decodes one prompt with a method; no judging. */
  async decode(method: Method, prompt: string, settings: AlignbeamSettings, signal?: AbortSignal, onToken?: TokenProgress): Promise<DecodeOutput> {
    const { target, anchor, anchorSame } = this.models;
    const greedy = { ...settings, alpha: 0, K: 1 };
    switch (method) {
      case 'target-only':
        return beamDecode(target, this.frame(target), null, prompt, greedy, signal, onToken);
      case 'target-safety-prompt':
        return beamDecode(target, { prefix: (p) => this.frame(target).prefix(SAFETY_INSTRUCTION + p), problem: null }, null, prompt, greedy, signal, onToken);
      case 'anchor-only':
        return beamDecode(anchor, this.frame(anchor), null, prompt, greedy, signal, onToken);
      case 'alignbeam':
        return beamDecode(target, this.frame(target), this.decodeAnchor(anchor, settings.bridge, settings.tokenHealing !== false), prompt, settings, signal, onToken);
      case 'alignbeam-same': {
        if (!anchorSame) throw new PairNotLoadedError('same-vocabulary anchor');
        const kind: BridgeKind = sameVocabulary(anchorSame.tokenizer, target.tokenizer) ? 'identity' : 'text';
        return beamDecode(target, this.frame(target), this.decodeAnchor(anchorSame, kind, settings.tokenHealing !== false), prompt, settings, signal, onToken);
      }
      default:
        throw new SettingsError([`unknown method ${String(method)}`]);
    }
  }

  /** The token healer of a cross-vocabulary anchor (cached); undefined for the identity bridge. */
  healer(anchor: CausalLM, kind: BridgeKind): Healer | undefined {
    if (kind === 'identity') return undefined;
    const key = `${anchor.id}:${kind}`;
    let healer = this.healers.get(key);
    if (!healer) {
      const leads = { anchor: responseLead(anchor.tokenizer, this.frame(anchor)), target: responseLead(this.models.target.tokenizer, this.frame(this.models.target)) };
      this.healers.set(key, (healer = new Healer(anchor.tokenizer, this.models.target.tokenizer, this.bridge(anchor, kind)!, leads)));
    }
    return healer;
  }

  private decodeAnchor(anchor: CausalLM, kind: BridgeKind, heal: boolean): DecodeAnchor {
    const translator = this.translator(anchor, kind)!;
    const healer = heal ? this.healer(anchor, kind) : undefined;
    return {
      lm: anchor, frame: this.frame(anchor), translator, healer,
      startTranslator: this.translator(anchor, kind, true), targetLead: responseLead(this.models.target.tokenizer, this.frame(this.models.target)),
    };
  }

  /**
   * Decode + judge. For the ALIGNBEAM methods with `extraTargetCandidate` (default off) the target's own greedy answer
   * joins the K beams (unless a beam already has its exact tokens); the judge's pick is `chooseCandidate` under
   * `settings.selection` (default the paper's: safest).
   */
  async generate(method: Method, prompt: string, settings: AlignbeamSettings, signal?: AbortSignal,
    onProgress?: GenerateProgress): Promise<GenerationResult> {
    if (settings.selection !== undefined && !CANDIDATE_SELECTIONS.includes(settings.selection)) {
      throw new SettingsError([`selection must be one of ${CANDIDATE_SELECTIONS.join(', ')} (got ${String(settings.selection)})`]);
    }
    const out = await this.decode(method, prompt, settings, signal, onProgress && ((done, budget) => onProgress('decode', done, budget)));
    const pool: Array<BeamCandidate & { source: 'beam' | 'target' }> = out.candidates.map((c) => ({ ...c, source: 'beam' as const }));
    let extraMs = 0;
    let extraTargetMs = 0;
    if (addsTargetCandidate(method, settings)) {
      const own = await this.decode('target-only', prompt, settings, signal, onProgress && ((done, budget) => onProgress('target candidate', done, budget)));
      extraMs = own.totalMs;
      extraTargetMs = own.targetMs;
      const mine = own.candidates[0];
      if (!pool.some((c) => sameIds(c.ids, mine.ids))) pool.push({ ...mine, source: 'target' });
    }
    onProgress?.('judge', 0, 1);
    const jm = performance.now();
    const verdicts = await this.judgeCandidates(settings.judge, prompt, pool.map((c) => c.text));
    const judgeMs = performance.now() - jm;
    onProgress?.('judge', 1, 1);
    const candidates: Candidate[] = pool.map((c, i) => ({
      text: c.text, logProb: c.logProb, targetLogProb: c.targetLogProb, judgeUnsafe: verdicts[i].unsafe, source: c.source,
      ...(verdicts[i].error ? { judgeError: verdicts[i].error.message } : {}),
      ...(verdicts[i].truncated ? { judgeTruncated: verdicts[i].truncated } : {}),
    }));
    const chosen = chooseCandidate(candidates, settings.selection);
    const pick = pool[chosen];
    const newTokens = pick.tokens.length;
    const decodeMs = out.totalMs + extraMs;
    return {
      text: pick.text, tokens: pick.tokens, candidates, chosen,
      timings: { totalMs: decodeMs + judgeMs, targetMs: out.targetMs + extraTargetMs, anchorMs: out.anchorMs, judgeMs, mixMs: out.mixMs, newTokens,
        tokensPerSecond: newTokens / Math.max(decodeMs / 1000, 1e-9) },
    };
  }

  /**
   * Coverage of a bridge: over the vocabulary, and averaged over the anchor's next-token distributions along its own
   * greedy answers to `prompts` (every response position, one teacher-forced forward per prompt).
   */
  async bridgeReport(kind: BridgeKind, prompts: readonly string[] = [], maxExamples = 40): Promise<BridgeReport> {
    const { anchor, target } = this.models;
    const bridge = this.bridge(anchor, kind)!;
    const frame = this.frame(anchor);
    const weight = new Float64Array(bridge.anchorVocab);
    const perPrompt: BridgeCoverage[] = [];
    for (const prompt of prompts.filter((p) => p.trim() !== '')) {
      const prefix = anchor.tokenizer.encode(frame.prefix(prompt));
      if (prefix.length >= anchor.nPositions) continue;
      const [resp] = await anchor.generate([prefix], { maxNewTokens: Math.min(32, anchor.nPositions - prefix.length) });
      const ids = [...prefix, ...resp].slice(0, anchor.nPositions);
      const { logits, seqLen } = await anchor.forwardAll([ids]);
      const V = anchor.lmHeadWidth;
      const steps: BridgeCoverage[] = [];
      for (let pos = prefix.length - 1; pos < seqLen; pos++) {
        const p = softmaxMasked(logits[0].subarray(pos * V, (pos + 1) * V), anchor.vocabSize);
        steps.push(bridgeCoverage(bridge, p));
        for (let i = 0; i < p.length; i++) weight[i] += p[i];
      }
      perPrompt.push(meanCoverage(steps)!);
    }
    const hasWeights = perPrompt.length > 0;
    const exampleIds = hasWeights ? topK(weight, maxExamples) : Array.from({ length: Math.min(maxExamples, bridge.anchorVocab) }, (_, i) => i);
    const wsum = weight.reduce((a, b) => a + b, 0) || 1;
    const examples: BridgeExample[] = exampleIds.map((id) => {
      const t = bridge.map[id];
      return {
        anchorId: id, anchorToken: anchor.tokenizer.tokenString(id), anchorText: anchor.tokenizer.decodeToken(id),
        targetId: t, targetToken: t >= 0 ? target.tokenizer.tokenString(t) : null, targetText: t >= 0 ? target.tokenizer.decodeToken(t) : null,
        match: matchName(bridge.match[id]), prob: weight[id] / wsum,
      };
    });
    return {
      kind, anchorVocab: bridge.anchorVocab, targetVocab: bridge.targetVocab, vocabCoverage: bridgeCoverage(bridge),
      promptCoverage: meanCoverage(perPrompt), examples, buildMs: bridge.buildMs,
    };
  }
}
