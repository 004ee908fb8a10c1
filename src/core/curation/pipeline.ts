// The curation pipeline (issue #22 items 2–5): chunks → generation (with provenance) → injection of labelled
// failures → every gate on every attempt → recovery of rejected samples within budgets → a trace per sample.
// Configurable: generators (each chunk is given to each), injection rate, the gate list and order (order decides
// which rejection recovery diagnoses; all gates still judge every attempt, so recall, precision and overlap are
// measured per gate), the recovery strategy, budgets (recovery attempts per sample, a run-wide model-call cap) and
// the seed. Abstentions and parse failures do not reject by default (policy per run) and are always counted.
// Injection labels come back in their own list; no gate or recovery step reads them.
// Progress is reported per phase with a fixed total; an AbortSignal stops at the next step and the result says
// `cancelled` (what was done is kept).
import { CurationError } from './errors';
import { generateSamples, type GenerationOutcome, type Generator } from './generate';
import type { Retriever } from './gates/grounding';
import { diagnose, recover, type Diagnosis, type RecoveryAction, type RecoveryStrategy } from './recovery';
import type { Chunk, CuratedSample, Gate, GateContext, GateVerdict, InjectionLabel } from './types';

/** Injects labelled failures into a share of the samples (inject.ts); the labels are kept apart. */
export type Injector = (samples: readonly CuratedSample[], chunks: ReadonlyMap<string, Chunk>, o: { rate: number; seed: number }) =>
  { samples: CuratedSample[]; labels: InjectionLabel[] };

export interface PipelineConfig {
  generators: readonly Generator[];
  gates: readonly Gate[];
  recovery: RecoveryStrategy;
  /** Share of first-attempt samples given an injected failure (0 = none; needs `injector`). */
  injectionRate?: number;
  injector?: Injector;
  /** Recovery attempts per sample (default 2). */
  attemptsPerSample?: number;
  /** Run-wide model-call cap; once spent, no recovery starts (default unlimited). */
  maxCalls?: number;
  /** What abstain / parse-failure verdicts do (default 'pass': counted, the sample goes on). */
  abstain?: 'pass' | 'reject';
  parseFailure?: 'pass' | 'reject';
  /** Re-grounding of missing citations (adaptive recovery). */
  retrieve?: Retriever;
  /** Adaptive recovery adds its hint line to regeneration prompts (default true; recovery.ts). */
  hints?: boolean;
  seed: number;
}

export interface Attempt {
  attempt: number;
  action: RecoveryAction;
  note?: string;
  sample?: CuratedSample;
  /** A generation that produced no sample: why, and the raw reply. */
  generationFailure?: { reason: string; raw: string };
  verdicts: GateVerdict[];
  /** The first gate (in order) whose verdict rejects; absent when the attempt passed. */
  rejectedBy?: string;
  /** Model calls of this attempt: generation + recovery checks + every gate verdict. */
  calls: number;
}

export type SampleStatus = 'accepted' | 'rejected' | 'dropped' | 'generation-failed' | 'missing-chunk' | 'cancelled';

export interface SampleTrace {
  /** The first attempt's sample id (injection labels name it). */
  id: string;
  chunkId: string;
  generator: string;
  attempts: Attempt[];
  status: SampleStatus;
  /** The accepted sample. */
  final?: CuratedSample;
  calls: number;
}

export type PipelineProgress =
  | { phase: 'generate'; done: number; total: number }
  | { phase: 'gate'; done: number; total: number }
  | { phase: 'recover'; done: number; total: number };

export interface PipelineResult {
  traces: SampleTrace[];
  /** Ground truth of the injected samples (by first-attempt sample id). */
  labels: InjectionLabel[];
  calls: number;
  cancelled: boolean;
  gateNames: string[];
}

const rejects = (v: GateVerdict, c: PipelineConfig): boolean =>
  v.outcome === 'reject' || (v.outcome === 'abstain' && c.abstain === 'reject') || (v.outcome === 'parse-failure' && c.parseFailure === 'reject');

/** Seed of attempt `a` of trace `t` (distinct per sample and attempt, reproducible from the run seed). */
const attemptSeed = (seed: number, t: number, a: number): number => (seed * 1_000_003 + t * 101 + a * 7919) >>> 0;

async function judge(gates: readonly Gate[], samples: readonly CuratedSample[], chunks: ReadonlyMap<string, Chunk>, context: GateContext): Promise<GateVerdict[][]> {
  const per = samples.map(() => [] as GateVerdict[]);
  for (const g of gates) {
    const vs = samples.length ? await g.check(samples, chunks, context) : [];
    if (vs.length !== samples.length) throw new CurationError('bad-option', `gate ${g.name} returned ${vs.length} verdicts for ${samples.length} samples`);
    vs.forEach((v, i) => per[i].push(v));
  }
  return per;
}

function validate(c: PipelineConfig, imported: number): void {
  const bad = (m: string) => new CurationError('bad-option', m);
  if (c.generators.length === 0 && imported === 0) throw bad('pipeline: no generator and no imported samples');
  const rate = c.injectionRate ?? 0;
  if (!(rate >= 0 && rate <= 1)) throw bad(`pipeline: injectionRate ${rate} is not in [0, 1]`);
  if (rate > 0 && !c.injector) throw bad('pipeline: injectionRate > 0 needs an injector (inject.ts)');
  const a = c.attemptsPerSample ?? 2;
  if (!Number.isInteger(a) || a < 0) throw bad(`pipeline: attemptsPerSample ${a} must be a whole number ≥ 0`);
  const names = c.gates.map((g) => g.name);
  if (new Set(names).size !== names.length) throw bad(`pipeline: two gates share a name (${names.join(', ')})`);
}

/**
 * Runs the pipeline on `chunks`. `extra` are samples curated as given (an imported data set): they skip generation
 * and are open to injection like generated ones; one citing a chunk that is not in `chunks` is the counted status 'missing-chunk' unless adaptive
 * recovery re-grounds it.
 */
export async function runPipeline(chunks: readonly Chunk[], c: PipelineConfig, o: {
  extra?: readonly CuratedSample[]; onProgress?: (p: PipelineProgress) => void; signal?: AbortSignal;
} = {}): Promise<PipelineResult> {
  validate(c, o.extra?.length ?? 0);
  const chunkMap = new Map(chunks.map((ch) => [ch.id, ch]));
  const traces: SampleTrace[] = [];
  let calls = 0;
  let cancelled = false;
  const stop = () => (o.signal?.aborted ? (cancelled = true) : false);

  // 1. generation: one sample per chunk per generator
  const firsts: { trace: SampleTrace; outcome: GenerationOutcome; generator?: Generator; calls: number }[] = [];
  const total = chunks.length * c.generators.length;
  for (const g of c.generators) {
    if (stop()) break;
    const outs = await generateSamples(g, chunks.map((chunk, i) => ({ chunk, attempt: 0, seed: attemptSeed(c.seed, traces.length + i, 0) })));
    outs.forEach((out) => {
      const id = out.ok ? out.sample.id : out.sampleId;
      const trace: SampleTrace = { id, chunkId: out.ok ? out.sample.provenance.chunkId : out.chunkId, generator: g.lm.id, attempts: [], status: 'rejected', calls: 0 };
      traces.push(trace);
      firsts.push({ trace, outcome: out, generator: g, calls: out.ok ? 1 : out.calls });
    });
    o.onProgress?.({ phase: 'generate', done: traces.length, total });
  }
  for (const s of o.extra ?? []) {
    const trace: SampleTrace = { id: s.id, chunkId: s.provenance.chunkId, generator: s.generator, attempts: [], status: 'rejected', calls: 0 };
    traces.push(trace);
    firsts.push({ trace, outcome: { ok: true, sample: { ...s, calls: 0 }, raw: '', truncatedSource: false }, ...(c.generators[0] ? { generator: c.generators[0] } : {}), calls: 0 });
  }

  // 2. injection on the first attempts (generated and imported alike)
  let labels: InjectionLabel[] = [];
  const generated = firsts.filter((f) => f.outcome.ok);
  if ((c.injectionRate ?? 0) > 0 && c.injector && !stop()) {
    const inj = c.injector(generated.map((f) => (f.outcome as { sample: CuratedSample }).sample), chunkMap, { rate: c.injectionRate!, seed: c.seed });
    labels = inj.labels;
    const byId = new Map(inj.samples.map((s) => [s.id, s]));
    for (const f of generated) {
      const s = byId.get((f.outcome as { sample: CuratedSample }).sample.id);
      if (s) f.outcome = { ...(f.outcome as Extract<GenerationOutcome, { ok: true }>), sample: s };
    }
  }

  // 3. gate the first attempts (all in one batch per gate)
  const gateAttempt = async (items: { trace: SampleTrace; attempt: Attempt; sample?: CuratedSample }[]) => {
    const judged = items.filter((x) => x.sample && chunkMap.has(x.sample.provenance.chunkId));
    // what the run accepted before this batch (empty for the first pass), so recovered samples are deduplicated against it
    const accepted = traces.filter((t) => t.status === 'accepted' && t.final).map((t) => t.final!);
    const verdicts = await judge(c.gates, judged.map((x) => x.sample!), chunkMap, { accepted });
    judged.forEach((x, i) => {
      const judging = verdicts[i].reduce((a, v) => a + v.calls, 0);
      x.attempt.verdicts = verdicts[i];
      x.attempt.calls += judging;
      calls += judging; // generation and recovery calls were counted when spent
      x.attempt.rejectedBy = verdicts[i].find((v) => rejects(v, c))?.gate;
    });
    for (const x of items) {
      x.trace.attempts.push(x.attempt);
      x.trace.calls += x.attempt.calls;
      if (x.sample) x.sample = x.attempt.sample = { ...x.sample, calls: x.trace.calls };
      x.trace.status = !x.sample ? 'generation-failed' : !chunkMap.has(x.sample.provenance.chunkId) ? 'missing-chunk'
        : x.attempt.rejectedBy ? 'rejected' : 'accepted';
      if (x.trace.status === 'accepted') x.trace.final = x.sample;
    }
  };
  const asAttempt = (out: GenerationOutcome, action: RecoveryAction, attempt: number, extraCalls: number, note?: string): { attempt: Attempt; sample?: CuratedSample } => {
    const a: Attempt = { attempt, action, verdicts: [], calls: extraCalls, ...(note ? { note } : {}) };
    if (out.ok) return { attempt: { ...a, sample: out.sample }, sample: out.sample };
    return { attempt: { ...a, generationFailure: { reason: out.reason, raw: out.raw } } };
  };
  calls += firsts.reduce((a, f) => a + f.calls, 0);
  if (!stop()) {
    await gateAttempt(firsts.map((f) => ({ trace: f.trace, ...asAttempt(f.outcome, 'generate', 0, f.calls) })));
    o.onProgress?.({ phase: 'gate', done: traces.length, total: traces.length });
  }

  // 4. recovery, one round at a time over every sample still rejected
  const budget = c.attemptsPerSample ?? 2;
  const genOf = new Map(firsts.map((f) => [f.trace, f.generator]));
  if (c.recovery !== 'none') {
    for (let round = 1; round <= budget && !stop(); round++) {
      const open = traces.filter((t) => t.status !== 'accepted' && t.status !== 'dropped' && t.status !== 'cancelled' && t.attempts[t.attempts.length - 1]?.action !== 'drop');
      if (open.length === 0) break;
      const items: { trace: SampleTrace; attempt: Attempt; sample?: CuratedSample }[] = [];
      for (const [k, t] of open.entries()) {
        if (stop() || (c.maxCalls !== undefined && calls >= c.maxCalls)) break;
        const last = t.attempts[t.attempts.length - 1];
        const verdict = last.verdicts.find((v) => v.gate === last.rejectedBy);
        const diagnosis: Diagnosis = t.status === 'generation-failed' ? 'generation-failed' : t.status === 'missing-chunk' ? 'missing-chunk' : diagnose(verdict!);
        const generator = genOf.get(t);
        const step = await recover(c.recovery, { ...(generator ? { generator } : {}), chunks: chunkMap, hints: c.hints ?? true, ...(c.retrieve ? { retrieve: c.retrieve } : {}) }, {
          chunkId: last.sample?.provenance.chunkId ?? t.chunkId, attempt: round, seed: attemptSeed(c.seed, traces.indexOf(t), round), diagnosis,
          ...(last.sample ? { previous: last.sample } : {}), ...(last.rejectedBy ? { gate: c.gates.find((g) => g.name === last.rejectedBy)! } : {}),
        });
        calls += step.calls;
        if (step.action === 'drop') {
          const a: Attempt = { attempt: round, action: 'drop', note: step.note, verdicts: [], calls: step.calls };
          t.attempts.push(a);
          t.calls += a.calls;
          // a citation or generation failure recovery gave up on keeps its named status; a gate's rejection is dropped
          if (t.status === 'rejected') t.status = 'dropped';
        } else {
          items.push({ trace: t, ...asAttempt(step.outcome, step.action, round, step.calls, step.note) });
        }
        o.onProgress?.({ phase: 'recover', done: k + 1, total: open.length });
      }
      await gateAttempt(items);
    }
  }
  if (cancelled) for (const t of traces) if (t.attempts.length === 0) t.status = 'cancelled';
  return { traces, labels, calls, cancelled, gateNames: c.gates.map((g) => g.name) };
}
