// The curation engine behind the UI (issue #22 item 8): builds the pipeline of pipeline.ts from a plain request
// (chunks + settings; the generator id 'extractive' is the model-free baseline of extractive.ts), loads the
// generator and grounding models through the caller's CausalLM loader (the llm worker's: embedded ids checked
// against models/manifest.json; each model loaded once per worker), runs it with
// progress, and returns the traces, the injection labels (kept apart: no gate saw them) and the metrics.
// One run at a time (a second is refused by name); `curationCancel` aborts the run in flight: the pipeline stops at
// its next step and returns what was done, marked cancelled. Models answer in batches of BATCH prompts with a look
// at the cancel between batches, so a cancel inside a long model step (generation, the grounding model's judging)
// lands within one batch; that step's samples are then not kept (the result is cancelled with no traces).
// No DOM: it runs in the worker and in tests.
import type { CausalLM } from '../lm/causalLm';
import { defaultRewardRegistry } from '../experiments/rewards/registry';
import { causalTextLm, type Generator, type TextLm } from './generate';
import { dedupGate } from './gates/dedup';
import { formatGate } from './gates/format';
import { groundingGate } from './gates/grounding';
import { curationRewardGate } from './gates/reward';
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
    /** The curation reward (−refusal − the judge's P(unsafe) when a judge model is named); below threshold rejects. */
    reward?: { judge?: string; threshold: number };
  };
  recovery: { strategy: RecoveryStrategy; attempts: number; maxCalls?: number };
  seed: number;
}

export type CurationProgress = { phase: 'load'; model: string; done: number; total: number } | PipelineProgress;

export interface CurationRunOutput {
  result: PipelineResult;
  metrics: RunMetrics;
  /** Models the run used and in which role. */
  models: { id: string; role: 'generator' | 'grounding' | 'reward-judge' }[];
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

/** Prompts a model answers between two looks at the cancel flag (and two progress reports while generating). */
export const BATCH = 8;

class RunCancelled extends Error {
  constructor() {
    super('curation run cancelled');
    this.name = 'RunCancelled';
  }
}

/** `lm` answering at most BATCH prompts per call, throwing RunCancelled between batches once `signal` aborts. */
function cancellable(lm: TextLm, signal: AbortSignal, onAnswered: (n: number) => void): TextLm {
  const batched = async <T,>(prompts: readonly string[], call: (part: readonly string[], offset: number) => Promise<T[]>): Promise<T[]> => {
    const out: T[] = [];
    for (let i = 0; i < prompts.length; i += BATCH) {
      // a macrotask turn: ORT on WASM can resolve run after run in microtasks alone, and a worker handles the
      // cancel message (and progress acks) only between macrotasks
      await new Promise((resolve) => setTimeout(resolve, 0));
      if (signal.aborted) throw new RunCancelled();
      out.push(...await call(prompts.slice(i, i + BATCH), i));
      onAnswered(Math.min(BATCH, prompts.length - i));
    }
    return out;
  };
  return {
    id: lm.id,
    contextTokens: lm.contextTokens,
    promptTokens: (p) => lm.promptTokens(p),
    // a sampled row's seed is seed + its index (generate.ts): the offset keeps it when the prompts are split
    complete: (prompts, o) => batched(prompts, (part, i) => lm.complete(part, { ...o, ...(o.seed !== undefined ? { seed: o.seed + i } : {}) })),
    nextWordProbs: (prompts, words) => batched(prompts, (part) => lm.nextWordProbs(part, words)),
  };
}

export type CausalLmLoader = (ref: string, o?: { signal?: AbortSignal }) => Promise<CausalLM>;

/** The gates of a request, in the order recovery reads them: lexical, format, dedup, grounding model, reward. */
export function buildGates(req: CurationRunRequest, retrieve: (q: string, k: number) => Chunk[], judge?: TextLm, rewardJudge?: CausalLM): Gate[] {
  const g = req.gates;
  const gates: Gate[] = [];
  if (g.lexical) gates.push(lexicalClaimGate({ grounding: g.lexical.grounding, retrieve }));
  if (g.format) gates.push(formatGate());
  if (g.dedup) gates.push(dedupGate({ threshold: g.dedup.threshold }));
  if (g.grounding && judge) gates.push(groundingGate({ lm: judge, mode: g.grounding.mode, retrieve, verdict: g.grounding.verdict }));
  if (g.reward) gates.push(curationRewardGate(defaultRewardRegistry(), { threshold: g.reward.threshold, ...(rewardJudge ? { judge: rewardJudge } : {}) }));
  return gates;
}

export function createCurationEngine(deps: { loadModel: CausalLmLoader }): CurationApi {
  let running: AbortController | null = null;
  const models = new Map<string, Promise<CausalLM>>();
  const causalLm = (id: string, signal: AbortSignal): Promise<CausalLM> => {
    let m = models.get(id);
    if (!m) {
      m = deps.loadModel(id, { signal });
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
      const modelGens = req.generators.filter((g) => g.model !== EXTRACTIVE_GENERATOR);
      const used: CurationRunOutput['models'] = [
        ...modelGens.map((g) => ({ id: g.model, role: 'generator' as const })),
        ...(req.gates.grounding ? [{ id: req.gates.grounding.model, role: 'grounding' as const }] : []),
        ...(req.gates.reward?.judge ? [{ id: req.gates.reward.judge, role: 'reward-judge' as const }] : []),
      ];
      const retrieve = bm25Retriever(req.chunks);
      // generation progress inside the first step, which the pipeline reports only once each generator is done
      let generating = true;
      let answered = 0;
      const total = req.chunks.length * modelGens.length;
      const onAnswered = (n: number) => {
        answered += n;
        if (generating) onProgress?.({ phase: 'generate', done: Math.min(answered, total), total });
      };
      const cancelled = (gateNames: string[]): CurationRunOutput => {
        const result: PipelineResult = { traces: [], labels: [], calls: 0, cancelled: true, gateNames };
        return { result, metrics: runMetrics(result), models: used };
      };
      try {
        const raw: CausalLM[] = [];
        for (const [i, m] of used.entries()) {
          onProgress?.({ phase: 'load', model: m.id, done: i, total: used.length });
          raw.push(await causalLm(m.id, ctl.signal));
        }
        const loaded = raw.map((lm) => cancellable(causalTextLm(lm), ctl.signal, onAnswered));
        const role = (r: CurationRunOutput['models'][number]['role']) => used.findIndex((m) => m.role === r);
        onProgress?.({ phase: 'load', model: '', done: used.length, total: used.length });
        const generators: Generator[] = modelGens.map((g, i) => ({ lm: loaded[i], maxNewTokens: g.maxNewTokens, topK: g.topK, temperature: g.temperature }));
        const gates = buildGates(req, retrieve, loaded[role('grounding')], raw[role('reward-judge')]);
        try {
          const result = await runPipeline(req.chunks, {
            generators, gates, recovery: req.recovery.strategy, attemptsPerSample: req.recovery.attempts, retrieve, seed: req.seed,
            ...(req.recovery.maxCalls ? { maxCalls: req.recovery.maxCalls } : {}),
            ...(req.injection.rate > 0 && req.injection.modes.length
              ? { injectionRate: req.injection.rate, injector: (s, ch, o) => injectFailures(s, ch, { ...o, modes: req.injection.modes }) }
              : {}),
          }, {
            signal: ctl.signal,
            onProgress: (p) => {
              if (p.phase !== 'generate') generating = false;
              onProgress?.(p);
            },
            ...(modelGens.length < req.generators.length ? { extra: extractiveSamples(req.chunks) } : {}),
          });
          return { result, metrics: runMetrics(result), models: used };
        } catch (e) {
          if (e instanceof RunCancelled) return cancelled(gates.map((g) => g.name));
          throw e;
        }
      } catch (e) {
        // a cancel during a model load ends the run as cancelled, not as a load error
        if (ctl.signal.aborted) return cancelled([]);
        throw e;
      } finally {
        running = null;
      }
    },
    async curationCancel() {
      running?.abort();
    },
  };
}
