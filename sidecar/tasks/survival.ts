// Survival job: how much of the edit base → edited survives NF4/FP4 quantization, per tensor and overall
// (see src/core/edits/survival.ts for the definitions). Streams both checkpoints once; writes a JSON report
// (atomically) that doubles as the job's manifest, and its evidence file beside it (evidence.ts).

import { aligned, isFloatDtype } from '../../src/core/edits/dtypes';
import type { QuantType } from '../../src/core/edits/quant4';
import { emptyCounts, mergeCounts, RATIO_BIN_LOWER, summarize, SurvivalCounter } from '../../src/core/edits/survival';
import { EDITS_TOOL } from '../../src/core/edits/version';
import { writeFileAtomic } from '../fileio';
import type { JobContext, JobOutcome } from '../jobs';
import { survivalKernel } from '../survivalKernel';
import { Inputs, type InputRef } from './common';
import { jobEvidenceLedger } from './evidence';
import { checkAborted, CHUNK_ELEMS, runTensorPass } from './stream';

/** Half-precision bits of a chunk (copied only if the read landed on an odd offset). */
function u16(b: Uint8Array): Uint16Array {
  const a = aligned(b, 2);
  return new Uint16Array(a.buffer, a.byteOffset, a.byteLength / 2);
}

export interface SurvivalOptions {
  base: InputRef;
  edited: InputRef;
  quant: QuantType;
  blocksize: number;
  output: InputRef;
  /** where the evidence file goes (evidence.ts survivalEvidencePath), checked like an output */
  evidence: InputRef;
}

export async function runSurvival(o: SurvivalOptions, ctx: JobContext): Promise<JobOutcome> {
  const inputs = new Inputs();
  try {
    const base = await inputs.open('base', o.base);
    const edited = await inputs.open('edited', o.edited);
    const counters = new Map<string, SurvivalCounter>();
    await runTensorPass({
      checkpoints: [base, edited],
      labels: [o.base.rel, o.edited.rel],
      writers: [],
      signal: ctx.signal,
      progress: (d, t) => ctx.progress('analyse', d, t),
      plan: (t) => {
        if (!isFloatDtype(t.dtype)) return null;
        const kernel = survivalKernel();
        const c = new SurvivalCounter(o.quant, o.blocksize, kernel);
        counters.set(t.name, c);
        const half = t.dtype === 'F16' || t.dtype === 'BF16';
        return {
          inputs: [0, 1], chunkElems: CHUNK_ELEMS, prepass: false,
          // Half-precision chunks of one dtype land in the kernel's memory, where it counts them without a copy.
          readInto: kernel && half && edited.byName.get(t.name)?.dtype === t.dtype ? (j, slot, bytes) => kernel.inputBuffer(j, slot, bytes) : undefined,
          create: () => ({
            chunk: (_s, inp) => {
              const [db, de] = inp.dtypes;
              if (db === de && (db === 'F16' || db === 'BF16')) c.addBits(u16(inp.raw[0]), u16(inp.raw[1]), db);
              else c.add(inp.f32(0), inp.f32(1));
              return [];
            },
          }),
        };
      },
    });
    ctx.progress('hash', 0, 1);
    const digests = await inputs.digests(() => checkAborted(ctx.signal));
    const overall = emptyCounts();
    const tensors = [...counters].map(([name, c]) => {
      mergeCounts(overall, c.counts);
      return { name, ...summarize(c.counts) };
    });
    const report = {
      tool: EDITS_TOOL, kind: 'survival' as const, createdAt: new Date().toISOString(), jobId: ctx.id,
      quant: { type: o.quant, blocksize: o.blocksize, reference: 'bitsandbytes quantize_4bit (codes use the exact f32 absmax; double quantization does not change codes)' },
      ratioBinLowerEdges: RATIO_BIN_LOWER,
      inputs: digests,
      overall: summarize(overall),
      tensors,
    };
    const written = await writeFileAtomic(o.output.abs, ctx.id, JSON.stringify(report, null, 2));
    const ledger = jobEvidenceLedger(report);
    if (ledger) await writeFileAtomic(o.evidence.abs, ctx.id, ledger);
    return { result: { output: o.output.rel, ...written, overall: report.overall, evidence: ledger ? o.evidence.rel : null }, manifest: report };
  } finally {
    await inputs.close();
  }
}
