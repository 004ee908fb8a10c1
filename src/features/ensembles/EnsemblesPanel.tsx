// Ensembles panel: choose a pool (seeded demo or a CSV/JSON/Parquet file), strategies and statistics settings,
// run in the worker, read the results. Thin: all maths is in src/core/ensembles.
import { useEffect, useRef, useState } from 'react';
import type { FeaturePanelProps } from '../../app/featureTypes';
import { ALL_STRATEGIES } from '../../core/ensembles/analyse';
import { ALL_METRICS, METRICS } from '../../core/ensembles/metrics';
import { STRATEGY_LABELS } from '../../core/ensembles/strategies/types';
import { sha256Hex } from '../../core/runtime/loaders';
import type { EnsemblesSpec } from '../../state/specs/ensembles';

type Stats = EnsemblesSpec['statistics'];
import { ProgressBar } from '../../viz/ProgressBar';
import { EnsembleResults } from './EnsembleResults';
import { useEnsemblesRun, type PoolFile } from './useEnsemblesRun';
import { browserBackendHost } from '../../core/experiments/backends/hosts';
import { rememberArtefact } from '../experiments/bundle';
import { recordFromPanelRun } from '../experiments/panelRecord';
import { emitEnsembles } from '../../core/assurance/emit/ensembles';

export function EnsemblesPanel({ spec, onSpecChange, onResult, expectedDigest }: FeaturePanelProps<EnsemblesSpec>) {
  const { state, run, cancel } = useEnsemblesRun();
  const [file, setFile] = useState<PoolFile>();
  const autoRan = useRef(false);
  // when the running run started, for the run record's duration
  const startedAt = useRef<number | undefined>(undefined);
  const set = (patch: Partial<EnsemblesSpec>) => onSpecChange({ ...spec, ...patch });

  /** The run record of the finished run (the runner's record, written from the panel's report: panelRecord.ts); undefined if it cannot be written. */
  const runRecord = (durationMs: number) => {
    if (state.status !== 'done') return undefined;
    try {
      const pool = spec.pool.kind === 'file' && file && file.sha256 === spec.pool.sha256 ? file : undefined;
      if (pool) rememberArtefact(pool.bytes, pool.sha256);
      const inputs = pool && spec.pool.kind === 'file' ? [{ role: 'data' as const, id: spec.pool.name, sha256: pool.sha256, size: pool.bytes.byteLength }] : [];
      return recordFromPanelRun({ module: 'ensembles', spec, results: state.report, moduleDigest: state.digest, inputs, durationMs }, browserBackendHost());
    } catch (e) {
      console.warn('ensembles: no run record for this run', e);
      return undefined;
    }
  };

  useEffect(() => {
    // A link that carries a result digest is a request to reproduce: run at once when the pool is at hand.
    if (expectedDigest && spec.pool.kind === 'demo' && !autoRan.current) {
      autoRan.current = true;
      void run(spec, undefined);
    }
  }, [expectedDigest, spec, run]);

  useEffect(() => {
    if (state.status === 'running') startedAt.current ??= performance.now();
    if (state.status === 'done') {
      const best = state.report.comparisons[spec.metric];
      const top = best && 'avgRanks' in best ? best.methods[best.avgRanks.indexOf(Math.min(...best.avgRanks))] : '';
      const durationMs = startedAt.current === undefined ? 0 : performance.now() - startedAt.current;
      startedAt.current = undefined;
      onResult({ summary: { datasets: state.report.datasets.length, models: state.report.models.length, [`best by ${spec.metric} rank`]: top }, digest: state.digest, record: runRecord(durationMs),
        evidence: emitEnsembles(state.report, spec.pool.kind === 'file' ? { id: spec.pool.name, sha256: spec.pool.sha256 } : { id: `synthetic demo (${spec.pool.datasets} datasets × ${spec.pool.rows} rows, seed ${spec.seed})` }) });
    }
    if (state.status === 'error' || state.status === 'cancelled') startedAt.current = undefined;
    // onResult is recreated by the shell on every render; reporting once per finished run is what matters
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [state]);

  const chooseFile = async (f: File | undefined) => {
    if (!f) return;
    const bytes = new Uint8Array(await f.arrayBuffer());
    const sha256 = await sha256Hex(bytes);
    setFile({ name: f.name, bytes, sha256 });
    // the same file a link asked for leaves the spec (and the link's expected digest) untouched
    if (spec.pool.kind !== 'file' || spec.pool.sha256 !== sha256) set({ pool: { kind: 'file', name: f.name, sha256 } });
  };

  const running = state.status === 'running';
  const setStats = (patch: Partial<Stats>) => set({ statistics: { ...spec.statistics, ...patch } });
  // unticking the Bonferroni–Dunn control also clears it: the analysis refuses a control it does not run
  const toggleStrategy = (id: (typeof ALL_STRATEGIES)[number]) => set(spec.strategies.includes(id)
    ? { strategies: spec.strategies.filter((s) => s !== id), statistics: { ...spec.statistics, control: spec.statistics.control === id ? null : spec.statistics.control } }
    : { strategies: ALL_STRATEGIES.filter((s) => s === id || spec.strategies.includes(s)) });

  return (
    <div data-testid="ensembles-panel" data-state={state.status === 'running' ? 'loading' : state.status === 'error' ? 'error' : 'ready'}>
      <div className="card">
        <h2>Prediction pool</h2>
        <div className="toolbar">
          <label><input type="radio" checked={spec.pool.kind === 'demo'} onChange={() => set({ pool: { kind: 'demo', datasets: 30, rows: 300 } })} /> seeded demo pool</label>
          {spec.pool.kind === 'demo' && (
            <>
              <label>datasets <input type="number" value={spec.pool.datasets} min={2} max={200} onChange={(e) => set({ pool: { kind: 'demo', datasets: Number(e.target.value), rows: spec.pool.kind === 'demo' ? spec.pool.rows : 300 } })} /></label>
              <label>seed <input type="number" value={spec.seed} data-testid="ensembles-seed" onChange={(e) => set({ seed: Number(e.target.value) })} /></label>
            </>
          )}
          <label className="button">
            Load pool file (CSV / JSON / Parquet)
            <input type="file" hidden accept=".csv,.json,.parquet" data-testid="pool-file" onChange={(e) => void chooseFile(e.target.files?.[0])} />
          </label>
          {spec.pool.kind === 'file' && (
            <span data-testid="pool-file-name">{spec.pool.name} {file?.sha256 === spec.pool.sha256 ? '(loaded)' : <strong className="error">(choose this file to reproduce the link)</strong>}</span>
          )}
        </div>
        <p className="muted">Long format: <code>dataset,model,split,row,label,p0,p1[,p2…]</code> with split <code>oof</code> or <code>test</code>; model names like <code>tfm@seed3</code> form seed families.</p>
      </div>
      <div className="card">
        <h2>Strategies and statistics</h2>
        <div className="toolbar">
          {ALL_STRATEGIES.map((id) => (
            <label key={id}><input type="checkbox" checked={spec.strategies.includes(id)} onChange={() => toggleStrategy(id)} /> {STRATEGY_LABELS[id]}</label>
          ))}
        </div>
        <div className="toolbar">
          <label>metric <select value={spec.metric} data-testid="ensembles-metric" onChange={(e) => set({ metric: e.target.value as EnsemblesSpec['metric'] })}>
            {ALL_METRICS.map((m) => <option key={m} value={m}>{METRICS[m].label}</option>)}
          </select></label>
          <label>selection metric <select value={spec.selectionMetric} onChange={(e) => set({ selectionMetric: e.target.value as EnsemblesSpec['selectionMetric'] })}>
            {ALL_METRICS.map((m) => <option key={m} value={m}>{METRICS[m].label}</option>)}
          </select></label>
          <label>α <select value={spec.alpha} onChange={(e) => set({ alpha: Number(e.target.value) as 0.05 | 0.1 })}><option value={0.05}>0.05</option><option value={0.1}>0.10</option></select></label>
          <label>groups <select value={spec.cliqueTest} onChange={(e) => set({ cliqueTest: e.target.value as EnsemblesSpec['cliqueTest'] })}><option value="nemenyi">Nemenyi CD</option><option value="wilcoxon-holm">Wilcoxon + Holm</option></select></label>
          <label>Caruana iterations <input type="number" value={spec.caruanaIterations} min={1} max={500} onChange={(e) => set({ caruanaIterations: Number(e.target.value) })} /></label>
        </div>
        <div className="toolbar" data-testid="ensembles-statistics">
          <label>Wilcoxon zeros <select value={spec.statistics.wilcoxonZeroMethod} data-testid="wilcoxon-zero-method" onChange={(e) => setStats({ wilcoxonZeroMethod: e.target.value as Stats['wilcoxonZeroMethod'] })}>
            <option value="wilcox">drop (wilcox)</option><option value="pratt">rank, then drop (pratt)</option><option value="zsplit">split ranks (zsplit, Demšar)</option>
          </select></label>
          <label>p-value <select value={spec.statistics.wilcoxonMethod} onChange={(e) => setStats({ wilcoxonMethod: e.target.value as Stats['wilcoxonMethod'] })}>
            <option value="auto">auto (scipy)</option><option value="exact">exact</option><option value="asymptotic">normal approximation</option>
          </select></label>
          <label><input type="checkbox" checked={spec.statistics.wilcoxonCorrection} onChange={(e) => setStats({ wilcoxonCorrection: e.target.checked })} /> continuity correction</label>
          <label><input type="checkbox" checked={spec.statistics.friedmanTieCorrection} onChange={(e) => setStats({ friedmanTieCorrection: e.target.checked })} /> Friedman tie correction</label>
          <label>Bonferroni–Dunn control <select value={spec.statistics.control ?? ''} data-testid="bd-control" onChange={(e) => setStats({ control: (e.target.value || null) as Stats['control'] })}>
            <option value="">none</option>
            {spec.strategies.map((id) => <option key={id} value={id}>{STRATEGY_LABELS[id]}</option>)}
          </select></label>
        </div>
        <div className="toolbar">
          <button data-testid="ensembles-run" disabled={running} onClick={() => void run(spec, file)}>Run analysis</button>
          {running && <ProgressBar done={state.progress?.done ?? 0} total={state.progress?.total ?? 1} label={state.progress?.label} onCancel={cancel} testId="ensembles-progress" />}
          {state.status === 'cancelled' && <span data-testid="ensembles-cancelled">Cancelled.</span>}
        </div>
        {state.status === 'error' && <p className="error" role="alert" data-testid="ensembles-error">{state.message}</p>}
      </div>
      {state.status === 'done' && <EnsembleResults report={state.report} metric={spec.metric} digest={state.digest} expectedDigest={expectedDigest} />}
    </div>
  );
}
