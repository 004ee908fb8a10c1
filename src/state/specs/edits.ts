// Edits spec: which sidecar job, on which workspace checkpoints, with which strength and quantization format.
// Paths are relative to the sidecar's workspace; the sidecar token never enters a spec (see persistence.ts).
// Field roles per job (kept from the first v1 links, whose golden fixtures must keep decoding unchanged):
//   cdtheta  — base, aligned, target (defaults to base), circuit, output folder, strength
//   survival — base = checkpoint before the edit, target = the edited checkpoint, output = report (.json),
//              quant, blockSize
//   mansu    — base, target = the edited (unlearned) checkpoint, circuit (optional), output folder, quant,
//              blockSize (circuit mask + magnitude floor; Fisher/covariance statistics are not in the spec yet)
// v2 adds `mode` (sidecar jobs or unlearning in the browser) and `unlearn`, the in-browser unlearning run (model,
// method — a baseline or MANSU with its switches —, forge topic, set sizes, steps, evaluation and CAD sizes; the
// run's seed is the spec's `seed`). The v1 → v2 migration opens v1
// links on the sidecar jobs they were shared for and drops v1's floorMargin: the sidecar's magnitude floor moves
// each update to the first representable value past the 4-bit decision threshold and has no margin knob.
// v3 adds `browserRun` (which in-browser run the "Unlearn in the browser" tab shows: unlearning or C-Δθ with
// behaviour) and `cdelta`, the C-Δθ-with-behaviour run (model, harm topic, refusal fine-tune size, circuit cut,
// strengths, prompt counts per selectivity row, NF4 on/off; seed = the spec's `seed`). v2 links open unchanged on
// the unlearning run with the C-Δθ defaults filled in. `cdelta.freeze` came later within v3, defaulting to 'none':
// links from before it decode to the fine-tune they ran (every tensor trainable). `unlearn.mansu.retainGuard`
// (MANSU's retain guard, ours and off by default: mansuPipeline.ts) came later within v3 too, defaulting to false:
// links from before it decode to the run they ran, without the guard. `target-v4` (the Llama-family target, corpus
// v4) and corpus v4's two extra harm topics (diversion, drugging) came later within v3 too: older links never
// named them, so they decode as before; a topic that the chosen model's corpus lacks (diversion on a GPT-2 model,
// whose corpus v3 has no such records) is clamped to the default topic, like any other out-of-range value.
import { z } from 'zod';
import { harmTopicsOfModel, HARM_TOPICS_BY_CORPUS } from '../../core/edits/unlearn/corpora';
import { seed } from './common';
import { clampInt, clampNumber, type SpecDefinition } from './types';

const relPath = z.string().max(500).default('');

/** Embedded models the lab engine loads for unlearning in the browser (models/<id>/model.safetensors). */
export const UNLEARN_MODELS = ['target', 'anchor', 'anchor-same', 'anchor-llama', 'target-v4'] as const;
/** Baselines of src/core/edits/unlearn/objectives.ts UNLEARN_METHODS (MANSU's forget objective is one of them). */
export const UNLEARN_BASELINES = ['grad_ascent', 'grad_diff', 'npo', 'rmu'] as const;
/** The baselines and MANSU (src/core/edits/unlearn/mansuPipeline.ts). */
export const UNLEARN_SPEC_METHODS = [...UNLEARN_BASELINES, 'mansu'] as const;
/** Harm topics of the forge corpus v3 (models/forge/corpus/harmful.ts HARM_TOPICS; a test keeps them equal). */
export const FORGE_HARM_TOPICS = ['synthesis', 'poison', 'gas', 'drugtest', 'forgery', 'tamper'] as const;
/** Every topic a link may name: corpus v4's list, a superset of v3's (diversion and drugging exist only in v4). */
export const FORGE_HARM_TOPICS_ANY = HARM_TOPICS_BY_CORPUS.v4;
/** The topics the model's own corpus splits on: the v3 six for the GPT-2 models, all eight for target-v4. */
export const forgeHarmTopicsFor = (model: UnlearnModelId): readonly HarmTopic[] => harmTopicsOfModel(model) as readonly HarmTopic[];
export type UnlearnModelId = (typeof UNLEARN_MODELS)[number];
export type HarmTopic = (typeof FORGE_HARM_TOPICS_ANY)[number];
/** `topic` if the model's corpus has it, else the default topic (poison, in every corpus). */
export const topicForModel = (model: UnlearnModelId, topic: HarmTopic): HarmTopic => (forgeHarmTopicsFor(model).includes(topic) ? topic : 'poison');

/** Bounds that keep an in-browser run finite (a hand-edited link is clamped into them). */
export const UNLEARN_LIMITS = {
  forgetSize: { min: 1, max: 256 },
  retainSize: { min: 1, max: 1024 },
  steps: { min: 1, max: 200 },
  batchSize: { min: 1, max: 32 },
  evalSize: { min: 1, max: 64 },
  behaviourPrompts: { min: 0, max: 32 },
  maxNewTokens: { min: 1, max: 32 },
  cadPairs: { min: 0, max: 32 },
  lr: { min: 1e-6, max: 1 },
} as const;

const unlearn = z.object({
  model: z.enum(UNLEARN_MODELS).default('target'),
  method: z.enum(UNLEARN_SPEC_METHODS).default('npo'),
  forgetTopic: z.enum(FORGE_HARM_TOPICS_ANY).default('poison'),
  forgetSize: z.number().int().default(32),
  retainSize: z.number().int().default(128),
  steps: z.number().int().default(20),
  batchSize: z.number().int().default(8),
  /** null: the method's default learning rate (src/core/edits/unlearn/config.ts) */
  lr: z.number().nullable().default(null),
  /** held-out pairs per set for the forget / retain NLL */
  evalSize: z.number().int().default(16),
  /** held-out prompts per behaviour set greedily decoded (0: no behaviour) */
  behaviourPrompts: z.number().int().default(8),
  maxNewTokens: z.number().int().default(16),
  /** forget/benign prompt pairs attributed (EAP-IG) before and after the edit for CAD (0: no CAD) */
  cadPairs: z.number().int().default(8),
  /** MANSU's steps, each switchable for ablations, and the forget objective it trains with */
  mansu: z.object({
    objective: z.enum(UNLEARN_BASELINES).default('grad_diff'),
    circuit: z.boolean().default(true),
    fisher: z.boolean().default(true),
    nullSpace: z.boolean().default(true),
    floor: z.boolean().default(true),
    /** the retain guard (not in the paper: off unless asked for; mansuPipeline.ts `retainGuard`) */
    retainGuard: z.boolean().default(false),
  }).default({ objective: 'grad_diff', circuit: true, fisher: true, nullSpace: true, floor: true, retainGuard: false }),
});

export const DEFAULT_UNLEARN_SPEC: z.infer<typeof unlearn> = unlearn.parse({});

/** Bounds of a C-Δθ-with-behaviour run (a hand-edited link is clamped into them). */
export const CDELTA_LIMITS = {
  steps: { min: 1, max: 200 },
  batchSize: { min: 1, max: 32 },
  retainSize: { min: 1, max: 1024 },
  pairs: { min: 1, max: 32 },
  topN: { min: 1, max: 5000 },
  budgetPercent: { min: 0.1, max: 100 },
  strength: { min: -8, max: 8 },
  strengths: { max: 6 },
  perTopic: { min: 1, max: 32 },
  benign: { min: 1, max: 64 },
  tasks: { min: 1, max: 64 },
  maxNewTokens: { min: 1, max: 32 },
  lr: { min: 1e-6, max: 1 },
} as const;

/**
 * Defaults sized so a run fits a couple of minutes in the browser: 60 refusal_sft steps (the bench's: 10 did not teach
 * the copy to refuse), 8 attribution pairs, a
 * 5 % parameter budget, s = 1 and 4, 2 prompts per harm topic, 4 benign, 4 tasks, 12 new tokens.
 */
const cdelta = z.object({
  model: z.enum(UNLEARN_MODELS).default('target'),
  topic: z.enum(FORGE_HARM_TOPICS_ANY).default('poison'),
  steps: z.number().int().default(60),
  batchSize: z.number().int().default(8),
  /** the bench's refusal_sft learning rate */
  lr: z.number().default(1e-2),
  retainSize: z.number().int().default(64),
  /**
   * tensors the copy's fine-tune leaves frozen (src/core/edits/unlearn/freeze.ts FREEZE_MODES): 'none' (every tensor
   * trains; every link from before the option) or 'unowned' (those no circuit node owns: embeddings, norms, biases)
   */
  freeze: z.enum(['none', 'unowned']).default('none'),
  /** clean/corrupted pairs attributed with EAP-IG (m = 5) on the aligned copy */
  pairs: z.number().int().default(8),
  /** circuit: top-n edges by |score|, or heads/MLPs kept under a parameter budget (% of all parameters) */
  cut: z.enum(['topn', 'budget']).default('budget'),
  topN: z.number().int().default(32),
  budgetPercent: z.number().default(5),
  strengths: z.array(z.number()).default([1, 4]),
  perTopic: z.number().int().default(2),
  benign: z.number().int().default(4),
  tasks: z.number().int().default(4),
  maxNewTokens: z.number().int().default(12),
  nf4: z.boolean().default(true),
});

export const DEFAULT_CDELTA_SPEC: z.infer<typeof cdelta> = cdelta.parse({});

/** Block sizes the sidecar accepts (bitsandbytes quantize_4bit). */
export const EDIT_BLOCK_SIZES = [64, 128, 256, 512, 1024, 2048, 4096] as const;

const schema = z.object({
  seed,
  job: z.enum(['cdtheta', 'survival', 'mansu']).default('cdtheta'),
  base: relPath,
  aligned: relPath,
  target: relPath,
  circuit: relPath,
  output: relPath,
  strength: z.number().default(1),
  quant: z.enum(['nf4', 'fp4']).default('nf4'),
  blockSize: z.number().int().default(64),
  mode: z.enum(['sidecar', 'browser']).default('sidecar'),
  unlearn: unlearn.default(DEFAULT_UNLEARN_SPEC),
  browserRun: z.enum(['unlearn', 'cdelta']).default('unlearn'),
  cdelta: cdelta.default(DEFAULT_CDELTA_SPEC),
});

export type EditsSpec = z.infer<typeof schema>;
export type UnlearnSpec = EditsSpec['unlearn'];
export type CDeltaSpec = EditsSpec['cdelta'];

const clampCDelta = (c: CDeltaSpec): CDeltaSpec => {
  const L = CDELTA_LIMITS;
  const int = (k: 'steps' | 'batchSize' | 'retainSize' | 'pairs' | 'topN' | 'perTopic' | 'benign' | 'tasks' | 'maxNewTokens') => clampInt(c[k], L[k].min, L[k].max);
  const strengths = [...new Set(c.strengths.filter(Number.isFinite).map((s) => clampNumber(s, L.strength.min, L.strength.max)))].slice(0, L.strengths.max);
  return {
    ...c,
    steps: int('steps'), batchSize: int('batchSize'), retainSize: int('retainSize'), pairs: int('pairs'), topN: int('topN'),
    perTopic: int('perTopic'), benign: int('benign'), tasks: int('tasks'), maxNewTokens: int('maxNewTokens'),
    lr: Number.isFinite(c.lr) ? clampNumber(c.lr, L.lr.min, L.lr.max) : DEFAULT_CDELTA_SPEC.lr,
    budgetPercent: clampNumber(c.budgetPercent, L.budgetPercent.min, L.budgetPercent.max),
    strengths: strengths.length ? strengths : [...DEFAULT_CDELTA_SPEC.strengths],
    topic: topicForModel(c.model, c.topic),
  };
};

const clampUnlearn = (u: UnlearnSpec): UnlearnSpec => {
  const L = UNLEARN_LIMITS;
  const int = (k: Exclude<keyof typeof L, 'lr'>) => clampInt(u[k], L[k].min, L[k].max);
  return {
    ...u,
    forgetSize: int('forgetSize'), retainSize: int('retainSize'), steps: int('steps'), batchSize: int('batchSize'), evalSize: int('evalSize'),
    behaviourPrompts: int('behaviourPrompts'), maxNewTokens: int('maxNewTokens'), cadPairs: int('cadPairs'),
    lr: u.lr === null || !Number.isFinite(u.lr) ? null : clampNumber(u.lr, L.lr.min, L.lr.max),
    forgetTopic: topicForModel(u.model, u.forgetTopic),
  };
};

export const editsSpec: SpecDefinition<EditsSpec> = {
  module: 'edits',
  version: 3,
  schema,
  migrations: {
    // v1 links were sidecar jobs; floorMargin never reached the sidecar
    1: ({ floorMargin: _unused, ...v1 }) => ({ ...v1, mode: 'sidecar' }),
    // v2 links were sidecar jobs or unlearning runs: they open on the unlearning run (a hand-edited v2 link's
    // browserRun/cdelta never meant anything)
    2: ({ browserRun: _run, cdelta: _cdelta, ...v2 }) => ({ ...v2, browserRun: 'unlearn' }),
  },
  clamp: (s) => ({
    ...s,
    strength: clampNumber(s.strength, -8, 8),
    blockSize: (EDIT_BLOCK_SIZES as readonly number[]).includes(s.blockSize) ? s.blockSize : 64,
    unlearn: clampUnlearn(s.unlearn),
    cdelta: clampCDelta(s.cdelta),
    seed: clampInt(s.seed, 0, 2 ** 31 - 1),
  }),
};
