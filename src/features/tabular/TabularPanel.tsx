// Tabular panel: load a table, then four tabs over it — teacher (k-fold AUC per teacher), study (context
// strategies × sizes × teachers), distill (OOF-labelled students vs the teacher) and protocol (the seed studies'
// protocol on this dataset; a sweep over datasets gives the cross-dataset analyses). Runs go to the tabular worker
// with progress and cancel; each finished run reports its digest so a share link can check a re-run. Thin: the
// maths is in src/core/tabular (api.ts is the engine).
import { useEffect, useRef, useState } from 'react';
import type { FeaturePanelProps } from '../../app/featureTypes';
import type { DatasetSummary, TaskChoice } from '../../core/tabular/api';
import type { HeaderMode } from '../../core/tabular/data/csv';
import type { TabularSpec } from '../../state/specs/tabular';
import { ProgressBar } from '../../viz/ProgressBar';
import { DatasetCard } from './DatasetCard';
import { DistillResults } from './DistillResults';
import { ProtocolResults } from './ProtocolResults';
import { CommonSettings, CutoffSettings, DistillSettings, ProtocolSettings, StudySettings } from './RunSettings';
import { UserTeacherPicker } from './UserTeacherPicker';
import { StudyResults } from './StudyResults';
import { TeacherResults } from './TeacherResults';
import { summaryOf, tabularEvidence } from './summary';
import { useTabularEngine, type DataFile, type View } from './useTabularEngine';
import { browserBackendHost } from '../../core/experiments/backends/hosts';
import { fetchServedModel, tabularPanelRecord } from '../experiments/tabularRecord';

/** A target by name must name a column; by position it must be one (negative from the end). */
function targetFits(dataset: DatasetSummary, target: TabularSpec['target']): boolean {
  if (target === undefined) return false;
  const n = dataset.columns.length;
  return typeof target === 'number' ? target >= -n && target < n : dataset.columns.some((c) => c.name === target);
}

const TABS: { view: View; label: string }[] = [
  { view: 'teacher', label: 'Teacher' },
  { view: 'study', label: 'Context study' },
  { view: 'distill', label: 'Distill' },
  { view: 'protocol', label: 'Protocol' },
];

export function TabularPanel({ spec, onSpecChange, onResult, expectedDigest }: FeaturePanelProps<TabularSpec>) {
  const { data, run, reports, load, reload, setTask, start, cancel, kill, exportStudent, loadUserTeacher } = useTabularEngine();
  const [userLoaded, setUserLoaded] = useState(false);
  const [finished, setFinished] = useState<{ view: View; n: number; durationMs: number }>();
  // the finished run the shell last heard of: a run record arriving after a newer run (or an edit) is dropped
  const reported = useRef<typeof finished>(undefined);
  const autoRan = useRef(false);
  // a link's digest is checked only while its settings are untouched
  const [edited, setEdited] = useState(false);
  const set = (patch: Partial<TabularSpec>) => {
    setEdited(true);
    reported.current = undefined;
    onSpecChange({ ...spec, ...patch });
  };
  const running = run.status === 'running';
  const ready = data.status === 'ready' && data.task !== null;
  // The link's digest belongs to the link's view and file; only then is it compared.
  const fileMatches = data.status === 'ready' && (!spec.dataset.sha256 || data.file.sha256 === spec.dataset.sha256);
  const expected = fileMatches && !edited ? expectedDigest : undefined;

  const go = async (view: View) => {
    const t0 = performance.now();
    const report = await start(view, spec);
    if (report) setFinished((f) => ({ view, n: (f?.n ?? 0) + 1, durationMs: performance.now() - t0 }));
  };

  useEffect(() => {
    // A link that carries a result digest asks to reproduce: run its view once the right file is loaded.
    if (expectedDigest && ready && fileMatches && spec.dataset.sha256 && !autoRan.current) {
      autoRan.current = true;
      void go(spec.view);
    }
    // go/start are recreated each render; the guard makes this fire once
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [expectedDigest, ready, fileMatches]);

  useEffect(() => {
    const report = finished && reports[finished.view];
    if (!finished || !report) return;
    const summary = summaryOf(finished.view, report);
    reported.current = finished;
    // one drafts array for both reports: the shell writes a run's evidence once (it compares the drafts)
    const evidence = tabularEvidence(finished.view, report, data.status === 'ready' ? { id: data.file.name, sha256: data.file.sha256, target: data.task?.target } : spec.dataset);
    onResult({ summary, digest: report.digest, evidence });
    // then with its run record (async: an ONNX teacher's model bytes are hashed), for Save to history → #/experiments
    if (data.status !== 'ready' || !data.task) return;
    void tabularPanelRecord({ spec, view: finished.view, task: data.task, report, file: data.file, durationMs: finished.durationMs }, browserBackendHost(), fetchServedModel)
      .then((record) => { if (record && reported.current === finished) onResult({ summary, digest: report.digest, record, evidence }); })
      .catch((e: unknown) => console.warn('tabular: no run record for this run', e));
    // onResult is recreated by the shell on every render; report once per finished run
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [finished]);

  // the link's header setting belongs to the link's file (last argument); another file starts from detection
  const onFile = (f: File) => {
    void load(f, (dataset: DatasetSummary, file: DataFile): TaskChoice => {
      const names = new Set(dataset.columns.map((c) => c.name));
      const sameFile = spec.dataset.sha256 === file.sha256;
      const keepLink = sameFile && targetFits(dataset, spec.target) && (!spec.sensitive || names.has(spec.sensitive));
      const choice: TaskChoice = keepLink ? { target: spec.target!, sensitive: spec.sensitive, sensitiveThreshold: spec.sensitiveThreshold } : dataset.suggested;
      if (!sameFile || !keepLink || spec.dataset.id !== file.name.slice(0, 200)) {
        // the link schema caps ids at 200 characters; the sha256 is what identifies the file
        set({
          dataset: { id: file.name.slice(0, 200), sha256: file.sha256 }, target: choice.target, sensitive: choice.sensitive, sensitiveThreshold: choice.sensitiveThreshold,
          ...(sameFile ? {} : { header: undefined }),
        });
      }
      return choice;
    }, (file) => (file.sha256 === spec.dataset.sha256 ? spec.header ?? 'auto' : 'auto'));
  };

  /** Read the file again with another header setting: names change, so a target by name falls back to the suggestion. */
  const onHeader = (mode: HeaderMode) => {
    void reload(mode, (dataset: DatasetSummary): TaskChoice => {
      const choice: TaskChoice = typeof spec.target === 'number' && targetFits(dataset, spec.target) ? { target: spec.target } : dataset.suggested;
      set({ header: mode === 'auto' ? undefined : mode, target: choice.target, sensitive: choice.sensitive, sensitiveThreshold: choice.sensitiveThreshold });
      return choice;
    });
  };

  const onTask = (choice: TaskChoice) => {
    set({ target: choice.target, sensitive: choice.sensitive, sensitiveThreshold: choice.sensitiveThreshold });
    void setTask(choice);
  };

  const state = data.status === 'loading' || running ? 'loading' : data.status === 'error' || run.status === 'error' ? 'error' : 'ready';
  return (
    <div data-testid="tabular-panel" data-state={state}>
      <DatasetCard spec={spec} data={data} onFile={onFile} onTask={onTask} onHeader={onHeader} />
      <div className="card">
        <div className="toolbar" role="tablist">
          {TABS.map((t) => (
            <button key={t.view} role="tab" aria-selected={spec.view === t.view} data-testid={`tab-${t.view}`} disabled={running}
              style={spec.view === t.view ? { background: '#1d2330', color: '#fff' } : undefined} onClick={() => set({ view: t.view })}>{t.label}</button>
          ))}
        </div>
        <fieldset disabled={running} style={{ border: 'none', padding: 0, margin: 0 }}>
          <CommonSettings spec={spec} set={set} userLoaded={userLoaded} />
          <UserTeacherPicker spec={spec} set={set} load={async (f, c) => { const loaded = await loadUserTeacher(f, c); setUserLoaded(true); return loaded; }} />
          {spec.view === 'teacher' && <CutoffSettings spec={spec} set={set} />}
          {spec.view === 'study' && <StudySettings spec={spec} set={set} />}
          {spec.view === 'distill' && <DistillSettings spec={spec} set={set} />}
          {spec.view === 'protocol' && <ProtocolSettings spec={spec} set={set} />}
        </fieldset>
        <div className="toolbar">
          <button data-testid="tabular-run" disabled={running || !ready} onClick={() => void go(spec.view)}>
            {spec.view === 'teacher' ? 'Run teachers' : spec.view === 'study' ? 'Run strategy study' : spec.view === 'protocol' ? 'Run protocol' : 'Distil students'}
          </button>
          {!ready && !running && <span className="muted">Load a table and choose a target with at least two classes first.</span>}
          {running && (
            <>
              {/* the buttons come before the progress text, whose changing width would otherwise move them */}
              <button data-testid="tabular-cancel" onClick={cancel}>Cancel</button>
              <button data-testid="tabular-kill" title="Terminate the worker (for a step that does not notice Cancel); the table is reloaded on the next run" onClick={kill}>Stop now</button>
              <ProgressBar done={run.progress?.done ?? 0} total={run.progress?.total ?? 1} label={run.progress?.label} testId="tabular-progress" />
            </>
          )}
          {run.status === 'cancelled' && <span data-testid="tabular-cancelled">Cancelled.</span>}
        </div>
        {run.status === 'error' && <p className="error" role="alert" data-testid="run-error">{run.message}</p>}
      </div>
      {spec.view === 'teacher' && reports.teacher && <TeacherResults report={reports.teacher} expectedDigest={expected} />}
      {spec.view === 'study' && reports.study && <StudyResults report={reports.study} expectedDigest={expected} />}
      {spec.view === 'protocol' && reports.protocol && <ProtocolResults report={reports.protocol} expectedDigest={expected} />}
      {spec.view === 'distill' && reports.distill && <DistillResults report={reports.distill} labelling={spec.distill.labelling} expectedDigest={expected} onExport={exportStudent} />}
    </div>
  );
}
