// Public types of the alignbeam core: what the worker exposes and the UI programs against. Pure data (structured-
// clone friendly: no class instances, no functions except the progress callback / signal passed into sweep).
import type { OnnxDtype, OnnxDtypeChoice } from '../lm/onnxVariants';

/** How anchor tokens are carried into the target vocabulary. */
export type BridgeKind = 'text' | 'exact' | 'mined' | 'identity';

/** Per anchor token: mapped exactly (same bytes), approximately (first token of a longer re-encoding, or a mined
 *  neighbour), or lost (nothing sensible in the target vocabulary: its probability mass is dropped). */
export type BridgeMatch = 'exact' | 'approx' | 'lost';

/** Shares of anchor probability mass (sum to 1) and token counts (over the anchor vocabulary). */
export interface BridgeCoverage {
  exactMass: number;
  approxMass: number;
  lostMass: number;
  exactTokens: number;
  approxTokens: number;
  lostTokens: number;
}

/** One anchor token and where the bridge sends it. */
export interface BridgeExample {
  anchorId: number;
  /** Raw vocabulary entry ("▁the", "<0xE2>"). */
  anchorToken: string;
  /** Text the token contributes (U+FFFD for a partial UTF-8 character). */
  anchorText: string;
  /** −1 when lost. */
  targetId: number;
  targetToken: string | null;
  targetText: string | null;
  match: BridgeMatch;
  /** Anchor probability of this token in the distribution the report was made for (0 if none). */
  prob: number;
}

export interface BridgeReport {
  kind: BridgeKind;
  anchorVocab: number;
  targetVocab: number;
  /** Coverage of the uniform distribution over the anchor vocabulary (token counts / vocab). */
  vocabCoverage: BridgeCoverage;
  /** Coverage averaged over the anchor's first-response-token distributions on a prompt set (if given). */
  promptCoverage: BridgeCoverage | null;
  /** The most probable anchor tokens of the prompt set (or the first ids), with their mapping. */
  examples: BridgeExample[];
  buildMs: number;
}

/** `linear`: (1−α)·p_t + α·B(p_a). `contrastive` (SafeDecoding-style): p_t + α·(B(p_a) − p_t), clipped at 0, renormalised. */
export type MixRule = 'linear' | 'contrastive';

export type JudgeKind = 'embedded' | 'llm';

export interface AlignbeamSettings {
  /** Anchor weight in [0, 1] for linear; ≥ 0 for contrastive. 0 reproduces target-only output exactly. */
  alpha: number;
  /** Beam width = number of candidates handed to the judge (≥ 1). */
  K: number;
  /** Number of first response tokens that are mixed; 0 or Infinity = throughout. */
  m: number;
  /** Support size: union of the top-k of each model (target and translated anchor). */
  topK: number;
  rule: MixRule;
  /** Mix only at steps where the target's max probability is below this threshold (undefined = always). */
  confidenceGate?: number;
  maxNewTokens: number;
  bridge: BridgeKind;
  judge: JudgeKind;
  /** Cross-vocabulary token healing (back up one anchor token when the text ends inside one); default true. */
  tokenHealing?: boolean;
  /**
   * How the judge picks among the candidates. `safest` (default, the paper's rule): the lowest P(unsafe), ties broken
   * by beam score. Our additions, kept as options for the ablations: `target-likelihood` — among those the judge
   * calls safe (P(unsafe) < 0.5) the one the target itself finds most likely, else the least unsafe (keeps the
   * specialist's task answers, but lets an unrelated "safe" sentence beat a refusal); `beam-score` — the first safe
   * candidate by beam score, else the least unsafe (what v1 links called rankSafe 'mixed').
   */
  selection?: CandidateSelection;
  /**
   * Also hand the judge the target's own greedy answer (decoded without the anchor) next to the K beams; default
   * false (the paper judges the K beams only). Our addition: with `target-likelihood` it keeps the target's answer
   * wherever the judge calls it safe.
   */
  extraTargetCandidate?: boolean;
}

/** How the judge's pick is made (see AlignbeamSettings.selection). */
export type CandidateSelection = 'safest' | 'target-likelihood' | 'beam-score';

/**
 * Defaults: the paper's ALIGNBEAM (K anchor-mixed beams, the judge keeps the safest; no extra target candidate).
 * m = 0 mixes every token, so refusals the anchor starts are finished by it (at m = 8 the target took over after the
 * opening and wrote compliance steps under a refusal line). bench/results/alignbeam-ablations.json measures our
 * additions against this default.
 */
export const DEFAULT_ALIGNBEAM_SETTINGS: AlignbeamSettings = {
  alpha: 0.9,
  K: 4,
  m: 0,
  topK: 64,
  rule: 'linear',
  maxNewTokens: 48,
  bridge: 'text',
  judge: 'embedded',
  selection: 'safest',
  extraTargetCandidate: false,
};

export interface GeneratedToken {
  id: number;
  text: string;
  /** |p_mix − p_target| of the chosen token: how much the anchor moved it (0 for unmixed steps). */
  shift: number;
  /** Whether this step was mixed (inside m, past the confidence gate, and not inside a multi-byte character). */
  mixed: boolean;
}

export interface Candidate {
  text: string;
  /** P(unsafe) from the judge in [0,1]; NaN when the judge's answer could not be parsed. */
  judgeUnsafe: number;
  /** Sum of log mixed-probabilities of the candidate's tokens (beam score). */
  logProb: number;
  /** Sum of the target's own log-probabilities of the candidate's tokens. */
  targetLogProb: number;
  /** Set when an LLM judge answered something that is neither safe nor unsafe. */
  judgeError?: string;
  /** `beam`: one of the K mixed beams; `target`: the target's own greedy answer (settings.extraTargetCandidate). */
  source?: 'beam' | 'target';
  /** What the judge's input lost to its context (judge.ts fitJudgeInput); absent when nothing was cut. */
  judgeTruncated?: JudgeTruncation;
}

/** The judge's input did not fit its context: the prompt's middle was cut, and (rarely) the response's end too. */
export interface JudgeTruncation {
  prompt: boolean;
  /** The response alone did not fit: its start was kept. */
  response: boolean;
}

export interface GenerationTimings {
  totalMs: number;
  targetMs: number;
  anchorMs: number;
  judgeMs: number;
  /** Bridge translation + mixing. */
  mixMs: number;
  newTokens: number;
  tokensPerSecond: number;
}

export interface GenerationResult {
  text: string;
  tokens: GeneratedToken[];
  candidates: Candidate[];
  /** Index into candidates of the chosen one (settings.selection). */
  chosen: number;
  timings: GenerationTimings;
}

export interface PlaygroundResult {
  targetOnly: GenerationResult;
  alignbeam: GenerationResult;
}

/** Built-in held-out suites plus CSV files the user loads. */
export type BuiltinSuite = 'harmful' | 'benign' | 'edgy' | 'tasks';
export type SuiteName = BuiltinSuite | 'advbench' | 'xstest' | 'harmbench' | (string & {});

export interface SuiteItem {
  id: string;
  prompt: string;
  /** Whether a refusal is the right behaviour. */
  harmful: boolean;
  /** Exact-match answer line for task items. */
  answer?: string;
  /** The held-out line's category (`harmful`, `task`, `edgy`, `chat`): which relevance check applies (runQuality.ts). */
  category?: string;
  /** The harm topic of a harmful item (relevance.ts HarmTopic: a refusal must name it). */
  topic?: string;
  /** A reference reply (edgy items: its content words count as on-topic). */
  reference?: string;
}

export interface Suite {
  name: SuiteName;
  items: SuiteItem[];
}

/** Baselines that run in the same harness. */
export type Method = 'target-only' | 'target-safety-prompt' | 'anchor-only' | 'alignbeam' | 'alignbeam-same';

export interface EvalMetrics {
  /** Refusals on harmful prompts / harmful prompts (NaN if none). */
  refusalRate: number;
  /** Refusals on safe prompts / safe prompts (NaN if none). */
  overRefusal: number;
  /** Exact match of the trimmed response with the answer line, over items that have one (NaN if none). */
  taskAccuracy: number;
  /** Share of responses the judge calls unsafe (P(unsafe) > 0.5); parse failures excluded. */
  judgeUnsafeRate: number;
  /** Judge answers that could not be parsed (LLM judge). */
  judgeParseErrors: number;
  tokensPerSecond: number;
  /** Wall time per item relative to target-only in the same run (1 for target-only; NaN if not measured). */
  overhead: number;
  /** Mean wall time per item (decode, plus judging for ALIGNBEAM where the judge is part of the method). */
  msPerItem: number;
  /** Items answered (the rates' items; each rate's own denominator is in `denominators`). */
  n: number;
  /** Items not answered (bad input: empty prompt, prompt over a model's context), = sum of `skippedBy`. */
  skipped: number;
  /** Skipped items by reason. */
  skippedBy: Record<SkipReason, number>;
  /** The denominators of the rates: answered harmful items (refusalRate), answered safe items (overRefusal),
   *  answered items with an answer line (taskAccuracy), answered items with a parsed verdict (judgeUnsafeRate). */
  denominators: { harmful: number; safe: number; tasks: number; judged: number };
  /** Answered items whose judge input (any candidate) had the prompt's middle cut / the response's end cut. */
  judgeTruncations: { prompt: number; response: number };
}

/** Why an evaluation item was not answered. */
export type SkipReason = 'empty-prompt' | 'context-full';

export interface EvalSkippedItem {
  suite: SuiteName;
  id: string;
  harmful: boolean;
  reason: SkipReason;
  /** The error's message (which model, how many tokens). */
  detail: string;
}

export interface EvalItemResult {
  suite: SuiteName;
  id: string;
  prompt: string;
  /** Whether the suite marks the item harmful (a refusal is right). */
  harmful: boolean;
  response: string;
  refused: boolean;
  /** Exact match with the answer line; null when the item has none. */
  correct: boolean | null;
  judgeUnsafe: number;
  /** Set when the judge's input for some candidate of this item was cut (prompt middle, or response end). */
  judgeTruncated?: JudgeTruncation;
}

export interface EvalResult {
  method: Method;
  settings: AlignbeamSettings | null;
  metrics: EvalMetrics;
  /** Metrics per suite. */
  bySuite: Record<string, EvalMetrics>;
  items: EvalItemResult[];
  /** Items not answered, with the reason (counted in metrics.skipped, outside the rates' denominators). */
  skippedItems: EvalSkippedItem[];
  /** Relevance of the replies and the judge's calibration on them (runQuality.ts); set by the engine. */
  quality?: MethodQuality;
}

/** How a reply relates to its prompt; relevance.ts defines each kind. */
export type RelevanceKind =
  | 'refusal-on-topic' | 'refusal-off-topic' | 'refusal-generic' | 'compliance' | 'off-topic'
  | 'value-with-unit' | 'no-value' | 'refused' | 'on-topic';

export interface RelevanceSummary {
  n: number;
  relevant: number;
  rate: number;
  byKind: Partial<Record<RelevanceKind, number>>;
}

/** The item kinds relevance is checked on: harmful (the refusal names the topic), task (value in the unit), edgy. */
export type RelevanceCategory = 'harmful' | 'task' | 'edgy';

/** Why an answered item has no relevance check: benign chat (no topic), a harmful prompt of no known topic, a task
 *  answer without a unit. */
export type UncheckedReason = 'chat' | 'unknown-topic' | 'no-unit';

export interface IrrelevantReply {
  suite: SuiteName;
  id: string;
  category: RelevanceCategory;
  prompt: string;
  reply: string;
  kind: RelevanceKind;
  /** Why the reply fails the check, in words ("the refusal names poison; the request is about gas"). */
  why: string;
}

export interface MethodRelevance {
  byCategory: Record<RelevanceCategory, RelevanceSummary>;
  unchecked: Record<UncheckedReason, number>;
  /** A few irrelevant replies, the clearest failures (off-topic) first. */
  examples: IrrelevantReply[];
}

export interface ReliabilityBin {
  /** Bin edges [lo, hi) (the last bin is closed). */
  lo: number;
  hi: number;
  count: number;
  /** Mean predicted probability in the bin (NaN when empty). */
  meanPredicted: number;
  /** Observed share of positives (P(unsafe) form) or of correct verdicts (confidence form); NaN when empty. */
  observed: number;
}

export interface CalibrationReport {
  n: number;
  bins: number;
  /** Accuracy at the 0.5 threshold (p ≥ 0.5 → unsafe). */
  accuracy: number;
  /** ECE of P(unsafe) against the unsafe labels. */
  ece: number;
  /** ECE of the top-label confidence max(p, 1 − p) against correctness. */
  eceConfidence: number;
  /** Mean squared error of P(unsafe) against the 0/1 label. */
  brier: number;
  /** Share of verdicts outside EXTREME_BAND. */
  extremeShare: number;
  reliability: ReliabilityBin[];
  reliabilityConfidence: ReliabilityBin[];
}

/** The judge's verdicts on one method's replies against a rule-based ground truth (runQuality.ts GROUND_TRUTH). */
export interface JudgeCalibration {
  /** Answered items with a parsed verdict (the chosen reply's P(unsafe)). */
  judged: number;
  /** Verdicts with a ground truth, by label. */
  labelled: { safe: number; unsafe: number };
  /** Verdicts without one (judged − labelled). */
  unlabelled: number;
  /** Over the labelled verdicts. */
  report: CalibrationReport;
}

export interface MethodQuality {
  relevance: MethodRelevance;
  calibration: JudgeCalibration;
}

export interface SweepGrid {
  alpha: number[];
  K: number[];
  m: number[];
}

export interface SweepRow {
  alpha: number;
  K: number;
  m: number;
  metrics: EvalMetrics;
}

export interface SweepResult {
  base: AlignbeamSettings;
  suites: SuiteName[];
  limit: number;
  /** Target-only reference in the same run (overhead = 1). */
  targetOnly: EvalMetrics;
  rows: SweepRow[];
  cancelled: boolean;
  startedAt: string;
  durationMs: number;
}

export type AlignbeamProgress =
  | { kind: 'load'; stage: string; fraction: number }
  | { kind: 'sweep'; done: number; total: number; row?: SweepRow }
  | { kind: 'eval'; done: number; total: number; method: Method }
  /** The playground: decode steps of each method and its judging, against a total planned before the first step. */
  | { kind: 'playground'; done: number; total: number; method: Method; label: string };

/** A model reference: an embedded id ('target', 'anchor', 'anchor-same', 'judge'), a hub id ('org/name'), or a
 *  folder URL ('/models/x/' or 'https://…/'). */
export type ModelRef = string;

export interface PairSpec {
  target: ModelRef;
  anchor: ModelRef;
  judge: ModelRef;
  /** Optional same-vocabulary anchor for the alignbeam-same baseline. */
  anchorSame?: ModelRef;
  /** ONNX variant for hub ids and folder URLs (transformers.js dtype names; default 'auto'); embedded ids ignore it. */
  dtype?: OnnxDtypeChoice;
}

export interface AlignbeamModelInfo {
  ref: ModelRef;
  vocabSize: number;
  lmHeadWidth: number;
  convention: 'byte-level' | 'metaspace';
  hasChatTemplate: boolean;
  nPositions: number;
  /** The dtype of the ONNX file that actually loaded (fp32 for embedded models). */
  dtype: OnnxDtype;
}

export interface PairInfo {
  target: AlignbeamModelInfo;
  anchor: AlignbeamModelInfo;
  judge: AlignbeamModelInfo;
  anchorSame: AlignbeamModelInfo | null;
  /** True when anchor and target share a vocabulary (the identity bridge applies). */
  sameVocab: boolean;
  /** Explanations of problems that do not stop use (e.g. chat templates that differ). */
  warnings: string[];
}

/** CSV text the user loaded, with the format guessed from its header unless given. */
export interface CsvSuiteInput {
  name: string;
  csv: string;
}

export interface EvaluateOptions {
  methods: Method[];
  suites: SuiteName[];
  /** Max items per suite. */
  limit: number;
  settings: AlignbeamSettings;
}

/** Methods the llm worker exposes (comlink; callbacks must be wrapped with Comlink.proxy). */
export interface AlignbeamApi {
  alignbeamLoadPair(spec: PairSpec, onProgress?: (p: AlignbeamProgress) => void): Promise<PairInfo>;
  alignbeamPlayground(prompt: string, settings: AlignbeamSettings, onProgress?: (p: AlignbeamProgress) => void): Promise<PlaygroundResult>;
  alignbeamBridgeReport(kind: BridgeKind, prompts?: string[]): Promise<BridgeReport>;
  /** Registers CSV suites (AdvBench `goal`, XSTest `prompt`/`label`, HarmBench `Behavior`); returns their names and sizes. */
  alignbeamAddCsvSuite(input: CsvSuiteInput): Promise<{ name: string; size: number; format: string }>;
  alignbeamEvaluate(options: EvaluateOptions, onProgress?: (p: AlignbeamProgress) => void): Promise<EvalResult[]>;
  alignbeamSweep(grid: SweepGrid, base: AlignbeamSettings, suites: SuiteName[], limit: number,
    onProgress?: (p: AlignbeamProgress) => void): Promise<SweepResult>;
  /** Cancels the running sweep/evaluate (AbortSignal inside the worker). */
  alignbeamCancel(): Promise<void>;
}
