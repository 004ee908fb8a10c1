// The JSON manifest written next to every unlearning checkpoint (CONVENTIONS #19): the config as given and as
// effective, the model's identity, the forget / retain split (category, sizes, sha256 of the examples), the
// step, per-step losses and the forget / retain metrics at each checkpoint. A version field; the reader refuses
// newer versions and anything that is not a manifest.
import type { UnlearnConfig } from './config';
import { UnlearnError } from './errors';
import type { SplitRecord } from './splits';

export const UNLEARN_MANIFEST_VERSION = 1;

export interface StepLog {
  /** 1-based: the loss was computed on the batch of this update. */
  step: number;
  loss: number;
  /** The forget term as it enters the loss (GA / GD: −NLL; NPO: its loss; RMU: the activation MSE). */
  forget: number;
  /** The retain term (NLL, or RMU's activation MSE; 0 for gradient ascent, which has none). */
  retain: number;
  gradNorm: number;
  lr: number;
  /** With a retain guard (trainer.ts `retainGuard`): the guard set's token-mean NLL after this update. */
  guardNll?: number;
  /** With a retain guard: the update raised the guard NLL past its bound and was undone (params and moments restored). */
  rejected?: boolean;
}

export interface UnlearnMetrics {
  step: number;
  /** Token-mean NLL of the responses of held-out forget pairs (higher = more forgotten). */
  forgetNll: number;
  /** Same on held-out retain pairs (should stay near its step-0 value). */
  retainNll: number;
  /** Same on forget training pairs (what the objective pushes directly). */
  forgetTrainNll: number;
}

export interface UnlearnManifest {
  version: number;
  kind: 'unlearn-checkpoint';
  model: { id: string; family: string; weightsSha256: string | null };
  method: string;
  given: Record<string, unknown>;
  config: UnlearnConfig;
  effective: {
    trainable: string[];
    sequenceLength: number;
    rmu: { layer: number; steeringCoeff: number; forgetActivationNorm: number } | null;
    circuit: { heads: [number, number][]; mlps: number[]; maskedElements: number } | null;
  };
  split: SplitRecord | null;
  /** Updates applied when this was written. */
  step: number;
  status: 'running' | 'done' | 'cancelled';
  losses: StepLog[];
  metrics: UnlearnMetrics[];
  timing?: { wallSeconds: number; stepsPerSecond: number | null };
}

export class ManifestFormatError extends UnlearnError {
  override readonly name = 'ManifestFormatError';
}

/** Parses a manifest, refusing newer versions and other JSON. */
export function readUnlearnManifest(text: string): UnlearnManifest {
  let j: unknown;
  try {
    j = JSON.parse(text);
  } catch (e) {
    throw new ManifestFormatError(`unlearning manifest is not JSON: ${(e as Error).message}`);
  }
  const m = j as Partial<UnlearnManifest>;
  if (!m || typeof m !== 'object' || m.kind !== 'unlearn-checkpoint' || typeof m.version !== 'number') {
    throw new ManifestFormatError('not an unlearning manifest (kind "unlearn-checkpoint" and a version expected)');
  }
  if (m.version > UNLEARN_MANIFEST_VERSION) {
    throw new ManifestFormatError(`manifest version ${m.version} is newer than this reader (${UNLEARN_MANIFEST_VERSION}): update the workbench`);
  }
  return m as UnlearnManifest;
}
