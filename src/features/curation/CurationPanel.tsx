// Curation page (issue #22 item 8): pick a corpus (the shipped clinic handbook, or an uploaded text / Markdown /
// JSONL / CSV file: bad files are refused with the ingest error's name), set chunking, generators, injected
// failures, gates and recovery, run the pipeline in the llm worker with progress and cancel, then read the flow
// of samples through the gates and recovery, the metrics, inspect any sample, and download the dataset files.
// The spec is the share link; an uploaded corpus travels in it only as name + sha256 (chosen again after opening).
import { useEffect, useMemo, useRef, useState } from 'react';
import type { FeaturePanelProps } from '../../app/featureTypes';
import { emitCuration } from '../../core/assurance/emit/curation';
import { sha256HexSync } from '../../core/numeric/sha256';
import type { CorpusDocument } from '../../core/curation/types';
import { curationSpec, type CurationSpec } from '../../state/specs/curation';
import { RUNTIME_DEFAULTS } from '../../core/runtime/config';
import { downloadFile } from '../../viz/download';
import { DigestNote } from '../../viz/DigestNote';
import { ProgressBar } from '../../viz/ProgressBar';
import { offerTrainData } from '../experiments/trainHandoff';
import { curatedTrainData, exportRun, runDigest, type ModelHashes } from './exportRun';
import { runFlow } from './flow';
import { FlowView } from './FlowView';
import { MetricsTable } from './MetricsTable';
import { corpusErrorText, HANDBOOK_NAME, HANDBOOK_URL, prepareCorpus, readCorpus, type UploadedCorpus } from './requests';
import { SampleInspector } from './SampleInspector';
import { SettingsCard } from './SettingsCard';
import { useCurationEngine } from './useCurationEngine';

interface ManifestModel { id: string; kind?: string; files: { path: string; sha256: string }[] }

/** Causal LMs of models/manifest.json (the curation-gen-* generators first) and their ONNX graphs' sha256. */
function useEmbeddedModels(): { ids: string[]; hashes: ModelHashes } {
  const [models, setModels] = useState<{ ids: string[]; hashes: ModelHashes }>({ ids: [], hashes: {} });
  useEffect(() => {
    let live = true;
    void fetch(`${RUNTIME_DEFAULTS.modelsBaseUrl}manifest.json`).then((r) => r.json()).then((m: { models: ManifestModel[] }) => {
      const lms = m.models.filter((x) => x.kind === 'causal-lm');
      const ids = lms.map((x) => x.id).sort((a, b) => Number(b.startsWith('curation-gen')) - Number(a.startsWith('curation-gen')) || a.localeCompare(b));
      const hashes = Object.fromEntries(lms.map((x) => [x.id, x.files.find((f) => f.path.endsWith('.onnx'))?.sha256 ?? 'unknown']));
      if (live) setModels({ ids, hashes });
    }).catch(() => undefined); // the generators list then offers the extractive baseline only
    return () => { live = false; };
  }, []);
  return models;
}

const PHASE_LABELS = { load: 'loading models', generate: 'generating', gate: 'gating', recover: 'recovering' } as const;

export function CurationPanel({ spec, onSpecChange, onResult, expectedDigest }: FeaturePanelProps<CurationSpec>) {
  const engine = useCurationEngine();
  const models = useEmbeddedModels();
  const [upload, setUpload] = useState<UploadedCorpus | null>(null);
  const [documents, setDocuments] = useState<CorpusDocument[] | null>(null);
  const [corpusError, setCorpusError] = useState<string | null>(null);
  const [edited, setEdited] = useState(false);
  const autoRan = useRef(false);
  const set = (patch: Partial<CurationSpec>) => {
    setEdited(true);
    onSpecChange(curationSpec.clamp({ ...spec, ...patch }));
  };
  const running = engine.state.status === 'running';

  // the corpus the spec names: the handbook is fetched; an upload must be in memory with the same hash
  const corpusKey = spec.corpus.kind === 'handbook' ? 'handbook' : `${spec.corpus.name}|${spec.corpus.sha256 ?? ''}`;
  useEffect(() => {
    let live = true;
    if (spec.corpus.kind === 'handbook') {
      void fetch(HANDBOOK_URL).then((r) => r.arrayBuffer()).then((b) => {
        if (live) setDocuments(readCorpus(HANDBOOK_NAME, new Uint8Array(b)));
      }).catch((e: unknown) => live && setCorpusError(corpusErrorText(e)));
    } else if (upload && upload.name === spec.corpus.name && (!spec.corpus.sha256 || upload.sha256 === spec.corpus.sha256)) {
      setDocuments(readCorpus(upload.name, upload.bytes));
    } else {
      setDocuments(null);
    }
    return () => { live = false; };
    // corpusKey names the corpus; upload is read when it changes
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [corpusKey, upload]);

  const onUpload = async (file: File) => {
    const bytes = new Uint8Array(await file.arrayBuffer());
    try {
      readCorpus(file.name, bytes);
    } catch (e) {
      setCorpusError(`${file.name}: ${corpusErrorText(e)}`);
      return;
    }
    const sha256 = sha256HexSync(bytes);
    setCorpusError(null);
    setUpload({ name: file.name, bytes, sha256 });
    set({ corpus: { kind: 'upload', name: file.name, sha256 } });
  };

  const prepared = useMemo(() => {
    if (!documents) return null;
    try {
      return { ok: true as const, corpus: prepareCorpus(documents, spec) };
    } catch (e) {
      return { ok: false as const, error: corpusErrorText(e) };
    }
  }, [documents, spec]);

  const go = () => {
    if (prepared?.ok) void engine.start(spec, prepared.corpus.documents, prepared.corpus.chunks);
  };

  useEffect(() => {
    // a link that carries a result digest asks to reproduce: run once, when its corpus is ready
    if (expectedDigest && !autoRan.current && prepared?.ok) {
      autoRan.current = true;
      go();
    }
    // go reads the current spec; the guard makes this fire once
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [expectedDigest, prepared]);

  const run = engine.run;
  const digest = useMemo(() => (run ? runDigest(run.result) : null), [run]);
  const flow = useMemo(() => (run ? runFlow(run.result) : null), [run]);
  useEffect(() => {
    if (!run || !digest) return;
    const m = run.metrics;
    onResult({
      summary: { samples: m.samples, accepted: m.statuses.accepted, injected: m.injected, recovered: m.recovered, calls: m.cost.calls, ...(run.result.cancelled ? { cancelled: 'yes' } : {}) },
      ...(run.result.cancelled ? {} : { digest }),
      evidence: emitCuration(run, { corpus: corpusName, modelHashes: models.hashes }),
    });
    // onResult is recreated by the shell on every render; report once per finished run
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [run]);

  const corpusName = spec.corpus.kind === 'handbook' ? HANDBOOK_NAME : spec.corpus.name;
  const download = (path: string) => {
    if (!run) return;
    const file = exportRun(run, models.hashes, corpusName).find((f) => f.path === path)!;
    downloadFile(file.text, path, path.endsWith('.json') ? 'application/json' : path.endsWith('.jsonl') ? 'application/x-ndjson' : 'text/plain');
  };
  const files = run ? exportRun(run, models.hashes, corpusName) : [];
  const trainData = curatedTrainData(files, corpusName);
  // the training panel on #/experiments takes the accepted samples inline (alpaca.jsonl), as if picked as a file
  const trainOnDataset = () => {
    if (!trainData) return;
    offerTrainData({ ...trainData, from: 'the curation page' });
    window.location.hash = '#/experiments';
  };
  const state = running ? 'loading' : engine.state.status === 'error' ? 'error' : 'ready';
  const p = engine.state.status === 'running' ? engine.state.progress : null;

  return (
    <div data-testid="curation-panel" data-state={state}>
      <div className="card" data-testid="corpus-card">
        <div className="toolbar">
          <strong>Corpus</strong>
          <label><input type="radio" name="corpus" data-testid="corpus-handbook" checked={spec.corpus.kind === 'handbook'} disabled={running}
            onChange={() => { setCorpusError(null); set({ corpus: { kind: 'handbook' } }); }} />shipped clinic handbook</label>
          <label className="button" aria-disabled={running}>
            Upload text / Markdown / JSONL / CSV
            <input type="file" hidden accept=".txt,.md,.markdown,.jsonl,.csv,text/*" data-testid="corpus-upload" disabled={running}
              onChange={(e) => { const f = e.target.files?.[0]; e.target.value = ''; if (f) void onUpload(f); }} />
          </label>
        </div>
        {corpusError && <p className="error" data-testid="corpus-error">{corpusError} — the corpus is unchanged.</p>}
        {spec.corpus.kind === 'upload' && !documents && (
          <p className="muted" data-testid="corpus-missing">This link names the uploaded file {spec.corpus.name}{spec.corpus.sha256 ? ` (sha256 ${spec.corpus.sha256.slice(0, 12)}…)` : ''}: choose it again to run.</p>
        )}
        {prepared?.ok && (
          <p className="muted" data-testid="corpus-info" data-chunks={prepared.corpus.chunks.length}>
            {corpusName}: {prepared.corpus.documents.length} document{prepared.corpus.documents.length === 1 ? '' : 's'}, {prepared.corpus.totalChunks} chunks;
            the run curates the first {prepared.corpus.chunks.length}{prepared.corpus.overBudget ? ` (${prepared.corpus.overBudget} over the token budget, kept whole)` : ''}.
          </p>
        )}
        {prepared && !prepared.ok && <p className="error" data-testid="corpus-error">{prepared.error}</p>}
      </div>
      <fieldset disabled={running} style={{ border: 'none', padding: 0, margin: 0 }}>
        <SettingsCard spec={spec} set={set} models={models.ids} />
      </fieldset>
      <div className="card">
        <div className="toolbar">
          <button data-testid="curation-run" disabled={running || !prepared?.ok} onClick={go}>Run pipeline</button>
          {engine.state.status === 'running' && (
            <ProgressBar done={p?.done ?? 0} total={p?.total ?? 1} testId="curation-progress" onCancel={engine.state.cancelling ? undefined : engine.cancel}
              label={engine.state.cancelling ? 'cancelling…' : p ? `${PHASE_LABELS[p.phase]}${p.phase === 'load' && p.model ? ` ${p.model}` : ''}` : 'starting'} />
          )}
        </div>
        {engine.state.status === 'error' && <p className="error" data-testid="curation-error">{engine.state.message}</p>}
        {run?.result.cancelled && <p className="muted" data-testid="curation-cancelled">Cancelled: what was done before the cancel is shown; samples never started are counted as cancelled.</p>}
        {run && <DigestNote digest={run.result.cancelled ? null : digest} expected={edited ? undefined : expectedDigest} absent="A cancelled run has no digest." />}
      </div>
      {run && flow && (
        <>
          <FlowView flow={flow} />
          <MetricsTable metrics={run.metrics} />
          <SampleInspector key={digest ?? ''} run={run.result} chunks={run.chunks} />
          <div className="card" data-testid="curation-export">
            <strong>Export</strong> <span className="muted">the dataset files (accepted samples in three SFT formats, DPO pairs, rejected samples with reasons, the dataset card, the manifest and checksums)</span>
            <div className="toolbar">
              {files.map((f) => <button key={f.path} data-testid={`export-${f.path}`} onClick={() => download(f.path)}>{f.path}</button>)}
              <button data-testid="curation-train" disabled={!trainData} onClick={trainOnDataset}
                title={trainData ? 'open the experiments page with the accepted samples (alpaca.jsonl) as the training data' : 'no accepted sample to train on'}>Train on this dataset</button>
            </div>
          </div>
        </>
      )}
    </div>
  );
}
