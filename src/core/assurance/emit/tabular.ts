// Tabular runs → 'predictive-performance' drafts (black-box: scored from predictions on held-out rows).
//   teachers view (TeacherReport): each teacher's k-fold cross-validated AUC (mean and fold SD), balanced accuracy
//     and minority-class recall at argmax; the folds are not independent samples, so no interval is claimed;
//   distill view (DistillReport): the teacher and each distilled student on the held-out test split: AUC, accuracy
//     (k/n over the test rows: Wilson), ECE, log-loss, AUC retention; and, when the run scored a sensitive
//     attribute's groups (FairnessGaps), the per-group AUC/TPR and their gaps, which alone make it bear on
//     non-discrimination.
// The study view (context strategies × sizes) compares ways of prompting a teacher rather than a model to assure:
// it emits nothing. The dataset's sha256 is the file the panel hashed.
import type { DistillReport, TeacherReport } from '../../tabular/api';
import type { ClassificationReport, FairnessGaps } from '../../tabular/distill/evaluate';
import type { EvidenceDraft, EvidenceMetric, PropertyId } from '../types';
import { finiteMetrics, pointMetric, proportionMetric } from './intervals';

export interface TabularDataset { id: string; sha256?: string; target?: string }

const dataOf = (d: TabularDataset) => [{ id: d.id, ...(d.sha256 ? { sha256: d.sha256 } : {}) }];

export function emitTabularTeachers(report: TeacherReport, dataset: TabularDataset): EvidenceDraft[] {
  return report.scores.map((s) => ({
    evidenceClass: 'predictive-performance',
    access: 'black-box',
    module: 'tabular',
    model: { id: `tabular teacher ${s.teacher}` },
    data: dataOf(dataset),
    scope: { behaviour: `classification of ${dataset.target ?? 'the target'} on ${report.dataset} (${report.folds}-fold cross-validation)`, suite: report.dataset, sampleSize: report.rows, properties: ['accuracy-performance'] },
    metrics: finiteMetrics([
      pointMetric(`ROC-AUC, mean over ${report.folds} folds`, s.aucMean, { n: report.rows, higherIsBetter: true }),
      pointMetric('ROC-AUC fold SD', s.aucSd, { n: report.folds, higherIsBetter: false }),
      pointMetric('balanced accuracy at argmax', s.balancedAccuracyArgmax, { n: report.rows, higherIsBetter: true }),
      pointMetric(`recall of the minority class (${report.minorityClass}) at argmax`, s.minorityRecallArgmax, { n: report.rows, higherIsBetter: true }),
    ]),
    claim: `${s.label} reaches ROC-AUC ${s.aucMean.toFixed(3)} ± ${s.aucSd.toFixed(3)} (fold SD) on ${report.rows} rows of ${report.dataset}.`,
  }));
}

function fairnessMetrics(f: FairnessGaps | undefined): EvidenceMetric[] {
  if (!f) return [];
  return [
    pointMetric('ROC-AUC gap between groups (max − min)', f.aucGap, { higherIsBetter: false }),
    pointMetric('true-positive-rate gap between groups (max − min)', f.tprGap, { higherIsBetter: false }),
    ...Object.entries(f.aucByGroup).map(([g, v]) => pointMetric(`ROC-AUC in group ${g}`, v, { higherIsBetter: true })),
    ...Object.entries(f.tprByGroup).map(([g, v]) => pointMetric(`true-positive rate in group ${g}`, v, { higherIsBetter: true })),
  ];
}

function reportMetrics(r: ClassificationReport, n: number): EvidenceMetric[] {
  return [
    pointMetric('ROC-AUC on the test split', r.auc, { n, higherIsBetter: true }),
    proportionMetric('accuracy on the test split', r.accuracy, n, true),
    pointMetric('expected calibration error', r.ece, { n, higherIsBetter: false }),
    pointMetric('log-loss', r.logLoss, { n, higherIsBetter: false }),
  ];
}

export function emitTabularDistill(report: DistillReport, dataset: TabularDataset): EvidenceDraft[] {
  const n = report.testRows;
  const draft = (id: string, r: ClassificationReport, fairness: FairnessGaps | undefined, extra: (EvidenceMetric | null)[], claim: string): EvidenceDraft => {
    const props: PropertyId[] = fairness ? ['accuracy-performance', 'non-discrimination'] : ['accuracy-performance'];
    return {
      evidenceClass: 'predictive-performance', access: 'black-box', module: 'tabular', model: { id }, data: dataOf(dataset),
      scope: { behaviour: `classification of ${dataset.target ?? 'the target'} on held-out rows of ${dataset.id}${fairness ? ', per group of the sensitive attribute' : ''}`, suite: `${dataset.id} test split (${n} rows)`, sampleSize: n, properties: props },
      metrics: finiteMetrics([...reportMetrics(r, n), ...extra, ...fairnessMetrics(fairness)]),
      claim,
    };
  };
  return [
    draft(`tabular teacher ${report.teacherId}`, report.teacher.report, report.teacher.fairness, [],
      `Teacher ${report.teacherId}: ROC-AUC ${report.teacher.report.auc.toFixed(3)} on ${n} held-out rows.`),
    ...report.students.map((s) => draft(`${report.teacherId} → ${s.kind} student`, s.report, s.fairness, [
      pointMetric('ROC-AUC retention (student ÷ teacher)', s.retention, { n, higherIsBetter: true }),
      proportionMetric('agreement with the teacher', s.agreement, n, true),
    ], `The ${s.kind} student distilled from ${report.teacherId} keeps ${(100 * s.retention).toFixed(1)} % of its ROC-AUC on ${n} held-out rows.`)),
  ];
}
