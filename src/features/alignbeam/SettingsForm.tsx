// The decoding knobs of ALIGNBEAM (shared by the playground, the bridge inspector and as the sweep's base settings):
// α, K, m, top-k support, mixing rule, confidence gate, max new tokens, bridge kind, judge, the judge's pick and the
// extra target candidate (our additions to the paper, off by default). Edits go into the
// spec (clamped by the panel), so every link carries them.
import { useState } from 'react';
import { ALIGNBEAM_LIMITS, BRIDGE_KINDS, CANDIDATE_SELECTIONS, type AlignbeamSpec, type AlignbeamSpecSettings } from '../../state/specs/alignbeam';

type SetSettings = (patch: Partial<AlignbeamSpecSettings>) => void;

const BRIDGE_HELP: Record<(typeof BRIDGE_KINDS)[number], string> = {
  text: 'exact bytes, else the first token of the re-encoded text',
  exact: 'only tokens with the same bytes; the rest is lost',
  mined: 'exact, else the nearest target token by byte edit distance',
  identity: 'same vocabulary only (id → id)',
};

const SELECTION_HELP: Record<(typeof CANDIDATE_SELECTIONS)[number], string> = {
  safest: 'safest — lowest P(unsafe) (the paper)',
  'target-likelihood': 'target likelihood among the safe (ours)',
  'beam-score': 'beam score among the safe (ours)',
};

/** A number input that commits on blur / Enter, so typing "0." on the way to "0.75" is not clamped mid-way. */
export function NumberInput({ value, onChange, step, min, max, testId, width = 70 }: {
  value: number; onChange: (v: number) => void; step?: number; min?: number; max?: number; testId?: string; width?: number;
}) {
  const [text, setText] = useState<string | null>(null);
  const commit = () => {
    if (text === null) return;
    const v = Number(text);
    if (text.trim() !== '' && Number.isFinite(v)) onChange(v);
    setText(null);
  };
  return (
    <input type="number" value={text ?? String(value)} step={step} min={min} max={max} data-testid={testId} style={{ width }}
      onChange={(e) => setText(e.target.value)} onBlur={commit} onKeyDown={(e) => { if (e.key === 'Enter') commit(); }} />
  );
}

function BridgeSelect({ value, set }: { value: AlignbeamSpecSettings['bridge']; set: SetSettings }) {
  return (
    <label>bridge <select value={value} data-testid="set-bridge" onChange={(e) => set({ bridge: e.target.value as AlignbeamSpecSettings['bridge'] })}>
      {BRIDGE_KINDS.map((k) => <option key={k} value={k}>{k} — {BRIDGE_HELP[k]}</option>)}
    </select></label>
  );
}

/** `bridgeOnly`: the bridge inspector needs the bridge kind alone. */
export function SettingsForm({ spec, set, bridgeOnly = false }: { spec: AlignbeamSpec; set: SetSettings; bridgeOnly?: boolean }) {
  const s = spec.settings;
  const gateOn = s.confidenceGate !== null;
  if (bridgeOnly) return <div className="toolbar" data-testid="alignbeam-settings"><BridgeSelect value={s.bridge} set={set} /></div>;
  return (
    <div data-testid="alignbeam-settings">
      <div className="toolbar">
        <label title="anchor weight: 0 = target only (exactly), 1 = the translated anchor only">α <NumberInput value={s.alpha} step={0.05} min={0} max={1} testId="set-alpha" onChange={(alpha) => set({ alpha })} /></label>
        <label title="beam width = candidates the judge chooses from">K <NumberInput value={s.K} min={ALIGNBEAM_LIMITS.K[0]} max={ALIGNBEAM_LIMITS.K[1]} testId="set-K" width={55} onChange={(K) => set({ K })} /></label>
        <label title="number of first response tokens that are mixed; 0 = every token">m <NumberInput value={s.m} min={0} max={ALIGNBEAM_LIMITS.m[1]} testId="set-m" width={60} onChange={(m) => set({ m })} /></label>
        <label title="support: union of each model's top-k tokens">top-k <NumberInput value={s.topK} min={1} max={ALIGNBEAM_LIMITS.topK[1]} testId="set-topK" onChange={(topK) => set({ topK })} /></label>
        <label>rule <select value={s.rule} data-testid="set-rule" onChange={(e) => set({ rule: e.target.value as AlignbeamSpecSettings['rule'] })}>
          <option value="linear">linear (1−α)·p_t + α·B(p_a)</option>
          <option value="contrastive">contrastive p_t + α·(B(p_a) − p_t)</option>
        </select></label>
        <label title="mix only where the target's top probability is below the threshold">
          <input type="checkbox" checked={gateOn} data-testid="set-gate-on" onChange={() => set({ confidenceGate: gateOn ? null : 0.9 })} /> confidence gate
        </label>
        {gateOn && <NumberInput value={s.confidenceGate ?? 0.9} step={0.05} min={0} max={1} testId="set-gate" onChange={(confidenceGate) => set({ confidenceGate })} />}
      </div>
      <div className="toolbar">
        <label>max new tokens <NumberInput value={s.maxNewTokens} min={1} max={ALIGNBEAM_LIMITS.maxNewTokens[1]} testId="set-maxNewTokens" onChange={(maxNewTokens) => set({ maxNewTokens })} /></label>
        <BridgeSelect value={s.bridge} set={set} />
        <label>judge <select value={s.judge} data-testid="set-judge" onChange={(e) => set({ judge: e.target.value as AlignbeamSpecSettings['judge'] })}>
          <option value="embedded">embedded (P(unsafe) from one forward)</option>
          <option value="llm">LLM (generated safe/unsafe verdict)</option>
        </select></label>
        <label title="how the judge picks among the candidates: the paper's rule (lowest P(unsafe), ties by beam score), or our additions kept for ablations">pick <select value={s.selection} data-testid="set-selection" onChange={(e) => set({ selection: e.target.value as AlignbeamSpecSettings['selection'] })}>
          {CANDIDATE_SELECTIONS.map((k) => <option key={k} value={k}>{SELECTION_HELP[k]}</option>)}
        </select></label>
        <label title="our addition (not in the paper): the target's own answer, decoded without the anchor, joins the K beams before the judge">
          <input type="checkbox" checked={s.extraTargetCandidate} data-testid="set-extraTargetCandidate" onChange={() => set({ extraTargetCandidate: !s.extraTargetCandidate })} /> target's answer as an extra candidate
        </label>
        <label title="when the response text ends inside an anchor token, back up one anchor token so the anchor reads whole tokens">
          <input type="checkbox" checked={s.tokenHealing !== false} data-testid="set-healing" onChange={() => set({ tokenHealing: s.tokenHealing === false })} /> token healing
        </label>
      </div>
    </div>
  );
}
