// Node side of GRPO: the model folder and the prompt file from disk, checkpoints through node.ts's folder sink (the
// same workbench model folders, trainer state and PEFT adapter as SFT/DPO), resume from one of them.
import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import type { RewardRegistry } from '../rewards/registry';
import { readJsonRows } from './data';
import { TrainError } from './errors';
import { runGrpo, type GrpoResult } from './grpo';
import { encodePrompts, type GrpoData } from './grpoRollout';
import { nodeEvaluator } from './evalHooksNode';
import { folderCheckpointSink, loadTrainModelFolder, readCheckpoint } from './node';
import type { TrainSpec } from './spec';
import type { TrainModel, TrainProgress } from './trainer';

/** Reads and encodes the spec's prompt file for the model. */
export async function readGrpoData(model: TrainModel, spec: TrainSpec): Promise<GrpoData> {
  if (!spec.grpo) throw new TrainError('invalid-spec', 'the spec has no grpo settings');
  const text = await readFile(spec.data, 'utf8').catch((e: Error) => {
    throw new TrainError('empty-data', `cannot read ${spec.data} (${e.message})`);
  });
  return encodePrompts(model, { ...spec, grpo: spec.grpo }, readJsonRows(text, basename(spec.data)), basename(spec.data));
}

/** Loads the model, encodes the prompts, resumes when asked, runs GRPO and writes checkpoints under spec.out. */
export async function grpoFromSpec(spec: TrainSpec, o: { signal?: AbortSignal; onProgress?: (p: TrainProgress) => void; registry?: RewardRegistry } = {}): Promise<GrpoResult & { model: TrainModel; data: GrpoData }> {
  const model = await loadTrainModelFolder(spec.model);
  const data = await readGrpoData(model, spec);
  const resume = spec.resumeFrom ? await readCheckpoint(spec.resumeFrom) : undefined;
  const sink = await folderCheckpointSink(model, spec.model, spec.out);
  const evaluator = await nodeEvaluator(model, spec);
  const r = await runGrpo(model, data, spec, { ...o, sink, resume, evaluator });
  return { ...r, model, data };
}
