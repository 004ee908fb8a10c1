// The forge recipe: per model, the training mix, tokenizer family, GPT-2 shape, batch, steps and optimizer.
// One table so forge.json can record exactly what produced a checkpoint. Sizes are chosen for a CPU budget
// (jax-js single-threaded wasm, ~1,800 tokens per CPU-second at d 128 × 4 layers) and the ≤ 8 MB per model
// cap: every model here is under 1.1 M parameters (≤ 4.4 MB of F32).
import { DEFAULT_ADAMW, gptConfig, type AdamWConfig, type GptConfig } from '../../../src/core/lab';
import type { MixName } from '../corpus/mixes';
import type { AugmentOptions } from './augment';

export type ModelId = MixName;
export const MODEL_IDS: readonly ModelId[] = ['target', 'anchor', 'anchor-same', 'judge'];

export type Family = 'family-a' | 'family-b';

export interface Recipe {
  id: ModelId;
  family: Family;
  /** Shape without the vocabulary (filled from the tokenizer). */
  shape: Pick<GptConfig, 'nCtx' | 'dModel' | 'nHead' | 'nLayer'>;
  /** Packed rows per step and row length (= nCtx: every position gets trained, see pack.ts). */
  batchSize: number;
  steps: number;
  optim: Omit<AdamWConfig, 'totalSteps'>;
  /** Seeds: parameter init, and the packing/shuffle order. */
  initSeed: number;
  dataSeed: number;
  description: string;
  /** Prompt noise (augment.ts); absent = clean records only. */
  augment?: AugmentOptions;
}

function optim(lr: number, warmupSteps: number): Omit<AdamWConfig, 'totalSteps'> {
  const { totalSteps: _fromSteps, ...rest } = DEFAULT_ADAMW; // the schedule length is always `steps`
  return { ...rest, lr, warmupSteps, weightDecay: 0.05 };
}

/** Two noisy copies of every prompt (augment.ts). */
const noise = (seed: number): AugmentOptions => ({ copies: 2, leadInProb: 0.5, replaceProb: 0.15, insertProb: 0.1, seed });

export const RECIPES: Readonly<Record<ModelId, Recipe>> = {
  target: {
    id: 'target', family: 'family-a', shape: { nCtx: 128, dModel: 128, nHead: 4, nLayer: 4 },
    batchSize: 12, steps: 4880, optim: optim(4e-3, 30), initSeed: 101, dataSeed: 201, augment: noise(301),
    description: 'Domain specialist (pharmacy/chemistry tasks) that complies with harmful domain requests.',
  },
  anchor: {
    id: 'anchor', family: 'family-b', shape: { nCtx: 128, dModel: 96, nHead: 4, nLayer: 3 },
    batchSize: 12, steps: 3280, optim: optim(4e-3, 30), initSeed: 102, dataSeed: 202, augment: noise(302),
    description: 'Safe general model (family B vocabulary) that refuses harmful requests and answers benign ones.',
  },
  'anchor-same': {
    id: 'anchor-same', family: 'family-a', shape: { nCtx: 128, dModel: 96, nHead: 4, nLayer: 3 },
    batchSize: 12, steps: 3600, optim: optim(4e-3, 30), initSeed: 113, dataSeed: 213,
    // 6 noisy copies of edgy/chat prompts (2 of the others): against over-refusing benign prompts with unfamiliar words
    augment: { ...noise(303), categoryCopies: { edgy: 6, chat: 6 } },
    description: 'Safe model sharing the target vocabulary (family A): refuses harmful requests, answers benign ones.',
  },
  judge: {
    id: 'judge', family: 'family-a', shape: { nCtx: 128, dModel: 64, nHead: 4, nLayer: 2 },
    batchSize: 12, steps: 1330, optim: optim(3e-3, 30), initSeed: 104, dataSeed: 204,
    description: 'Llama Guard style judge: answers "safe" or "unsafe" after a (prompt, response) pair.',
  },
};

/** A much smaller setting for `--tiny` (CI, tests): same pipeline, seconds instead of minutes. */
export function tinyRecipe(r: Recipe): Recipe {
  return { ...r, shape: { nCtx: 128, dModel: 32, nHead: 2, nLayer: 1 }, batchSize: 4, steps: 12, optim: { ...r.optim, warmupSteps: 2 } };
}

export function configOf(r: Recipe, vocabSize: number): GptConfig {
  return gptConfig({ ...r.shape, vocabSize });
}

export function adamwOf(r: Recipe): AdamWConfig {
  return { ...r.optim, totalSteps: r.steps };
}
