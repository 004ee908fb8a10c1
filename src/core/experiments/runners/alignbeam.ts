// Alignbeam runner: executes alignbeamPlan(spec) (alignbeamPlan.ts, the plan the panel sends the worker) on the
// alignbeam engine (src/core/alignbeam/engine.ts), in-thread. Every file of every model of the pair — config,
// tokenizer, tokenizer config, ONNX graph and the optional generation config / chat template — is read through
// ctx.loadInput as `<model>/<file>` (hashed into the record: the bytes hashed are the bytes run), and every session
// is created on the backend factory's ORT build (ctx.backend.ort()), so the record's backend is what really ran.
// The held-out suites a sweep reads come through ctx.loadInput too (models/forge/heldout/<suite>.jsonl), and a CSV
// suite is read by name and checked against the sha256 the spec pins. Refused (unsupported-in-runner): a hub id
// ('org/name') or a folder URL in the pair — those are fetched by the page's loader, which the runner does not have.
// Results are canonical (texts, the chosen candidate, each candidate's judge P(unsafe) and refusal flag, metrics);
// wall times and tokens/s go to `measurements`; moduleDigest is the panel's link digest of the same result.
import { createAlignbeamEngine, type AlignbeamEngineDeps } from '../../alignbeam/engine';
import { CAUSAL_LM_FILES } from '../../alignbeam/loadModel';
import type { AlignbeamApi, BuiltinSuite, GenerationResult, PlaygroundResult } from '../../alignbeam/types';
import { createCausalLM } from '../../lm/causalLm';
import { OPTIONAL_FILES, parseCausalLmFiles } from '../../lm/causalLmSources';
import { isRefusal } from '../../lm/refusal';
import { sha256HexSync } from '../../numeric/sha256';
import { CancelledError } from '../../runtime/errors';
import { ExperimentError } from '../errors';
import type { Runner, RunContext, RunOutput } from '../runner';
import { bridgeDigest, playgroundDigest, sweepDigest } from './alignbeamDigest';
import { alignbeamPlan, type AlignbeamRunSpec } from './alignbeamPlan';

export type { AlignbeamRunSpec } from './alignbeamPlan';

/** An embedded model id (a folder under models/): a plain name. Hub ids have a slash, folder URLs a scheme or a leading slash. */
const EMBEDDED_ID = /^[\w][\w.-]*$/;

/** Where a held-out suite is read from (the ids the record lists; nodeInputs.ts resolves them in the repository). */
export const suiteInputId = (name: BuiltinSuite): string => `models/forge/heldout/${name}.jsonl`;

/** Measured figures of the engine's results: kept in the record's measurements, outside the digest. */
const TIMING_KEYS = new Set(['timings', 'tokensPerSecond', 'overhead', 'msPerItem', 'durationMs', 'startedAt', 'buildMs']);

function splitTimings(value: unknown, path: string, timings: Record<string, unknown>): unknown {
  if (Array.isArray(value)) return value.map((v, i) => splitTimings(v, `${path}[${i}]`, timings));
  if (typeof value === 'object' && value !== null) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      const at = path ? `${path}.${k}` : k;
      if (TIMING_KEYS.has(k)) timings[at] = v;
      else out[k] = splitTimings(v, at, timings);
    }
    return out;
  }
  return value;
}

/** One method's answer in canonical form: the chosen text and candidate, every candidate's judge P(unsafe) and refusal flag. */
function generation(g: GenerationResult) {
  return {
    text: g.text, refused: isRefusal(g.text), chosen: g.chosen,
    candidates: g.candidates.map((c) => ({ ...c, refused: isRefusal(c.text) })),
    tokens: g.tokens,
  };
}

function playgroundResults(r: PlaygroundResult) {
  return { targetOnly: generation(r.targetOnly), alignbeam: generation(r.alignbeam) };
}

function refuseUnfetchable(pair: Record<string, string | undefined>): void {
  for (const [role, ref] of Object.entries(pair)) {
    if (ref === undefined || EMBEDDED_ID.test(ref)) continue;
    const what = /^[\w.-]+\/[\w.-]+$/.test(ref) ? 'a hub model' : 'a folder URL';
    throw new ExperimentError('unsupported-in-runner', `models.${role}: "${ref}" is ${what}, which the alignbeam page loads itself; the experiment runner runs embedded models only (target, anchor, anchor-same, judge)`);
  }
}

/** Loads an embedded causal LM file by file through ctx.loadInput (so each is hashed) onto the factory's backend. */
async function loadEmbedded(ref: string, ctx: RunContext) {
  const files = new Map<string, Uint8Array>();
  for (const f of CAUSAL_LM_FILES) files.set(f, await ctx.loadInput({ role: 'model', id: `${ref}/${f}` }));
  for (const f of OPTIONAL_FILES) {
    // absent optional files are absent for the page's loader too (404 = absent); they are then not inputs
    try {
      files.set(f, await ctx.loadInput({ role: 'model', id: `${ref}/${f}` }));
    } catch {
      // not there
    }
  }
  return createCausalLM(ref, parseCausalLmFiles((f) => files.get(f), ref), await ctx.backend.ort());
}

async function runAlignbeam(createEngine: (deps: AlignbeamEngineDeps) => AlignbeamApi, spec: AlignbeamRunSpec, ctx: RunContext): Promise<RunOutput> {
  const plan = alignbeamPlan(spec);
  refuseUnfetchable({ target: plan.pair.target, anchor: plan.pair.anchor, judge: plan.pair.judge, anchorSame: plan.pair.anchorSame });
  const decoder = new TextDecoder();
  const engine = createEngine({
    loadModel: (ref) => loadEmbedded(ref, ctx),
    builtinSuite: async (name) => decoder.decode(await ctx.loadInput({ role: 'data', id: suiteInputId(name) })),
  });
  const abort = () => void engine.alignbeamCancel();
  ctx.signal.addEventListener('abort', abort);
  try {
    const pair = await engine.alignbeamLoadPair(plan.pair, (p) => { if (p.kind === 'load') ctx.onProgress({ done: Math.round(p.fraction * 100), total: 100, label: `loading ${p.stage}` }); });
    const { run } = plan;
    const timings: Record<string, unknown> = {};
    if (run.tab === 'playground') {
      const r = await engine.alignbeamPlayground(run.prompt, run.settings, (p) => { if (p.kind === 'playground') ctx.onProgress({ done: p.done, total: p.total, label: p.label }); });
      timings['targetOnly.timings'] = r.targetOnly.timings;
      timings['alignbeam.timings'] = r.alignbeam.timings;
      return { results: { tab: run.tab, pair, prompt: run.prompt, ...playgroundResults(r) }, measurements: timings, moduleDigest: await playgroundDigest(r) };
    }
    if (run.tab === 'bridge') {
      const r = await engine.alignbeamBridgeReport(run.kind, run.prompts ?? undefined);
      return { results: { tab: run.tab, pair, report: splitTimings(r, 'report', timings) }, measurements: timings, moduleDigest: await bridgeDigest(r) };
    }
    const suites: string[] = [...run.suites];
    if (run.csv) {
      const bytes = await ctx.loadInput({ role: 'data', id: run.csv.name, sha256: run.csv.sha256 });
      const actual = sha256HexSync(bytes);
      // the spec names the suite by its hash: another file under the same name is another experiment
      if (actual !== run.csv.sha256) throw new ExperimentError('input-unavailable', `CSV suite "${run.csv.name}" has sha256 ${actual.slice(0, 12)}…, the experiment needs ${run.csv.sha256.slice(0, 12)}…`);
      const added = await engine.alignbeamAddCsvSuite({ name: run.csv.name, csv: decoder.decode(bytes) });
      suites.push(added.name);
    }
    if (suites.length === 0) throw new ExperimentError('invalid-spec', 'suites: a sweep needs at least one held-out suite or a CSV suite');
    const baselines = await engine.alignbeamEvaluate({ methods: run.methods, suites, limit: run.limit, settings: run.settings },
      (p) => { if (p.kind === 'eval') ctx.onProgress({ done: p.done, total: p.total, label: `baselines: ${p.method}` }); });
    const sweep = await engine.alignbeamSweep(run.grid, run.settings, suites, run.limit,
      (p) => { if (p.kind === 'sweep') ctx.onProgress({ done: p.done, total: p.total, label: `grid: ${p.done}/${p.total} settings` }); });
    // a partial grid is not the experiment: no record is written for it
    if (sweep.cancelled) throw new CancelledError('The alignbeam sweep');
    return {
      results: { tab: run.tab, pair, baselines: splitTimings(baselines, 'baselines', timings), sweep: splitTimings(sweep, 'sweep', timings) },
      measurements: timings, moduleDigest: await sweepDigest(sweep, baselines),
    };
  } finally {
    ctx.signal.removeEventListener('abort', abort);
  }
}

/** The alignbeam runner over `createEngine` (default the real engine; a test wraps it to record the calls it gets). */
export function makeAlignbeamRunner(createEngine: (deps: AlignbeamEngineDeps) => AlignbeamApi = createAlignbeamEngine): Runner<AlignbeamRunSpec> {
  return { module: 'alignbeam', run: (spec, ctx) => runAlignbeam(createEngine, spec, ctx) };
}

export const alignbeamRunner: Runner<AlignbeamRunSpec> = makeAlignbeamRunner();
