// Standalone trainer: tokenized sequences (JSON written by `forge --dump-data`) → model.safetensors +
// train.json. It imports neither the tokenizer nor onnxruntime, so it bundles into one file that runs on any
// machine with Node (used to train the four models in parallel on a many-core box). Same code path as
// `npm run forge`: trainModel(recipe, …) with the recipe named in the data file.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { initEngine } from '../../../src/core/lab';
import { writeSafetensors } from '../safetensors';
import { archOf, RECIPES, tinyRecipe, type ModelId, type SpecialIds } from './recipe';
import { trainModel } from './trainModel';
import type { Sequence } from './pack';

export interface DataDump {
  id: ModelId;
  vocabSize: number;
  padId: number;
  dataHash: string;
  sequences: Sequence[];
  /** The tokenizer's special ids (a Llama recipe's config.json records them). */
  specialIds: SpecialIds;
}

async function main(): Promise<void> {
  const [dataPath, outDir, ...flags] = process.argv.slice(2);
  if (!dataPath || !outDir) throw new Error('usage: cli <data.json> <outDir> [--tiny] [--steps N]');
  const dump = JSON.parse(readFileSync(dataPath, 'utf8')) as DataDump;
  const stepsFlag = flags.indexOf('--steps');
  let recipe = flags.includes('--tiny') ? tinyRecipe(RECIPES[dump.id]) : RECIPES[dump.id];
  if (stepsFlag >= 0) recipe = { ...recipe, steps: Number(flags[stepsFlag + 1]) };
  const shapeFlag = flags.indexOf('--shape'); // e.g. 96x3: width × layers (a recipe variant)
  if (shapeFlag >= 0) {
    const [dModel, nLayer] = flags[shapeFlag + 1].split('x').map(Number);
    recipe = { ...recipe, shape: { ...recipe.shape, dModel, nLayer } };
  }
  const lrFlag = flags.indexOf('--lr');
  if (lrFlag >= 0) recipe = { ...recipe, optim: { ...recipe.optim, lr: Number(flags[lrFlag + 1]) } };
  const tag = flags.includes('--tag') ? flags[flags.indexOf('--tag') + 1] : dump.id;
  await initEngine();
  const budgetFlag = flags.indexOf('--budget-s');
  if (budgetFlag >= 0) {
    // Calibrate: time steps 4..8 of a throwaway run (the first ones compile), then fit the step count to the
    // time budget, rounded down to a multiple of 10. The chosen count is recorded, so the run is repeatable.
    const times: number[] = [];
    trainModel({ ...recipe, steps: 8 }, archOf(recipe, dump.vocabSize, dump.specialIds), dump.sequences, dump.padId, { logEvery: 1, onLog: (p) => times.push(p.elapsedS) });
    const perStep = (times[7] - times[3]) / 4;
    const steps = Math.max(10, Math.floor(Number(flags[budgetFlag + 1]) / perStep / 10) * 10);
    console.log(`${tag}: ${perStep.toFixed(3)} s/step → ${steps} steps`);
    recipe = { ...recipe, steps };
  }
  const res = trainModel(recipe, archOf(recipe, dump.vocabSize, dump.specialIds), dump.sequences, dump.padId, {
    onLog: (p) => console.log(`${tag} step ${p.step}/${recipe.steps} loss ${p.loss.toFixed(4)} lr ${p.lr.toExponential(2)} ${p.elapsedS.toFixed(0)}s`),
  });
  mkdirSync(outDir, { recursive: true });
  writeFileSync(join(outDir, `${tag}.safetensors`), writeSafetensors(res.tensors));
  const { tensors: _t, ...meta } = res;
  writeFileSync(join(outDir, `${tag}.train.json`), JSON.stringify({ recipe, dataHash: dump.dataHash, ...meta, cpus: 1 }, null, 1));
  console.log(`${tag} done: ${res.wallSeconds.toFixed(0)} s wall, ${res.cpuSeconds.toFixed(0)} s cpu`);
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
