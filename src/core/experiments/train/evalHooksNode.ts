// Node side of the training eval hooks: reads the spec's eval suites (forge suites from models/forge/<name>.jsonl of
// this repository, other names as .jsonl paths) and its held-out loss data from disk, and builds the pure evaluator
// of evalHooks.ts from them (the browser builds the same evaluator from suites passed as text).
import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Suite } from '../../alignbeam/types';
import { readJsonRows } from './data';
import { TrainError } from './errors';
import { checkEvalSuiteName, FORGE_EVAL_SUITES, makeEvaluator, parseEvalSuites, type TrainEvaluator } from './evalHooks';
import type { TrainSpec } from './spec';
import { encodeRows, type TrainModel } from './trainer';

const FORGE_DIR = fileURLToPath(new URL('../../../../models/forge/', import.meta.url));

/** The file a suite name reads: a forge suite's JSONL in this repository, else the name as a path. */
export function evalSuitePath(name: string): string {
  checkEvalSuiteName(name);
  return (FORGE_EVAL_SUITES as readonly string[]).includes(name) ? `${FORGE_DIR}${name}.jsonl` : name;
}

/** Reads and parses the named suites (names checked before any file is read). */
export async function readEvalSuites(names: readonly string[]): Promise<Suite[]> {
  const paths = names.map(evalSuitePath);
  const texts = await Promise.all(paths.map((p, i) => readFile(p, 'utf8').then((text) => ({ name: names[i], text }), (e: Error) => {
    throw new TrainError('bad-eval-suite', `cannot read suite ${names[i]} (${e.message})`);
  })));
  return parseEvalSuites(texts);
}

/** The evaluator of the spec's eval block (undefined without one). */
export async function nodeEvaluator(model: TrainModel, spec: TrainSpec): Promise<TrainEvaluator | undefined> {
  if (!spec.eval) return undefined;
  const suites = await readEvalSuites(spec.eval.suites);
  let loss;
  if (spec.eval.lossData !== undefined) {
    const file = spec.eval.lossData;
    const text = await readFile(file, 'utf8').catch((e: Error) => {
      throw new TrainError('empty-data', `cannot read the eval loss data ${file} (${e.message})`);
    });
    loss = encodeRows(model, spec, readJsonRows(text, basename(file)), basename(file));
  }
  return makeEvaluator(model, spec.eval, suites, spec, loss);
}
