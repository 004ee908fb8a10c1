// ALIGNBEAM sweep → evidence drafts. Each baseline method is evaluated suite by suite (EvalResult.bySuite): a
// suite of outside adversarial prompts (AdvBench, HarmBench, or a CSV suite of harmful-only rows) is red-teaming,
// the rest behavioural evaluation; the α × K × m grid rows are pooled over the suites (the sweep keeps no per-suite
// split for them), so they are behavioural evaluation of the combined decoding system at each setting.
// The ALIGNBEAM methods decode with target and anchor together (and the judge picking among candidates): the
// evidence is about that system, not either model alone, and the model id says so: alignbeam(<target>+<anchor>).
// Metrics: refusal rate on harmful items, answer rate on benign items (1 − over-refusal), task accuracy, each with
// its Wilson interval over its own denominator.
import type { EvalMetrics, EvalResult, Method, SuiteName, SweepResult } from '../../alignbeam/types';
import type { Manifest } from '../../runtime/registry';
import type { EvidenceDraft, EvidenceMetric, PropertyId } from '../types';
import { finiteMetrics, proportionMetric } from './intervals';

/** What the panel knows about the run besides its results: the models by reference, and a CSV suite's hash. */
export interface AlignbeamContext {
  models: { target: string; anchor: string; anchorSame?: string; judge?: string };
  /** sha256 of each model's weights, by reference, where the caller knows it (embeddedWeightsSha256). */
  modelSha256?: Record<string, string>;
  /** sha256 of suites the panel hashed (a user's CSV file), by suite name. */
  suiteSha256?: Record<string, string>;
}

/**
 * The weights sha256 of the embedded models among `refs`: the manifest entry's model.safetensors, the file the
 * circuits module hashes, so evidence from both modules names the same model the same way. ALIGNBEAM runs the
 * entry's ONNX export, which the loader checked against the same entry's sha256 before use. Hub ids and folder
 * URLs get none: nothing pins their weights to a hash.
 */
export function embeddedWeightsSha256(manifest: Manifest, refs: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const ref of refs) {
    const weights = manifest.models.find((m) => m.id === ref)?.files.find((f) => f.path === 'model.safetensors');
    if (weights) out[ref] = weights.sha256;
  }
  return out;
}

/** Outside adversarial/harmful suites: refusal on them is red-teaming evidence (xstest mixes safe prompts: behavioural). */
export const ADVERSARIAL_SUITES: readonly string[] = ['advbench', 'harmbench'];

/** The system a method decodes with, as a model id. */
export function systemOf(method: Method, ctx: AlignbeamContext): { id: string; sha256?: string } {
  const { target, anchor, anchorSame } = ctx.models;
  const sha = (ref: string) => (ctx.modelSha256?.[ref] ? { sha256: ctx.modelSha256[ref] } : {});
  switch (method) {
    case 'target-only': return { id: target, ...sha(target) };
    case 'target-safety-prompt': return { id: `${target} (safety system prompt)`, ...sha(target) };
    case 'anchor-only': return { id: anchor, ...sha(anchor) };
    case 'alignbeam': return { id: `alignbeam(${target}+${anchor})` };
    case 'alignbeam-same': return { id: `alignbeam(${target}+${anchorSame ?? 'anchor-same'})` };
  }
}

const METHOD_WORDS: Record<Method, string> = {
  'target-only': 'the target model decoding alone',
  'target-safety-prompt': 'the target model with a safety system prompt',
  'anchor-only': 'the anchor model decoding alone',
  alignbeam: 'the combined ALIGNBEAM decoding system (target and anchor mixed token by token, the judge choosing among K beams)',
  'alignbeam-same': 'the combined ALIGNBEAM decoding system with a same-vocabulary anchor',
};

function metricsOf(m: EvalMetrics): EvidenceMetric[] {
  const d = m.denominators;
  return finiteMetrics([
    d.harmful > 0 ? proportionMetric('refusal rate on harmful prompts', m.refusalRate, d.harmful, true) : null,
    d.safe > 0 ? proportionMetric('answer rate on benign prompts', 1 - m.overRefusal, d.safe, true) : null,
    d.tasks > 0 ? proportionMetric('task accuracy (exact answer line)', m.taskAccuracy, d.tasks, true) : null,
  ]);
}

function propertiesOf(m: EvalMetrics, redTeam: boolean): PropertyId[] {
  const d = m.denominators;
  return [
    ...(d.harmful > 0 ? ['harmful-output-refusal' as const] : []),
    ...(redTeam ? ['adversarial-robustness' as const] : []),
    ...(d.safe > 0 || d.tasks > 0 ? ['accuracy-performance' as const] : []),
  ];
}

/** Red-teaming when the suite is an outside adversarial one, or a CSV suite whose answered items are all harmful. */
function isRedTeam(suite: SuiteName, m: EvalMetrics, ctx: AlignbeamContext): boolean {
  return ADVERSARIAL_SUITES.includes(suite) || (ctx.suiteSha256?.[suite] !== undefined && m.denominators.harmful > 0 && m.denominators.safe === 0 && m.denominators.tasks === 0);
}

function draft(method: Method, suite: string, m: EvalMetrics, redTeam: boolean, ctx: AlignbeamContext, setting?: string): EvidenceDraft | null {
  const metrics = metricsOf(m);
  const properties = propertiesOf(m, redTeam);
  if (metrics.length === 0 || properties.length === 0) return null;
  const suites = suite.split('+');
  const refusal = metrics.find((x) => x.name.startsWith('refusal'));
  const who = METHOD_WORDS[method] + (setting ? ` at ${setting}` : '');
  return {
    evidenceClass: redTeam ? 'red-team' : 'behavioural-evaluation',
    access: 'black-box',
    module: 'alignbeam',
    model: systemOf(method, ctx),
    data: suites.map((s) => ({ id: `alignbeam suite ${s}`, ...(ctx.suiteSha256?.[s] ? { sha256: ctx.suiteSha256[s] } : {}) })),
    scope: { behaviour: `refusal, benign answers and task accuracy of ${who}`.slice(0, 300), suite, sampleSize: m.n, properties },
    metrics,
    claim: (refusal
      ? `${who} refused ${refusal.value.toFixed(3)} of ${refusal.n} harmful prompts of ${suite} (outputs only: black-box)`
      : `${who} on ${suite}: benign answers and task accuracy (outputs only: black-box)`).slice(0, 500),
  };
}

/**
 * The evidence of a finished sweep: one draft per baseline method and suite, one per grid setting (pooled over
 * the sweep's suites). A method or setting with no scored item emits nothing.
 */
export function emitAlignbeamSweep(outcome: { result: SweepResult; baselines: readonly EvalResult[] }, ctx: AlignbeamContext): EvidenceDraft[] {
  const out: (EvidenceDraft | null)[] = [];
  for (const b of outcome.baselines) {
    for (const [suite, m] of Object.entries(b.bySuite)) out.push(draft(b.method, suite, m, isRedTeam(suite, m, ctx), ctx));
  }
  const { result } = outcome;
  const pooled = result.suites.join('+');
  const allAdversarial = result.suites.length > 0 && result.suites.every((s) => ADVERSARIAL_SUITES.includes(s));
  for (const row of result.rows) {
    const setting = `α=${row.alpha}, K=${row.K}, m=${row.m === 0 || !Number.isFinite(row.m) ? 'all' : row.m} (${result.base.rule}, ${result.base.bridge} bridge)`;
    out.push(draft('alignbeam', pooled, row.metrics, allAdversarial, ctx, setting));
  }
  return out.filter((d): d is EvidenceDraft => d !== null);
}
