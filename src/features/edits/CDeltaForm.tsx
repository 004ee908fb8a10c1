// The C-Δθ-with-behaviour form of "Unlearn in the browser": embedded model (target), harm topic (forge), refusal
// fine-tune steps / batch / learning rate / retain size, circuit cut (top-n edges or a parameter budget in %),
// strengths s, prompts per selectivity row, NF4 on/off, the spec's seed; start, progress on one bar, cancel.
// Every field is the edits spec's `cdelta` block (the share link carries it), clamped to CDELTA_LIMITS as typed.
import { useEffect, useState } from 'react';
import type { CDeltaProgress } from '../../core/edits/unlearn/cdeltaBehaviour';
import { CDELTA_LIMITS, forgeHarmTopicsFor, topicForModel, UNLEARN_MODELS, type CDeltaSpec, type EditsSpec } from '../../state/specs/edits';
import { ProgressBar } from '../../viz/ProgressBar';
import { parseStrengths } from './cdeltaRequest';
import type { CDeltaRunState } from './useCDeltaEngine';

type IntField = 'steps' | 'batchSize' | 'retainSize' | 'pairs' | 'topN' | 'perTopic' | 'benign' | 'tasks' | 'maxNewTokens';

function IntInput({ field, label, c, set, title }: { field: IntField; label: string; c: CDeltaSpec; set: (p: Partial<CDeltaSpec>) => void; title?: string }) {
  const { min, max } = CDELTA_LIMITS[field];
  return (
    <label title={title}>{label} <input type="number" min={min} max={max} step={1} value={c[field]} data-testid={`cdelta-${field}`} style={{ width: '5em' }}
      onChange={(e) => {
        const v = Number(e.target.value);
        if (e.target.value !== '' && Number.isFinite(v)) set({ [field]: Math.round(Math.min(max, Math.max(min, v))) });
      }} /></label>
  );
}

/** The strengths as typed ("1, 2, 4"); the spec changes only when every entry is a number. */
function StrengthsInput({ c, set }: { c: CDeltaSpec; set: (p: Partial<CDeltaSpec>) => void }) {
  const [text, setText] = useState(c.strengths.join(', '));
  useEffect(() => setText((t) => (JSON.stringify(parseStrengths(t)) === JSON.stringify(c.strengths) ? t : c.strengths.join(', '))), [c.strengths]);
  const L = CDELTA_LIMITS;
  return (
    <label title={`W_out = W_target + s·(W_aligned − W_target) on the circuit; up to ${L.strengths.max} values in [${L.strength.min}, ${L.strength.max}]`}>strengths s{' '}
      <input value={text} data-testid="cdelta-strengths" style={{ width: '8em' }} onChange={(e) => {
        setText(e.target.value);
        const xs = parseStrengths(e.target.value);
        if (xs) set({ strengths: [...new Set(xs.map((s) => Math.min(L.strength.max, Math.max(L.strength.min, s))))].slice(0, L.strengths.max) });
      }} /></label>
  );
}

function progressLabel(p: CDeltaProgress | null): string {
  return p ? p.label : 'starting the lab worker';
}

export function CDeltaForm({ spec, setSpec, run, onStart, onCancel, onKill }: {
  spec: EditsSpec;
  setSpec: (patch: Partial<EditsSpec>) => void;
  run: CDeltaRunState;
  onStart: () => void;
  onCancel: () => void;
  onKill: () => void;
}) {
  const c = spec.cdelta;
  const set = (patch: Partial<CDeltaSpec>) => setSpec({ cdelta: { ...c, ...patch } });
  const running = run.status === 'running';
  const L = CDELTA_LIMITS;
  const columns = (2 + c.strengths.length) * (c.nf4 ? 2 : 1);
  return (
    <div className="card" data-testid="cdelta-form">
      <h2>C-Δθ with behaviour</h2>
      <p className="muted">
        Teaches a copy of the model to refuse one harm topic (a short <code>refusal_sft</code> fine-tune), finds the circuit of that refusal on
        the copy (EAP-IG, m = 5), moves only the circuit&apos;s weights of the model toward the copy (C-Δθ: W_target + s·(W_aligned − W_target)),
        and measures the selectivity matrix by greedy decoding of held-out forge prompts. All in this page&apos;s lab worker.
      </p>
      <div className="toolbar">
        <label>model <select value={c.model} data-testid="cdelta-model"
          onChange={(e) => { const model = e.target.value as CDeltaSpec['model']; set({ model, topic: topicForModel(model, c.topic) }); }}>
          {UNLEARN_MODELS.map((m) => <option key={m} value={m}>{m}</option>)}
        </select></label>
        <label>harm topic <select value={c.topic} data-testid="cdelta-topic" onChange={(e) => set({ topic: e.target.value as CDeltaSpec['topic'] })}>
          {forgeHarmTopicsFor(c.model).map((t) => <option key={t} value={t}>{t}</option>)}
        </select></label>
        <label>seed <input type="number" min={0} step={1} value={spec.seed} data-testid="cdelta-seed" style={{ width: '6em' }}
          onChange={(e) => { const v = Number(e.target.value); if (e.target.value !== '' && Number.isInteger(v) && v >= 0) setSpec({ seed: v }); }} /></label>
      </div>
      <div className="toolbar">
        <IntInput field="steps" label="fine-tune steps" c={c} set={set} title="refusal_sft steps of the aligned copy" />
        <IntInput field="batchSize" label="batch" c={c} set={set} />
        <IntInput field="retainSize" label="retain set" c={c} set={set} title="tasks, edgy, chat and the other topics' compliances, kept" />
        <label title="peak learning rate of refusal_sft (the bench's 1e-2)">learning rate <input type="number" step="any" min={L.lr.min} max={L.lr.max} value={c.lr} data-testid="cdelta-lr" style={{ width: '7em' }}
          onChange={(e) => { const v = Number(e.target.value); if (e.target.value !== '' && Number.isFinite(v) && v > 0) set({ lr: Math.min(L.lr.max, Math.max(L.lr.min, v)) }); }} /></label>
        <label title="'unowned' keeps the tensors no circuit node owns (embeddings, norms, biases) at the model's values, so the copy's change lives where a circuit can carry it">
          frozen <select value={c.freeze} data-testid="cdelta-freeze" onChange={(e) => set({ freeze: e.target.value as CDeltaSpec['freeze'] })}>
            <option value="none">nothing (every tensor trains)</option>
            <option value="unowned">what no circuit node owns</option>
          </select></label>
      </div>
      <div className="toolbar">
        <IntInput field="pairs" label="attribution pairs" c={c} set={set} title="topic prompts paired with length-matched benign prompts (EAP-IG on the aligned copy)" />
        <label>circuit <select value={c.cut} data-testid="cdelta-cut" onChange={(e) => set({ cut: e.target.value as CDeltaSpec['cut'] })}>
          <option value="budget">parameter budget</option>
          <option value="topn">top-n edges</option>
        </select></label>
        {c.cut === 'topn'
          ? <IntInput field="topN" label="edges" c={c} set={set} title="top-n edges by |score|, pruned" />
          : <label title="heads and MLPs by |node score|, each kept while the mask stays under this share of the parameters">budget % <input type="number" step="any" min={L.budgetPercent.min} max={L.budgetPercent.max}
            value={c.budgetPercent} data-testid="cdelta-budgetPercent" style={{ width: '5em' }}
            onChange={(e) => { const v = Number(e.target.value); if (e.target.value !== '' && Number.isFinite(v)) set({ budgetPercent: Math.min(L.budgetPercent.max, Math.max(L.budgetPercent.min, v)) }); }} /></label>}
        <StrengthsInput c={c} set={set} />
      </div>
      <div className="toolbar">
        <IntInput field="perTopic" label="prompts per harm topic" c={c} set={set} />
        <IntInput field="benign" label="benign prompts" c={c} set={set} title="edgy + chat: a refusal there is over-refusal" />
        <IntInput field="tasks" label="task prompts" c={c} set={set} title="exact answer line" />
        <IntInput field="maxNewTokens" label="new tokens" c={c} set={set} />
        <label><input type="checkbox" checked={c.nf4} data-testid="cdelta-nf4" onChange={(e) => set({ nf4: e.target.checked })} /> each column after NF4</label>
      </div>
      <p className="muted" data-testid="cdelta-sizes">
        This run decodes {columns} columns × {forgeHarmTopicsFor(c.model).length * c.perTopic + c.benign + c.tasks} held-out prompts ({c.perTopic} per harm topic, {c.benign} benign,
        {' '}{c.tasks} tasks; {c.maxNewTokens} new tokens each) after {c.steps} fine-tune steps. The defaults (60 steps, 2 / 4 / 4 prompts, s = 1 and 4) are sized to
        take a couple of minutes in the browser; with so few prompts one prompt moves a rate by 25–50 points: raise them for a measurement.
      </p>
      <div className="toolbar">
        <button data-testid="cdelta-start" disabled={running} onClick={onStart}>Run C-Δθ on {c.model} ({c.topic})</button>
        {running && (
          <>
            <ProgressBar done={run.progress?.done ?? 0} total={100} label={progressLabel(run.progress)} onCancel={run.cancelling ? undefined : onCancel} testId="cdelta-progress" />
            {run.cancelling && <span className="muted" data-testid="cdelta-cancelling">Cancelling after the current step… <button data-testid="cdelta-kill" onClick={onKill}>Stop now</button></span>}
          </>
        )}
        {run.status === 'cancelled' && <span data-testid="cdelta-cancelled">{run.message}</span>}
      </div>
      {run.status === 'error' && <p className="error" role="alert" data-testid="cdelta-error">{run.message}</p>}
    </div>
  );
}
