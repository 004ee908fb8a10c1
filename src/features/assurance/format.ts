// Small display helpers shared by the assurance page's tables.
import type { EvidenceMetric } from '../../core/assurance/types';
import { EVIDENCE_CLASSES } from '../../core/assurance/types';

function num(x: number): string {
  if (!Number.isFinite(x)) return String(x);
  const a = Math.abs(x);
  return a !== 0 && (a < 1e-3 || a >= 1e5) ? x.toExponential(2) : String(Number(x.toPrecision(4)));
}

/** `accuracy 0.91 [0.87, 0.94] (wilson, n=200)`: the interval and how it was computed are part of the evidence. */
export function metricText(m: EvidenceMetric): string {
  const ci = m.ci ? ` [${num(m.ci[0])}, ${num(m.ci[1])}]` : ' (no CI)';
  const how = [m.ci && m.method !== 'none' ? m.method : undefined, m.n !== undefined ? `n=${m.n}` : undefined].filter(Boolean).join(', ');
  return `${m.name} ${num(m.value)}${ci}${how ? ` (${how})` : ''}`;
}

/** The class's label, or the raw id marked unknown (an imported record of a class this build does not know). */
export function classLabel(id: string): string {
  return id in EVIDENCE_CLASSES ? EVIDENCE_CLASSES[id as keyof typeof EVIDENCE_CLASSES].label : `${id} (unknown class)`;
}

export function shortHash(h: string | undefined): string {
  return h ? `${h.slice(0, 10)}…` : '—';
}
