// The study's per-run records as CSV (one row per dataset × fold × strategy × size × teacher), so the numbers
// behind the charts can go into a notebook or a paper's own analysis.
import type { StudyResult } from '../../core/tabular/study/runner';

const COLUMNS = ['dataset', 'fold', 'strategy', 'size', 'teacher', 'auc', 'minorityRecall', 'minorityRecallYouden', 'youdenThreshold',
  'contextRows', 'syntheticRows', 'minorityInContext', 'latencyMs'] as const;

const cell = (v: unknown): string => {
  if (v === null || v === undefined) return '';
  const s = String(v);
  return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
};

export function recordsCsv(result: StudyResult): string {
  return [COLUMNS.join(','), ...result.records.map((r) => COLUMNS.map((c) => cell(r[c])).join(','))].join('\n') + '\n';
}
