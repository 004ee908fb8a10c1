// Writes each model's tokenized training sequences (DataDump, see cli.ts) to a folder: the input of the
// standalone trainer. `npx tsx models/forge/train/dump.ts <outDir> [id,id] [--corpus=v4]` (default v3: the
// committed models' data; v4 uses the committed tokenizers until they are rebuilt on v4).
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_CORPUS_OPTIONS, generateCorpus } from '../corpus/generate';
import { DEFAULT_CORPUS_OPTIONS_V4 } from '../corpus/v4/generateV4';
import { buildModelData, loadFamilyTokenizer } from './data';
import { mixOf, MODEL_IDS, RECIPES } from './recipe';
import type { DataDump } from './cli';

async function main(): Promise<void> {
  const corpusFlag = process.argv.find((a) => a.startsWith('--corpus='))?.slice('--corpus='.length) ?? 'v3';
  if (corpusFlag !== 'v3' && corpusFlag !== 'v4') throw new Error(`--corpus=${corpusFlag}: expected v3 or v4`);
  const [outDir, ids] = process.argv.slice(2).filter((a) => !a.startsWith('--corpus='));
  if (!outDir) throw new Error('usage: dump <outDir> [id,id] [--corpus=v4]');
  mkdirSync(outDir, { recursive: true });
  const corpus = generateCorpus(corpusFlag === 'v4' ? DEFAULT_CORPUS_OPTIONS_V4 : DEFAULT_CORPUS_OPTIONS);
  const only = ids?.split(',');
  for (const id of MODEL_IDS.filter((m) => !only || only.includes(m))) {
    const tok = await loadFamilyTokenizer(RECIPES[id].family);
    const d = buildModelData(corpus, mixOf(RECIPES[id]), tok, RECIPES[id].augment);
    const dump: DataDump = {
      id, vocabSize: tok.vocabSize, padId: d.padId, dataHash: d.mix.hash, sequences: d.sequences,
      specialIds: { bosId: tok.bosId, eosId: tok.eosId, padId: tok.padId },
    };
    writeFileSync(join(outDir, `${id}.json`), JSON.stringify(dump));
    const lens = d.sequences.map((s) => s.ids.length).sort((a, b) => a - b);
    console.log(id, d.sequences.length, 'seqs; tokens', lens.reduce((a, b) => a + b, 0), 'max', lens[lens.length - 1]);
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
