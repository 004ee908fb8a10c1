// Exports a trained curation model (train.ts output) as a workbench model folder (models/<id>: config.json,
// tokenizer files, model.safetensors, onnx/model.onnx, forge.json), checks lab-vs-ORT parity, runs the held-out
// evaluation (evaluate.ts) and registers it in models/manifest.json.
//   npx tsx models/forge/curation/export.ts <id> [--weights DIR] [--out MODELS_DIR] [--eval-limit N]
// forge.json records the recipe, data hash, training (steps, the warm start's initFrom when train.ts ran with
// --init, tokens, wall/CPU s, machine and load, loss curve),
// sizes, parity, the full held-out evaluation and a small `sample` (SAMPLE_LIMIT items per role) that
// curation.test.ts re-runs on the committed files and must reproduce exactly.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { initEngine } from '../../../src/core/lab';
import { loadCausalLMFolder } from '../../../src/core/lm/causalLmNode';
import { generatorPrompt, groundingPrompt } from '../../../src/core/curation/prompts';
import { updateManifest } from '../../../src/core/runtime/registryNode';
import { writeModelFolder } from '../export/folder';
import { checkParity } from '../parity';
import { readSafetensors } from '../safetensors';
import { loadFamilyTokenizer, MODELS_DIR } from '../train/data';
import { archOf } from '../train/recipe';
import { evaluateGenerator, evaluateGrounding, heldoutGenerator, heldoutGrounding } from './evaluate';
import { asForgeRecipe, CURATION_MODEL_IDS, CURATION_RECIPES, type CurationModelId, type CurationRecipe } from './recipes';
import { curationTrainingData, type CurationData, type CurationInitFrom } from './train';

/** Held-out items re-run by the test on the committed files. */
export const CURATION_SAMPLE_LIMIT = 24;

const PARITY_PROMPTS = [
  generatorPrompt('Store Zovaprin between 2 and 8 °C. Once opened, Zovaprin keeps for 28 days.'),
  groundingPrompt('What is the adult dose of Kelmadine? 50 mg every 8 hours.', 'The adult dose of Kelmadine is 50 mg every 6 hours.'),
];

/** A train.json as train.ts writes it (recipe.initFrom: null from scratch; a bare path from train.ts before it
 *  recorded a CurationInitFrom). */
export interface CurationTrainMeta {
  recipe: CurationRecipe & { initFrom?: CurationInitFrom | string | null };
  dataHash: string; examples: number; steps: number; tokensSeen: number; wallSeconds: number; cpuSeconds: number; machine: string; curve: unknown[];
}

/** forge.json's record of a trained model (before sizes, parity and evaluation are added): the recipe as trained,
 *  the data, and the training run — with the warm start it began from, which a re-export must not drop. */
export function curationForgeRecord(id: CurationModelId, cr: CurationRecipe, config: unknown, data: Omit<CurationData, 'padId'>, meta: CurationTrainMeta): Record<string, unknown> {
  const init = meta.recipe.initFrom;
  const initFrom = typeof init === 'string' ? { model: null, weights: init, sha256: null, archOf: null, command: null } : init ?? null;
  return {
    id, description: cr.description, recipe: cr, config,
    data: { generator: 'models/forge/curation/factSheets.ts + trainingData.ts', hash: data.hash, examples: data.examples, sequences: data.sequences.length },
    training: { steps: meta.steps, ...(initFrom ? { initFrom } : {}), tokensSeen: meta.tokensSeen, wallSeconds: meta.wallSeconds, cpuSeconds: meta.cpuSeconds, machine: meta.machine, curve: meta.curve },
  };
}

async function main(): Promise<void> {
  const [id, ...flags] = process.argv.slice(2);
  if (!CURATION_MODEL_IDS.includes(id as CurationModelId)) throw new Error(`usage: export <${CURATION_MODEL_IDS.join('|')}> [--weights DIR] [--out DIR]`);
  const val = (f: string) => (flags.includes(f) ? flags[flags.indexOf(f) + 1] : undefined);
  const weightsDir = val('--weights') ?? '/tmp/curation-weights';
  const outDir = val('--out') ?? MODELS_DIR;
  const limit = val('--eval-limit') ? Number(val('--eval-limit')) : undefined;
  const meta = JSON.parse(readFileSync(join(weightsDir, `${id}.train.json`), 'utf8')) as CurationTrainMeta;
  // the shape as trained (a --tiny run records its tiny shape)
  const cr: CurationRecipe = { ...CURATION_RECIPES[id as CurationModelId], steps: meta.recipe.steps, shape: meta.recipe.shape, llama: meta.recipe.llama, batchSize: meta.recipe.batchSize };
  const tok = await loadFamilyTokenizer(cr.family);
  const data = curationTrainingData(cr, tok);
  if (data.hash !== meta.dataHash) throw new Error(`${id}: weights were trained on data ${meta.dataHash}; the generator now gives ${data.hash}`);
  await initEngine();
  const recipe = asForgeRecipe(cr);
  const arch = archOf(recipe, tok.vocabSize, tok);
  const tensors = readSafetensors(new Uint8Array(readFileSync(join(weightsDir, `${id}.safetensors`))));
  const dir = join(outDir, id);
  const forge = curationForgeRecord(id as CurationModelId, cr, arch.kind === 'decoder' ? arch.configJson : arch.cfg, data, meta);
  const sizes = writeModelFolder({ dir, arch, family: cr.family, tokenizer: tok, tensors, forge });
  const lm = await loadCausalLMFolder(dir);
  try {
    const parity = await checkParity(arch, tensors, lm, PARITY_PROMPTS, 8);
    console.log(`${id}: parity logits ${parity.logitsMaxAbsDiff.toExponential(2)}, kv ${parity.kvMaxAbsDiff.toExponential(2)}, greedy equal ${parity.greedyEqual}`);
    const t0 = performance.now();
    const evaluation = cr.role === 'grounding' ? await evaluateGrounding(lm, heldoutGrounding(limit)) : await evaluateGenerator(lm, heldoutGenerator(limit));
    const evalSeconds = (performance.now() - t0) / 1000;
    const { examples: _e, ...sample } = cr.role === 'grounding'
      ? await evaluateGrounding(lm, heldoutGrounding(CURATION_SAMPLE_LIMIT))
      : await evaluateGenerator(lm, heldoutGenerator(CURATION_SAMPLE_LIMIT));
    console.log(`${id}: ${JSON.stringify({ ...evaluation, examples: undefined })}`);
    writeModelFolder({ dir, arch, family: cr.family, tokenizer: tok, tensors, forge: { ...forge, sizes, parity, evaluation: { ...evaluation, limit: limit ?? null, evalSeconds, sample: { limit: CURATION_SAMPLE_LIMIT, ...sample } } } });
    if (outDir === MODELS_DIR) await updateManifest(outDir, id, { family: cr.family, description: cr.description, kind: 'causal-lm' });
  } finally {
    await lm.dispose();
  }
}

if (process.argv[1]?.endsWith('curation/export.ts')) {
  main().catch((e: unknown) => {
    console.error(e);
    process.exit(1);
  });
}
