// "Unlearn in the browser": the edits module's in-browser path (the sidecar path handles workspace checkpoints).
// Wires the spec's `unlearn` block to the lab worker's unlearning engine, reports each finished run of the spec's
// own seed to the shell (history summary + the checkpoint digest for the share link), runs the spec over three
// consecutive seeds on request, and shows the session's runs side by side, the four properties over seeds per
// configuration, and the newest run in full. Thin: training and evaluation live in src/core/edits/unlearn.
// A switch above it (the spec's `browserRun`) shows the C-Δθ-with-behaviour run instead (CDeltaBrowser.tsx).
import { useRef, useState } from 'react';
import type { FeaturePanelProps } from '../../app/featureTypes';
import { emitUnlearn } from '../../core/assurance/emit/edits';
import type { EditsSpec } from '../../state/specs/edits';
import { DigestNote } from '../../viz/DigestNote';
import { CDeltaBrowser } from './CDeltaBrowser';
import { UnlearnForm } from './UnlearnForm';
import { UnlearnResult, UnlearnRunsTable } from './UnlearnResults';
import { SeedSummaryTable } from './UnlearnStructure';
import { unlearnRequest } from './unlearnRequest';
import { useUnlearnEngine, type UnlearnRunView } from './useUnlearnEngine';

/** Seeds one "Run over seeds" click covers: the spec's seed and the next ones. */
export const SEEDS_PER_BATCH = 3;

/** The tab's two in-browser runs (the spec's `browserRun`); both stay mounted so a switch keeps each one's worker and result. */
export function UnlearnBrowser(props: FeaturePanelProps<EditsSpec>) {
  const { spec, onSpecChange } = props;
  const runs: { run: EditsSpec['browserRun']; label: string }[] = [{ run: 'unlearn', label: 'Unlearning (baselines, MANSU)' }, { run: 'cdelta', label: 'C-Δθ with behaviour' }];
  return (
    <>
      <div className="toolbar" role="tablist" data-testid="browser-run-tabs">
        {runs.map(({ run, label }) => (
          <button key={run} role="tab" aria-selected={spec.browserRun === run} data-testid={`browser-run-${run}`}
            style={spec.browserRun === run ? { background: '#1d2330', color: '#fff' } : undefined}
            onClick={() => onSpecChange({ ...spec, browserRun: run })}>{label}</button>
        ))}
      </div>
      <div hidden={spec.browserRun !== 'unlearn'}><UnlearnRuns {...props} /></div>
      <div hidden={spec.browserRun !== 'cdelta'}><CDeltaBrowser {...props} /></div>
    </>
  );
}

function UnlearnRuns({ spec, onSpecChange, onResult, expectedDigest }: FeaturePanelProps<EditsSpec>) {
  const { run, runs, start, cancel, kill } = useUnlearnEngine();
  const setSpec = (patch: Partial<EditsSpec>) => onSpecChange({ ...spec, ...patch });

  const [batch, setBatch] = useState<{ at: number; total: number } | null>(null);
  // the run whose digest the share link carries: the latest of the spec's own seed
  const [linked, setLinked] = useState<UnlearnRunView | null>(null);
  const stopBatch = useRef(false);

  const report = (view: UnlearnRunView) => {
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
      // view.digest is the sha256 of the edited checkpoint's safetensors (the downloadable weights)
      evidence: emitUnlearn(r, view.digest),
    });
    setLinked(view);
  };

  const runSeed = async (seed: number): Promise<boolean> => {
    const view = await start({ ...unlearnRequest(spec), seed });
    if (view && seed === spec.seed) report(view);
    return view !== undefined;
  };

  const onStartSeeds = async () => {
    stopBatch.current = false;
    for (let i = 0; i < SEEDS_PER_BATCH && !stopBatch.current; i++) {
      setBatch({ at: i + 1, total: SEEDS_PER_BATCH });
      if (!(await runSeed(spec.seed + i))) break;
    }
    setBatch(null);
  };
  const onCancel = () => {
    stopBatch.current = true;
    cancel();
  };

  const latest = runs[0];
  const state = run.status === 'running' ? 'loading' : run.status === 'error' ? 'error' : 'ready';
  return (
    <div data-testid="unlearn-browser" data-state={batch ? 'loading' : state} data-run-status={run.status}>
      <UnlearnForm spec={spec} setSpec={setSpec} run={run} batch={batch} seedsPerBatch={SEEDS_PER_BATCH}
        onStart={() => void runSeed(spec.seed)} onStartSeeds={() => void onStartSeeds()} onCancel={onCancel} onKill={() => { stopBatch.current = true; kill(); }} />
      {linked && <DigestNote digest={linked.digest} expected={expectedDigest} />}
      {runs.length > 0 && (
        <div className="card">
          <h3>Runs this session</h3>
          <UnlearnRunsTable runs={runs} />
          <SeedSummaryTable results={runs.map((v) => v.result)} />
        </div>
      )}
      {latest && <UnlearnResult key={latest.index} view={latest} />}
    </div>
  );
}
