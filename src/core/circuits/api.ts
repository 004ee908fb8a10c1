// The circuits engine (CONVENTIONS #1, #2): `CircuitsApi` over loaded models, in-thread (tests, Node) or through
// workers/lab.worker.ts. Where the files come from is a dependency (the worker fetches models/<id>/ against
// models/manifest.json; Node reads the folder), so this file stays free of fetch and fs. Runs go one at a
// time through an EngineHost; `cancel()` aborts the run in flight at its next progress point.
import { EngineHost } from '../runtime/engineHost';
import { acdc } from './acdc';
import { attribute, patchExact, type RunControl } from './attribute';
import { attributeCircuit, labelAcdcGraph } from './attributionJob';
import { CircuitsInputError, ModelNotLoadedError } from './errors';
import { evidenceRecord } from './evidence';
import { extract } from './extract';
import { faithfulnessCurve } from './faithfulness';
import { buildGraph } from './graph';
import { refusalPairs, refusalTokens, type HeldoutSuites } from './heldout';
import { attentionPatterns, logitLens } from './inspect';
import { exportGraphJson, importGraphJson } from './json';
import { CIRCUIT_MODEL_FILES, disposeCircuitModel, loadCircuitModel, type CircuitModel, type CircuitModelFiles } from './model';
import { disposePairs, preparePairs } from './pairs';
import { trainProbes } from './probes';
import { refusalCircuit } from './refusal';
import { CircuitRunner } from './runner';
import type { CircuitsApi, CircuitsProgressCallback, LoadedCircuitModel } from './types';

export interface CircuitsEngineDeps {
  /** Bytes of models/<id>/<file> (config.json, tokenizer.json, tokenizer_config.json, model.safetensors). */
  readModelFiles(id: string, files: readonly string[], onProgress?: CircuitsProgressCallback): Promise<Map<string, Uint8Array>>;
  /** The forge's held-out prompt suites (harmful; benign chat + tasks). */
  heldout(): Promise<HeldoutSuites>;
}

export function createCircuitsEngine(deps: CircuitsEngineDeps): CircuitsApi {
  const host = new EngineHost('queue');
  const models = new Map<string, CircuitModel>();
  let heldout: Promise<HeldoutSuites> | undefined;
  const data = () => (heldout ??= deps.heldout().catch((e: unknown) => { heldout = undefined; throw e; }));
  const model = (id: string): CircuitModel => {
    const m = models.get(id);
    if (!m) throw new ModelNotLoadedError(id);
    return m;
  };
  const ctl = (signal: AbortSignal, onProgress?: CircuitsProgressCallback): RunControl => ({ signal, onProgress });

  return {
    loadModel: (id, onProgress) => host.run(`load ${id}`, async () => {
      const files = await deps.readModelFiles(id, CIRCUIT_MODEL_FILES, onProgress);
      const get = (f: string) => files.get(f) ?? files.get(`${id}/${f}`);
      const m = await loadCircuitModel(id, Object.fromEntries(CIRCUIT_MODEL_FILES.map((f) => [f, get(f)])) as unknown as CircuitModelFiles);
      const old = models.get(id);
      if (old) disposeCircuitModel(old);
      models.set(id, m);
      const g = buildGraph(m.graphCfg);
      return {
        id, family: m.lm?.modelType ?? 'gpt2', nLayers: m.cfg.nLayer, nHeads: m.cfg.nHead, nKvHeads: m.lm?.numKvHeads ?? m.cfg.nHead, dModel: m.cfg.dModel, nCtx: m.cfg.nCtx, vocabSize: m.cfg.vocabSize,
        nNodes: g.nodes.length, nEdges: g.edges.length, refusalTokens: refusalTokens(m.tokenizer), weightsSha256: m.weightsSha256,
      } satisfies LoadedCircuitModel;
    }),
    heldoutPairs: async (modelId, n, seed) => refusalPairs(model(modelId).tokenizer, await data(), n, seed),
    attribute: (req, onProgress) => host.run(`attribute ${req.modelId}`, (signal) => attribute(model(req.modelId), req, ctl(signal, onProgress))),
    patchExact: (req, onProgress) => host.run(`patch ${req.modelId}`, (signal) => patchExact(model(req.modelId), req, ctl(signal, onProgress))),
    acdc: (req, opts, onProgress) => host.run(`acdc ${req.modelId}`, async (signal) => {
      const m = model(req.modelId);
      const runner = new CircuitRunner(m, req.metric);
      const prep = preparePairs(m, runner, req.pairs, req.metric, { batchSize: req.batchSize, chatTemplate: req.chatTemplate });
      try {
        return labelAcdcGraph(m, prep, await acdc(runner, prep, buildGraph(m.graphCfg), opts, ctl(signal, onProgress)), req.metric);
      } finally {
        disposePairs(prep);
        runner.dispose();
      }
    }),
    attributeCircuit: (req, onProgress) => host.run(`attribute circuit ${req.modelId}`, (signal) => attributeCircuit(model(req.modelId), req, ctl(signal, onProgress))),
    extract: async (graph, opts) => extract(graph, opts),
    faithfulness: (graph, req, opts, onProgress) => host.run(`faithfulness ${req.modelId}`, async (signal) => {
      const m = model(req.modelId);
      if (graph.cfg.nLayers !== m.graphCfg.nLayers || graph.cfg.nHeads !== m.graphCfg.nHeads || graph.meta.source === 'circuit-tracer-json') {
        throw new CircuitsInputError(`this graph (${graph.cfg.nLayers} layers × ${graph.cfg.nHeads} heads${graph.meta.source === 'circuit-tracer-json' ? ', circuit-tracer features' : ''}) ` +
          `is not the head/MLP graph of ${req.modelId} (${m.graphCfg.nLayers} × ${m.graphCfg.nHeads}); evaluate it on the model it was computed on`);
      }
      const runner = new CircuitRunner(m, req.metric);
      const prep = preparePairs(m, runner, req.pairs, req.metric, { batchSize: req.batchSize, chatTemplate: req.chatTemplate });
      try {
        return await faithfulnessCurve(runner, prep, graph, opts, ctl(signal, onProgress));
      } finally {
        disposePairs(prep);
        runner.dispose();
      }
    }),
    probes: (req, onProgress) => host.run(`probes ${req.modelId}`, async (signal) => {
      const m = model(req.modelId);
      const d = req.harmful && req.benign ? { harmful: req.harmful, benign: req.benign } : await data();
      return trainProbes(m, req.harmful ?? d.harmful, req.benign ?? d.benign, req, ctl(signal, onProgress));
    }),
    logitLens: (req) => host.run(`logit lens ${req.modelId}`, async () => logitLens(model(req.modelId), req)),
    attention: (req) => host.run(`attention ${req.modelId}`, async () => attentionPatterns(model(req.modelId), req)),
    refusalCircuit: (modelId, opts, onProgress) => host.run(`refusal circuit ${modelId}`, async (signal) =>
      refusalCircuit(model(modelId), await data(), opts, ctl(signal, onProgress))),
    importGraphJson: async (text) => importGraphJson(text),
    exportGraphJson: async (graph) => exportGraphJson(graph),
    evidence: async (graph, faithfulness, ablation) => {
      const m = graph.meta.model ? models.get(graph.meta.model) : undefined;
      return evidenceRecord(graph, faithfulness, ablation, { modelSha256: m?.weightsSha256 });
    },
    cancel: async () => host.cancel(),
  };
}
