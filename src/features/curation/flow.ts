// The flow of a run's samples through the pipeline, counted from the traces themselves (not from metrics.ts, so
// the page's flow view and its metrics table are two readings that must agree): started → each gate's verdicts on
// the first attempts (pass / reject / abstain / parse failure) → first-pass accepted or failed → recovered →
// final status. One row per stage; each row's segments add up to the samples that reached it.
import type { PipelineResult, SampleStatus, SampleTrace } from '../../core/curation/pipeline';

export const SEGMENTS = ['pass', 'reject', 'abstain', 'parse-failure'] as const;
export type Segment = (typeof SEGMENTS)[number];

export interface FlowRow {
  /** stable key for test ids: 'started', 'gate:<name>', 'first-pass', 'recovery', 'final' */
  key: string;
  stage: string;
  pass: number;
  reject: number;
  abstain: number;
  'parse-failure': number;
  /** what pass / reject mean on this row (legend of the tooltip) */
  labels: Record<Segment, string>;
}

export interface Flow {
  rows: FlowRow[];
  statuses: Record<SampleStatus, number>;
}

const GATE_LABELS: Record<Segment, string> = { pass: 'pass', reject: 'reject', abstain: 'abstain', 'parse-failure': 'parse failure' };

const firstPassed = (t: SampleTrace) => {
  const a = t.attempts[0];
  return Boolean(a?.sample) && (a?.verdicts.length ?? 0) > 0 && !a?.rejectedBy;
};

export function runFlow(run: Pick<PipelineResult, 'traces' | 'gateNames'>): Flow {
  const started = run.traces.filter((t) => t.status !== 'cancelled');
  const row = (key: string, stage: string, counts: Partial<Record<Segment, number>>, labels: Partial<Record<Segment, string>> = {}): FlowRow => ({
    key, stage, pass: 0, reject: 0, abstain: 0, 'parse-failure': 0, ...counts, labels: { ...GATE_LABELS, ...labels },
  });
  const withSample = started.filter((t) => t.attempts[0]?.sample);
  const rows: FlowRow[] = [
    row('started', 'samples', { pass: withSample.length, reject: started.length - withSample.length }, { pass: 'generated', reject: 'no sample (unparsed reply)' }),
  ];
  for (const gate of run.gateNames) {
    const counts: Record<Segment, number> = { pass: 0, reject: 0, abstain: 0, 'parse-failure': 0 };
    for (const t of started) for (const v of t.attempts[0]?.verdicts ?? []) if (v.gate === gate) counts[v.outcome]++;
    rows.push(row(`gate:${gate}`, gate, counts));
  }
  const passed = started.filter(firstPassed);
  const failed = started.filter((t) => !firstPassed(t));
  const recovered = failed.filter((t) => t.status === 'accepted');
  rows.push(row('first-pass', 'first pass', { pass: passed.length, reject: failed.length }, { pass: 'accepted', reject: 'failed' }));
  rows.push(row('recovery', 'recovery', { pass: recovered.length, reject: failed.length - recovered.length }, { pass: 'recovered', reject: 'not recovered' }));
  const statuses: Record<SampleStatus, number> = { accepted: 0, rejected: 0, dropped: 0, 'generation-failed': 0, 'missing-chunk': 0, cancelled: 0 };
  for (const t of run.traces) statuses[t.status]++;
  rows.push(row('final', 'final', { pass: statuses.accepted, reject: started.length - statuses.accepted }, { pass: 'accepted', reject: 'not kept' }));
  return { rows, statuses };
}
