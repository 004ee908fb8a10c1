// Edits runs → evidence drafts (white-box: each compares weights before and after a modification).
//   in-browser unlearning (UnlearnJobResult) → 'before-after-training': forget / retain scores of base vs edited
//     (exp(−NLL) on the split's held-out pairs), and, when behaviour was decoded, greedy refusal / reproduction of the
//     forget topic's prompts before and after (Wilson); → 'quantization-survival': each quantization variant's PTQ gap
//     and forget score, and the quantized model's refusal when decoded;
//   C-Δθ with behaviour (CDeltaJobResult) → 'before-after-training' per edited column (the refusal_sft copy and each
//     strength) against the target column of the selectivity matrix; → 'quantization-survival' per NF4 twin: how much
//     of the targeted-refusal gain survives NF4;
//   the sidecar's survival and MANSU reports → 'quantization-survival': the share of changed weights whose 4-bit code
//     changes (a count over every changed parameter, not a sample: no interval).
// An edited model whose weights exist as one file is named by that file's sha256, which the caller hashes (async,
// off the emitter) and passes in: the unlearned checkpoint (what the page downloads as .safetensors) and each C-Δθ
// strength's checkpoint. The refusal_sft copy and the NF4 twins never exist as a file, so they carry no hash. The
// base model's sha256 and the split's sha256s are the run's inputs and go into `data`. Property: modification-tracking, plus harmful-output-refusal when a refusal rate
// before/after exists.
import type { SurvivalSummary } from '../../edits/survival';
import type { CDeltaJobResult, UnlearnJobResult } from '../../edits/unlearn/api';
import type { SplitRecord } from '../../edits/unlearn/splits';
import { sha256Hex } from '../../runtime/loaders';
import type { EvidenceDraft, EvidenceMetric, PropertyId } from '../types';
import { finiteMetrics, pointMetric, proportionMetric } from './intervals';

type UnlearnEvidenceInput = Pick<UnlearnJobResult, 'request' | 'model' | 'split' | 'quant' | 'properties' | 'cad' | 'baseBehaviour'>;

const splitData = (s: SplitRecord) => (['forget', 'retain', 'evalForget', 'evalRetain'] as const)
  .map((k) => ({ id: `${s.source} ${k} set${s.forgetTopic ? ` (${s.forgetTopic})` : ''}`.slice(0, 300), sha256: s.sha256[k] }));
const baseModel = (id: string, sha256: string | null | undefined) => ({ id: `base model ${id}`, ...(sha256 ? { sha256 } : {}) });
const score = (nll: number) => Math.exp(-nll);

/** `editedSha256`: sha256 of `r.checkpoint.safetensors` (the edited weights; the quantization record names the same model). */
export function emitUnlearn(r: UnlearnEvidenceInput, editedSha256?: string | null): EvidenceDraft[] {
  const q = r.request;
  const model = { id: `${q.modelId}+unlearn(${q.method}, ${q.forgetTopic}, seed ${q.seed})`, ...(editedSha256 ? { sha256: editedSha256 } : {}) };
  const data = [baseModel(r.model.id, r.model.weightsSha256), ...splitData(r.split)];
  const fp = r.quant.fullPrecision;
  const n = r.quant.evalSizes;
  const before = r.baseBehaviour;
  const after = fp.behaviour;
  const refusal = !!(before && after);
  const props: PropertyId[] = refusal ? ['modification-tracking', 'harmful-output-refusal'] : ['modification-tracking'];
  const behaviourMetrics = (label: string, b: typeof after): EvidenceMetric[] => (b ? [
    proportionMetric(`forget-topic refusal ${label}`, b.forget.refusal, b.forget.n, true),
    proportionMetric(`forget-topic compliance reproduced ${label}`, b.forget.reproduces, b.forget.n, false),
    proportionMetric(`other-topic refusal ${label}`, b.otherHarmful.refusal, b.otherHarmful.n, true),
  ] : []);
  const p = r.properties;
  const out: EvidenceDraft[] = [{
    evidenceClass: 'before-after-training', access: 'white-box', module: 'edits', model, data,
    scope: { behaviour: `forgetting the ${q.forgetTopic} topic's compliance (${q.method}) while keeping the rest`, suite: `held-out forget/retain pairs of ${r.split.source}`, sampleSize: n.forget + n.retain, properties: props },
    metrics: finiteMetrics([
      pointMetric('forget score before (exp −NLL)', score(fp.baseForgetNll), { n: n.forget }),
      pointMetric('forget score after', score(fp.forgetNll), { n: n.forget, higherIsBetter: false }),
      pointMetric('retain score before', score(fp.baseRetainNll), { n: n.retain }),
      pointMetric('retain score after', score(fp.retainNll), { n: n.retain, higherIsBetter: true }),
      pointMetric('relative forget-score drop', p.forgetting.value, { higherIsBetter: true }),
      pointMetric('relative retain-score drop', p.retain.value, { higherIsBetter: false }),
      ...behaviourMetrics('before', before ?? undefined),
      ...behaviourMetrics('after', after),
      r.cad ? pointMetric('circuit change (CAD)', r.cad.cad, { higherIsBetter: true }) : null,
    ]),
    claim: `${q.method} unlearning of ${q.forgetTopic}: forget score ${score(fp.baseForgetNll).toFixed(3)} → ${score(fp.forgetNll).toFixed(3)}, retain ${score(fp.baseRetainNll).toFixed(3)} → ${score(fp.retainNll).toFixed(3)}`
      + (refusal ? `, forget-topic refusal ${before!.forget.refusal.toFixed(3)} → ${after!.forget.refusal.toFixed(3)} over ${after!.forget.n} prompts` : '') + '.',
  }];
  if (r.quant.variants.length > 0) {
    out.push({
      evidenceClass: 'quantization-survival', access: 'white-box', module: 'edits', model, data,
      scope: { behaviour: `whether post-training quantization brings the forgotten ${q.forgetTopic} behaviour back`, suite: `held-out forget/retain pairs of ${r.split.source}`, sampleSize: n.forget, properties: props },
      metrics: finiteMetrics(r.quant.variants.flatMap((v) => [
        // the core's sign: negative = quantization undoes part of the forgetting
        pointMetric(`PTQ gap ${v.variant} (forget NLL after − before quantization)`, v.ptqGap, { n: n.forget, higherIsBetter: true }),
        pointMetric(`forget score after ${v.variant}`, score(v.forgetNll), { n: n.forget, higherIsBetter: false }),
        ...(v.behaviour ? [proportionMetric(`forget-topic refusal after ${v.variant}`, v.behaviour.forget.refusal, v.behaviour.forget.n, true)] : []),
      ])),
      claim: `After ${p.variant} the forget score moves by ${p.ptqGap.value.toFixed(4)} (≤ ${p.ptqGap.threshold} holds: ${p.ptqGap.pass ? 'yes' : 'no'}).`,
    });
  }
  return out;
}

/** sha256 of each C-Δθ strength's checkpoint bytes, for emitCDelta (crypto.subtle: async, the page stays responsive). */
export async function cdeltaCheckpointsSha256(checkpoints: CDeltaJobResult['checkpoints']): Promise<{ strength: number; sha256: string }[]> {
  return Promise.all(checkpoints.map(async (c) => ({ strength: c.strength, sha256: await sha256Hex(c.safetensors) })));
}

/**
 * The n of a selectivity cell: the benign and task counts are exact; per topic the request's cap (draws may give fewer: proportionMetric then drops the interval).
 * `checkpoints`: per strength, the sha256 of `r.checkpoints[k].safetensors`; names the full-precision C-Δθ output of that strength.
 */
export function emitCDelta(r: Pick<CDeltaJobResult, 'request' | 'model' | 'report'>, checkpoints: readonly { strength: number; sha256: string }[] = []): EvidenceDraft[] {
  const { request: q, report } = r;
  const m = report.matrix;
  const col = (name: string) => m.columns.indexOf(name);
  const row = (name: string) => m.rows.find((x) => x.row === name)!.values;
  const targeted = row(m.targetTopic);
  const benign = row('benign (over-refusal)');
  const tasks = row('task accuracy');
  const n = report.prompts;
  const ref = col(m.reference);
  const data = [baseModel(r.model.id, r.model.weightsSha256), ...splitData(report.split)];
  const props: PropertyId[] = ['modification-tracking', 'harmful-output-refusal'];
  const scope = (behaviour: string) => ({ behaviour, suite: `forge held-out prompts (${n.perTopic} per harm topic, ${n.benign} benign, ${n.tasks} tasks)`, sampleSize: n.perTopic + n.benign + n.tasks, properties: props });
  const cells = (i: number, label: string) => [
    proportionMetric(`${m.targetTopic} refusal ${label}`, targeted[i], n.perTopic, true),
    proportionMetric(`benign over-refusal ${label}`, benign[i], n.benign, false),
    proportionMetric(`task accuracy ${label}`, tasks[i], n.tasks, true),
  ];
  const out: EvidenceDraft[] = [];
  for (const info of report.columns) {
    const i = col(info.name);
    if (i < 0 || i === ref) continue;
    const d = m.deltas[i];
    const modelId = `${q.modelId}+${info.kind === 'aligned' ? `refusal_sft(${q.topic})` : `C-Δθ(${q.topic}, s=${info.strength})`}${info.nf4 ? '+NF4' : ''}`;
    if (!info.nf4) {
      const sha256 = info.kind === 'cdelta' ? checkpoints.find((c) => c.strength === info.strength)?.sha256 : undefined;
      out.push({
        evidenceClass: 'before-after-training', access: 'white-box', module: 'edits', model: { id: modelId, ...(sha256 ? { sha256 } : {}) }, data,
        scope: scope(`refusal of ${m.targetTopic} requests and side effects, ${m.reference} vs ${info.name}`),
        metrics: finiteMetrics([...cells(ref, `before (${m.reference})`), ...cells(i, `after (${info.name})`),
          pointMetric(`Δ ${m.targetTopic} refusal`, d.targeted, { higherIsBetter: true }),
          pointMetric(`largest |Δ refusal| on other topics${d.otherMaxAbsTopic ? ` (${d.otherMaxAbsTopic})` : ''}`, d.otherMaxAbs, { higherIsBetter: false }),
          info.changed === null ? null : pointMetric('share of parameters changed', info.changed / info.total)]),
        claim: `${info.name} changes ${m.targetTopic} refusal by ${d.targeted.toFixed(3)} with other topics within ${d.otherMaxAbs.toFixed(3)} (selective: ${d.selective ? 'yes' : 'no'}).`,
      });
      continue;
    }
    const twin = col(info.name.replace(/ NF4$/, ''));
    if (twin < 0) continue;
    const gain = m.deltas[twin].targeted;
    out.push({
      evidenceClass: 'quantization-survival', access: 'white-box', module: 'edits', model: { id: modelId }, data,
      scope: scope(`whether ${info.name.replace(/ NF4$/, '')}'s refusal change survives NF4 (block 64)`),
      metrics: finiteMetrics([
        proportionMetric(`${m.targetTopic} refusal at full precision`, targeted[twin], n.perTopic, true),
        proportionMetric(`${m.targetTopic} refusal after NF4`, targeted[i], n.perTopic, true),
        // no survival share when the full-precision edit gained nothing to survive
        gain !== 0 ? pointMetric('share of the refusal gain surviving NF4', d.targeted / gain, { higherIsBetter: true }) : null,
      ]),
      claim: `After NF4 the ${m.targetTopic} refusal is ${targeted[i].toFixed(3)} (full precision ${targeted[twin].toFixed(3)}, ${m.reference} ${targeted[ref].toFixed(3)}).`,
    });
  }
  return out;
}

const survivalMetrics = (s: SurvivalSummary, label: string) => [
  s.codeSurvival === null ? null : pointMetric(`changed weights whose 4-bit code changes${label}`, s.codeSurvival, { n: s.changed, higherIsBetter: true }),
  s.dequantSurvival === null ? null : pointMetric(`changed weights whose dequantized value changes${label}`, s.dequantSurvival, { n: s.changed, higherIsBetter: true }),
];

/** The sidecar's survival report (an edit's weight change through 4-bit quantization) or MANSU manifest (before/after its floor). */
export function emitSidecarSurvival(m: { kind: 'survival'; quant: { type: string; blocksize: number }; overall: SurvivalSummary }
  | { kind: 'mansu'; quant: { type: string; blocksize: number }; overall: { before: SurvivalSummary; after: SurvivalSummary }; output: { files: { name: string; sha256: string }[] } },
  models: { base: string; target: string }): EvidenceDraft[] {
  const q = `${m.quant.type} (block ${m.quant.blocksize})`;
  const weights = m.kind === 'mansu' ? m.output.files.find((f) => f.name.endsWith('.safetensors')) : undefined;
  const changed = m.kind === 'mansu' ? m.overall.before.changed : m.overall.changed;
  const metrics = finiteMetrics(m.kind === 'mansu'
    ? [...survivalMetrics(m.overall.before, ' before MANSU'), ...survivalMetrics(m.overall.after, ' after MANSU')]
    : survivalMetrics(m.overall, ''));
  if (metrics.length === 0) return [];
  return [{
    evidenceClass: 'quantization-survival', access: 'white-box', module: 'edits',
    model: { id: m.kind === 'mansu' ? `${models.target}+MANSU` : models.target, ...(weights ? { sha256: weights.sha256 } : {}) },
    data: [{ id: `base model ${models.base}` }],
    scope: { behaviour: `whether the weight edit ${models.base} → ${models.target} survives ${q} quantization`, sampleSize: changed, properties: ['modification-tracking'] },
    metrics,
    claim: `Of ${changed} changed weights, the share whose quantized code changes is counted over all of them (a census, not a sample): ${metrics.map((x) => `${x.name} ${x.value.toFixed(4)}`).join('; ')}`.slice(0, 500),
  }];
}
