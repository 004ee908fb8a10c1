// The Node training CLI's evidence file: the run's before/after evidence (training.ts) completed as the ledger does
// and written as a ledger file (`evidence.json` in the run's output folder), which the Assurance page imports.
// The CLI's result keeps no hash of the checkpoint it wrote, so the trained model is named without a sha256.
import { basename } from 'node:path';
import type { GrpoData } from '../../experiments/train/grpoRollout';
import type { EncodedData, TrainResult } from '../../experiments/train/trainer';
import type { TrainSpec } from '../../experiments/train/spec';
import type { UnlearnModel } from '../../edits/unlearn/model';
import { completeEvidence, serialiseLedger } from '../ledger';
import { emitTraining } from './training';

export const EVIDENCE_FILE = 'evidence.json';

/** The ledger text of a finished CLI run, or null when it has no before/after evaluation to report. */
export function trainEvidenceLedger(spec: TrainSpec, r: Pick<TrainResult, 'step' | 'evals'> & { model: Pick<UnlearnModel, 'id' | 'family' | 'weightsSha256'>; data: EncodedData | GrpoData }, now = new Date()): string | null {
  const drafts = emitTraining({
    spec, step: r.step, evals: r.evals, checkpoint: null,
    model: { id: r.model.id, family: r.model.family, weightsSha256: r.model.weightsSha256 },
    data: { name: basename(spec.data), rows: 'prompts' in r.data ? r.data.prompts.length : r.data.method === 'dpo' ? r.data.dpo.length : r.data.sft.length, sha256: r.data.sha256 },
  });
  if (drafts.length === 0) return null;
  return serialiseLedger(drafts.map((d) => completeEvidence(d, { module: 'experiments' }, now)), now);
}
