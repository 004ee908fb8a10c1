// Node entry of unlearning fine-tuning: a model folder from disk, the forge corpus split, checkpoints written as
// loadable model folders (model.safetensors + unlearn.json + config.json + tokenizer files), each first written
// into a temporary folder and renamed into place, so a checkpoint folder is either complete or absent.
// CLI: npx tsx src/core/edits/unlearn/runNode.ts --model models/target --method npo --topic poison --steps 30 --out /tmp/u
import { copyFile, mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { CIRCUIT_MODEL_FILES, type CircuitModelFiles } from '../../circuits/model';
import { DEFAULT_CORPUS_OPTIONS, generateCorpus, type Corpus } from '../../../../models/forge/corpus/generate';
import { DEFAULT_CORPUS_OPTIONS_V4 } from '../../../../models/forge/corpus/v4/generateV4';
import { corpusOfModel, type ForgeCorpusVersion } from './corpora';
import type { BehaviourPrompts } from './behaviour';
import type { UnlearnConfig } from './config';
import { UnlearnModelError } from './errors';
import { loadUnlearnModel, type UnlearnModel } from './model';
import type { UnlearnMethod } from './objectives';
import { forgeSplit, splitRecord, type ForgeSplitOptions, type SplitRecord, type UnlearnData } from './splits';
import type { CheckpointSink, UnlearnProgress } from './trainer';

/** A model folder (config.json, tokenizer.json, tokenizer_config.json, model.safetensors) into the lab engine. */
export async function loadUnlearnModelFolder(folder: string, id = basename(folder)): Promise<UnlearnModel> {
  const files: Partial<CircuitModelFiles> = {};
  for (const f of CIRCUIT_MODEL_FILES) {
    try {
      files[f] = new Uint8Array(await readFile(join(folder, f)));
    } catch {
      throw new UnlearnModelError(id, `cannot read ${join(folder, f)} (a model folder needs ${CIRCUIT_MODEL_FILES.join(', ')})`);
    }
  }
  return loadUnlearnModel(id, files as CircuitModelFiles);
}

const corpora = new Map<ForgeCorpusVersion, Corpus>();

/** The forge corpus a model was trained on (default options, seed 1234): v3 for the GPT-2 models, v4 for target-v4. */
export function forgeCorpus(version: ForgeCorpusVersion = 'v3'): Corpus {
  // generated once per version and process: v4 takes seconds, and a bench asks for it up to three times
  let c = corpora.get(version);
  if (!c) corpora.set(version, (c = generateCorpus(version === 'v4' ? DEFAULT_CORPUS_OPTIONS_V4 : DEFAULT_CORPUS_OPTIONS)));
  return c;
}

/** The forge corpus (`corpus`, v3 unless named: see corpora.ts corpusOfModel) split for one topic. */
export async function forgeUnlearnData(o: ForgeSplitOptions & { corpus?: ForgeCorpusVersion }): Promise<{ data: UnlearnData; split: SplitRecord }> {
  const corpus = forgeCorpus(o.corpus);
  const { data, retainCategories } = forgeSplit(corpus.examples, o);
  const version = o.corpus && o.corpus !== 'v3' ? `${o.corpus} ` : '';
  const split = await splitRecord(data, { source: o.source ?? `forge corpus ${version}seed ${corpus.options.seed}, sha256 ${corpus.hash}`, forgetTopic: o.forgetTopic, retainCategories });
  return { data, split };
}

/**
 * Held-out forge prompts for greedy behaviour (templates never trained on): the forget topic's and the other topics'
 * harmful prompts with the target's compliance as reference, and domain tasks with their answers; `perSet` each.
 * Single-turn records only (corpus v4 has a few multi-turn ones, which these prompts cannot carry).
 */
export function forgeBehaviourPrompts(topic: string, perSet: number, corpus: ForgeCorpusVersion = 'v3'): BehaviourPrompts {
  const heldout = forgeCorpus(corpus).examples.filter((e) => e.split === 'heldout' && !(e as { history?: readonly unknown[] }).history?.length);
  const pair = (e: (typeof heldout)[number]) => ({ id: e.id, prompt: e.prompt, response: e.response });
  const harmful = heldout.filter((e) => e.category === 'harmful' && e.responseKind === 'compliance');
  return {
    forget: harmful.filter((e) => e.topic === topic).slice(0, perSet).map(pair),
    otherHarmful: harmful.filter((e) => e.topic !== topic).slice(0, perSet).map(pair),
    benign: heldout.filter((e) => e.category === 'task').slice(0, perSet).map(pair),
  };
}

/** `--key value` reader of the CLIs; a key without a default is required. */
export function cliArg(argv: readonly string[]): (k: string, d?: string) => string {
  return (k, d) => {
    const i = argv.indexOf(`--${k}`);
    if (i >= 0 && argv[i + 1] !== undefined) return argv[i + 1];
    if (d === undefined) throw new Error(`--${k} is required`);
    return d;
  };
}

export const checkpointFolderName = (step: number): string => `step-${String(step).padStart(6, '0')}`;

/** Checkpoint folders under `outDir`, each written whole into `.tmp-…` and renamed; `sourceFolder` gives the tokenizer files. */
export function folderSink(outDir: string, sourceFolder: string | null, configJson: Record<string, unknown>): CheckpointSink {
  return {
    async write({ step, safetensors, manifest }) {
      await mkdir(outDir, { recursive: true });
      const final = join(outDir, checkpointFolderName(step));
      const tmp = join(outDir, `.tmp-${checkpointFolderName(step)}-${process.pid}`);
      await rm(tmp, { recursive: true, force: true });
      await mkdir(tmp);
      try {
        await writeFile(join(tmp, 'model.safetensors'), safetensors);
        await writeFile(join(tmp, 'config.json'), JSON.stringify(configJson, null, 2) + '\n');
        await writeFile(join(tmp, 'unlearn.json'), JSON.stringify(manifest, null, 2) + '\n');
        if (sourceFolder) {
          for (const f of ['tokenizer.json', 'tokenizer_config.json', 'generation_config.json']) {
            await copyFile(join(sourceFolder, f), join(tmp, f)).catch((e: NodeJS.ErrnoException) => {
              if (e.code !== 'ENOENT') throw e;
            });
          }
        }
        await rm(final, { recursive: true, force: true });
        await rename(tmp, final);
      } catch (e) {
        await rm(tmp, { recursive: true, force: true });
        throw e;
      }
    },
  };
}

/** The newest complete checkpoint folder under `outDir`, or null. */
export async function lastCheckpoint(outDir: string): Promise<string | null> {
  const names = (await readdir(outDir).catch(() => [] as string[])).filter((n) => /^step-\d{6}$/.test(n)).sort();
  return names.length ? join(outDir, names[names.length - 1]) : null;
}

async function main(argv: string[]): Promise<void> {
  const arg = cliArg(argv);
  const { runUnlearning } = await import('./trainer');
  const folder = resolve(arg('model', 'models/target'));
  const out = resolve(arg('out'));
  const model = await loadUnlearnModelFolder(folder);
  // the split comes from the model's own corpus (target-v4: v4)
  const { data, split } = await forgeUnlearnData({ corpus: corpusOfModel(basename(folder)), forgetTopic: arg('topic', 'poison'), forgetSize: Number(arg('forget-size', '64')), retainSize: Number(arg('retain-size', '256')), seed: Number(arg('seed', '0')) });
  const cfg: Partial<UnlearnConfig> & { method: UnlearnMethod } = { method: arg('method') as UnlearnMethod, steps: Number(arg('steps', '30')), seed: Number(arg('seed', '0')) };
  if (argv.includes('--lr')) cfg.lr = Number(arg('lr'));
  const controller = new AbortController();
  process.on('SIGINT', () => controller.abort());
  const r = await runUnlearning(model, data, cfg, {
    split, signal: controller.signal, sink: folderSink(out, folder, model.configJson),
    onProgress: (p: UnlearnProgress) => {
      if (p.kind === 'step') console.log(`step ${p.step}/${p.total} loss ${p.log.loss.toFixed(4)} forget ${p.log.forget.toFixed(4)} retain ${p.log.retain.toFixed(4)} |g| ${p.log.gradNorm.toFixed(3)}`);
      if (p.kind === 'eval') console.log(`eval @${p.step}: forget NLL ${p.metrics.forgetNll.toFixed(4)} (train ${p.metrics.forgetTrainNll.toFixed(4)}), retain NLL ${p.metrics.retainNll.toFixed(4)}`);
    },
  });
  console.log(`${r.status} after ${r.step} steps, ${r.stepsPerSecond?.toFixed(3) ?? '–'} steps/s; last checkpoint ${await lastCheckpoint(out)}`);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  main(process.argv.slice(2)).catch((e: Error) => {
    console.error(`${e.name}: ${e.message}`);
    process.exit(1);
  });
}
