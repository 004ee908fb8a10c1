// Prior v3: prior v2 plus *query rows that are exact copies of context rows*, label included. This is what a
// teacher meets when it scores rows that sit in its own context (naive self-labelling): every query has an
// identical row in the context whose label is the answer. Real TFMs, fitted on priors and data where an exact
// repeat of a record carries its label, copy that label and their self-labels collapse to near one-hot — the
// leakage out-of-fold labelling exists for. Prior v2's duplicates (60 % of tasks, on both sides of the split)
// taught the committed tfm to *rank* its own context almost perfectly but not to copy with confidence, so v3
// puts exact copies where the loss sees them: on the query side.
//
// A v3 task is the v2 task of the same seed with some query rows overwritten; the copies draw from their own
// random stream, so everything v2 generates (and what tests pin) stays as it was.
import { makeRng } from '../data/rng';
import { uniform, type PriorTask } from './prior';

/** The v3 knobs (priorV3.test.ts checks them; recipe.ts describes them in words). */
export const V3_QUERY_COPIES = { taskShare: 0.5, minShare: 0.1, maxShare: 0.6, seedSalt: 0x5eed_0003 } as const;

/** How often and how many query rows are copies (a forge knob, `--query-copy-tasks`; default V3_QUERY_COPIES). */
export interface QueryCopyRates { taskShare: number; minShare: number; maxShare: number }

/**
 * In half of the tasks a share 10–60 % of the query rows (rows ≥ contextRows) become exact copies of random
 * context rows: every feature (missing cells included) and the label exactly as the context shows it. No noise
 * is added to the copy, so the Bayes answer for such a query is the copied label with certainty.
 */
export function addQueryCopies(seed: number, task: PriorTask, contextRows: number, rates: QueryCopyRates = V3_QUERY_COPIES): PriorTask {
  const { x, y, n, d } = task;
  if (contextRows < 1 || contextRows >= n) return { ...task, meta: { ...task.meta, queryCopies: 0 } };
  const rng = makeRng((seed ^ V3_QUERY_COPIES.seedSalt) >>> 0);
  if (rng.next() >= rates.taskShare) return { ...task, meta: { ...task.meta, queryCopies: 0 } };
  const share = uniform(rng, rates.minShare, rates.maxShare);
  let copies = 0;
  for (let r = contextRows; r < n; r++) {
    if (rng.next() >= share) continue;
    const src = rng.int(contextRows);
    for (let j = 0; j < d; j++) x[r * d + j] = x[src * d + j];
    y[r] = y[src];
    copies++;
  }
  return { ...task, meta: { ...task.meta, queryCopies: copies / (n - contextRows) } };
}
