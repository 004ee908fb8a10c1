// The few scalars a finished run leaves in the history list (the full report is recomputed from the spec), and its assurance evidence.
import type { DistillReport, ProtocolReport, StudyReport, TeacherReport } from '../../core/tabular/api';
import type { Reports, View } from './useTabularEngine';
import type { EvidenceDraft } from '../../core/assurance/types';
import { emitTabularDistill, emitTabularTeachers, type TabularDataset } from '../../core/assurance/emit/tabular';

const r4 = (v: number) => (Number.isFinite(v) ? Number(v.toFixed(4)) : 'n/a');

export function summaryOf(view: View, report: NonNullable<Reports[View]>): Record<string, string | number> {
  if (view === 'teacher') {
    const t = report as TeacherReport;
    const best = [...t.scores].sort((a, b) => b.aucMean - a.aucMean)[0];
    return { view, dataset: t.dataset, folds: t.folds, 'best teacher': best.teacher, 'best AUC': r4(best.aucMean) };
  }
  if (view === 'study') {
    const s = (report as StudyReport).result;
    const best = [...s.summary].sort((a, b) => b.aucMean - a.aucMean)[0];
    return { view, dataset: s.datasets[0]?.id ?? '', runs: s.records.length, 'best cell': `${best.strategy}@${best.size} (${best.teacher})`, 'best AUC': r4(best.aucMean) };
  }
  if (view === 'protocol') {
    const a = (report as ProtocolReport).result.analyses;
    const best = [...a.distill].sort((x, y) => y.studentAuc - x.studentAuc)[0];
    return { view, dataset: best?.dataset ?? '', 'best student': best ? `student(${best.teacher})` : '', 'student AUC': best ? r4(best.studentAuc) : 'n/a',
      'baseline AUC': best ? r4(best.baselineAuc) : 'n/a', retention: best ? r4(best.retention) : 'n/a' };
  }
  const d = report as DistillReport;
  const best = [...d.students].sort((a, b) => b.retention - a.retention)[0];
  return { view, teacher: d.teacherId, 'teacher AUC': r4(d.teacher.report.auc), 'best student': best?.kind ?? '', retention: best ? r4(best.retention) : 'n/a' };
}

/** The run's assurance evidence (src/core/assurance/emit/tabular.ts): teachers and distillation; the study and the protocol emit none. */
export function tabularEvidence(view: View, report: NonNullable<Reports[View]>, dataset: TabularDataset): EvidenceDraft[] {
  if (view === 'teacher') return emitTabularTeachers(report as TeacherReport, dataset);
  if (view === 'distill') return emitTabularDistill(report as DistillReport, dataset);
  return [];
}
