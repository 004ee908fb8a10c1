// "Unlearn in the browser": the edits module's in-browser path (the sidecar path handles workspace checkpoints).
// Wires the spec's `unlearn` block to the lab worker's unlearning engine, reports each finished run to the shell
// (history summary + the checkpoint digest for the share link), and shows the session's runs side by side, the
// newest in full. Thin: training and evaluation live in src/core/edits/unlearn.
import type { FeaturePanelProps } from '../../app/featureTypes';
import type { EditsSpec } from '../../state/specs/edits';
import { DigestNote } from '../../viz/DigestNote';
import { UnlearnForm } from './UnlearnForm';
import { UnlearnResult, UnlearnRunsTable } from './UnlearnResults';
import { unlearnRequest } from './unlearnRequest';
import { useUnlearnEngine } from './useUnlearnEngine';

export function UnlearnBrowser({ spec, onSpecChange, onResult, expectedDigest }: FeaturePanelProps<EditsSpec>) {
  const { run, runs, start, cancel, kill } = useUnlearnEngine();
  const setSpec = (patch: Partial<EditsSpec>) => onSpecChange({ ...spec, ...patch });

  const onStart = async () => {
    const view = await start(unlearnRequest(spec));
    if (!view) return;
    const r = view.result;
    const nf4 = r.quant.variants.find((v) => v.variant === 'nf4-b64');
    onResult({
      summary: {
        job: `unlearn ${r.request.method}`, model: r.request.modelId, topic: r.request.forgetTopic, steps: r.manifest.step,
        'forget NLL': Number(r.quant.fullPrecision.forgetNll.toFixed(4)), 'retain NLL': Number(r.quant.fullPrecision.retainNll.toFixed(4)),
        ...(nf4 ? { 'PTQ gap NF4': Number(nf4.ptqGap.toFixed(4)) } : {}),
        ...(r.cad ? { CAD: Number(r.cad.cad.toFixed(4)) } : {}),
        'all four properties': r.properties.allPass ? 'yes' : 'no',
      },
      digest: view.digest,
    });
  };

  const latest = runs[0];
  const state = run.status === 'running' ? 'loading' : run.status === 'error' ? 'error' : 'ready';
  return (
    <div data-testid="unlearn-browser" data-state={state} data-run-status={run.status}>
      <UnlearnForm spec={spec} setSpec={setSpec} run={run} onStart={() => void onStart()} onCancel={cancel} onKill={kill} />
      {latest && <DigestNote digest={latest.digest} expected={expectedDigest} />}
      {runs.length > 0 && (
        <div className="card">
          <h3>Runs this session</h3>
          <UnlearnRunsTable runs={runs} />
        </div>
      )}
      {latest && <UnlearnResult key={latest.index} view={latest} />}
    </div>
  );
}
