// Node entry of MANSU: run it on a model folder with a forge split and write the edited model as a loadable Hugging
// Face folder (config.json, tokenizer files, model.safetensors under the model's own names, onnx/model.onnx of the
// edited weights: the workbench and transformers.js load it with no hooks) plus mansu.json (options, what each step
// did, the split) and circuit.json (the forget circuit, EAP-IG Graph JSON). Written into a temp folder and renamed:
// the output is complete or absent, and an existing output is never overwritten.
// CLI: npx tsx src/core/edits/unlearn/mansuNode.ts --model models/target --topic poison --out /tmp/m
//        [--seed 0] [--steps 20] [--no-circuit] [--no-fisher] [--no-null-space] [--no-floor] [--retain-guard]
import { mkdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { editedModelFolderFiles } from '../onnxExport';
import type { ArrRecord } from '../../lab';
import { release } from '../../lab';
import { EditsError } from '../errors';
import { runMansu, type MansuGiven, type MansuReport } from './mansuPipeline';
import { checkpointTensors, type UnlearnModel } from './model';
import { corpusOfModel } from './corpora';
import { cliArg, forgeUnlearnData, loadUnlearnModelFolder } from './runNode';
import type { SplitRecord } from './splits';

export class OutputExistsError extends EditsError {
  override readonly name = 'OutputExistsError';
  constructor(path: string) {
    super(`${path} already exists: pick a new output folder (an edit never overwrites one)`);
  }
}

const SOURCE_FILES = ['tokenizer.json', 'tokenizer_config.json', 'generation_config.json', 'special_tokens_map.json'];

/** Writes the edited model folder + mansu.json + circuit.json whole, or nothing. */
export async function writeMansuFolder(out: string, sourceFolder: string, model: UnlearnModel, params: ArrRecord, report: MansuReport, split: SplitRecord | null): Promise<void> {
  if (await stat(out).then(() => true, () => false)) throw new OutputExistsError(out);
  const source = new Map<string, Uint8Array>();
  for (const f of SOURCE_FILES) {
    const b = await readFile(join(sourceFolder, f)).catch(() => null);
    if (b) source.set(f, new Uint8Array(b));
  }
  const files = editedModelFolderFiles(source, model.configJson, checkpointTensors(model, params));
  const { circuit, ...rest } = report;
  files.set('mansu.json', new TextEncoder().encode(`${JSON.stringify({ kind: 'mansu', model: { id: model.id, family: model.family, weightsSha256: model.weightsSha256 }, split, ...rest, circuit: circuit ? { ...circuit, json: undefined } : null }, null, 2)}\n`));
  if (circuit) files.set('circuit.json', new TextEncoder().encode(circuit.json));
  const tmp = join(dirname(out), `.tmp-${process.pid}-${Date.now()}`);
  await mkdir(tmp, { recursive: true });
  try {
    for (const [name, bytes] of files) {
      await mkdir(dirname(join(tmp, name)), { recursive: true });
      await writeFile(join(tmp, name), bytes);
    }
    if (await stat(out).then(() => true, () => false)) throw new OutputExistsError(out);
    await rename(tmp, out);
  } catch (e) {
    await rm(tmp, { recursive: true, force: true });
    throw e;
  }
}

async function main(argv: string[]): Promise<void> {
  const arg = cliArg(argv);
  const folder = resolve(arg('model', 'models/target'));
  const out = resolve(arg('out'));
  if (await stat(out).then(() => true, () => false)) throw new OutputExistsError(out);
  const seed = Number(arg('seed', '0'));
  const model = await loadUnlearnModelFolder(folder);
  // the split comes from the model's own corpus (target-v4: v4)
  const { data, split } = await forgeUnlearnData({ corpus: corpusOfModel(basename(folder)), forgetTopic: arg('topic', 'poison'), forgetSize: 64, retainSize: 256, seed });
  const off = { enabled: false };
  const given: MansuGiven = { objective: { method: 'grad_diff', steps: Number(arg('steps', '20')), lr: 3e-3, seed } };
  if (argv.includes('--no-circuit')) given.circuit = off;
  if (argv.includes('--no-fisher')) given.fisher = off;
  if (argv.includes('--no-null-space')) given.nullSpace = off;
  if (argv.includes('--no-floor')) given.floor = off;
  // the retain guard is ours, not the paper's: off unless asked for
  if (argv.includes('--retain-guard')) given.retainGuard = { enabled: true };
  const controller = new AbortController();
  process.on('SIGINT', () => controller.abort());
  const r = await runMansu(model, data, given, {
    signal: controller.signal,
    onProgress: (p) => {
      if (p.kind === 'stage') console.log(`${p.stage}: ${p.message}`);
      else if (p.progress.kind === 'step') console.log(`  step ${p.progress.step}/${p.progress.total} forget ${p.progress.log.forget.toFixed(4)} retain ${p.progress.log.retain.toFixed(4)}`);
    },
  });
  try {
    if (r.report.cancelled) {
      console.log('cancelled: nothing written');
      return;
    }
    await writeMansuFolder(out, folder, model, r.params, r.report, split);
    console.log(`written ${out} (${JSON.stringify(r.report.floor)})`);
  } finally {
    release(r.params);
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  main(process.argv.slice(2)).catch((e: Error) => {
    console.error(`${e.name}: ${e.message}`);
    process.exit(1);
  });
}
