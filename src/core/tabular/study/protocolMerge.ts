// One protocol result from several runs over different datasets: what a sweep gives when the protocol runs as one
// job per dataset on the job queue (sweeps/, the tabular spec's 'protocol' view). The per-dataset records are
// concatenated and every cross-dataset analysis (Wilcoxon against the baseline, rank transfer, gains by
// dimensionality, the pooled variance split, mean Yule's Q) is recomputed over all of them by summariseProtocol,
// so the merged result is the one a single run over the same datasets returns (protocolMerge.test.ts checks that).
// Runs with different settings, baselines or teachers, or one dataset twice, are refused by name.
import { combineStudies } from './runner';
import type { ProtocolResult } from './protocol';
import { summariseProtocol } from './protocolReport';

export class ProtocolMergeError extends Error {
  override readonly name = 'ProtocolMergeError';
}

const settingsOf = (r: ProtocolResult) => JSON.stringify({ version: r.version, config: r.config, baseline: r.baseline.id, teachers: r.teachers });

export function mergeProtocolResults(parts: ProtocolResult[]): ProtocolResult {
  if (!parts.length) throw new ProtocolMergeError('Nothing to merge: no protocol results were given.');
  const [first] = parts;
  const odd = parts.find((r) => settingsOf(r) !== settingsOf(first));
  if (odd) {
    throw new ProtocolMergeError(`Protocol runs with different settings cannot be merged (datasets ${first.datasets.map((d) => d.id).join(', ')} vs ` +
      `${odd.datasets.map((d) => d.id).join(', ')}): ${settingsOf(first)} vs ${settingsOf(odd)}.`);
  }
  const datasets = parts.flatMap((r) => r.datasets);
  const ids = datasets.map((d) => d.id);
  const twice = ids.find((id, i) => ids.indexOf(id) !== i);
  if (twice !== undefined) throw new ProtocolMergeError(`Dataset "${twice}" is in more than one protocol run: merge each dataset once.`);
  const studies = parts.map((r) => r.study);
  if (studies.some((s) => s === null) !== studies.every((s) => s === null)) throw new ProtocolMergeError('Some runs include the context study and some do not.');
  const study = studies[0] === null ? null : combineStudies(studies as NonNullable<ProtocolResult['study']>[]);
  const baselineRecords = parts.flatMap((r) => r.baselineRecords);
  const distillRecords = parts.flatMap((r) => r.distillRecords);
  const latency = parts.flatMap((r) => r.latency);
  return {
    version: first.version, config: first.config, baseline: first.baseline, teachers: first.teachers, datasets, study,
    baselineRecords, distillRecords, latency,
    analyses: summariseProtocol({
      config: first.config, teachers: first.teachers, baselineId: first.baseline.id, datasets, study, baselineRecords, distillRecords, latency,
      poolDiversity: parts.flatMap((r) => r.analyses.diversity.perDataset),
    }),
  };
}
