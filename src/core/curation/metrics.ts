// Metrics of one pipeline run (issue #22 item 6), from its traces and the injection labels kept apart:
//   yield           accepted samples / samples started (one per chunk per generator, plus imported ones)
//   recovery rate   samples that failed their first attempt (rejected, unparsed, missing chunk) and ended accepted
//                   / samples that failed their first attempt
//   per gate        verdict counts on first attempts (abstain and parse-failure included); injection recall =
//                   injected samples the gate rejected / injected samples, precision = injected among its rejections
//                   (first attempts: recovery changes the sample, the label describes the first); recall per mode
//   overlap         Jaccard of the gates' first-attempt rejected sets, per pair (the paper's "largely disjoint")
//   cost            model calls: total, first pass, recovery, per accepted sample
// A ratio with an empty denominator is null (not 0: "no injected samples" is not "caught none").
import type { PipelineResult, SampleStatus, SampleTrace } from './pipeline';
import { FAILURE_MODES, type FailureMode, type GateVerdict, type InjectionLabel } from './types';

export interface GateMetrics {
  gate: string;
  counts: Record<GateVerdict['outcome'], number>;
  rejected: number;
  injectionRecall: number | null;
  injectionPrecision: number | null;
  recallByMode: Partial<Record<FailureMode, number | null>>;
}

export interface RunMetrics {
  samples: number;
  statuses: Record<SampleStatus, number>;
  yield: number | null;
  firstPassAccepted: number;
  failedFirst: number;
  recovered: number;
  recoveryRate: number | null;
  injected: number;
  gates: GateMetrics[];
  /** Any gate rejecting = the pipeline's own catch. */
  anyGate: { injectionRecall: number | null; injectionPrecision: number | null };
  overlap: { a: string; b: string; jaccard: number | null; both: number }[];
  cost: { calls: number; firstPass: number; recovery: number; perAccepted: number | null };
}

const ratio = (a: number, b: number): number | null => (b > 0 ? a / b : null);

/** Ids of the first attempts a gate rejected (outcome 'reject'). */
export function rejectedSet(traces: readonly SampleTrace[], gate: string): Set<string> {
  const out = new Set<string>();
  for (const t of traces) if (t.attempts[0]?.verdicts.some((v) => v.gate === gate && v.outcome === 'reject')) out.add(t.id);
  return out;
}

export function jaccard(a: ReadonlySet<string>, b: ReadonlySet<string>): number | null {
  let both = 0;
  for (const x of a) if (b.has(x)) both++;
  return ratio(both, a.size + b.size - both);
}

function catchRates(rejected: ReadonlySet<string>, labels: readonly InjectionLabel[]) {
  const injected = new Set(labels.map((l) => l.sampleId));
  let hit = 0;
  for (const id of injected) if (rejected.has(id)) hit++;
  const byMode: Partial<Record<FailureMode, number | null>> = {};
  for (const m of FAILURE_MODES) {
    const ids = labels.filter((l) => l.mode === m).map((l) => l.sampleId);
    if (ids.length) byMode[m] = ratio(ids.filter((id) => rejected.has(id)).length, ids.length);
  }
  return { injectionRecall: ratio(hit, injected.size), injectionPrecision: ratio(hit, rejected.size), recallByMode: byMode };
}

export function runMetrics(run: Pick<PipelineResult, 'traces' | 'labels' | 'gateNames'>): RunMetrics {
  const { traces, labels, gateNames } = run;
  const statuses: Record<SampleStatus, number> = { accepted: 0, rejected: 0, dropped: 0, 'generation-failed': 0, 'missing-chunk': 0, cancelled: 0 };
  for (const t of traces) statuses[t.status]++;
  const firstOk = (t: SampleTrace) => t.attempts[0] !== undefined && t.attempts[0].sample !== undefined && t.attempts[0].verdicts.length > 0 && !t.attempts[0].rejectedBy;
  const started = traces.filter((t) => t.status !== 'cancelled');
  const failedFirst = started.filter((t) => !firstOk(t));
  const recovered = failedFirst.filter((t) => t.status === 'accepted').length;
  const gates = gateNames.map((gate): GateMetrics => {
    const counts = { pass: 0, reject: 0, abstain: 0, 'parse-failure': 0 };
    for (const t of traces) for (const v of t.attempts[0]?.verdicts ?? []) if (v.gate === gate) counts[v.outcome]++;
    const rej = rejectedSet(traces, gate);
    return { gate, counts, rejected: rej.size, ...catchRates(rej, labels) };
  });
  const sets = gateNames.map((g) => rejectedSet(traces, g));
  const anySet = new Set(sets.flatMap((s) => [...s]));
  const any = catchRates(anySet, labels);
  const overlap: RunMetrics['overlap'] = [];
  for (let i = 0; i < gateNames.length; i++) {
    for (let j = i + 1; j < gateNames.length; j++) {
      overlap.push({ a: gateNames[i], b: gateNames[j], jaccard: jaccard(sets[i], sets[j]), both: [...sets[i]].filter((x) => sets[j].has(x)).length });
    }
  }
  const calls = traces.reduce((a, t) => a + t.calls, 0);
  const firstPass = traces.reduce((a, t) => a + (t.attempts[0]?.calls ?? 0), 0);
  return {
    samples: traces.length, statuses, yield: ratio(statuses.accepted, started.length),
    firstPassAccepted: started.length - failedFirst.length, failedFirst: failedFirst.length, recovered, recoveryRate: ratio(recovered, failedFirst.length),
    injected: new Set(labels.map((l) => l.sampleId)).size, gates,
    anyGate: { injectionRecall: any.injectionRecall, injectionPrecision: any.injectionPrecision }, overlap,
    cost: { calls, firstPass, recovery: calls - firstPass, perAccepted: ratio(calls, statuses.accepted) },
  };
}
