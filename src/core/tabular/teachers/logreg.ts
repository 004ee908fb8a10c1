// Logistic regression as a "teacher": a fresh L2 multinomial fit on each context, then predicting the queries.
// It shares the Teacher interface so studies compare it with in-context teachers on the very same contexts.

import { fitLogReg, predictLogReg, type LogRegOptions } from '../baselines/logreg';
import type { Teacher } from './teacher';

export function logRegTeacher(opts: LogRegOptions = {}): Teacher {
  return {
    id: 'logreg',
    predict: async (xc, yc, k, xq, signal) => {
      signal?.throwIfAborted();
      return predictLogReg(fitLogReg(xc, yc, k, opts), xq);
    },
  };
}
