// Drives the circuits engine in the lab worker for the panel: loads the chosen embedded model, runs one job at a
// time (attribution + extraction + faithfulness, the one-click refusal circuit, attention, probes, logit lens,
// graph import) with progress and cancel, and keeps each tab's last result with its digest. Thin: the maths
// lives in src/core/circuits behind CircuitsApi.
import { useCallback, useRef, useState } from 'react';
import * as Comlink from 'comlink';
import type {
  AblationResult, AttentionPattern, AttributionRequest, CircuitGraph, CircuitsProgress, CircuitsProgressCallback, EvidenceRecord, FaithfulnessCurve,
  FaithfulnessPoint, LoadedCircuitModel, LogitLensRow, ProbeResult, PromptPair,
} from '../../core/circuits/types';
import type { CircuitsSpec } from '../../state/specs/circuits';
import { useWorkerEngine } from '../../app/useWorkerEngine';
import { withinBar } from '../../core/runtime/progress';
import type { LabWorkerApi } from '../../../workers/lab.worker';
import { installRuntimeErrorTransfer } from '../../../workers/comlinkErrors';
import { attentionPayload, digestOf, graphPayload, lensPayload, probesPayload } from './digest';
import { circuitRequestSize, extractOptions, faithfulnessMode, faithfulnessSizes, lensPrompt } from './requests';
import { circuitsPlan, LENS_TOP_K } from '../../core/experiments/runners/circuitsPlan';

type Api = Comlink.Remote<LabWorkerApi>;
type Request = Omit<AttributionRequest, 'method' | 'steps'>;

/**
 * Faithfulness of exactly the extracted circuit: the curve cuts a size n as extract(mode, n) + prune, so asking
 * for the size whose cut is the circuit (circuitRequestSize) measures it, random circuits of its size beside it.
 */
async function measureCircuit(api: Api, scored: CircuitGraph, request: Request, spec: CircuitsSpec, onProgress: CircuitsProgressCallback): Promise<FaithfulnessPoint | null> {
  const one = await api.faithfulness(scored, request, { sizes: [circuitRequestSize(spec, scored.edges)], mode: faithfulnessMode(spec), seed: spec.seed }, onProgress);
  return one.points[0] ?? null;
}

export type Job = 'attribute' | 'refusal' | 'attention' | 'probes' | 'lens' | 'import' | 'pairs';

export type RunState =
  | { status: 'idle' }
  | { status: 'running'; job: Job; progress: CircuitsProgress | null }
  | { status: 'error'; job: Job; message: string }
  | { status: 'cancelled'; job: Job };

/** A graph on screen: computed here (attribution or the refusal circuit) or imported from a file. */
export interface GraphResult {
  graph: CircuitGraph;
  origin: 'attribution' | 'refusal' | 'import';
  faithfulness: FaithfulnessCurve | null;
  /** faithfulness of the extracted circuit itself (measured apart from the curve, whose sizes are a ladder) */
  circuit: FaithfulnessPoint | null;
  ablation?: AblationResult;
  evidence?: EvidenceRecord;
  /** the request that scored it, kept to re-measure a re-extracted circuit */
  request?: Request;
  fileName?: string;
  digest?: string;
}

export interface Results {
  graph?: GraphResult;
  refusal?: GraphResult;
  attention?: { prompt: string; patterns: AttentionPattern[]; digest: string };
  probes?: { result: ProbeResult; digest: string };
  lens?: { prompt: string; rows: LogitLensRow[]; digest: string };
}

const createWorker = () => {
  installRuntimeErrorTransfer();
  return new Worker(new URL('../../../workers/lab.worker.ts', import.meta.url), { type: 'module' });
};
const messageOf = (e: unknown) => (e instanceof Error ? e.message : String(e));
const cancelledMessage = (m: string) => /abort|cancel/i.test(m);

export function useCircuitsEngine() {
  const { engine, restart } = useWorkerEngine<LabWorkerApi>(createWorker);
  const [run, setRun] = useState<RunState>({ status: 'idle' });
  const [results, setResults] = useState<Results>({});
  const [model, setModel] = useState<LoadedCircuitModel | null>(null);
  const [pairs, setPairs] = useState<{ key: string; pairs: PromptPair[] } | null>(null);
  // models the current worker holds (a restarted worker holds none)
  const loaded = useRef(new Map<string, LoadedCircuitModel>());
  // progress arrives on its own port and can land after the result: only the live job may report it
  const live = useRef(0);

  const ensureModel = useCallback(async (id: string, onProgress: CircuitsProgressCallback): Promise<LoadedCircuitModel> => {
    const have = loaded.current.get(id);
    if (have) {
      setModel(have);
      return have;
    }
    const info = await engine().loadModel(id, onProgress);
    loaded.current.set(id, info);
    setModel(info);
    return info;
  }, [engine]);

  /** Runs one job: progress, cancel and errors handled alike; resolves with the job's value or undefined. */
  const job = useCallback(async <T,>(kind: Job, body: (onProgress: CircuitsProgressCallback) => Promise<T>): Promise<T | undefined> => {
    const id = ++live.current;
    setRun({ status: 'running', job: kind, progress: null });
    try {
      const out = await body(Comlink.proxy((p: CircuitsProgress) => {
        if (live.current === id) setRun({ status: 'running', job: kind, progress: p });
      }));
      live.current++;
      setRun({ status: 'idle' });
      return out;
    } catch (e) {
      live.current++;
      const message = messageOf(e);
      setRun(cancelledMessage(message) ? { status: 'cancelled', job: kind } : { status: 'error', job: kind, message });
      return undefined;
    }
  }, []);

  /** The spec's pairs: custom ones as typed, held-out ones drawn by the engine (length-matched, seeded). */
  const resolvePairs = useCallback(async (spec: CircuitsSpec, onProgress: CircuitsProgressCallback): Promise<PromptPair[]> => {
    if (spec.pairs.source === 'custom') return spec.pairs.items;
    const key = `${spec.model}|${spec.pairs.n}|${spec.seed}`;
    if (pairs?.key === key) return pairs.pairs;
    await ensureModel(spec.model, onProgress);
    const drawn = await engine().heldoutPairs(spec.model, spec.pairs.n, spec.seed);
    setPairs({ key, pairs: drawn });
    return drawn;
  }, [engine, ensureModel, pairs]);

  const showPairs = useCallback((spec: CircuitsSpec) => job('pairs', (p) => resolvePairs(spec, p)), [job, resolvePairs]);

  const attribute = useCallback((spec: CircuitsSpec) => job('attribute', async (p) => {
    const api = engine();
    // one bar for the click: loading the model (if needed) fills the first 5 %, the job's own planned total the rest
    const info = await ensureModel(spec.model, Comlink.proxy(withinBar(p, 0, 5)));
    const request = { modelId: spec.model, pairs: await resolvePairs(spec, p), metric: spec.metric };
    // one engine run scores the graph (ACDC: finds its circuit), cuts and measures the circuit and draws the curve;
    // the curve ranks edges by |score|: for ACDC, the metric change each edge's removal caused when it was tested
    // the graph job of the experiment runner's plan (core/experiments/runners/circuitsPlan.ts)
    const job = circuitsPlan({ ...spec, tab: 'graph' }).run;
    if (job.tab !== 'graph') throw new Error('unreachable: a graph plan');
    const { scored, graph, circuit, faithfulness } = await api.attributeCircuit({
      ...request, method: job.method, steps: job.steps, tau: job.tau, extract: job.extract,
      faithfulness: { sizes: faithfulnessSizes(info.nEdges), ...job.faithfulness },
    }, Comlink.proxy(withinBar(p, 5, 100)));
    const result: GraphResult = { graph, origin: 'attribution', faithfulness, circuit, request, digest: await digestOf(graphPayload(scored, faithfulness, undefined, circuit)) };
    setResults((r) => ({ ...r, graph: result }));
    return result;
  }), [engine, ensureModel, job, resolvePairs]);

  const refusal = useCallback((spec: CircuitsSpec) => job('refusal', async (p) => {
    const api = engine();
    // one bar for the click: loading the model (if needed) fills the first 5 %, the run's own planned total the rest
    await ensureModel(spec.model, Comlink.proxy(withinBar(p, 0, 5)));
    // the refusal job of the experiment runner's plan (core/experiments/runners/circuitsPlan.ts)
    const job = circuitsPlan({ ...spec, tab: 'refusal' }).run;
    if (job.tab !== 'refusal') throw new Error('unreachable: a refusal plan');
    const n = job.options.pairs;
    const res = await api.refusalCircuit(spec.model, job.options, Comlink.proxy(withinBar(p, 5, 100)));
    // the one click scores logit_diff on these held-out pairs: kept so a re-cut circuit can be measured alike
    const request: Request = { modelId: spec.model, pairs: await api.heldoutPairs(spec.model, n, spec.seed), metric: 'logit_diff' };
    const result: GraphResult = {
      graph: res.graph, origin: 'refusal', faithfulness: res.faithfulness, circuit: res.circuit, ablation: res.ablation, evidence: res.evidence, request,
      digest: await digestOf(graphPayload(res.graph, res.faithfulness, res.ablation, res.circuit)),
    };
    setResults((r) => ({ ...r, refusal: result }));
    return result;
  }), [engine, ensureModel, job]);

  /** Re-cuts the circuit of a graph on screen after the extraction settings changed (and re-measures it). */
  const reextract = useCallback((spec: CircuitsSpec, slot: 'graph' | 'refusal', current: GraphResult) => job('attribute', async (p) => {
    const api = engine();
    const graph = await api.extract(current.graph, extractOptions(spec));
    let circuit: FaithfulnessPoint | null = null;
    if (current.request) {
      await ensureModel(current.request.modelId, Comlink.proxy(withinBar(p, 0, 5)));
      circuit = await measureCircuit(api, current.graph, current.request, spec, Comlink.proxy(withinBar(p, 5, 100)));
    }
    // the ablation check and the evidence record describe the circuit that was cut before: drop them
    setResults((r) => ({ ...r, [slot]: { ...current, graph, circuit, ablation: undefined, evidence: undefined } }));
  }), [engine, ensureModel, job]);

  const importGraph = useCallback((file: File) => job('import', async () => {
    const graph = await engine().importGraphJson(await file.text());
    const result: GraphResult = { graph, origin: 'import', faithfulness: null, circuit: null, fileName: file.name };
    setResults((r) => ({ ...r, graph: result }));
    return result;
  }), [engine, job]);

  const attention = useCallback((spec: CircuitsSpec) => job('attention', async (p) => {
    await ensureModel(spec.model, p);
    const prompt = lensPrompt(spec, await resolvePairs(spec, p));
    const patterns = await engine().attention({ modelId: spec.model, prompt });
    const out = { prompt, patterns, digest: await digestOf(attentionPayload(patterns)) };
    setResults((r) => ({ ...r, attention: out }));
    return out;
  }), [engine, ensureModel, job, resolvePairs]);

  const probes = useCallback((spec: CircuitsSpec) => job('probes', async (p) => {
    await ensureModel(spec.model, Comlink.proxy(withinBar(p, 0, 5)));
    const job = circuitsPlan({ ...spec, tab: 'probes' }).run;
    const result = await engine().probes({ modelId: spec.model, seed: job.tab === 'probes' ? job.seed : spec.seed }, Comlink.proxy(withinBar(p, 5, 100)));
    const out = { result, digest: await digestOf(probesPayload(result)) };
    setResults((r) => ({ ...r, probes: out }));
    return out;
  }), [engine, ensureModel, job]);

  const lens = useCallback((spec: CircuitsSpec) => job('lens', async (p) => {
    await ensureModel(spec.model, p);
    const prompt = lensPrompt(spec, await resolvePairs(spec, p));
    const job = circuitsPlan({ ...spec, tab: 'lens' }).run;
    const rows = await engine().logitLens({ modelId: spec.model, prompt, topK: job.tab === 'lens' ? job.topK : LENS_TOP_K });
    const out = { prompt, rows, digest: await digestOf(lensPayload(rows)) };
    setResults((r) => ({ ...r, lens: out }));
    return out;
  }), [engine, ensureModel, job, resolvePairs]);

  const exportJson = useCallback(async (g: GraphResult): Promise<string> => engine().exportGraphJson(g.graph), [engine]);
  // the record describes the circuit on screen: its own faithfulness point (the curve's ladder may lack its size)
  const evidence = useCallback(async (g: GraphResult): Promise<EvidenceRecord> => g.evidence
    ?? engine().evidence(g.graph, g.faithfulness && g.circuit ? { ...g.faithfulness, points: [g.circuit] } : null, g.ablation), [engine]);

  const cancel = useCallback(() => { void engine().cancel(); }, [engine]);

  /** Last resort for a step that does not notice cancel: kill the worker (its models are loaded again next run). */
  const kill = useCallback(() => {
    live.current++;
    restart();
    loaded.current.clear();
    setRun((r) => (r.status === 'running' ? { status: 'cancelled', job: r.job } : r));
  }, [restart]);

  return { run, results, model, pairs, showPairs, attribute, refusal, reextract, importGraph, attention, probes, lens, exportJson, evidence, cancel, kill };
}
