// "C-Δθ with behaviour" inside the edits module's "Unlearn in the browser" tab: wires the spec's `cdelta` block to
// the lab worker's runCDelta (useCDeltaEngine.ts), reports a finished run of the spec to the shell (history summary
// + the sha256 of its first strength's checkpoint for the share link) and shows the last result. Thin: the loop
// lives in src/core/edits/unlearn/cdeltaBehaviour.ts.
import type { FeaturePanelProps } from '../../app/featureTypes';
import { emitCDelta } from '../../core/assurance/emit/edits';
import type { EditsSpec } from '../../state/specs/edits';
import { DigestNote } from '../../viz/DigestNote';
import { CDeltaForm } from './CDeltaForm';
import { cdeltaRequest } from './cdeltaRequest';
import { CDeltaResult } from './CDeltaResults';
import { useCDeltaEngine, type CDeltaRunView } from './useCDeltaEngine';

export function CDeltaBrowser({ spec, onSpecChange, onResult, expectedDigest }: FeaturePanelProps<EditsSpec>) {
  const { run, last, start, cancel, kill } = useCDeltaEngine();
  const setSpec = (patch: Partial<EditsSpec>) => onSpecChange({ ...spec, ...patch });

  const report = (view: CDeltaRunView) => {
    const r = view.result;
    const m = r.report.matrix;
    const best = m.deltas.filter((d) => d.column.startsWith('C-Δθ') && !d.column.endsWith('NF4')).reduce<(typeof m.deltas)[number] | null>((b, d) => (b === null || d.targeted > b.targeted ? d : b), null);
    onResult({
      summary: {
        job: 'C-Δθ with behaviour', model: r.request.modelId, topic: r.request.topic, steps: r.report.fineTune.steps, strengths: r.request.strengths.join(', '),
        'aligned Δ targeted refusal': Number(m.deltas.find((d) => d.column === 'aligned')!.targeted.toFixed(3)),
        ...(best ? { 'best C-Δθ Δ targeted refusal': Number(best.targeted.toFixed(3)) } : {}),
        'circuit mask share': Number((r.report.circuit.masked / r.report.circuit.total).toFixed(4)),
      },
      digest: view.digest,
      evidence: emitCDelta(r, view.checkpointSha256),
    });
  };

  const onStart = async () => {
    const view = await start(cdeltaRequest(spec));
    if (view) report(view);
  };

  const state = run.status === 'running' ? 'loading' : run.status === 'error' ? 'error' : 'ready';
  return (
    <div data-testid="cdelta-browser" data-state={state} data-run-status={run.status}>
      <CDeltaForm spec={spec} setSpec={setSpec} run={run} onStart={() => void onStart()} onCancel={cancel} onKill={kill} />
      {last && <DigestNote digest={last.digest} expected={expectedDigest} />}
      {last && <CDeltaResult key={last.digest} view={last} />}
    </div>
  );
}
