// The curation engine behind the UI (issue #22 item 8): builds the pipeline of pipeline.ts from a plain request
// (chunks + settings; the generator id 'extractive' is the model-free baseline of extractive.ts), loads the
// generator and grounding models through the caller's CausalLM loader (the llm worker's: embedded ids checked
// against models/manifest.json; each model loaded once per worker), runs it with
// progress, and returns the traces, the injection labels (kept apart: no gate saw them) and the metrics.
// One run at a time (a second is refused by name); `curationCancel` aborts the run in flight, which stops at the
// pipeline's next step and returns what was done, marked cancelled. No DOM: it runs in the worker and in tests.
import type { CausalLM } from '../lm/causalLm';
import { causalTextLm, type Generator, type TextLm } from './generate';
import { dedupGate } from './gates/dedup';
import { formatGate } from './gates/format';
import { groundingGate } from './gates/grounding';
import { lexicalClaimGate } from './gates/lexicalClaims';
import { EXTRACTIVE_GENERATOR, extractiveSamples } from './extractive';
import { injectFailures } from './inject';
import { runMetrics, type RunMetrics } from './metrics';
import { runPipeline, type PipelineProgress, type PipelineResult } from './pipeline';
import type { RecoveryStrategy } from './recovery';
import { bm25Retriever } from './retrieval';
import type { Chunk, FailureMode, Gate, GroundingMode } from './types';

export interface CurationRunRequest {
  chunks: Chunk[];
  generators: { model: string; maxNewTokens: number; topK: number; temperature: number }[];
  injection: { rate: number; modes: FailureMode[] };
  gates: {
    lexical?: { grounding: GroundingMode };
    format?: boolean;
    dedup?: { threshold: number };
    grounding?: { model: string; mode: GroundingMode; verdict: 'probability' | 'greedy' };
  };
  recovery: { strategy: RecoveryStrategy; attempts: number; maxCalls?: number };
  seed: number;
}

export type CurationProgress = { phase: 'load'; model: string; done: number; total: number } | PipelineProgress;

export interface CurationRunOutput {
  result: PipelineResult;
  metrics: RunMetrics;
  /** Models the run used and in which role. */
  models: { id: string; role: 'generator' | 'grounding' }[];
}

export interface CurationApi {
  curationRun(request: CurationRunRequest, onProgress?: (p: CurationProgress) => void): Promise<CurationRunOutput>;
  curationCancel(): Promise<void>;
}

export class CurationBusyError extends Error {
  constructor() {
    super('A curation run is already in progress: cancel it or wait for it to finish.');
    this.name = 'CurationBusyError';
  }
}

export type CausalLmLoader = (ref: string, o?: { signal?: AbortSignal }) => Promise<CausalLM>;

/** The gates of a request, in the order recovery reads them: lexical, format, dedup, grounding model. */
export function buildGates(req: CurationRunRequest, retrieve: (q: string, k: number) => Chunk[], judge?: TextLm): Gate[] {
  const g = req.gates;
  const gates: Gate[] = [];
  if (g.lexical) gates.push(lexicalClaimGate({ grounding: g.lexical.grounding, retrieve }));
  if (g.format) gates.push(formatGate());
  if (g.dedup) gates.push(dedupGate({ threshold: g.dedup.threshold }));
  if (g.grounding && judge) gates.push(groundingGate({ lm: judge, mode: g.grounding.mode, retrieve, verdict: g.grounding.verdict }));
  return gates;
}

export function createCurationEngine(deps: { loadModel: CausalLmLoader }): CurationApi {
  let running: AbortController | null = null;
  const models = new Map<string, Promise<TextLm>>();
  const textLm = (id: string, signal: AbortSignal): Promise<TextLm> => {
    let m = models.get(id);
    if (!m) {
      m = deps.loadModel(id, { signal }).then((lm) => causalTextLm(lm));
      models.set(id, m);
      m.catch(() => models.delete(id)); // a failed load is retried next run
    }
    return m;
  };

  return {
    async curationRun(req, onProgress) {
      if (running) throw new CurationBusyError();
      const ctl = new AbortController();
      running = ctl;
      try {
        const modelGens = req.generators.filter((g) => g.model !== EXTRACTIVE_GENERATOR);
        const used: CurationRunOutput['models'] = [
          ...modelGens.map((g) => ({ id: g.model, role: 'generator' as const })),
          ...(req.gates.grounding ? [{ id: req.gates.grounding.model, role: 'grounding' as const }] : []),
        ];
        const loaded: TextLm[] = [];
        for (const [i, m] of used.entries()) {
          onProgress?.({ phase: 'load', model: m.id, done: i, total: used.length });
          loaded.push(await textLm(m.id, ctl.signal));
        }
        onProgress?.({ phase: 'load', model: '', done: used.length, total: used.length });
        const generators: Generator[] = modelGens.map((g, i) => ({ lm: loaded[i], maxNewTokens: g.maxNewTokens, topK: g.topK, temperature: g.temperature }));
        const retrieve = bm25Retriever(req.chunks);
        const gates = buildGates(req, retrieve, req.gates.grounding ? loaded[loaded.length - 1] : undefined);
        const result = await runPipeline(req.chunks, {
          generators, gates, recovery: req.recovery.strategy, attemptsPerSample: req.recovery.attempts, retrieve, seed: req.seed,
          ...(req.recovery.maxCalls ? { maxCalls: req.recovery.maxCalls } : {}),
          ...(req.injection.rate > 0 && req.injection.modes.length
            ? { injectionRate: req.injection.rate, injector: (s, ch, o) => injectFailures(s, ch, { ...o, modes: req.injection.modes }) }
            : {}),
        }, {
          signal: ctl.signal, ...(onProgress ? { onProgress } : {}),
          ...(modelGens.length < req.generators.length ? { extra: extractiveSamples(req.chunks) } : {}),
        });
        return { result, metrics: runMetrics(result), models: used };
      } finally {
        running = null;
      }
    },
    async curationCancel() {
      running?.abort();
    },
  };
}
