// OpenML datasets by id (online only). The fetch is injected so the browser, a worker and tests pass their own,
// and so "offline" is a clear error instead of a hang: we read the JSON description for the ARFF file id and the
// default target, then download and parse the ARFF.

import { parseArff } from './arff';
import { OfflineError, TabularDataError } from './errors';
import type { DataFrame } from './frame';
import { selectTask, type TabularTask, type TaskOptions } from './task';

export type FetchLike = (url: string, init?: { signal?: AbortSignal }) => Promise<{ ok: boolean; status: number; text(): Promise<string> }>;

export interface OpenMlDataset {
  id: number;
  name: string;
  /** OpenML's default target attribute (may be empty for unsupervised sets) */
  defaultTarget: string;
  frame: DataFrame;
}

const API = 'https://www.openml.org';

async function get(fetchFn: FetchLike, url: string, signal?: AbortSignal): Promise<string> {
  let res;
  try {
    res = await fetchFn(url, { signal });
  } catch (e) {
    if (signal?.aborted) throw e;
    throw new OfflineError(`Cannot reach openml.org (${(e as Error).message}). You appear to be offline: download the ` +
      'dataset\'s ARFF or CSV elsewhere and load the file instead.');
  }
  if (!res.ok) throw new TabularDataError(`OpenML answered HTTP ${res.status} for ${url}.`);
  return res.text();
}

interface DescriptionJson {
  data_set_description?: { name?: string; file_id?: string | number; default_target_attribute?: string; format?: string };
}

export async function loadOpenMl(id: number, fetchFn: FetchLike, signal?: AbortSignal): Promise<OpenMlDataset> {
  if (!Number.isInteger(id) || id <= 0) throw new TabularDataError(`OpenML dataset id must be a positive integer, got ${id}.`);
  const descText = await get(fetchFn, `${API}/api/v1/json/data/${id}`, signal);
  let desc: DescriptionJson;
  try {
    desc = JSON.parse(descText) as DescriptionJson;
  } catch {
    throw new TabularDataError(`OpenML description of dataset ${id} is not JSON.`);
  }
  const d = desc.data_set_description;
  if (!d?.file_id) throw new TabularDataError(`OpenML dataset ${id} has no downloadable file (no file_id in its description).`);
  if (d.format && d.format.toLowerCase() !== 'arff') {
    throw new TabularDataError(`OpenML dataset ${id} is stored as ${d.format}; only ARFF downloads are supported.`);
  }
  const arff = await get(fetchFn, `${API}/data/v1/download/${d.file_id}`, signal);
  return { id, name: d.name ?? `openml-${id}`, defaultTarget: d.default_target_attribute ?? '', frame: parseArff(arff) };
}

/** The dataset as a classification task on OpenML's default target (override any task option). */
export function openMlTask(ds: OpenMlDataset, opts: Partial<TaskOptions> = {}): TabularTask {
  const target = opts.target ?? (ds.defaultTarget.split(',')[0] || undefined);
  if (target === undefined) throw new TabularDataError(`OpenML dataset ${ds.id} declares no default target; choose a target column.`);
  return selectTask(ds.frame, { name: ds.name, ...opts, target });
}
