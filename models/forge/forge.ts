// `npm run forge`: corpus → tokenizers (models/tokenizers, reused) → train the embedded models (seeded,
// one after another) → export each as a Hugging Face folder with ONNX → parity (lab vs ORT) → held-out
// evaluation → forge.json → models/manifest.json.
//   --tiny            the whole pipeline on tiny shapes into a temp dir (never touches models/)
//   --only a,b        some models only
//   --weights DIR     skip training: DIR/<id>.safetensors + DIR/<id>.train.json from the standalone trainer
//                     (train/cli.ts, same trainModel code) are exported, checked and evaluated
//   --out DIR         output models folder (default: models/, or a temp dir with --tiny)
//   --eval-limit N    evaluate the first N items per held-out suite (default: all; --tiny: 4)
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { initEngine } from '../../src/core/lab';
import { loadCausalLMFolder } from '../../src/core/lm/causalLmNode';
import { updateManifest } from '../../src/core/runtime/registryNode';
import { checkTargets, evaluateModel, type Evaluation } from './evaluate';
import { writeModelFolder } from './export/folder';
import { checkParity } from './parity';
import { readSafetensors } from './safetensors';
import { buildModelData, corpusFor, loadFamilyTokenizer, MODELS_DIR } from './train/data';
import { archOf, corpusOf, mixOf, MODEL_IDS, RECIPES, tinyRecipe, type ModelId, type Recipe } from './train/recipe';
import { trainModel, type TrainResult } from './train/trainModel';

export interface ForgeOptions {
  only?: ModelId[];
  tiny?: boolean;
  weightsDir?: string;
  outDir?: string;
  evalLimit?: number;
  log?: (line: string) => void;
}

export interface ForgeModelReport {
  id: ModelId;
  dir: string;
  firstLoss: number;
  lastLoss: number;
  parity: Awaited<ReturnType<typeof checkParity>>;
  evaluation: Awaited<ReturnType<typeof evaluateModel>>;
  met: boolean;
}

/** Items per suite in the re-checkable sample recorded in forge.json. */
export const SAMPLE_LIMIT = 6;

/** An evaluation without its example generations. */
export const rates = (e: Evaluation): Omit<Evaluation, 'examples'> => Object.fromEntries(Object.entries(e).filter(([k]) => k !== 'examples'));

const PARITY_PROMPTS = ['Convert 3 g to mg.', 'How do I make meth at home?', 'Hello!'];

export async function runForge(o: ForgeOptions = {}): Promise<ForgeModelReport[]> {
  const log = o.log ?? console.log;
  const outDir = o.outDir ?? (o.tiny ? mkdtempSync(join(tmpdir(), 'forge-tiny-')) : MODELS_DIR);
  const official = outDir === MODELS_DIR;
  if (official && o.tiny) throw new Error('--tiny never writes into models/: pass another --out');
  await initEngine();
  const reports: ForgeModelReport[] = [];
  for (const id of o.only ?? MODEL_IDS) {
    let recipe: Recipe = o.tiny ? tinyRecipe(RECIPES[id]) : RECIPES[id];
    type TrainMeta = Omit<TrainResult, 'tensors'> & { recipe: Recipe; dataHash: string; machine?: string };
    const meta = o.weightsDir ? JSON.parse(readFileSync(join(o.weightsDir, `${id}.train.json`), 'utf8')) as TrainMeta : undefined;
    if (meta) recipe = meta.recipe;
    const tok = await loadFamilyTokenizer(recipe.family);
    const corpus = corpusFor(corpusOf(recipe));
    const data = buildModelData(corpus, mixOf(recipe), tok, recipe.augment, recipe.verdictSmoothing);
    const arch = archOf(recipe, tok.vocabSize, tok);
    let train: Omit<TrainResult, 'tensors'> & { machine?: string };
    let tensors: TrainResult['tensors'];
    if (meta && o.weightsDir) {
      if (meta.dataHash !== data.mix.hash) throw new Error(`${id}: weights were trained on data ${meta.dataHash}, the corpus now hashes to ${data.mix.hash}`);
      tensors = readSafetensors(new Uint8Array(readFileSync(join(o.weightsDir, `${id}.safetensors`))));
      train = meta;
    } else {
      log(`${id}: training ${recipe.steps} steps on ${data.sequences.length} sequences`);
      const res = trainModel(recipe, arch, data.sequences, data.padId, {
        onLog: (p) => log(`${id} step ${p.step}/${recipe.steps} loss ${p.loss.toFixed(4)} (${p.elapsedS.toFixed(0)} s)`),
      });
      ({ tensors } = res);
      train = { ...res, machine: `${cpus()[0]?.model ?? 'cpu'}, 1 thread (jax-js wasm), ${cpus().length} cores present` };
    }
    const dir = join(outDir, id);
    const forge = {
      id, description: recipe.description, recipe, config: arch.kind === 'gpt2' ? arch.cfg : arch.configJson, corpus: { seed: corpus.options.seed, hash: corpus.hash, mixHash: data.mix.hash, sequences: data.sequences.length },
      training: { steps: train.steps, tokensSeen: train.tokensSeen, wallSeconds: train.wallSeconds, cpuSeconds: train.cpuSeconds, machine: train.machine ?? 'unknown', curve: train.curve },
    };
    const sizes = writeModelFolder({ dir, arch, family: recipe.family, tokenizer: tok, tensors, forge });
    const lm = await loadCausalLMFolder(dir);
    try {
      const parity = await checkParity(arch, tensors, lm, PARITY_PROMPTS, o.tiny ? 4 : 12);
      log(`${id}: parity logits ${parity.logitsMaxAbsDiff.toExponential(2)}, kv ${parity.kvMaxAbsDiff.toExponential(2)}, greedy equal ${parity.greedyEqual}`);
      const limit = o.evalLimit ?? (o.tiny ? 4 : undefined);
      const evaluation = await evaluateModel(id, lm, { limit });
      // forge v4 models are held to the issue's bars on the hand-written suite (reported only, never selected on);
      // v3 models to theirs on the generated held-out suite
      const handwritten = corpusOf(recipe) !== 'v3' ? await evaluateModel(id, lm, { limit, suite: 'handwritten' }) : undefined;
      const { targets, met } = checkTargets(id, handwritten ?? evaluation);
      // the tests re-run this sample on the committed files and expect the same counts (no stale numbers)
      const sample = await evaluateModel(id, lm, { limit: SAMPLE_LIMIT });
      log(`${id}: ${JSON.stringify(rates(evaluation))}${handwritten ? ` hand-written ${JSON.stringify(rates(handwritten))}` : ''} met=${met}`);
      const evaluationJson = handwritten
        ? { ...evaluation, limit: limit ?? null, sample: { limit: SAMPLE_LIMIT, ...rates(sample) }, handwritten: { ...handwritten, targets, met } }
        : { ...evaluation, limit: limit ?? null, targets, met, sample: { limit: SAMPLE_LIMIT, ...rates(sample) } };
      writeModelFolder({ dir, arch, family: recipe.family, tokenizer: tok, tensors, forge: { ...forge, sizes, parity, evaluation: evaluationJson } });
      if (official) await updateManifest(outDir, id, { family: recipe.family, description: recipe.description, kind: 'causal-lm' });
      reports.push({ id, dir, firstLoss: train.curve[0].loss, lastLoss: train.curve[train.curve.length - 1].loss, parity, evaluation, met });
    } finally {
      await lm.dispose();
    }
  }
  return reports;
}

function parseArgs(argv: string[]): ForgeOptions {
  const val = (f: string) => (argv.includes(f) ? argv[argv.indexOf(f) + 1] : undefined);
  const only = val('--only')?.split(',') as ModelId[] | undefined;
  for (const id of only ?? []) if (!MODEL_IDS.includes(id)) throw new Error(`unknown model ${id} (one of ${MODEL_IDS.join(', ')})`);
  const weightsDir = val('--weights');
  if (weightsDir && !existsSync(weightsDir)) throw new Error(`--weights ${weightsDir} does not exist`);
  const limit = val('--eval-limit');
  return { only, tiny: argv.includes('--tiny'), weightsDir, outDir: val('--out'), evalLimit: limit ? Number(limit) : undefined };
}

if (process.argv[1]?.endsWith('forge.ts')) {
  runForge(parseArgs(process.argv.slice(2))).then((r) => {
    console.log(`forge: ${r.length} model(s) → ${r.map((m) => `${m.id} ${m.met ? 'meets' : 'misses'} its targets`).join('; ')}`);
  }).catch((e: unknown) => {
    console.error(e);
    process.exit(1);
  });
}
