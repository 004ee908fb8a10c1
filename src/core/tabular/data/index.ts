// Public API of the tabular data layer: loaders (CSV, ARFF, Parquet, OpenML, shared datasets), task selection,
// preprocessing fitted on training rows, and seeded stratified splits.

export { parseArff } from './arff';
export { parseCsv, readCsv, type CsvOptions, type CsvResult, type HeaderMode, type TextSource } from './csv';
export { InvalidUtf8Error, type TextEncoding } from './decode';
export { FileTooLargeError, MAX_FILE_BYTES, OfflineError, TabularDataError } from './errors';
export { columnIndex, DEFAULT_MISSING, markMissing, uniqueNames, missingCount, type CategoricalColumn, type CellOptions, type Column, type DataFrame, type NumericColumn } from './frame';
export { loadOpenMl, openMlTask, type FetchLike, type OpenMlDataset } from './openml';
export { frameFromRecords, parseParquet } from './parquet';
export type { TableWarning } from './header';
export { fitPreprocessor, preprocessSplit, type ColumnPlan, type PreprocessOptions, type Preprocessor } from './preprocess';
export { loadSharedDataset, SHARED_DATASETS, sharedDatasetSpec, type SharedDatasetSpec } from './registry';
export { makeRng, type Rng } from './rng';
export { stratifiedKFold, stratifiedSplit, type Split } from './split';
export { classCounts, minorityClass, selectTask, type SensitiveGroups, type TabularTask, type TaskOptions } from './task';
