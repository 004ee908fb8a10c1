// Edits panel: connect to the local sidecar, pick workspace checkpoints, run C-Δθ / survival / MANSU jobs with
// streamed progress and cancel, read the result from the job's manifest; or (mode "browser") unlearn an embedded
// model in the lab worker (UnlearnBrowser.tsx). Thin: all maths runs in the sidecar or the worker
// (src/core/edits); this file wires state to views.
import { useEffect } from 'react';
import type { FeaturePanelProps } from '../../app/featureTypes';
import { emitSidecarSurvival } from '../../core/assurance/emit/edits';
import type { EditsSpec } from '../../state/specs/edits';
import { CheckpointList, type PathField } from './CheckpointList';
import { ConnectCard } from './ConnectCard';
import { useConnection } from './connection';
import { EditResults } from './EditResults';
import { JobForm } from './JobForm';
import { UnlearnBrowser } from './UnlearnBrowser';
import { jobRequest } from './requests';
import { useEditsJob } from './useEditsJob';

const FIELDS: Record<EditsSpec['job'], { field: PathField; label: string }[]> = {
  cdtheta: [{ field: 'base', label: 'base' }, { field: 'aligned', label: 'aligned' }, { field: 'target', label: 'target' }],
  survival: [{ field: 'base', label: 'before' }, { field: 'target', label: 'after' }],
  mansu: [{ field: 'base', label: 'base' }, { field: 'target', label: 'edited' }],
};

const MODES: { mode: EditsSpec['mode']; label: string }[] = [
  { mode: 'sidecar', label: 'Workspace checkpoints (sidecar)' },
  { mode: 'browser', label: 'Unlearn in the browser' },
];

function ModeTabs({ spec, onSpecChange }: Pick<FeaturePanelProps<EditsSpec>, 'spec' | 'onSpecChange'>) {
  return (
    <div className="toolbar" role="tablist">
      {MODES.map(({ mode, label }) => (
        <button key={mode} role="tab" aria-selected={spec.mode === mode} data-testid={`edits-mode-${mode}`}
          style={spec.mode === mode ? { background: '#1d2330', color: '#fff' } : undefined}
          onClick={() => onSpecChange({ ...spec, mode })}>{label}</button>
      ))}
    </div>
  );
}

export function EditsPanel(props: FeaturePanelProps<EditsSpec>) {
  const { spec, onSpecChange, onResult, expectedDigest } = props;
  const { connection, refresh } = useConnection();
  const { run, start, cancel } = useEditsJob();
  const set = (patch: Partial<EditsSpec>) => onSpecChange({ ...spec, ...patch });

  useEffect(() => {
    if (run.status !== 'done') return;
    void refresh();
    const m = run.manifest;
    const summary: Record<string, string | number> =
      m.kind === 'c-delta-theta' ? { job: 'C-Δθ', strength: m.strength, 'params changed %': Number(m.percentChanged.toFixed(4)), output: m.output.path }
        : m.kind === 'survival' ? { job: 'survival', quant: m.quant.type, changed: m.overall.changed, 'code survival': m.overall.codeSurvival ?? 0 }
          : { job: 'MANSU', 'code survival before': m.overall.before.codeSurvival ?? 0, 'code survival after': m.overall.after.codeSurvival ?? 0 };
    // survival and MANSU reports are quantization-survival evidence; a C-Δθ manifest carries no behaviour or survival
    onResult({ summary, digest: run.digest, evidence: m.kind === 'c-delta-theta' ? [] : emitSidecarSurvival(m, { base: spec.base, target: spec.target }) });
    // onResult is recreated by the shell on every render; reporting once per finished run is what matters
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [run]);

  const onStart = () => {
    const req = jobRequest(spec);
    if (connection.status === 'connected' && req.ok) void start(connection.client, req.kind, req.body);
  };
  const toSurvival = () => {
    if (run.status !== 'done' || run.manifest.kind !== 'c-delta-theta') return;
    const out = run.manifest.output.path;
    set({ job: 'survival', base: spec.target || spec.base, target: out, output: `${out}-survival-${spec.quant}.json` });
  };

  const sidecar = spec.mode === 'sidecar';
  const state = !sidecar ? 'ready' : run.status === 'running' ? 'loading' : run.status === 'error' || connection.status === 'error' ? 'error' : 'ready';
  // both stay mounted, so switching tabs keeps the sidecar connection and the browser runs (and its worker)
  return (
    <div data-testid="edits-panel" data-state={state} data-job={run.status} data-mode={spec.mode}>
      <ModeTabs spec={spec} onSpecChange={onSpecChange} />
      <div hidden={!sidecar}>
        <ConnectCard />
        {connection.status === 'connected' && (
          <CheckpointList client={connection.client} checkpoints={connection.checkpoints} onRefresh={() => void refresh()} fields={FIELDS[spec.job]} onUse={(field, path) => set({ [field]: path })} />
        )}
        <JobForm spec={spec} set={set} run={run} connected={connection.status === 'connected'} onStart={onStart} onCancel={() => void cancel()} />
        {run.status === 'done' && <EditResults manifest={run.manifest} jobId={run.jobId} digest={run.digest} expectedDigest={expectedDigest} onSurvival={toSurvival} />}
      </div>
      <div hidden={sidecar}>
        <UnlearnBrowser {...props} />
      </div>
    </div>
  );
}
