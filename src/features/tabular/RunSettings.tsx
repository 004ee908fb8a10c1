// Settings of the four tabs: teachers, folds and seed (all tabs), the decision cut-off (teacher), strategies and
// context sizes (study), labelling, temperature, hard-label mix and students (distill), baseline and folds (protocol). Edits go straight into the
// spec, so links carry them.
import { useState } from 'react';
import { TEACHER_FACTORIES } from '../../core/tabular/teachers/registry';
import { CONTEXT_STRATEGIES, type TabularSpec } from '../../state/specs/tabular';

type Set = (patch: Partial<TabularSpec>) => void;

const TEACHERS: TabularSpec['teachers'] = ['tfm', 'knn', 'logreg', 'tuned-gbdt'];
const STUDENTS: TabularSpec['distill']['students'] = ['gbdt', 'mlp', 'logreg'];

function toggle<T>(all: readonly T[], chosen: T[], id: T): T[] {
  return chosen.includes(id) ? chosen.filter((x) => x !== id) : all.filter((x) => x === id || chosen.includes(x));
}

/** Comma-separated sizes, committed on blur/Enter so typing "2" on the way to "256" does not rerun the clamp. */
function SizesInput({ sizes, onChange }: { sizes: number[]; onChange: (s: number[]) => void }) {
  const [text, setText] = useState<string | null>(null);
  const commit = () => {
    if (text === null) return;
    const parsed = text.split(/[\s,;]+/).map(Number).filter((v) => Number.isInteger(v) && v > 0);
    if (parsed.length) onChange(parsed);
    setText(null);
  };
  return (
    <input type="text" data-testid="context-sizes" value={text ?? sizes.join(', ')} style={{ width: 160 }}
      onChange={(e) => setText(e.target.value)} onBlur={commit} onKeyDown={(e) => { if (e.key === 'Enter') commit(); }} />
  );
}

export function CommonSettings({ spec, set, userLoaded }: { spec: TabularSpec; set: Set; userLoaded: boolean }) {
  const available = new Set<string>(TEACHER_FACTORIES.map((f) => f.id));
  if (userLoaded) available.add('user');
  const shown: TabularSpec['teachers'] = spec.userTeacher ? [...TEACHERS, 'user'] : TEACHERS;
  return (
    <div className="toolbar">
      <span>teachers</span>
      {shown.map((t) => (
        <label key={t} title={t === 'user' ? `user ONNX TFM "${spec.userTeacher?.name}"` : TEACHER_FACTORIES.find((f) => f.id === t)?.label ?? 'not available in this build'}>
          <input type="checkbox" data-testid={`teacher-${t}`} checked={spec.teachers.includes(t)} onChange={() => set({ teachers: toggle(shown, spec.teachers, t) })} />
          {' '}{t === 'user' ? `user: ${spec.userTeacher?.name}` : t}{available.has(t) ? '' : t === 'user' ? ' (choose its files again)' : ' (unavailable)'}
        </label>
      ))}
      <label>folds <input type="number" min={2} max={20} value={spec.folds} data-testid="folds" style={{ width: 60 }} onChange={(e) => set({ folds: Number(e.target.value) })} /></label>
      <label>seed <input type="number" value={spec.seed} data-testid="seed" style={{ width: 90 }} onChange={(e) => set({ seed: Number(e.target.value) })} /></label>
      <label title="execution provider for the ONNX teachers (the TFM, a user TFM); auto skips a software WebGPU adapter">backend <select value={spec.backend} data-testid="tabular-backend" onChange={(e) => set({ backend: e.target.value as TabularSpec['backend'] })}>
        <option value="auto">auto</option><option value="webgpu">webgpu</option><option value="wasm">wasm</option>
      </select></label>
      <label title="how the embedded tfm is fed: categorical columns as codes fitted on the context (their level order shuffled per ensemble member, as TabPFN v2 does; 32 members on tables with categoricals) and every rare-class row in each context draw (default), or the one-hot design matrix with stratified draws (links made before this option)">tfm input <select value={spec.tfmFeed} data-testid="tfm-feed" onChange={(e) => set({ tfmFeed: e.target.value as TabularSpec['tfmFeed'] })}>
        <option value="shuffled-codes-32-members-minority-complete">codes shuffled per member (32 members on tables with categoricals), minority-complete draws</option><option value="shuffled-codes-minority-complete">codes shuffled per member, 8 members, minority-complete draws (v4 links)</option><option value="codes-minority-complete">codes in fixed order, minority-complete draws (v3 links)</option><option value="onehot-stratified">one-hot, stratified draws (old)</option>
      </select></label>
    </div>
  );
}

/** The teacher tab's cut-off: its criterion, and whether the ONNX TFMs pay for the out-of-fold scores too. */
export function CutoffSettings({ spec, set }: { spec: TabularSpec; set: Set }) {
  const c = spec.cutoff;
  return (
    <div className="toolbar">
      <label title="binary tasks: the cut-off on P(minority) is tuned on out-of-fold scores of each fold's training rows, then applied to the held-out fold">
        tuned cut-off maximises <select value={c.criterion} data-testid="cutoff-criterion" onChange={(e) => set({ cutoff: { ...c, criterion: e.target.value as TabularSpec['cutoff']['criterion'] } })}>
          <option value="youden">Youden's J (recall + specificity − 1)</option>
          <option value="f1">F1</option>
        </select>
      </label>
      <label><input type="checkbox" data-testid="cutoff-onnx" checked={c.onnxTeachers} onChange={() => set({ cutoff: { ...c, onnxTeachers: !c.onnxTeachers } })} /> tune for TFMs too</label>
      <span className="muted" data-testid="cutoff-hint">the cut-off's out-of-fold scores add 1.4–7× a TFM's own time per fold (german … phoneme, measured) and 2–4× the tuned GBDT's, so TFMs (embedded, user ONNX) get one only when ticked</span>
    </div>
  );
}

export function StudySettings({ spec, set }: { spec: TabularSpec; set: Set }) {
  return (
    <>
      <div className="toolbar">
        <span>strategies</span>
        {CONTEXT_STRATEGIES.map((s) => (
          <label key={s}><input type="checkbox" data-testid={`strategy-${s}`} checked={spec.strategies.includes(s)} onChange={() => set({ strategies: toggle(CONTEXT_STRATEGIES, spec.strategies, s) })} /> {s}</label>
        ))}
      </div>
      <div className="toolbar">
        <label>context sizes <SizesInput sizes={spec.contextSizes} onChange={(contextSizes) => set({ contextSizes })} /></label>
        <span className="muted">rows per context (8–4096); the hybrid strategy keeps a 0.7 balanced core and fills the rest for diversity</span>
      </div>
    </>
  );
}

export function DistillSettings({ spec, set }: { spec: TabularSpec; set: Set }) {
  const d = spec.distill;
  const setD = (patch: Partial<TabularSpec['distill']>) => set({ distill: { ...d, ...patch } });
  return (
    <div className="toolbar">
      <label>labelling <select value={d.labelling} data-testid="labelling" onChange={(e) => setD({ labelling: e.target.value as 'oof' | 'naive' })}>
        <option value="oof">out-of-fold (no leakage)</option>
        <option value="naive">naive (teacher scores its own context)</option>
      </select></label>
      <label>temperature <input type="number" step={0.1} min={0.05} max={20} value={d.temperature} style={{ width: 70 }} onChange={(e) => setD({ temperature: Number(e.target.value) })} /></label>
      <label>hard-label mix α <input type="number" step={0.05} min={0} max={1} value={d.hardLabelMix} style={{ width: 70 }} onChange={(e) => setD({ hardLabelMix: Number(e.target.value) })} /></label>
      <span>students</span>
      {STUDENTS.map((s) => (
        <label key={s}><input type="checkbox" data-testid={`student-${s}`} checked={d.students.includes(s)} onChange={() => setD({ students: toggle(STUDENTS, d.students, s) })} /> {s}</label>
      ))}
    </div>
  );
}

/**
 * The protocol tab: its baseline, outer folds run, K of the out-of-fold labelling and the context study (over the
 * study tab's strategies and sizes). The teachers are the in-context ones chosen above; a fitted baseline is skipped.
 */
export function ProtocolSettings({ spec, set }: { spec: TabularSpec; set: Set }) {
  const p = spec.protocol;
  const setP = (patch: Partial<TabularSpec['protocol']>) => set({ protocol: { ...p, ...patch } });
  return (
    <div className="toolbar">
      <label>baseline <select value={p.baseline} data-testid="protocol-baseline" onChange={(e) => setP({ baseline: e.target.value as TabularSpec['protocol']['baseline'] })}>
        <option value="tuned-gbdt">tuned GBDT (12-point grid, inner 3-fold CV)</option>
        <option value="plain">GBDT on true labels (untuned)</option>
      </select></label>
      <label>outer folds run <input type="number" min={1} max={spec.folds} value={p.foldsRun} data-testid="protocol-folds-run" style={{ width: 60 }} onChange={(e) => setP({ foldsRun: Number(e.target.value) })} /> of {spec.folds}</label>
      <label>OOF label folds <input type="number" min={2} max={20} value={p.labelFolds} data-testid="protocol-label-folds" style={{ width: 60 }} onChange={(e) => setP({ labelFolds: Number(e.target.value) })} /></label>
      <label><input type="checkbox" checked={p.study} data-testid="protocol-study" onChange={() => setP({ study: !p.study })} /> context study</label>
      {p.study && <label>study folds <input type="number" min={2} max={20} value={p.studyFolds} data-testid="protocol-study-folds" style={{ width: 60 }} onChange={(e) => setP({ studyFolds: Number(e.target.value) })} /></label>}
      <span className="muted">the study crosses the context-study tab&apos;s strategies and sizes</span>
    </div>
  );
}
