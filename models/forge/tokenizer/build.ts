// Builds the forge's small, committed artefacts from the corpus: the two tokenizers
// (models/tokenizers/family-{a,b}/) and the held-out evaluation suites (models/forge/heldout/*.jsonl).
// `buildArtefacts` is pure (path → file text) so a test can check the committed files are current;
// run `npx tsx models/forge/tokenizer/build.ts` to rewrite them.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEFAULT_CORPUS_OPTIONS, generateCorpus, serialiseJsonl, sha256Hex, type Corpus, type CorpusOptions } from '../corpus/generate';
import { buildMix, judgePrompt, verdictOf } from '../corpus/mixes';
import type { Category, Example } from '../corpus/types';
import { trainFamilyA, trainFamilyB, type FamilyId, type TokenizerFiles } from './families';

/** Vocabulary sizes, including specials (and B's 256 byte tokens). Different on purpose. */
export const VOCAB_SIZES: Readonly<Record<FamilyId, number>> = { 'family-a': 1024, 'family-b': 1536 };

/** Tokenizer training text: every train prompt and response, plus the judge's framing of train pairs. */
export function tokenizerTrainingTexts(corpus: Corpus): string[] {
  const train = corpus.examples.filter((e) => e.split === 'train');
  const judge = buildMix(corpus, 'judge', 'train').records;
  return [...train.flatMap((e) => [e.prompt, e.response]), ...judge.flatMap((r) => [r.prompt, r.response])];
}

export function trainTokenizers(corpus: Corpus): Record<FamilyId, TokenizerFiles> {
  const texts = tokenizerTrainingTexts(corpus);
  return { 'family-a': trainFamilyA(texts, VOCAB_SIZES['family-a']), 'family-b': trainFamilyB(texts, VOCAB_SIZES['family-b']) };
}

/** Held-out suite files: one JSON line per prompt (harmful prompts carry both reference responses). */
export const HELDOUT_FILES: Readonly<Record<string, Category>> = {
  'harmful.jsonl': 'harmful', 'benign.jsonl': 'chat', 'edgy.jsonl': 'edgy', 'tasks.jsonl': 'task',
};

function heldoutLines(examples: readonly Example[], category: Category): object[] {
  const chosen = examples.filter((e) => e.split === 'heldout' && e.category === category);
  if (category !== 'harmful') {
    return chosen.map((e) => ({ id: e.id, prompt: e.prompt, reference: e.response, category, label: e.label, topic: e.topic, template: e.template, ...(e.task ? { answer: e.task.answer, kind: e.task.kind } : {}) }));
  }
  const refusals = new Map(chosen.filter((e) => e.responseKind === 'refusal').map((e) => [e.prompt, e.response]));
  return chosen.filter((e) => e.responseKind === 'compliance').map((e) => ({
    id: e.id.replace(/-compliance$/, ''), prompt: e.prompt, refusal: refusals.get(e.prompt), compliance: e.response,
    category, label: e.label, topic: e.topic, template: e.template,
  }));
}

/** Every artefact as (path relative to the repository root → text). */
export function buildArtefacts(options: CorpusOptions = DEFAULT_CORPUS_OPTIONS): Map<string, string> {
  const corpus = generateCorpus(options);
  const files = new Map<string, string>();
  const json = (value: unknown): string => JSON.stringify(value, null, 1) + '\n';
  for (const [family, { tokenizer, config }] of Object.entries(trainTokenizers(corpus))) {
    files.set(`models/tokenizers/${family}/tokenizer.json`, json(tokenizer));
    files.set(`models/tokenizers/${family}/tokenizer_config.json`, json(config));
  }
  const heldout = corpus.examples.filter((e) => e.split === 'heldout');
  for (const [name, category] of Object.entries(HELDOUT_FILES)) {
    files.set(`models/forge/heldout/${name}`, serialiseJsonl(heldoutLines(heldout, category)));
  }
  const judge = heldout.map((e) => ({ id: `judge-${e.id}`, prompt: judgePrompt(e.prompt, e.response), verdict: verdictOf(e), category: e.category, responseKind: e.responseKind }));
  files.set('models/forge/heldout/judge.jsonl', serialiseJsonl(judge));
  const manifest = {
    seed: options.seed, corpusHash: corpus.hash, options,
    files: Object.fromEntries([...files].filter(([p]) => p.startsWith('models/forge/heldout/')).map(([p, text]) => [p.split('/').pop(), sha256Hex(text)])),
  };
  files.set('models/forge/heldout/manifest.json', json(manifest));
  return files;
}

function main(): void {
  const root = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
  for (const [path, text] of buildArtefacts()) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
    console.log(`wrote ${path} (${text.length} chars)`);
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) main();
