// Trains one curation model (recipes.ts) on its synthetic data (trainingData.ts) with the forge's trainModel and
// writes <out>/<id>.safetensors + <id>.train.json; export.ts then builds the model folder and evaluates it.
//   npx tsx models/forge/curation/train.ts <id> [--budget-s S | --steps N] [--out DIR] [--tiny]
// --budget-s fits the step count to a wall-time budget by timing steps 4–8 of a throwaway run (as train/cli.ts);
// the count is recorded in train.json, so the run is repeatable with --steps.
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { basename, join } from 'node:path';
import { initEngine } from '../../../src/core/lab';
import type { LmTokenizer } from '../../../src/core/lm/tokenizer';
import { readSafetensors, writeSafetensors } from '../safetensors';
import { loadFamilyTokenizer } from '../train/data';
import type { Sequence } from '../train/pack';
import { archOf, tinyRecipe } from '../train/recipe';
import { trainModel } from '../train/trainModel';
import { generateSheets, DEFAULT_SHEET_OPTIONS } from './factSheets';
import { asForgeRecipe, CURATION_MODEL_IDS, CURATION_RECIPES, type CurationModelId, type CurationRecipe } from './recipes';
import { generatorExamples, groundingExamples } from './trainingData';

export interface CurationData { sequences: Sequence[]; hash: string; examples: number; padId: number }

/** The training sequences of a recipe (chat template, loss on the target only) and their hash. */
export function curationTrainingData(r: CurationRecipe, tok: LmTokenizer): CurationData {
  const { train } = generateSheets({ ...DEFAULT_SHEET_OPTIONS, seed: r.sheetSeed });
  const pairs = r.role === 'grounding'
    ? groundingExamples(train, r.dataSeed, r.perSheet).map((e) => [e.prompt, e.label] as const)
    : generatorExamples(train, r.dataSeed, r.perSheet).map((e) => [e.prompt, e.target] as const);
  const sequences = pairs.map(([p, t]) => tok.encodeChat(p, t));
  const hash = createHash('sha256').update(JSON.stringify(pairs)).digest('hex');
  return { sequences, hash, examples: pairs.length, padId: tok.padId ?? tok.bosId ?? 0 };
}

/** What a warm-started run started from; train.json keeps it as recipe.initFrom and export.ts copies it into
 *  forge.json's training.initFrom, so a model folder says which weights it grew from. */
export interface CurationInitFrom {
  /** The curation model whose weights these are (train.ts writes <id>.safetensors), or null for another file. */
  model: string | null;
  /** The file as given to --init, with its sha256 (the model folder's model.safetensors hash when exported). */
  weights: string;
  sha256: string;
  /** --arch-of: the recipe whose shape was trained, when it was not this recipe's own. */
  archOf: string | null;
  /** The command line that trained it. */
  command: string;
}

/** The initFrom record of a run warm-started from `initPath` (its bytes hashed) with these train.ts flags. */
export function initFromRecord(initPath: string, bytes: Uint8Array, args: readonly string[]): CurationInitFrom {
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  const archOf = args.includes('--arch-of') ? args[args.indexOf('--arch-of') + 1] ?? null : null;
  return {
    model: CURATION_MODEL_IDS.find((m) => basename(initPath) === `${m}.safetensors`) ?? null,
    weights: `${initPath} (sha256 ${sha256})`, sha256, archOf,
    command: ['npx tsx models/forge/curation/train.ts', ...args].join(' '),
  };
}

async function main(): Promise<void> {
  const [id, ...flags] = process.argv.slice(2);
  if (!CURATION_MODEL_IDS.includes(id as CurationModelId)) throw new Error(`usage: train <${CURATION_MODEL_IDS.join('|')}> [--budget-s S | --steps N] [--out DIR]`);
  const val = (f: string) => (flags.includes(f) ? flags[flags.indexOf(f) + 1] : undefined);
  const cr = CURATION_RECIPES[id as CurationModelId];
  const outDir = val('--out') ?? '/tmp/curation-weights';
  const tok = await loadFamilyTokenizer(cr.family);
  const data = curationTrainingData(cr, tok);
  let recipe = asForgeRecipe(cr, Number(val('--steps') ?? 10));
  // --arch-of ID: train this role on another recipe's architecture (shape, Llama keys, batch), e.g. the grounding
  // role on the large generator's shape warm-started from its weights; train.json records the shape trained
  const archFrom = val('--arch-of');
  if (archFrom) {
    const o = CURATION_RECIPES[archFrom as CurationModelId];
    if (!o) throw new Error(`--arch-of ${archFrom}: not a curation recipe`);
    recipe = { ...recipe, shape: o.shape, llama: o.llama, batchSize: o.batchSize };
  }
  if (flags.includes('--tiny')) recipe = { ...tinyRecipe(recipe), shape: { ...tinyRecipe(recipe).shape, nCtx: 256 } };
  const ids = { bosId: tok.bosId, eosId: tok.eosId, padId: tok.padId };
  await initEngine();
  const budget = val('--budget-s');
  if (budget) {
    const times: number[] = [];
    trainModel({ ...recipe, steps: 8 }, archOf(recipe, tok.vocabSize, ids), data.sequences, data.padId, { logEvery: 1, onLog: (p) => times.push(p.elapsedS) });
    const perStep = (times[7] - times[3]) / 4;
    recipe = { ...recipe, steps: Math.max(10, Math.floor(Number(budget) / perStep / 10) * 10) };
    console.log(`${id}: ${perStep.toFixed(3)} s/step (load ${loadavg()[0].toFixed(1)}) → ${recipe.steps} steps`);
  }
  // --init FILE.safetensors: warm start from another model of the same shape (the committed grounding model started
  // from curation-gen-l, which already reads chunks and copies names and numbers from them); recorded as initFrom
  const initPath = val('--init');
  const initBytes = initPath ? new Uint8Array(readFileSync(initPath)) : undefined;
  const initTensors = initBytes ? readSafetensors(initBytes) : undefined;
  const initFrom = initPath && initBytes ? initFromRecord(initPath, initBytes, [id, ...flags]) : null;
  const load: number[] = [];
  const res = trainModel(recipe, archOf(recipe, tok.vocabSize, ids), data.sequences, data.padId, {
    logEvery: 25, initTensors,
    onLog: (p) => { load.push(loadavg()[0]); console.log(`${id} step ${p.step}/${recipe.steps} loss ${p.loss.toFixed(4)} ${p.elapsedS.toFixed(0)}s`); },
  });
  mkdirSync(outDir, { recursive: true });
  writeFileSync(join(outDir, `${id}.safetensors`), writeSafetensors(res.tensors));
  const { tensors: _t, ...meta } = res;
  const machine = `${cpus()[0]?.model ?? 'cpu'}, 1 thread (jax-js wasm), ${cpus().length} cores shared; load ${Math.min(...load).toFixed(1)}–${Math.max(...load).toFixed(1)}`;
  writeFileSync(join(outDir, `${id}.train.json`), JSON.stringify({ recipe: { ...cr, steps: recipe.steps, initFrom, shape: recipe.shape, llama: recipe.llama, batchSize: recipe.batchSize }, dataHash: data.hash, examples: data.examples, ...meta, machine }, null, 1));
  console.log(`${id} done: ${res.wallSeconds.toFixed(0)} s wall, ${res.cpuSeconds.toFixed(0)} s cpu`);
}

if (process.argv[1]?.endsWith('curation/train.ts')) {
  main().catch((e: unknown) => {
    console.error(e);
    process.exit(1);
  });
}
