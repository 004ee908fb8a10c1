// The edits spec's `cdelta` block as the engine's C-Δθ-with-behaviour request (src/core/edits/unlearn/cdeltaBehaviour.ts),
// and the names of a run's downloadable files.
import type { CDeltaBehaviourRequest } from '../../core/edits/unlearn/cdeltaBehaviour';
import type { EditsSpec } from '../../state/specs/edits';

export function cdeltaRequest(spec: EditsSpec): CDeltaBehaviourRequest {
  const c = spec.cdelta;
  return {
    modelId: c.model, topic: c.topic, steps: c.steps, batchSize: c.batchSize, lr: c.lr, retainSize: c.retainSize, seed: spec.seed, freeze: c.freeze, pairs: c.pairs,
    cut: c.cut === 'topn' ? { mode: 'topn', edges: c.topN } : { mode: 'budget', percent: c.budgetPercent },
    strengths: [...c.strengths],
    prompts: { perTopic: c.perTopic, benign: c.benign, tasks: c.tasks }, maxNewTokens: c.maxNewTokens, nf4: c.nf4,
  };
}

/** `<model>-cdelta-<topic>-<cut>-s<seed>-<steps>steps` (+ `-frozen` for an 'unowned' freeze, `-x<strength>` for a checkpoint). */
export function cdeltaBaseName(r: CDeltaBehaviourRequest, strength?: number): string {
  const cut = r.cut.mode === 'topn' ? `top${r.cut.edges}` : `budget${r.cut.percent}pct`;
  return `${r.modelId}-cdelta-${r.topic}-${cut}-s${r.seed}-${r.steps}steps${r.freeze === 'unowned' ? '-frozen' : ''}${strength === undefined ? '' : `-x${strength}`}`;
}

/** Parses the strengths field ("1, 2, 4"): finite numbers, or null when any entry is not one. */
export function parseStrengths(text: string): number[] | null {
  const parts = text.split(/[,\s]+/).filter(Boolean);
  if (parts.length === 0) return null;
  const xs = parts.map(Number);
  return xs.every(Number.isFinite) ? xs : null;
}
