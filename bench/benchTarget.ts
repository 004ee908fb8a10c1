// Which embedded target an unlearning bench runs on (env UNLEARN_TARGET: target, the default, or target-v4) and
// where its results go: target-v4's runs write a `-v4` file next to the target's and never overwrite it. The
// split and behaviour prompts must come from the model's own corpus (corpora.ts corpusOfModel: v4 for target-v4).
import { corpusOfModel, type ForgeCorpusVersion } from '../src/core/edits/unlearn/corpora';

export const BENCH_TARGETS = ['target', 'target-v4'] as const;

export function benchTarget(resultFile: string, variable = 'UNLEARN_TARGET'): { id: string; corpus: ForgeCorpusVersion; out: string } {
  const id = process.env[variable] ?? 'target';
  if (!(BENCH_TARGETS as readonly string[]).includes(id)) throw new Error(`${variable} must be one of ${BENCH_TARGETS.join(', ')}, got ${id}`);
  return { id, corpus: corpusOfModel(id), out: id === 'target' ? resultFile : resultFile.replace(/\.json$/, '-v4.json') };
}
