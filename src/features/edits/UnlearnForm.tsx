// The in-browser unlearning form: embedded model, method (a baseline, or MANSU with its four steps switchable, its
// retain guard (ours, off by default) and its forget objective), forge harm topic to forget, set sizes, steps, batch, learning rate, the spec's seed,
// evaluation, behaviour and CAD sizes; start, progress on one bar, cancel. Every field
// is the edits spec's `unlearn` block (the share link carries it), clamped to UNLEARN_LIMITS as it is typed.
import type { UnlearnJobMethod, UnlearnJobProgress } from '../../core/edits/unlearn/api';
import { forgeHarmTopicsFor, topicForModel, UNLEARN_BASELINES, UNLEARN_LIMITS, UNLEARN_MODELS, UNLEARN_SPEC_METHODS, type EditsSpec, type UnlearnSpec } from '../../state/specs/edits';
import { ProgressBar } from '../../viz/ProgressBar';
import type { UnlearnRunState } from './useUnlearnEngine';

/** Every method the engine names (refusal_sft teaches rather than forgets: the trainer has it, the form does not offer it). */
export const METHOD_LABELS: Record<UnlearnJobMethod, string> = {
  grad_ascent: 'Gradient ascent', grad_diff: 'Gradient difference', npo: 'NPO', rmu: 'RMU', mansu: 'MANSU', refusal_sft: 'Refusal SFT',
};

/** MANSU's steps in pipeline order, with what each does (mansuPipeline.ts). */
export const MANSU_STEPS: { key: keyof Omit<UnlearnSpec['mansu'], 'objective'>; label: string; title: string }[] = [
  { key: 'circuit', label: 'circuit', title: 'EAP-IG attribution of the forget behaviour → top circuit; training restricted to its heads and MLPs' },
  { key: 'fisher', label: 'Fisher bound', title: 'each optimizer step shrinks an update by 1 / (1 + λ·F / mean F), F the retain set\'s diagonal Fisher' },
  { key: 'nullSpace', label: 'null space', title: 'each optimizer step removes a projection update\'s component along the retain inputs\' principal subspace' },
  { key: 'floor', label: 'NF4 floor', title: 'keep the largest updates by |Δ| / bin width and grow each past its 4-bit decision midpoint' },
  // ours, not the paper's: off by default (CLI --retain-guard)
  { key: 'retainGuard', label: 'retain guard (ours)', title: 'not in the paper, off by default: up to 48 retain train pairs (at most a quarter) held aside; a step that raises their NLL more than 0.05 nat above the base model\'s is undone and the learning rate halved; the floor\'s keep is halved while the floored edit does the same (mansuPipeline.ts)' },
];

function MansuSwitches({ u, set }: { u: UnlearnSpec; set: (p: Partial<UnlearnSpec>) => void }) {
  const m = u.mansu;
  return (
    <div className="toolbar" data-testid="mansu-switches">
      <span>MANSU steps:</span>
      {MANSU_STEPS.map(({ key, label, title }) => (
        <label key={key} title={title}><input type="checkbox" checked={m[key]} data-testid={`mansu-${key}`} onChange={(e) => set({ mansu: { ...m, [key]: e.target.checked } })} /> {label}</label>
      ))}
      <label title="the forget objective MANSU trains with">objective <select value={m.objective} data-testid="mansu-objective" onChange={(e) => set({ mansu: { ...m, objective: e.target.value as UnlearnSpec['mansu']['objective'] } })}>
        {UNLEARN_BASELINES.map((b) => <option key={b} value={b}>{METHOD_LABELS[b]}</option>)}
      </select></label>
    </div>
  );
}

type IntField = Exclude<keyof typeof UNLEARN_LIMITS, 'lr'>;

function IntInput({ field, label, spec, set, title }: { field: IntField; label: string; spec: UnlearnSpec; set: (p: Partial<UnlearnSpec>) => void; title?: string }) {
  const { min, max } = UNLEARN_LIMITS[field];
  return (
    <label title={title}>{label} <input type="number" min={min} max={max} step={1} value={spec[field]} data-testid={`unlearn-${field}`} style={{ width: '5em' }}
      onChange={(e) => {
        const v = Number(e.target.value);
        if (e.target.value !== '' && Number.isFinite(v)) set({ [field]: Math.round(Math.min(max, Math.max(min, v))) });
      }} /></label>
  );
}

function progressLabel(p: UnlearnJobProgress | null): string {
  if (!p) return 'starting the lab worker';
  const s = p.step;
  return s ? `${p.label} — loss ${s.log.loss.toFixed(3)}, forget ${s.log.forget.toFixed(3)}, retain ${s.log.retain.toFixed(3)}` : p.label;
}

export function UnlearnForm({ spec, setSpec, run, batch, seedsPerBatch, onStart, onStartSeeds, onCancel, onKill }: {
  spec: EditsSpec;
  setSpec: (patch: Partial<EditsSpec>) => void;
  run: UnlearnRunState;
  /** The seed batch in flight (run `at` of `total`), if any. */
  batch: { at: number; total: number } | null;
  seedsPerBatch: number;
  onStart: () => void;
  onStartSeeds: () => void;
  onCancel: () => void;
  onKill: () => void;
}) {
  const u = spec.unlearn;
  const set = (patch: Partial<UnlearnSpec>) => setSpec({ unlearn: { ...u, ...patch } });
  const running = run.status === 'running' || batch !== null;
  return (
    <div className="card" data-testid="unlearn-form">
      <h2>Unlearn in the browser</h2>
      <p className="muted">
        Fine-tunes an embedded model in the lab engine (a worker of this page) to forget the target&apos;s compliance on one harm topic of the
        forge corpus while keeping the retain set (tasks, edgy and chat prompts, the other topics), then scores the result at full precision and
        after bitsandbytes 4-bit quantization (NF4 / FP4, block 64, ± double quantization). Nothing leaves the browser.
      </p>
      <div className="toolbar">
        <label>model <select value={u.model} data-testid="unlearn-model"
          onChange={(e) => { const model = e.target.value as UnlearnSpec['model']; set({ model, forgetTopic: topicForModel(model, u.forgetTopic) }); }}>
          {UNLEARN_MODELS.map((m) => <option key={m} value={m}>{m}</option>)}
        </select></label>
        <label>method <select value={u.method} data-testid="unlearn-method" onChange={(e) => set({ method: e.target.value as UnlearnSpec['method'] })}>
          {UNLEARN_SPEC_METHODS.map((m) => <option key={m} value={m}>{METHOD_LABELS[m]}</option>)}
        </select></label>
        <label>forget topic <select value={u.forgetTopic} data-testid="unlearn-topic" onChange={(e) => set({ forgetTopic: e.target.value as UnlearnSpec['forgetTopic'] })}>
          {forgeHarmTopicsFor(u.model).map((t) => <option key={t} value={t}>{t}</option>)}
        </select></label>
        <label>seed <input type="number" min={0} step={1} value={spec.seed} data-testid="unlearn-seed" style={{ width: '6em' }}
          onChange={(e) => { const v = Number(e.target.value); if (e.target.value !== '' && Number.isInteger(v) && v >= 0) setSpec({ seed: v }); }} /></label>
      </div>
      {u.method === 'mansu' && <MansuSwitches u={u} set={set} />}
      <div className="toolbar">
        <IntInput field="forgetSize" label="forget set" spec={u} set={set} title="train compliance records of the topic" />
        <IntInput field="retainSize" label="retain set" spec={u} set={set} title="drawn evenly across tasks, edgy, chat and the other topics" />
        <IntInput field="steps" label="steps" spec={u} set={set} />
        <IntInput field="batchSize" label="batch" spec={u} set={set} title="forget examples per step (as many retain ones)" />
        <label title="empty: the method's default (1e-3; RMU 1e-2; MANSU with gradient difference 3e-3)">learning rate <input type="number" step="any" min={UNLEARN_LIMITS.lr.min} max={UNLEARN_LIMITS.lr.max}
          placeholder="default" value={u.lr ?? ''} data-testid="unlearn-lr" style={{ width: '7em' }}
          onChange={(e) => {
            const v = Number(e.target.value);
            if (e.target.value === '') set({ lr: null });
            else if (Number.isFinite(v) && v > 0) set({ lr: Math.min(UNLEARN_LIMITS.lr.max, Math.max(UNLEARN_LIMITS.lr.min, v)) });
          }} /></label>
      </div>
      <div className="toolbar">
        <IntInput field="evalSize" label="held-out pairs per set" spec={u} set={set} title="forget / retain NLL" />
        <IntInput field="behaviourPrompts" label="behaviour prompts per set" spec={u} set={set} title="greedy decoding: forget topic, other topics, tasks (0: skip)" />
        <IntInput field="maxNewTokens" label="new tokens" spec={u} set={set} />
        <IntInput field="cadPairs" label="CAD pairs" spec={u} set={set} title="forget / benign prompt pairs attributed (EAP-IG, m = 5) before and after the edit (0: no CAD, no structural property)" />
      </div>
      <div className="toolbar">
        <button data-testid="unlearn-start" disabled={running} onClick={onStart}>Run {METHOD_LABELS[u.method]} on {u.model}</button>
        <button data-testid="unlearn-start-seeds" disabled={running} onClick={onStartSeeds}
          title="the same run with each seed in turn, for the four properties over seeds">Run seeds {spec.seed}–{spec.seed + seedsPerBatch - 1}</button>
        {run.status === 'running' && (
          <>
            <ProgressBar done={run.progress?.done ?? 0} total={100} label={`${batch ? `seed ${run.request.seed} (${batch.at} of ${batch.total}): ` : ''}${progressLabel(run.progress)}`}
              onCancel={run.cancelling ? undefined : onCancel} testId="unlearn-progress" />
            {run.cancelling && <span className="muted" data-testid="unlearn-cancelling">Cancelling after the current step… <button data-testid="unlearn-kill" onClick={onKill}>Stop now</button></span>}
          </>
        )}
        {run.status === 'cancelled' && <span data-testid="unlearn-cancelled">{run.message}</span>}
      </div>
      {run.status === 'error' && <p className="error" role="alert" data-testid="unlearn-error">{run.message}</p>}
    </div>
  );
}
