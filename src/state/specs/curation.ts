// Curation spec (issue #22): which corpus (the shipped handbook, or an uploaded file named by name + sha256: its
// bytes never travel in a link), how it is chunked and how many chunks a run takes, the generator models and how
// they decode, the injected failures, the gates (rule gates and the grounding model with its evidence mode), the
// recovery strategy with its budgets, and the seed. Enum values are the core's own (src/core/curation), so the
// spec maps 1:1 onto the pipeline configuration the engine builds.
import { z } from 'zod';
import { FAILURE_MODES } from '../../core/curation/types';
import { seed } from './common';
import { clampInt, clampNumber, type SpecDefinition } from './types';

export const GROUNDING_MODES = ['cited-chunk', 'retrieval', 'none'] as const;
export const RECOVERY_STRATEGIES = ['none', 'naive', 'adaptive'] as const;

/** Bounds that keep a link small and a browser run finite. */
export const CURATION_LIMITS = {
  maxChars: { min: 100, max: 4000 },
  overlap: { min: 0, max: 400 },
  maxChunks: { min: 1, max: 500 },
  generators: 4,
  maxNewTokens: { min: 8, max: 256 },
  topK: { min: 1, max: 100 },
  temperature: { min: 0.05, max: 2 },
  attempts: { min: 0, max: 5 },
  maxCalls: { min: 0, max: 100_000 },
  dedupThreshold: { min: 0.1, max: 1 },
  rewardThreshold: { min: -3, max: 3 },
} as const;

const modelId = z.string().min(1).max(200);

const corpus = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('handbook') }),
  // an uploaded file: chosen again after opening a link; the sha256 tells whether it is the same file
  z.object({ kind: z.literal('upload'), name: z.string().min(1).max(200), sha256: z.string().regex(/^[0-9a-f]{64}$/).optional() }),
]);

const schema = z.object({
  seed,
  corpus: corpus.default({ kind: 'handbook' }),
  chunking: z.object({
    maxChars: z.number().int().default(400),
    overlap: z.number().int().default(0),
    /** The first n chunks of the corpus are curated (a browser run on a small model stays short). */
    maxChunks: z.number().int().default(6),
  }).default({ maxChars: 400, overlap: 0, maxChunks: 6 }),
  /** Embedded model ids (models/manifest.json) or 'extractive' (the model-free baseline); each chunk goes to each. */
  generators: z.array(modelId).min(1).max(16).default(['extractive']),
  decoding: z.object({
    maxNewTokens: z.number().int().default(40),
    /** 1 = greedy */
    topK: z.number().int().default(1),
    temperature: z.number().default(1),
  }).default({ maxNewTokens: 40, topK: 1, temperature: 1 }),
  injection: z.object({
    rate: z.number().default(0.5),
    modes: z.array(z.enum(FAILURE_MODES)).default([...FAILURE_MODES]),
  }).default({ rate: 0.5, modes: [...FAILURE_MODES] }),
  gates: z.object({
    lexical: z.object({ enabled: z.boolean().default(true), grounding: z.enum(GROUNDING_MODES).default('cited-chunk') }).default({ enabled: true, grounding: 'cited-chunk' }),
    format: z.boolean().default(true),
    dedup: z.object({ enabled: z.boolean().default(true), threshold: z.number().default(0.8) }).default({ enabled: true, threshold: 0.8 }),
    grounding: z.object({
      enabled: z.boolean().default(false),
      model: modelId.default('judge'),
      mode: z.enum(GROUNDING_MODES).default('cited-chunk'),
      verdict: z.enum(['probability', 'greedy']).default('probability'),
    }).default({ enabled: false, model: 'judge', mode: 'cited-chunk', verdict: 'probability' }),
    /** the curation reward: −refusal − the judge model's P(unsafe) (judge '' = the refusal rule alone); below threshold rejects */
    reward: z.object({
      enabled: z.boolean().default(false),
      judge: z.string().max(200).default('judge'),
      threshold: z.number().default(-0.5),
    }).default({ enabled: false, judge: 'judge', threshold: -0.5 }),
  }).default({
    lexical: { enabled: true, grounding: 'cited-chunk' }, format: true, dedup: { enabled: true, threshold: 0.8 },
    grounding: { enabled: false, model: 'judge', mode: 'cited-chunk', verdict: 'probability' },
    reward: { enabled: false, judge: 'judge', threshold: -0.5 },
  }),
  recovery: z.object({
    strategy: z.enum(RECOVERY_STRATEGIES).default('adaptive'),
    /** recovery attempts per sample */
    attempts: z.number().int().default(2),
    /** run-wide model-call cap; 0 = none */
    maxCalls: z.number().int().default(0),
  }).default({ strategy: 'adaptive', attempts: 2, maxCalls: 0 }),
});

export type CurationSpec = z.infer<typeof schema>;

const L = CURATION_LIMITS;

export const curationSpec: SpecDefinition<CurationSpec> = {
  module: 'curation',
  version: 1,
  schema,
  migrations: {},
  clamp: (s) => ({
    ...s,
    seed: clampInt(s.seed, 0, 2 ** 31 - 1),
    chunking: {
      maxChars: clampInt(s.chunking.maxChars, L.maxChars.min, L.maxChars.max),
      overlap: clampInt(s.chunking.overlap, L.overlap.min, L.overlap.max),
      maxChunks: clampInt(s.chunking.maxChunks, L.maxChunks.min, L.maxChunks.max),
    },
    // duplicates would judge the same generator twice under one name
    generators: [...new Set(s.generators)].slice(0, L.generators),
    decoding: {
      maxNewTokens: clampInt(s.decoding.maxNewTokens, L.maxNewTokens.min, L.maxNewTokens.max),
      topK: clampInt(s.decoding.topK, L.topK.min, L.topK.max),
      temperature: clampNumber(s.decoding.temperature, L.temperature.min, L.temperature.max),
    },
    injection: { rate: clampNumber(s.injection.rate, 0, 1), modes: [...new Set(s.injection.modes)] },
    gates: {
      ...s.gates,
      dedup: { ...s.gates.dedup, threshold: clampNumber(s.gates.dedup.threshold, L.dedupThreshold.min, L.dedupThreshold.max) },
      reward: { ...s.gates.reward, threshold: clampNumber(s.gates.reward.threshold, L.rewardThreshold.min, L.rewardThreshold.max) },
    },
    recovery: {
      ...s.recovery,
      attempts: clampInt(s.recovery.attempts, L.attempts.min, L.attempts.max),
      maxCalls: clampInt(s.recovery.maxCalls, L.maxCalls.min, L.maxCalls.max),
    },
  }),
};
