// The curation page's "Train on this dataset": the accepted samples of a real pipeline run, exported by export.ts,
// are what the training panel receives, and the trainer's own reader takes every row as an SFT example; a run that
// accepted nothing offers nothing (the trainer refuses an empty file).
import { describe, expect, it } from 'vitest';
import { readJsonRows, sftRow } from '../../core/experiments/train/data';
import { exportDataset } from '../../core/curation/export';
import { formatGate } from '../../core/curation/gates/format';
import { runMetrics } from '../../core/curation/metrics';
import { runPipeline } from '../../core/curation/pipeline';
import { chunkOf, handbookChunks, sampleFor } from '../../core/curation/testHandbookNode';
import { clearTrainData, offerTrainData, pendingTrainData } from '../experiments/trainHandoff';
import { curatedTrainData } from './exportRun';

async function exported(answers: string[]) {
  const chunks = handbookChunks();
  const c = chunkOf(chunks, 'Dorvalin storage');
  const extra = answers.map((a, i) => sampleFor(`s${i}:hand:0`, c, `How long does mixed Dorvalin last (${i})?`, a));
  const run = await runPipeline(chunks, { generators: [], gates: [formatGate()], recovery: 'none', seed: 1 }, { extra });
  return exportDataset({ run, metrics: runMetrics(run), config: {}, models: [], data: [] });
}

describe('curated data for the training panel', () => {
  it('is the export\'s alpaca.jsonl, read by the trainer as one SFT row per accepted sample', async () => {
    const data = curatedTrainData(await exported(['Mixed Dorvalin lasts 10 days.', '', 'Shake the bottle before each dose.']), 'clinic-handbook.md');
    expect(data!.name).toBe('curated-clinic-handbook-alpaca.jsonl');
    const rows = readJsonRows(data!.text, data!.name).map((r) => sftRow(r.row, r.line, data!.name));
    // the empty answer is a format break the gate rejects: two accepted rows
    expect(rows.map((r) => r.messages.at(-1)!.content)).toEqual(['Mixed Dorvalin lasts 10 days.', 'Shake the bottle before each dose.']);
  });

  it('is null when the run accepted nothing, and the handoff holds one dataset until cleared', async () => {
    expect(curatedTrainData(await exported(['']), 'x.md')).toBeNull();
    offerTrainData({ name: 'a.jsonl', text: '{}', from: 'test' });
    expect(pendingTrainData()?.name).toBe('a.jsonl');
    clearTrainData();
    expect(pendingTrainData()).toBeNull();
  });
});
