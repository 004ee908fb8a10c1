// Writes each model's tokenized training sequences (DataDump, see cli.ts) to a folder: the input of the
// standalone trainer. `npx tsx models/forge/train/dump.ts <outDir> [id,id] [--corpus=v4]` (default v3: the
// committed models' data; v4 uses the committed tokenizers until they are rebuilt on v4).
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildModelData, corpusFor, loadFamilyTokenizer } from './data';
import { corpusOf, mixOf, MODEL_IDS, RECIPES } from './recipe';
import type { DataDump } from './cli';

async function main(): Promise<void> {
  const [outDir, ids] = process.argv.slice(2);
  if (!outDir) throw new Error('usage: dump <outDir> [id,id]');
  mkdirSync(outDir, { recursive: true });
  const only = ids?.split(',');
  for (const id of MODEL_IDS.filter((m) => !only || only.includes(m))) {
    const r = RECIPES[id];
    const tok = await loadFamilyTokenizer(r.family);
    const d = buildModelData(corpusFor(corpusOf(r)), mixOf(r), tok, r.augment, r.verdictSmoothing);
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
