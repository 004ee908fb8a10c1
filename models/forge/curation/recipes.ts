// Recipes of the curation models (issue #22): the grounding model and two generator sizes, Llama-family decoders
// (GQA, SwiGLU, RMSNorm, RoPE) on the family-A tokenizer like judge-v4. Kept apart from train/recipe.ts's
// RECIPES (whose ids drive the held-out suites of the safety roles); the shared trainer (trainModel) and folder
// writer take these through `asForgeRecipe`. Context 256: a generator prompt with a ≤ ~95-token chunk plus its
// question and answer is ≤ 210 family-A tokens (max over the training set), a grounding pair ≤ 190.
import { DEFAULT_ADAMW } from '../../../src/core/lab';
import type { ModelId, Recipe } from '../train/recipe';

export type CurationModelId = 'curation-grounding' | 'curation-gen-s' | 'curation-gen-l';
export const CURATION_MODEL_IDS: readonly CurationModelId[] = ['curation-grounding', 'curation-gen-s', 'curation-gen-l'];

export interface CurationRecipe extends Omit<Recipe, 'id' | 'mix' | 'corpus'> {
  id: CurationModelId;
  role: 'grounding' | 'generator';
  /** Fact-sheet seed and data seeds (factSheets.ts / trainingData.ts). */
  sheetSeed: number;
  /** Examples per train sheet. */
  perSheet: number;
}

const optim = (lr: number, warmupSteps: number): Recipe['optim'] => {
  const { totalSteps: _fromSteps, ...rest } = DEFAULT_ADAMW;
  return { ...rest, lr, warmupSteps, weightDecay: 0.05 };
};

const llama = (intermediate: number) => ({ num_key_value_heads: 2, intermediate_size: intermediate, rope_theta: 10000, rms_norm_eps: 1e-5, tie_word_embeddings: true });

export const CURATION_RECIPES: Readonly<Record<CurationModelId, CurationRecipe>> = {
  // The committed grounding model has gen-l's shape, warm-started from curation-gen-l's weights (train.ts --init
  // --arch-of curation-gen-l, 640 steps): the d64 × 2 run from scratch (1,340 steps) and from gen-s (840 steps,
  // stopped at 500) stayed on a loss plateau and answered `unsupported` for every pair with evidence.
  'curation-grounding': {
    id: 'curation-grounding', role: 'grounding', family: 'family-a', shape: { nCtx: 256, dModel: 128, nHead: 4, nLayer: 4 }, llama: llama(344),
    batchSize: 8, steps: 0, optim: optim(3e-3, 30), initSeed: 2211, dataSeed: 2212, sheetSeed: 2201, perSheet: 3,
    description: 'Grounding model (MiniCheck style): answers supported / unsupported / abstain after a claim and its evidence; Llama family, synthetic fact sheets.',
  },
  'curation-gen-s': {
    id: 'curation-gen-s', role: 'generator', family: 'family-a', shape: { nCtx: 256, dModel: 64, nHead: 4, nLayer: 2 }, llama: llama(172),
    batchSize: 8, steps: 0, optim: optim(3e-3, 30), initSeed: 2221, dataSeed: 2222, sheetSeed: 2201, perSheet: 2,
    description: 'Small QA generator: writes one question and its answer from a source chunk ("Question: …\\nAnswer: …"); Llama family d64 × 2.',
  },
  'curation-gen-l': {
    id: 'curation-gen-l', role: 'generator', family: 'family-a', shape: { nCtx: 256, dModel: 128, nHead: 4, nLayer: 4 }, llama: llama(344),
    batchSize: 8, steps: 0, optim: optim(3e-3, 40), initSeed: 2231, dataSeed: 2232, sheetSeed: 2201, perSheet: 2,
    description: 'Larger QA generator: writes one question and its answer from a source chunk ("Question: …\\nAnswer: …"); Llama family d128 × 4.',
  },
};

/** The shared trainer's view of a curation recipe (it reads shape, llama, batch, steps, optim and seeds). */
export const asForgeRecipe = (r: CurationRecipe, steps = r.steps): Recipe => ({ ...r, id: r.id as unknown as ModelId, steps });
