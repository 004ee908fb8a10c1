// Alignbeam panel: the model pair, the decoding settings, and three tabs — playground (one prompt, target-only vs
// ALIGNBEAM side by side), bridge inspector (coverage and example mappings) and sweep (α × K × m over suites with
// baselines, frontier and overhead charts). Runs go to the llm worker with progress and cancel; each finished run
// reports its digest, and a link that carries one re-runs its tab by itself and says whether it reproduced.
import { useEffect, useRef, useState } from 'react';
import type { FeaturePanelProps } from '../../app/featureTypes';
import { alignbeamSpec, type AlignbeamSpec, type AlignbeamSpecSettings } from '../../state/specs/alignbeam';
import { ProgressBar } from '../../viz/ProgressBar';
import { BridgeResults } from './BridgeResults';
import { PairCard } from './PairCard';
import { PlaygroundResults } from './PlaygroundResults';
import { SettingsForm } from './SettingsForm';
import { summaryOf } from './summary';
import { embeddedWeightsSha256, emitAlignbeamSweep } from '../../core/assurance/emit/alignbeam';
import { loadManifest } from '../../core/runtime/loaders';
import { LiveSweepTable, SweepResults } from './SweepResults';
import { SweepSettings } from './SweepSettings';
import { pairSpecOf, useAlignbeamEngine, type CsvFile, type Outcome, type Tab } from './useAlignbeamEngine';

const TABS: { tab: Tab; label: string; run: string }[] = [
  { tab: 'playground', label: 'Playground', run: 'Generate' },
  { tab: 'bridge', label: 'Bridge inspector', run: 'Inspect bridge' },
  { tab: 'sweep', label: 'Sweep', run: 'Run sweep' },
];

export function AlignbeamPanel({ spec, onSpecChange, onResult, expectedDigest }: FeaturePanelProps<AlignbeamSpec>) {
  const { pair, run, outcomes, start, cancel, kill, loadPair, hub, setHub } = useAlignbeamEngine();
  const [csv, setCsv] = useState<CsvFile>();
  const [finished, setFinished] = useState<{ outcome: Outcome; n: number }>();
  const autoRan = useRef(false);
  // the run whose evidence may still report (a later run's summary must not be overwritten by an older run's evidence)
  const reported = useRef<typeof finished>(undefined);
  // a link's digest is compared only while its settings are untouched
  const [edited, setEdited] = useState(false);
  const set = (patch: Partial<AlignbeamSpec>) => {
    setEdited(true);
    onSpecChange(alignbeamSpec.clamp({ ...spec, ...patch }));
  };
  const setSettings = (patch: Partial<AlignbeamSpecSettings>) => set({ settings: { ...spec.settings, ...patch } });
  // a pair loading from "Load pair" holds the engine too (one job at a time)
  const running = run.status === 'running' || pair.status === 'loading';
  const progress = run.status === 'running' ? run.progress : null;
  const csvMissing = Boolean(spec.csv) && csv?.sha256 !== spec.csv?.sha256;
  const emptyPrompt = spec.prompt.trim() === '';
  const blocked = spec.tab === 'playground' && emptyPrompt ? 'Type a prompt first: the models need a request to answer.'
    : spec.tab === 'sweep' && csvMissing ? `Choose the CSV suite "${spec.csv?.name}" again (its rows are not in the link), or remove it.`
      : spec.tab === 'sweep' && spec.suites.length === 0 && !spec.csv ? 'Tick at least one suite or load a CSV suite.' : null;
  const expected = edited ? undefined : expectedDigest;

  const go = async (tab: Tab) => {
    const outcome = await start(tab, spec, csv);
    if (outcome) setFinished((f) => ({ outcome, n: (f?.n ?? 0) + 1 }));
  };

  useEffect(() => {
    // A link with a result digest asks to reproduce its run: start it once whatever it needs is at hand.
    if (expectedDigest && !autoRan.current && !blocked) {
      autoRan.current = true;
      void go(spec.tab);
    }
    // go is recreated each render; the guard makes this fire once
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [expectedDigest, blocked]);

  useEffect(() => {
    reported.current = finished;
    if (!finished) return;
    const summary = summaryOf(finished.outcome);
    onResult(summary);
    // a sweep is evidence (behavioural / red-team per method and suite); the playground's one prompt and the bridge
    // are not. Embedded models are named with their weights sha256 from the manifest (as circuits names them).
    if (finished.outcome.tab !== 'sweep') return;
    const { result } = finished.outcome;
    const models = pairSpecOf(spec);
    const suiteSha256 = spec.csv ? { [spec.csv.name]: spec.csv.sha256 } : undefined;
    void loadManifest(new URL('/models/', window.location.href).href, { fetch: (url, init) => fetch(url, init) })
      .then((m) => embeddedWeightsSha256(m, Object.values(models).filter((r): r is string => typeof r === 'string')))
      .catch((e: unknown) => { console.warn('alignbeam: evidence without model hashes (manifest unreadable)', e); return undefined; })
      .then((modelSha256) => { if (reported.current === finished) onResult({ ...summary, evidence: emitAlignbeamSweep(result, { models, suiteSha256, modelSha256 }) }); });
    // onResult is recreated by the shell on every render; report once per finished run
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [finished]);

  const current = TABS.find((t) => t.tab === spec.tab)!;
  const out = outcomes[spec.tab];
  const state = running ? 'loading' : run.status === 'error' ? 'error' : 'ready';
  return (
    <div data-testid="alignbeam-panel" data-state={state}>
      <PairCard spec={spec} set={set} pair={pair} hub={hub} setHub={setHub} onLoad={() => void loadPair(spec)} disabled={running} />
      <div className="card">
        <div className="toolbar" role="tablist">
          {TABS.map((t) => (
            <button key={t.tab} role="tab" aria-selected={spec.tab === t.tab} data-testid={`tab-${t.tab}`} disabled={running}
              style={spec.tab === t.tab ? { background: '#1d2330', color: '#fff' } : undefined} onClick={() => set({ tab: t.tab })}>{t.label}</button>
          ))}
        </div>
        <fieldset disabled={running} style={{ border: 'none', padding: 0, margin: 0 }}>
          {spec.tab !== 'sweep' && (
            <label style={{ display: 'block' }}>
              prompt{spec.tab === 'bridge' ? ' (the coverage along the anchor’s answer to it is measured too)' : ''}
              <textarea value={spec.prompt} data-testid="prompt" rows={3} style={{ width: '100%', font: 'inherit' }} maxLength={2000}
                onChange={(e) => set({ prompt: e.target.value })} />
            </label>
          )}
          <SettingsForm spec={spec} set={setSettings} bridgeOnly={spec.tab === 'bridge'} />
          {spec.tab === 'sweep' && <SweepSettings spec={spec} set={set} csv={csv} setCsv={setCsv} />}
        </fieldset>
        <div className="toolbar">
          <button data-testid="alignbeam-run" disabled={running || blocked !== null} onClick={() => void go(spec.tab)}>{current.run}</button>
          {blocked && !running && <span className="error" data-testid="run-blocked">{blocked}</span>}
          {running && (
            <>
              <button data-testid="alignbeam-cancel" onClick={cancel}>Cancel</button>
              <button data-testid="alignbeam-kill" title="Terminate the worker (for a step that does not notice Cancel); the pair is loaded again on the next run" onClick={kill}>Stop now</button>
              <ProgressBar done={progress?.done ?? 0} total={progress?.total ?? 1} label={progress?.label ?? (pair.status === 'loading' ? `loading the pair: ${pair.stage}` : 'starting')} testId="alignbeam-progress" />
            </>
          )}
          {run.status === 'cancelled' && run.tab === spec.tab && <span data-testid="alignbeam-cancelled">{run.stopped ? 'Cancelled: the worker was stopped (the pair loads again on the next run).' : 'Cancelled.'}</span>}
        </div>
        {run.status === 'error' && run.tab === spec.tab && <p className="error" role="alert" data-testid="run-error">{run.message}</p>}
      </div>
      {run.status === 'running' && run.tab === 'sweep' && spec.tab === 'sweep' && <LiveSweepTable rows={run.rows} />}
      {out?.tab === 'playground' && spec.tab === 'playground' && <PlaygroundResults result={out.result} digest={out.digest} expectedDigest={expected} alpha={spec.settings.alpha} />}
      {out?.tab === 'bridge' && spec.tab === 'bridge' && <BridgeResults report={out.result} digest={out.digest} expectedDigest={expected} />}
      {out?.tab === 'sweep' && spec.tab === 'sweep' && <SweepResults outcome={out.result} spec={spec} expectedDigest={expected} />}
    </div>
  );
}
