// Node side of training: the model folder and data file from disk, checkpoints written as workbench model folders
// (config.json, tokenizer files, model.safetensors merged, onnx/model.onnx via edits/onnxExport.ts) plus the
// trainer's exact state (trainer_state.safetensors, training_state.json) and, for LoRA, a PEFT adapter
// (adapter_model.safetensors + adapter_config.json). Each checkpoint is written into a temporary folder and renamed
// into place, so a folder is complete or absent; resume reads one back.
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { readSafetensorsF32 } from '../../circuits/model';
import { TOKENIZER_FILES } from '../../edits/onnxExport';
import { checkpointFolderName, loadUnlearnModelFolder } from '../../edits/unlearn/runNode';
import { readJsonRows } from './data';
import { TrainError } from './errors';
import { nodeEvaluator } from './evalHooksNode';
import { trainCheckpointFiles } from './checkpointFiles';
import { parseCheckpointState } from './checkpointRead';
import { encodeRows, runTraining, type CheckpointSink, type EncodedData, type TrainCheckpointState, type TrainModel, type TrainProgress, type TrainResult } from './trainer';
import type { TrainSpec } from './spec';

export { loadUnlearnModelFolder as loadTrainModelFolder, checkpointFolderName };

/** Reads and encodes the spec's data file for the model. */
export async function readTrainData(model: TrainModel, spec: TrainSpec): Promise<EncodedData> {
  const text = await readFile(spec.data, 'utf8').catch((e: Error) => {
    throw new TrainError('empty-data', `cannot read ${spec.data} (${e.message})`);
  });
  return encodeRows(model, spec, readJsonRows(text, basename(spec.data)), basename(spec.data));
}

/** Tokenizer and generation files of the source model folder (those present). */
async function sourceFiles(folder: string): Promise<Map<string, Uint8Array>> {
  const out = new Map<string, Uint8Array>();
  for (const f of TOKENIZER_FILES) {
    try {
      out.set(f, new Uint8Array(await readFile(join(folder, f))));
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
    }
  }
  return out;
}

/** Checkpoint folders out/step-NNNNNN, each complete or absent. */
export async function folderCheckpointSink(model: TrainModel, modelFolder: string, outDir: string): Promise<CheckpointSink> {
  const src = await sourceFiles(modelFolder);
  return {
    async write(c) {
      const files = trainCheckpointFiles(model, src, c, modelFolder);
      await mkdir(outDir, { recursive: true });
      const final = join(outDir, checkpointFolderName(c.step));
      const tmp = join(outDir, `.tmp-${checkpointFolderName(c.step)}-${process.pid}`);
      await rm(tmp, { recursive: true, force: true });
      try {
        for (const [name, bytes] of files) {
          await mkdir(dirname(join(tmp, name)), { recursive: true });
          await writeFile(join(tmp, name), bytes);
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

/** A checkpoint folder's training state and exact trainer tensors, for `runTraining({ resume })`. */
export async function readCheckpoint(folder: string): Promise<{ state: TrainCheckpointState; trainer: Map<string, { data: Float32Array; shape: number[] }> }> {
  let text: string;
  try {
    text = await readFile(join(folder, 'training_state.json'), 'utf8');
  } catch (e) {
    throw new TrainError('incompatible-resume', `${folder} is not a training checkpoint (training_state.json: ${(e as Error).message})`);
  }
  const state = parseCheckpointState(text, folder);
  const trainer = readSafetensorsF32(new Uint8Array(await readFile(join(folder, 'trainer_state.safetensors'))), `${folder}/trainer_state.safetensors`);
  return { state, trainer };
}

/** Loads the model, encodes the data, resumes when asked, trains and writes checkpoints under spec.out. */
export async function trainFromSpec(spec: TrainSpec, o: { signal?: AbortSignal; onProgress?: (p: TrainProgress) => void } = {}): Promise<TrainResult & { model: TrainModel; data: EncodedData }> {
  const model = await loadUnlearnModelFolder(spec.model);
  const data = await readTrainData(model, spec);
  const resume = spec.resumeFrom ? await readCheckpoint(spec.resumeFrom) : undefined;
  const sink = await folderCheckpointSink(model, spec.model, spec.out);
  const evaluator = await nodeEvaluator(model, spec);
  const r = await runTraining(model, data, spec, { ...o, sink, resume, evaluator });
  return { ...r, model, data };
}
