// The prediction pool: for each dataset, each model's out-of-fold (OOF) and test class probabilities with the
// labels. Every ensemble strategy fits on OOF and is scored on test, so the pool keeps both splits aligned row by
// row. Built from flat long-format records (what the CSV/JSON/Parquet importers produce) with validation whose
// errors name the record and the column.

export type Split = 'oof' | 'test';

/** One row of the long format: `dataset,model,split,row,label,p0,p1[,p2…]`. */
export interface PoolRecord {
  dataset: string;
  model: string;
  split: Split;
  /** 0-based row index within (dataset, split); the same index means the same example for every model */
  row: number;
  /** class index 0..k−1 */
  label: number;
  /** class probabilities p0..p(k−1) */
  probs: number[];
  /** where the record came from, for error messages (e.g. "line 7") */
  source?: string;
}

export interface ModelPredictions {
  model: string;
  /** n_oof × k row-major */
  oof: Float64Array;
  /** n_test × k row-major */
  test: Float64Array;
}

export interface DatasetPool {
  dataset: string;
  k: number;
  oofLabels: Int32Array;
  testLabels: Int32Array;
  models: ModelPredictions[];
}

export interface PredictionPool {
  datasets: DatasetPool[];
}

/** Rows whose probabilities sum further than this from 1 are rejected; closer ones are renormalised. */
export const PROB_SUM_TOLERANCE = 1e-3;

export class PoolFormatError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PoolFormatError';
  }
}

interface SplitAcc { labels: Map<number, { label: number; where: string }>; byModel: Map<string, Map<number, number[]>> }

const where = (r: PoolRecord, i: number) => r.source ?? `record ${i}`;

function checkRecord(r: PoolRecord, i: number, k: number): void {
  const at = where(r, i);
  if (!r.dataset) throw new PoolFormatError(`${at}, column 'dataset': empty dataset name`);
  if (!r.model) throw new PoolFormatError(`${at}, column 'model': empty model name`);
  if (r.split !== 'oof' && r.split !== 'test') throw new PoolFormatError(`${at}, column 'split': '${String(r.split)}' is not 'oof' or 'test'`);
  if (!Number.isInteger(r.row) || r.row < 0) throw new PoolFormatError(`${at}, column 'row': ${r.row} is not a non-negative integer`);
  if (r.probs.length < 2) throw new PoolFormatError(`${at}, column 'p${r.probs.length}': blank; a row needs probabilities for at least two classes`);
  if (r.probs.length !== k) throw new PoolFormatError(`${at}: ${r.probs.length} probability columns, but dataset '${r.dataset}' has ${k} classes`);
  if (!Number.isInteger(r.label) || r.label < 0 || r.label >= k) throw new PoolFormatError(`${at}, column 'label': ${r.label} is not a class index in [0, ${k})`);
  let sum = 0;
  r.probs.forEach((p, c) => {
    if (!Number.isFinite(p) || p < 0 || p > 1) throw new PoolFormatError(`${at}, column 'p${c}': ${p} is not a probability in [0, 1]`);
    sum += p;
  });
  if (Math.abs(sum - 1) > PROB_SUM_TOLERANCE) throw new PoolFormatError(`${at}: probabilities p0..p${k - 1} sum to ${sum.toFixed(6)}, not 1 (tolerance ${PROB_SUM_TOLERANCE})`);
}

/** Assemble and validate a pool. Datasets and models keep their first-seen order. */
export function poolFromRecords(records: PoolRecord[]): PredictionPool {
  const classes = new Map<string, number>();
  const acc = new Map<string, Record<Split, SplitAcc>>();
  const models = new Map<string, string[]>();
  records.forEach((r, i) => {
    if (!classes.has(r.dataset)) classes.set(r.dataset, r.probs.length);
    const k = classes.get(r.dataset) as number;
    checkRecord(r, i, k);
    if (!acc.has(r.dataset)) {
      acc.set(r.dataset, { oof: { labels: new Map(), byModel: new Map() }, test: { labels: new Map(), byModel: new Map() } });
      models.set(r.dataset, []);
    }
    const s = (acc.get(r.dataset) as Record<Split, SplitAcc>)[r.split];
    const seen = s.labels.get(r.row);
    if (seen && seen.label !== r.label) {
      throw new PoolFormatError(`${where(r, i)}, column 'label': ${r.label} disagrees with label ${seen.label} given for the same ${r.split} row ${r.row} of '${r.dataset}' at ${seen.where}`);
    }
    if (!seen) s.labels.set(r.row, { label: r.label, where: where(r, i) });
    if (!s.byModel.has(r.model)) s.byModel.set(r.model, new Map());
    const rows = s.byModel.get(r.model) as Map<number, number[]>;
    if (rows.has(r.row)) throw new PoolFormatError(`${where(r, i)}: duplicate ${r.split} row ${r.row} for model '${r.model}' on '${r.dataset}'`);
    rows.set(r.row, r.probs);
    const ms = models.get(r.dataset) as string[];
    if (!ms.includes(r.model)) ms.push(r.model);
  });
  if (acc.size === 0) throw new PoolFormatError('the pool is empty: no records');
  const datasets: DatasetPool[] = [];
  for (const [dataset, splits] of acc) {
    const k = classes.get(dataset) as number;
    const labelsOf = (split: Split): Int32Array => {
      const m = splits[split].labels;
      if (m.size === 0) throw new PoolFormatError(`dataset '${dataset}' has no ${split} rows: every dataset needs both 'oof' and 'test'`);
      const out = new Int32Array(m.size);
      for (let i = 0; i < m.size; i++) {
        const e = m.get(i);
        if (!e) throw new PoolFormatError(`dataset '${dataset}', ${split} split: row ${i} is missing (rows must be 0..${m.size - 1})`);
        out[i] = e.label;
      }
      return out;
    };
    const oofLabels = labelsOf('oof');
    const testLabels = labelsOf('test');
    const matrix = (model: string, split: Split, n: number): Float64Array => {
      const rows = splits[split].byModel.get(model);
      const out = new Float64Array(n * k);
      for (let i = 0; i < n; i++) {
        const p = rows?.get(i);
        if (!p) throw new PoolFormatError(`dataset '${dataset}', model '${model}': ${split} row ${i} is missing (every model needs every row)`);
        const sum = p.reduce((a, b) => a + b, 0);
        for (let c = 0; c < k; c++) out[i * k + c] = p[c] / sum;
      }
      return out;
    };
    datasets.push({
      dataset, k, oofLabels, testLabels,
      models: (models.get(dataset) as string[]).map((model) => ({
        model, oof: matrix(model, 'oof', oofLabels.length), test: matrix(model, 'test', testLabels.length),
      })),
    });
  }
  requireEveryModelOnEveryDataset(datasets);
  return { datasets };
}

/**
 * A model with no predictions at all on some dataset would silently leave it out of that dataset's ensembles and
 * make the cross-dataset comparison compare different pools; name the first such model and dataset instead.
 */
function requireEveryModelOnEveryDataset(datasets: DatasetPool[]): void {
  const firstSeen = new Map<string, string>();
  for (const d of datasets) for (const m of d.models) if (!firstSeen.has(m.model)) firstSeen.set(m.model, d.dataset);
  for (const d of datasets) {
    const here = new Set(d.models.map((m) => m.model));
    for (const [model, seenOn] of firstSeen) {
      if (!here.has(model)) {
        throw new PoolFormatError(`model '${model}' has no predictions for dataset '${d.dataset}' (it has for '${seenOn}'): ` +
          'every model needs oof and test predictions on every dataset; add them or drop the model from the file');
      }
    }
  }
}

/** Back to long-format records (e.g. to export a pool, or a subset of one, as CSV). */
export function poolToRecords(pool: PredictionPool): PoolRecord[] {
  const out: PoolRecord[] = [];
  for (const d of pool.datasets) for (const m of d.models) for (const split of ['oof', 'test'] as const) {
    const probs = m[split];
    const labels = split === 'oof' ? d.oofLabels : d.testLabels;
    for (let i = 0; i < labels.length; i++) {
      out.push({ dataset: d.dataset, model: m.model, split, row: i, label: labels[i], probs: Array.from(probs.subarray(i * d.k, (i + 1) * d.k)) });
    }
  }
  return out;
}

/** Names of all models in the pool, first-seen order. */
export function poolModels(pool: PredictionPool): string[] {
  const names: string[] = [];
  for (const d of pool.datasets) for (const m of d.models) if (!names.includes(m.model)) names.push(m.model);
  return names;
}
