// Run records of the tabular 'protocol' view (one per dataset, e.g. a sweep's `--out` file) back to one protocol
// result: each record's results and measurements joined (the latency records are measurements), the canonical
// form's spelled-out non-finite numbers read back as numbers, and the per-dataset results merged by
// mergeProtocolResults into the cross-dataset analyses. bench/tabular-protocol.ts (PROTOCOL_FROM_RECORDS) prints
// and writes the merged result as it does a single-process run.
import type { ProtocolResult } from '../../tabular/study/protocol';
import { mergeProtocolResults } from '../../tabular/study/protocolMerge';
import { ExperimentError } from '../errors';
import type { RunRecord } from '../record';
import { joinTimings } from './tabular';

const NON_FINITE: Record<string, number> = { NaN: Number.NaN, Infinity: Number.POSITIVE_INFINITY, '-Infinity': Number.NEGATIVE_INFINITY };

/** canonicalJson writes NaN / ±Infinity as strings and JSON has no other spelling: every such string is a number here. */
function reviveNumbers(value: unknown): unknown {
  if (typeof value === 'string' && value in NON_FINITE) return NON_FINITE[value];
  if (Array.isArray(value)) return value.map(reviveNumbers);
  if (typeof value === 'object' && value !== null) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, reviveNumbers(v)]));
  return value;
}

/** The protocol result one 'protocol' run record holds (its report's `result`, timings put back). */
export function protocolOfRecord(record: RunRecord): ProtocolResult {
  const where = `record of ${record.experiment.module} (${record.experiment.title ?? 'untitled'})`;
  const results = record.results as { view?: unknown; report?: { result?: unknown } } | null;
  if (record.experiment.module !== 'tabular' || results?.view !== 'protocol') {
    throw new ExperimentError('invalid-record', `${where} is not a run of the tabular protocol view (view ${String(results?.view)}): only those can be merged`);
  }
  const measurements = (record.measurements ?? {}) as Record<string, unknown>;
  const joined = joinTimings(results, measurements) as { report: { result: unknown } };
  return reviveNumbers(joined.report.result) as ProtocolResult;
}

/** Every record's protocol result, merged (datasets in the records' order). */
export function protocolFromRecords(records: RunRecord[]): ProtocolResult {
  return mergeProtocolResults(records.map(protocolOfRecord));
}
