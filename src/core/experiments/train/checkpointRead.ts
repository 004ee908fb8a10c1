// Reading a training checkpoint back (pure: bytes in, trainer state out), shared by the Node CLI's resume (node.ts
// readCheckpoint reads the folder's files) and the browser engine's (api.ts: the files come in the request, from
// the session's last run or picked from disk). Only training_state.json and trainer_state.safetensors are read:
// the exact trainable state; the model folder beside them is for people and other tools.
import { readSafetensorsF32 } from '../../circuits/model';
import { TrainError } from './errors';
import type { TrainCheckpointState } from './trainer';

export type TrainerTensors = Map<string, { data: Float32Array; shape: number[] }>;

/** training_state.json's text → the state; `where` names the checkpoint (a folder, or the picked files). */
export function parseCheckpointState(text: string, where: string): TrainCheckpointState {
  let state: TrainCheckpointState;
  try {
    state = JSON.parse(text) as TrainCheckpointState;
  } catch (e) {
    throw new TrainError('incompatible-resume', `${where} is not a training checkpoint (training_state.json: ${(e as Error).message})`);
  }
  if (state === null || typeof state !== 'object' || state.format !== 'workbench-train-checkpoint' || state.version !== 1) {
    throw new TrainError('incompatible-resume', `${where}/training_state.json is format ${String(state?.format)} v${String(state?.version)}, not workbench-train-checkpoint v1`);
  }
  return state;
}

/** The checkpoint files a resume reads, by their folder name. */
export const RESUME_FILES = ['training_state.json', 'trainer_state.safetensors'] as const;

/**
 * A checkpoint given as files (relative name → bytes, as api.ts TrainJobResult.checkpoint.files or picked from disk)
 * → the state and trainer tensors for runTraining({ resume }). A missing, unreadable or corrupt file is an
 * `incompatible-resume` TrainError naming it.
 */
export function readCheckpointFiles(files: Readonly<Record<string, Uint8Array | undefined>>, where: string): { state: TrainCheckpointState; trainer: TrainerTensors } {
  const missing = RESUME_FILES.filter((f) => !(files[f] instanceof Uint8Array));
  if (missing.length) throw new TrainError('incompatible-resume', `${where} lacks ${missing.join(' and ')} (continue from a checkpoint's training_state.json and trainer_state.safetensors together)`);
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(files['training_state.json']);
  } catch (e) {
    throw new TrainError('incompatible-resume', `${where} is not a training checkpoint (training_state.json: ${(e as Error).message})`);
  }
  const state = parseCheckpointState(text, where);
  let trainer: TrainerTensors;
  try {
    trainer = readSafetensorsF32(files['trainer_state.safetensors']!, `${where}/trainer_state.safetensors`);
  } catch (e) {
    throw new TrainError('incompatible-resume', `${where}/trainer_state.safetensors is corrupt (${(e as Error).message})`, { cause: e });
  }
  if (trainer.size === 0) throw new TrainError('incompatible-resume', `${where}/trainer_state.safetensors holds no tensors`);
  return { state, trainer };
}

/**
 * The checkpoint file a downloaded or picked file stands for, by how its name ends (the panel saves them as
 * "<run>-training_state.json", "<run>-trainer_state.safetensors", "<run>.safetensors", …); null for other files.
 */
export function checkpointFileOf(name: string): string | null {
  for (const f of ['training_state.json', 'trainer_state.safetensors', 'adapter_model.safetensors', 'adapter_config.json']) if (name === f || name.endsWith(`-${f}`) || name.endsWith(`_${f}`)) return f;
  return name.endsWith('.safetensors') ? 'model.safetensors' : null;
}
