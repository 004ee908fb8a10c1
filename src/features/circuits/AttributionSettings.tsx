// Scoring and extraction settings: metric, method (EAP, EAP-IG with m steps, exact patching, or ACDC, which finds
// the circuit itself by patching with threshold τ) and how the circuit is cut from the scored graph (top-n /
// threshold / greedy, pruned or not).
import { CIRCUIT_LIMITS, type CircuitsSpec } from '../../state/specs/circuits';
import { CommitNumber } from './format';

const METRICS: { id: CircuitsSpec['metric']; label: string }[] = [
  { id: 'logit_diff', label: 'logit difference (refusal token − answer token)' },
  { id: 'refusal_prob', label: 'refusal probability' },
  { id: 'kl', label: 'KL to the clean run' },
];

const METHODS: { id: CircuitsSpec['method']; label: string }[] = [
  { id: 'eap', label: 'EAP (one gradient)' },
  { id: 'eap-ig', label: 'EAP-IG (m interpolation steps)' },
  { id: 'patching', label: 'exact activation patching (one run per edge)' },
  { id: 'acdc', label: 'ACDC (circuit found by patching edge by edge, threshold τ)' },
];

export function ScoringSettings({ spec, set, refusalOnly = false }: { spec: CircuitsSpec; set: (p: Partial<CircuitsSpec>) => void; refusalOnly?: boolean }) {
  return (
    <div className="toolbar">
      {!refusalOnly && (
        <label>metric <select value={spec.metric} data-testid="circuits-metric" onChange={(e) => set({ metric: e.target.value as CircuitsSpec['metric'] })}>
          {METRICS.map((m) => <option key={m.id} value={m.id}>{m.label}</option>)}
        </select></label>
      )}
      <label>method <select value={spec.method} data-testid="circuits-method" onChange={(e) => set({ method: e.target.value as CircuitsSpec['method'] })}>
        {METHODS.filter((m) => !refusalOnly || (m.id !== 'patching' && m.id !== 'acdc')).map((m) => <option key={m.id} value={m.id}>{m.label}</option>)}
      </select></label>
      {spec.method === 'eap-ig' && (
        <label title="EAP-IG interpolation steps between the corrupted and the clean input">m <CommitNumber value={spec.steps} min={1} max={50} testId="circuits-steps" onCommit={(v) => set({ steps: v })} width={60} /></label>
      )}
      {!refusalOnly && spec.method === 'acdc' && (
        <label title="ACDC removes an edge when that costs less than τ of the clean/corrupted metric gap">τ <CommitNumber value={spec.tau}
          min={CIRCUIT_LIMITS.tau.min} max={CIRCUIT_LIMITS.tau.max} step={0.005} testId="circuits-tau" onCommit={(v) => set({ tau: v })} width={70} /></label>
      )}
      {refusalOnly && (spec.method === 'patching' || spec.method === 'acdc') && <span className="muted">The refusal circuit scores with EAP-IG and tries ACDC itself, with τ fitted to the 5 % budget.</span>}
    </div>
  );
}

export function ExtractionSettings({ spec, setExtraction }: { spec: CircuitsSpec; setExtraction: (p: Partial<CircuitsSpec['extraction']>) => void }) {
  const x = spec.extraction;
  return (
    <div className="toolbar" data-testid="extraction-settings">
      <strong>Circuit</strong>
      <label>extraction <select value={x.mode} data-testid="extract-mode" onChange={(e) => setExtraction({ mode: e.target.value as CircuitsSpec['extraction']['mode'] })}>
        <option value="topn">top-n edges by |score|</option>
        <option value="threshold">|score| ≥ threshold</option>
        <option value="greedy">greedy from the logits</option>
      </select></label>
      {x.mode === 'threshold'
        ? <label>threshold <CommitNumber value={x.threshold} min={0} step={0.01} testId="extract-threshold" onCommit={(v) => setExtraction({ threshold: v })} /></label>
        : <label>edges n <CommitNumber value={x.n} min={1} testId="extract-n" onCommit={(v) => setExtraction({ n: v })} /></label>}
      <label><input type="checkbox" checked={x.prune} data-testid="extract-prune" onChange={(e) => setExtraction({ prune: e.target.checked })} /> prune dangling nodes</label>
    </div>
  );
}

/** The one-click refusal circuit's own knobs: how many held-out pairs it scores and how thorough the ablation check is. */
export function RefusalSettings({ spec, set }: { spec: CircuitsSpec; set: (p: Partial<CircuitsSpec>) => void }) {
  return (
    <div className="toolbar" data-testid="refusal-settings">
      {spec.pairs.source === 'heldout'
        ? <label>held-out pairs <CommitNumber value={spec.pairs.n} min={1} max={CIRCUIT_LIMITS.pairs.max} testId="refusal-pairs" onCommit={(n) => set({ pairs: { source: 'heldout', n } })} width={60} /></label>
        : <span className="muted">held-out pairs: the default count (the custom pairs belong to the attribution tab)</span>}
      <label title="held-out harmful prompts generated with and without the circuit">ablation prompts <CommitNumber value={spec.ablation.prompts} min={1} max={CIRCUIT_LIMITS.ablationPrompts.max} testId="ablation-prompts" onCommit={(prompts) => set({ ablation: { ...spec.ablation, prompts } })} width={60} /></label>
      <label title="greedy tokens per prompt; the refusal detector reads them">tokens <CommitNumber value={spec.ablation.maxNewTokens} min={1} max={CIRCUIT_LIMITS.ablationTokens.max} testId="ablation-tokens" onCommit={(maxNewTokens) => set({ ablation: { ...spec.ablation, maxNewTokens } })} width={60} /></label>
    </div>
  );
}
