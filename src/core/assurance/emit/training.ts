// A training run (src/core/experiments/train/api.ts: the browser's TrainJobResult; the Node CLI's result has the
// same evals) → 'before-after-training': the first evaluation (the weights before the first step, or the checkpoint a
// resumed run continued from) against the last, over every evaluated suite together: refusal on harmful items,
// over-refusal on benign / edgy ones, task accuracy, each k/n with its Wilson interval. The trained model is named
// by its checkpoint's sha256; the base weights and the training rows are the run's inputs (`data`).
import type { EvalRate, EvalRecord, BehaviourMetrics } from '../../experiments/train/evalHooks';
import type { TrainJobResult } from '../../experiments/train/api';
import type { EvidenceDraft, EvidenceMetric, PropertyId } from '../types';
import { finiteMetrics, pointMetric, proportionMetric } from './intervals';

/** What the browser's TrainJobResult and the Node CLI's result both carry (the CLI: trainingNode.ts hashes the checkpoint file it wrote). */
export type TrainEvidenceInput = Pick<TrainJobResult, 'spec' | 'model' | 'step' | 'evals'> & {
  data: Pick<TrainJobResult['data'], 'name' | 'rows' | 'sha256'>;
  checkpoint: Pick<NonNullable<TrainJobResult['checkpoint']>, 'step' | 'weightsSha256'> | null;
  /** which weights `checkpoint` hashes when the run wrote none of its own, or why there is no hash (a `data` entry) */
  weightsNote?: string;
};

const rateMetric = (name: string, r: EvalRate | undefined, higherIsBetter: boolean): EvidenceMetric | null =>
  (r ? proportionMetric(name, r.rate, r.n, higherIsBetter) : null);

const METRICS: { key: keyof BehaviourMetrics; name: string; higherIsBetter: boolean }[] = [
  { key: 'refusalRate', name: 'refusal rate on harmful items', higherIsBetter: true },
  { key: 'overRefusal', name: 'over-refusal on benign items', higherIsBetter: false },
  { key: 'taskAccuracy', name: 'task accuracy', higherIsBetter: true },
];

export function emitTraining(r: TrainEvidenceInput): EvidenceDraft[] {
  if (r.evals.length < 2) return [];
  const first: EvalRecord = r.evals[0];
  const last: EvalRecord = r.evals[r.evals.length - 1];
  if (last.step === first.step) return [];
  const delta = (k: keyof BehaviourMetrics) => {
    const a = first.overall[k];
    const b = last.overall[k];
    return a && b ? b.rate - a.rate : NaN;
  };
  const metrics = finiteMetrics(METRICS.flatMap((m) => [
    rateMetric(`${m.name} at step ${first.step}`, first.overall[m.key], m.higherIsBetter),
    rateMetric(`${m.name} at step ${last.step}`, last.overall[m.key], m.higherIsBetter),
    pointMetric(`Δ ${m.name}`, delta(m.key), { higherIsBetter: m.higherIsBetter }),
  ]));
  if (metrics.length === 0) return [];
  const props: PropertyId[] = ['modification-tracking', ...(first.overall.refusalRate && last.overall.refusalRate ? ['harmful-output-refusal' as const] : []),
    ...(first.overall.taskAccuracy && last.overall.taskAccuracy ? ['accuracy-performance' as const] : [])];
  const s = r.spec;
  const how = `${s.method.toUpperCase()}${s.lora ? ` (LoRA r=${s.lora.r})` : ''}, ${last.step} steps`;
  const suites = first.suites.map((x) => x.suite);
  const sampleSize = last.suites.reduce((n, x) => n + x.n, 0);
  const refusal = (e: EvalRecord) => e.overall.refusalRate;
  return [{
    evidenceClass: 'before-after-training',
    access: 'white-box',
    module: 'experiments',
    model: { id: `${r.model.id}+${s.method}@${last.step}`, ...(r.checkpoint && r.checkpoint.step === last.step ? { sha256: r.checkpoint.weightsSha256 } : {}) },
    data: [
      { id: `base model ${r.model.id}`, ...(r.model.weightsSha256 ? { sha256: r.model.weightsSha256 } : {}) },
      { id: `training data ${r.data.name} (${r.data.rows} rows)`, sha256: r.data.sha256 },
      ...suites.map((id) => ({ id: `eval suite ${id}` })),
      ...(r.weightsNote ? [{ id: r.weightsNote.slice(0, 300) }] : []),
    ],
    scope: { behaviour: `refusal, over-refusal and task accuracy before and after ${how}`, suite: suites.join(' + ').slice(0, 300), sampleSize, properties: props },
    metrics,
    claim: (refusal(first) && refusal(last)
      ? `Training (${how}) moved refusal on harmful items from ${refusal(first)!.k}/${refusal(first)!.n} to ${refusal(last)!.k}/${refusal(last)!.n}.`
      : `Training (${how}): behaviour on ${suites.join(', ')} before and after.`).slice(0, 500),
  }];
}
