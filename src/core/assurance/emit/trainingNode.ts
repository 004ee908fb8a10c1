// The Node training CLI's evidence file: the run's before/after evidence (training.ts) completed as the ledger does
// and written as a ledger file (`evidence.json` in the run's output folder), which the Assurance page imports.
// The trained model is named by the sha256 of the model.safetensors the run's last checkpoint wrote under spec.out
// (out/step-NNNNNN/, the file the browser's TrainPanel hashes too); the base weights and the data go into `data`.
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
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

/** sha256 (hex) of the checkpoint weights at `step` under `outDir`, streamed (multi-GB files); null when none was written there. */
export async function checkpointWeightsSha256(outDir: string, step: number): Promise<string | null> {
  const hash = createHash('sha256');
  try {
    for await (const chunk of createReadStream(checkpointWeightsPath(outDir, step))) hash.update(chunk as Buffer);
  } catch (e) {
    // a run resumed from another folder and stopped before its first step wrote nothing under spec.out
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw e;
  }
  return hash.digest('hex');
}

/** The ledger text of a finished CLI run (its checkpoints already written), or null when it has no before/after evaluation to report. */
export async function trainEvidenceLedger(spec: TrainSpec, r: Pick<TrainResult, 'step' | 'evals'> & { model: Pick<UnlearnModel, 'id' | 'family' | 'weightsSha256'>; data: EncodedData | GrpoData }, now = new Date()): Promise<string | null> {
  const weightsSha256 = r.evals.length >= 2 ? await checkpointWeightsSha256(spec.out, r.step) : null;
  const drafts = emitTraining({
    spec, step: r.step, evals: r.evals, checkpoint: weightsSha256 ? { step: r.step, weightsSha256 } : null,
    model: { id: r.model.id, family: r.model.family, weightsSha256: r.model.weightsSha256 },
    data: { name: basename(spec.data), rows: 'prompts' in r.data ? r.data.prompts.length : r.data.method === 'dpo' ? r.data.dpo.length : r.data.sft.length, sha256: r.data.sha256 },
  });
  if (drafts.length === 0) return null;
  return serialiseLedger(drafts.map((d) => completeEvidence(d, { module: 'experiments' }, now)), now);
}
