// Circuits panel: pick an embedded model, then five tabs — attribution graph (EAP / EAP-IG / exact patching on
// clean/corrupted pairs, circuit extraction, faithfulness), the one-click refusal circuit (graph, faithfulness,
// ablation), attention patterns, linear probes per layer, and the logit lens. Graph JSON (EAP-IG or
// circuit-tracer) imports into the graph tab and exports from it. Runs go to the lab worker with progress and
// cancel; each finished run reports its digest so a share link re-runs and checks it. Thin: maths in core.
import { useEffect, useRef, useState } from 'react';
import type { FeaturePanelProps } from '../../app/featureTypes';
import { CIRCUIT_MODELS, CIRCUIT_TABS, circuitsSpec, type CircuitsSpec } from '../../state/specs/circuits';
import { downloadFile } from '../../viz/download';
import { ProgressBar } from '../../viz/ProgressBar';
import { AttentionResults, LensResults, ProbeResults } from './AnalysisResults';
import { ExtractionSettings, RefusalSettings, ScoringSettings } from './AttributionSettings';
import { GraphResults } from './GraphResults';
import { PairsCard } from './PairsCard';
import { circuitsEvidence } from './evidence';
import { summaryOf } from './summary';
import { useCircuitsEngine, type GraphResult, type Job } from './useCircuitsEngine';

type Tab = CircuitsSpec['tab'];

const TAB_LABELS: Record<Tab, string> = { graph: 'Attribution graph', refusal: 'Refusal circuit', attention: 'Attention', probes: 'Probes', lens: 'Logit lens' };
const RUN_LABELS: Record<Tab, string> = { graph: 'Run attribution', refusal: 'Find the refusal circuit', attention: 'Show attention', probes: 'Train probes', lens: 'Run logit lens' };
const MODEL_LABELS: Record<CircuitsSpec['model'], string> = {
  anchor: 'anchor (safe general model)', target: 'target (domain specialist)', 'anchor-llama': 'anchor-llama (Llama architecture: GQA, RoPE, SwiGLU)',
};

export function CircuitsPanel({ spec, onSpecChange, onResult, expectedDigest }: FeaturePanelProps<CircuitsSpec>) {
  const engine = useCircuitsEngine();
  const { run, results, model, pairs } = engine;
  const [finished, setFinished] = useState<{ tab: Tab; n: number }>();
  const [exportError, setExportError] = useState<string>();
  const autoRan = useRef(false);
  // the run whose evidence may still report (a later run's summary must not be overwritten by an older run's evidence)
  const reporting = useRef<typeof finished>(undefined);
  // a link's digest is checked only while its settings are untouched
  const [edited, setEdited] = useState(false);
  const set = (patch: Partial<CircuitsSpec>) => {
    setEdited(true);
    onSpecChange(circuitsSpec.clamp({ ...spec, ...patch }));
  };
  const running = run.status === 'running';
  const expected = edited ? undefined : expectedDigest;

  const go = async (tab: Tab, s: CircuitsSpec = spec) => {
    const out = tab === 'graph' ? await engine.attribute(s) : tab === 'refusal' ? await engine.refusal(s)
      : tab === 'attention' ? await engine.attention(s) : tab === 'probes' ? await engine.probes(s) : await engine.lens(s);
    if (out) setFinished((f) => ({ tab, n: (f?.n ?? 0) + 1 }));
  };

  useEffect(() => {
    // A link that carries a result digest asks to reproduce: run its tab once.
    if (expectedDigest && !autoRan.current) {
      autoRan.current = true;
      void go(spec.tab);
    }
    // go is recreated each render; the guard makes this fire once
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [expectedDigest]);

  useEffect(() => {
    const summary = finished && summaryOf(finished.tab, results);
    if (finished && summary) onResult(summary);
    // then with its assurance evidence (a graph's record is written in the worker: async)
    if (finished && summary) {
      reporting.current = finished;
      void circuitsEvidence(finished.tab, results, spec, model, engine.evidence)
        .then((evidence) => { if (evidence.length && reporting.current === finished) onResult({ ...summary, evidence }); })
        .catch((e: unknown) => console.warn('circuits: no evidence for this run', e));
    }
    // onResult is recreated by the shell on every render; report once per finished run
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [finished]);

  /** The one-click refusal circuit: switch to its tab and run it with the current model. */
  const oneClick = () => {
    const next = circuitsSpec.clamp({ ...spec, tab: 'refusal' });
    if (spec.tab !== 'refusal') set({ tab: 'refusal' });
    void go('refusal', next);
  };

  const graphSlot: 'graph' | 'refusal' | null = spec.tab === 'graph' || spec.tab === 'refusal' ? spec.tab : null;
  const shown: GraphResult | undefined = graphSlot ? results[graphSlot] : undefined;
  const setExtraction = (patch: Partial<CircuitsSpec['extraction']>) => {
    const next = circuitsSpec.clamp({ ...spec, extraction: { ...spec.extraction, ...patch } });
    set({ extraction: next.extraction });
    if (graphSlot && shown && !running) void engine.reextract(next, graphSlot, shown);
  };

  const exportGraph = async (r: GraphResult) => {
    try {
      setExportError(undefined);
      const text = await engine.exportJson(r);
      downloadFile(text, `${r.graph.meta.model ?? 'imported'}-${r.origin}-graph.json`, 'application/json');
    } catch (e) {
      setExportError(e instanceof Error ? e.message : String(e));
    }
  };
  const exportEvidence = async (r: GraphResult) => {
    try {
      setExportError(undefined);
      const record = await engine.evidence(r);
      downloadFile(JSON.stringify(record, null, 2), `${record.model}-${r.origin}-evidence.json`, 'application/json');
    } catch (e) {
      setExportError(e instanceof Error ? e.message : String(e));
    }
  };

  const state = running ? 'loading' : run.status === 'error' ? 'error' : 'ready';
  const drawn = pairs && spec.pairs.source === 'heldout' && pairs.key === `${spec.model}|${spec.pairs.n}|${spec.seed}` ? pairs.pairs : null;
  const jobLabel = (j: Job) => (j === 'pairs' ? 'drawing pairs' : j === 'import' ? 'importing' : j);
  return (
    <div data-testid="circuits-panel" data-state={state}>
      <div className="card">
        <div className="toolbar">
          <label>model <select value={spec.model} data-testid="circuits-model" disabled={running} onChange={(e) => set({ model: e.target.value as CircuitsSpec['model'] })}>
            {CIRCUIT_MODELS.map((m) => <option key={m} value={m}>{MODEL_LABELS[m]}</option>)}
          </select></label>
          <button data-testid="refusal-circuit" disabled={running} onClick={oneClick} title="held-out pairs, EAP-IG, a circuit of ≤ 5 % of the edges, faithfulness and an ablation check">
            Refusal circuit (one click)
          </button>
          <label className="button" aria-disabled={running}>
            Import graph JSON
            <input type="file" hidden accept=".json,application/json" data-testid="graph-import" disabled={running}
              onChange={(e) => { const f = e.target.files?.[0]; e.target.value = ''; if (f) { if (spec.tab !== 'graph') set({ tab: 'graph' }); void engine.importGraph(f); } }} />
          </label>
        </div>
        {model && model.id === spec.model && (
          <p className="muted" data-testid="model-info">
            {model.id} ({model.family}): {model.nLayers} layers × {model.nHeads} heads{model.nKvHeads < model.nHeads ? ` over ${model.nKvHeads} KV heads` : ''}, d = {model.dModel}, context {model.nCtx}, vocabulary {model.vocabSize};
            graph {model.nNodes} nodes / {model.nEdges} edges; refusal token{model.refusalTokens.length > 1 ? 's' : ''} {model.refusalTokens.map((t) => `“${t.text}”`).join(', ')};
            weights sha256 {model.weightsSha256.slice(0, 12)}…
          </p>
        )}
      </div>
      <div className="card">
        <div className="toolbar" role="tablist">
          {CIRCUIT_TABS.map((t) => (
            <button key={t} role="tab" aria-selected={spec.tab === t} data-testid={`tab-${t}`} disabled={running}
              style={spec.tab === t ? { background: '#1d2330', color: '#fff' } : undefined} onClick={() => set({ tab: t })}>{TAB_LABELS[t]}</button>
          ))}
        </div>
        <fieldset disabled={running} style={{ border: 'none', padding: 0, margin: 0 }}>
          {spec.tab === 'graph' && <ScoringSettings spec={spec} set={set} />}
          {spec.tab === 'refusal' && <ScoringSettings spec={spec} set={set} refusalOnly />}
          {spec.tab === 'refusal' && <RefusalSettings spec={spec} set={set} />}
          {graphSlot && <ExtractionSettings spec={spec} setExtraction={setExtraction} />}
          {(spec.tab === 'attention' || spec.tab === 'lens') && (
            <div className="toolbar">
              <label style={{ flex: 1 }}>prompt <input type="text" value={spec.prompt} data-testid="circuits-prompt" placeholder="empty: the first clean prompt of the pairs"
                style={{ width: '70%' }} onChange={(e) => set({ prompt: e.target.value })} /></label>
            </div>
          )}
          {spec.tab === 'probes' && <p className="muted">Logistic-regression probes on the residual stream after each layer, harmful vs benign held-out prompts (seed {spec.seed}).</p>}
          {spec.tab === 'refusal' && <p className="muted">Scores the held-out pairs with the refusal metric, keeps the better of a top-n and a greedy circuit of ≤ 5 % of the edges, then compares refusal on other held-out harmful prompts with the circuit ablated.</p>}
        </fieldset>
        <div className="toolbar">
          <button data-testid="circuits-run" disabled={running} onClick={() => void go(spec.tab)}>{RUN_LABELS[spec.tab]}</button>
          {running && (
            <>
              <button data-testid="circuits-cancel" onClick={engine.cancel}>Cancel</button>
              <button data-testid="circuits-kill" title="Terminate the worker (for a step that does not notice Cancel); the model is loaded again on the next run" onClick={engine.kill}>Stop now</button>
              <ProgressBar done={run.progress?.done ?? 0} total={run.progress?.total ?? 1}
                label={run.progress ? `${run.progress.phase}: ${run.progress.label}` : jobLabel(run.job)} testId="circuits-progress" />
            </>
          )}
          {run.status === 'cancelled' && <span data-testid="circuits-cancelled">Cancelled.</span>}
        </div>
        {run.status === 'error' && <p className="error" role="alert" data-testid="circuits-error">{run.message}</p>}
        {exportError && <p className="error" role="alert" data-testid="export-error">{exportError}</p>}
      </div>
      {(spec.tab === 'graph' || spec.tab === 'attention' || spec.tab === 'lens') && (
        <PairsCard spec={spec} set={set} drawn={drawn} busy={running} onShow={() => void engine.showPairs(spec)} />
      )}
      {shown && (
        <GraphResults result={shown} spec={spec} set={set} busy={running} expectedDigest={shown.origin === 'import' ? undefined : expected}
          onExportGraph={() => void exportGraph(shown)} onExportEvidence={() => void exportEvidence(shown)} />
      )}
      {spec.tab === 'attention' && results.attention && <AttentionResults {...results.attention} expected={expected} />}
      {spec.tab === 'probes' && results.probes && <ProbeResults {...results.probes} expected={expected} />}
      {spec.tab === 'lens' && results.lens && <LensResults {...results.lens} expected={expected} />}
    </div>
  );
}
