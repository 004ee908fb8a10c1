// Merging one-dataset protocol runs (what the job queue returns, one job per dataset) must give what one run over
// the same datasets gives: every record and every cross-dataset analysis, timings aside (they are measured).
import { describe, expect, it } from 'vitest';
import { loadSharedDataset } from '../data/registry';
import { readShared } from '../data/testData';
import { knnTeacher } from '../teachers/knn';
import { logRegTeacher } from '../teachers/logreg';
import { plainGbdtBaseline, runProtocol, type ProtocolConfig, type ProtocolResult } from './protocol';
import { mergeProtocolResults, ProtocolMergeError } from './protocolMerge';
import { shippedSensitive, type ProtocolDataset } from './protocolSources';

const config: Partial<ProtocolConfig> = {
  folds: 3, foldsRun: 2, labelFolds: 2, seed: 3,
  study: { strategies: ['uniform', 'balanced'], sizes: [32], folds: 2 },
  student: { nRounds: 40 }, latencyRows: 4, teacherLatencyRows: 1, latencyRepeats: 1,
};

/** The result without anything measured in time (those differ run to run). */
function withoutTimings(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutTimings);
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(Object.entries(value).filter(([k]) => !/(Ms|MsMean|UsPerRow|[sS]peedupBatch1)$/.test(k)).map(([k, v]) => [k, withoutTimings(v)]));
  }
  return value;
}

async function datasets(): Promise<ProtocolDataset[]> {
  const pima = await loadSharedDataset('pima', readShared('pima-indians-diabetes.csv'));
  const bcw = await loadSharedDataset('breast-cancer-wisconsin', readShared('breast-cancer-wisconsin.csv'));
  return [
    { id: 'pima', task: pima, source: 'shipped', sensitive: shippedSensitive('pima', pima) },
    { id: 'breast-cancer-wisconsin', task: bcw, source: 'shipped' },
  ];
}

const run = (ds: ProtocolDataset[], options = config): Promise<ProtocolResult> =>
  runProtocol(ds, [knnTeacher(), logRegTeacher()], plainGbdtBaseline({ nRounds: 40 }), options);

describe('mergeProtocolResults', () => {
  it('gives one run over all datasets from one-dataset runs', async () => {
    const ds = await datasets();
    const whole = await run(ds);
    const parts = [await run([ds[0]]), await run([ds[1]])];
    const merged = mergeProtocolResults(parts);
    expect(withoutTimings(merged)).toEqual(withoutTimings(whole));
    // the cross-dataset analyses really span both parts (a merge that kept one part would fail above, and here)
    expect(merged.analyses.variance.map((v) => v.scope)).toEqual(['pima', 'breast-cancer-wisconsin', 'all (dataset-centred)']);
    expect(merged.analyses.rankTransfer?.perDataset).toHaveLength(2);
    expect(merged.analyses.diversity.perDataset.map((d) => d.dataset)).toEqual(['pima', 'breast-cancer-wisconsin']);
    // the latency records are the parts' own
    expect(merged.latency).toEqual([...parts[0].latency, ...parts[1].latency]);
  }, 120_000);

  it('refuses runs that do not belong together, by name', async () => {
    const ds = await datasets();
    const a = await run([ds[1]], { ...config, study: false });
    const b = await run([ds[1]], { ...config, study: false, seed: 4 });
    expect(() => mergeProtocolResults([])).toThrow(ProtocolMergeError);
    expect(() => mergeProtocolResults([a, b])).toThrow(/different settings/);
    expect(() => mergeProtocolResults([a, a])).toThrow(/breast-cancer-wisconsin" is in more than one/);
  }, 120_000);
});
