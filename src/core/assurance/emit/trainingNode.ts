// The Node training CLI's evidence file: the run's before/after evidence (training.ts) completed as the ledger does
// and written as a ledger file (`evidence.json` in the run's output folder), which the Assurance page imports.
// The trained model is named by the sha256 of the model.safetensors the run's last checkpoint wrote under spec.out
// (out/step-NNNNNN/, the file the browser's TrainPanel hashes too); the base weights and the data go into `data`.
// A run that wrote no checkpoint (resumed from another folder and stopped before its first step) holds the weights
// it resumed from: those are hashed, and a `data` entry says no checkpoint was written; where no weights file can
// be found the model has no hash and a `data` entry says why.
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import type { GrpoData } from '../../experiments/train/grpoRollout';
import type { EncodedData, TrainResult } from '../../experiments/train/trainer';
import type { TrainSpec } from '../../experiments/train/spec';
import { checkpointFolderName } from '../../edits/unlearn/runNode';
import type { UnlearnModel } from '../../edits/unlearn/model';
import { completeEvidence, serialiseLedger } from '../ledger';
import { emitTraining } from './training';

export const EVIDENCE_FILE = 'evidence.json';

/** Where a checkpoint's merged weights are: out/step-NNNNNN/model.safetensors (node.ts's folder sink). */
export const checkpointWeightsPath = (outDir: string, step: number): string => join(outDir, checkpointFolderName(step), 'model.safetensors');

/** sha256 (hex) of the checkpoint weights at `step` under `outDir`; null when none was written there. */
export const checkpointWeightsSha256 = (outDir: string, step: number): Promise<string | null> => fileSha256(checkpointWeightsPath(outDir, step));

/** sha256 (hex) of a file, streamed (multi-GB weights); null when it does not exist. */
async function fileSha256(path: string): Promise<string | null> {
  const hash = createHash('sha256');
  try {
    for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  } catch (e) {
    // absent: e.g. a run resumed from another folder that stopped before its first step wrote nothing under spec.out
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw e;
  }
  return hash.digest('hex');
}

/** sha256 of the resume checkpoint's weights when that checkpoint is at `step` (the run did no step of its own), else null. */
async function resumedWeightsSha256(resumeFrom: string, step: number): Promise<string | null> {
  let resumedStep: unknown;
  try {
    resumedStep = (JSON.parse(await readFile(join(resumeFrom, 'training_state.json'), 'utf8')) as { step?: unknown }).step;
  } catch {
    return null;
  }
  return resumedStep === step ? fileSha256(join(resumeFrom, 'model.safetensors')) : null;
}

/** Which weights the evidence names: the last checkpoint under spec.out, else those a run that did no step resumed from. */
async function finalWeights(spec: TrainSpec, step: number): Promise<{ weightsSha256: string | null; note?: string }> {
  const written = await checkpointWeightsSha256(spec.out, step);
  if (written) return { weightsSha256: written };
  const resumed = spec.resumeFrom ? await resumedWeightsSha256(spec.resumeFrom, step) : null;
  if (resumed) return { weightsSha256: resumed, note: `no checkpoint written by this run (it stopped before its first step): weights as resumed from ${basename(spec.resumeFrom!)}/model.safetensors` };
  return { weightsSha256: null, note: `no checkpoint of step ${step} under ${basename(spec.out)}: the trained weights are not hashed` };
}

/** The ledger text of a finished CLI run (its checkpoints already written), or null when it has no before/after evaluation to report. */
export async function trainEvidenceLedger(spec: TrainSpec, r: Pick<TrainResult, 'step' | 'evals'> & { model: Pick<UnlearnModel, 'id' | 'family' | 'weightsSha256'>; data: EncodedData | GrpoData }, now = new Date()): Promise<string | null> {
  const { weightsSha256, note } = r.evals.length >= 2 ? await finalWeights(spec, r.step) : { weightsSha256: null };
  const drafts = emitTraining({
    spec, step: r.step, evals: r.evals, checkpoint: weightsSha256 ? { step: r.step, weightsSha256 } : null, ...(note ? { weightsNote: note } : {}),
    model: { id: r.model.id, family: r.model.family, weightsSha256: r.model.weightsSha256 },
    data: { name: basename(spec.data), rows: 'prompts' in r.data ? r.data.prompts.length : r.data.method === 'dpo' ? r.data.dpo.length : r.data.sft.length, sha256: r.data.sha256 },
  });
  if (drafts.length === 0) return null;
  return serialiseLedger(drafts.map((d) => completeEvidence(d, { module: 'experiments' }, now)), now);
}
