// The edits spec's `unlearn` block as the engine's job request, and the digest a share link carries for an
// in-browser run: the sha256 of the checkpoint's tensor bytes (same spec + seed → the same bits, trainer.test.ts),
// so a re-run from the link says whether it reproduced the edited weights exactly.
import type { UnlearnJobRequest } from '../../core/edits/unlearn/api';
import { sha256Hex } from '../../core/runtime/loaders';
import type { EditsSpec } from '../../state/specs/edits';

export function unlearnRequest(spec: EditsSpec): UnlearnJobRequest {
  const u = spec.unlearn;
  return {
    modelId: u.model, method: u.method, forgetTopic: u.forgetTopic, forgetSize: u.forgetSize, retainSize: u.retainSize, steps: u.steps,
    batchSize: u.batchSize, seed: spec.seed, lr: u.lr, evalSize: u.evalSize, behaviourPrompts: u.behaviourPrompts, maxNewTokens: u.maxNewTokens,
    cadPairs: u.cadPairs, ...(u.method === 'mansu' ? { mansu: { ...u.mansu } } : {}),
  };
}

export async function checkpointDigest(safetensors: Uint8Array): Promise<string> {
  return sha256Hex(safetensors);
}

/**
 * Names of the downloadable files of a run: `<model>-<method>-<topic>-s<seed>-<steps>steps.*` (MANSU: its switches
 * off, and `-retainGuard` when the guard, off by default, is on).
 */
export function checkpointBaseName(r: UnlearnJobRequest): string {
  const off = r.mansu ? (['circuit', 'fisher', 'nullSpace', 'floor'] as const).filter((k) => !r.mansu![k]) : [];
  const method = r.mansu ? `mansu-${r.mansu.objective}${off.map((k) => `-no${k[0].toUpperCase()}${k.slice(1)}`).join('')}${r.mansu.retainGuard ? '-retainGuard' : ''}` : r.method;
  return `${r.modelId}-${method}-${r.forgetTopic}-s${r.seed}-${r.steps}steps`;
}
