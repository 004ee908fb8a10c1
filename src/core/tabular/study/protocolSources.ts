// Where the protocol's datasets come from: the bundled samples (read by the caller, Node or browser) or OpenML by
// dataset id or benchmark-suite id (OpenML-CC18 = suite 99), online only, with the data layer's OfflineError when
// openml.org cannot be reached. Also the sensitive attribute each shipped dataset is audited on.

import { OfflineError, TabularDataError } from '../data/errors';
import { columnIndex } from '../data/frame';
import { loadOpenMl, openMlTask, type FetchLike } from '../data/openml';
import type { SensitiveGroups, TabularTask } from '../data/task';

export interface ProtocolDataset {
  id: string;
  task: TabularTask;
  source: 'shipped' | 'openml' | 'file';
  openmlId?: number;
  /** the attribute fairness gaps are measured across (defaults to task.sensitive) */
  sensitive?: SensitiveGroups;
}

/** OpenML-CC18, the suite the TFM papers evaluate on. */
export const OPENML_CC18 = 99;

const API = 'https://www.openml.org';

/** Dataset ids of an OpenML benchmark suite (GET /api/v1/json/study/{id}: study.data.data_id). */
export async function openMlSuiteDatasetIds(suiteId: number, fetchFn: FetchLike, signal?: AbortSignal): Promise<number[]> {
  if (!Number.isInteger(suiteId) || suiteId <= 0) throw new TabularDataError(`OpenML suite id must be a positive integer, got ${suiteId}.`);
  const url = `${API}/api/v1/json/study/${suiteId}`;
  let res;
  try {
    res = await fetchFn(url, { signal });
  } catch (e) {
    if (signal?.aborted) throw e;
    throw new OfflineError(`Cannot reach openml.org (${(e as Error).message}) to list suite ${suiteId}. You appear to be offline: ` +
      'run the protocol on the bundled datasets, or download the suite\'s ARFF files elsewhere and load them as files.');
  }
  if (!res.ok) throw new TabularDataError(`OpenML answered HTTP ${res.status} for ${url}.`);
  let body: { study?: { data?: { data_id?: string | number | (string | number)[] } } };
  try {
    body = JSON.parse(await res.text()) as typeof body;
  } catch {
    throw new TabularDataError(`OpenML's description of suite ${suiteId} is not JSON.`);
  }
  const raw = body.study?.data?.data_id;
  // OpenML's JSON turns a one-element list into a bare value
  const ids = (Array.isArray(raw) ? raw : raw === undefined ? [] : [raw]).map(Number);
  if (!ids.length || ids.some((v) => !Number.isInteger(v) || v <= 0)) throw new TabularDataError(`OpenML suite ${suiteId} lists no dataset ids.`);
  return ids;
}

export interface OpenMlSelection {
  suites: number[];
  datasets: number[];
  /** datasets with more rows or classes are skipped (listed in `skipped`), so one huge set cannot stall a run */
  maxRows: number;
  maxClasses: number;
}

/** Load the datasets of the given suites and ids (deduplicated, in order), skipping those over the limits. */
export async function loadOpenMlDatasets(sel: OpenMlSelection, fetchFn: FetchLike, signal?: AbortSignal): Promise<{ datasets: ProtocolDataset[]; skipped: { openmlId: number; reason: string }[] }> {
  const ids: number[] = [];
  for (const s of sel.suites) ids.push(...await openMlSuiteDatasetIds(s, fetchFn, signal));
  ids.push(...sel.datasets);
  const datasets: ProtocolDataset[] = [];
  const skipped: { openmlId: number; reason: string }[] = [];
  for (const id of [...new Set(ids)]) {
    signal?.throwIfAborted();
    const ds = await loadOpenMl(id, fetchFn, signal);
    let task: TabularTask;
    try {
      task = openMlTask(ds);
    } catch (e) {
      if (e instanceof OfflineError || !(e instanceof TabularDataError)) throw e;
      skipped.push({ openmlId: id, reason: e.message });
      continue;
    }
    if (task.y.length > sel.maxRows) skipped.push({ openmlId: id, reason: `${task.y.length} rows > maxRows ${sel.maxRows}` });
    else if (task.classNames.length > sel.maxClasses) skipped.push({ openmlId: id, reason: `${task.classNames.length} classes > maxClasses ${sel.maxClasses}` });
    else datasets.push({ id: `openml-${id}-${ds.name}`, task, source: 'openml', openmlId: id });
  }
  return { datasets, skipped };
}

/** Two groups of a numeric column, `≤ t` / `> t` (-1 = missing), e.g. an age band. */
export function sensitiveByThreshold(task: TabularTask, column: string, threshold: number): SensitiveGroups {
  const col = task.features.columns[columnIndex(task.features, column)];
  if (col.kind !== 'numeric') throw new TabularDataError(`Sensitive column "${column}" is categorical; a threshold needs a numeric column.`);
  return {
    name: `${column} band`, groups: Int32Array.from(col.values, (v) => (Number.isNaN(v) ? -1 : v > threshold ? 1 : 0)),
    levels: [`≤ ${threshold}`, `> ${threshold}`],
  };
}

/**
 * The attribute each bundled dataset is audited on: german by age ≤ 25 / > 25 (the registry's sensitive column;
 * its personal_status_sex codes mix sex with marital status, so age is the cleaner split), pima by age ≤ 30 / > 30
 * (near the median age, 29). The other bundled sets carry no person attribute.
 */
export function shippedSensitive(id: string, task: TabularTask): SensitiveGroups | undefined {
  if (id === 'pima') return sensitiveByThreshold(task, 'age', 30);
  return task.sensitive;
}
