// Survival job: how much of the edit base → edited survives NF4/FP4 quantization, per tensor and overall
// (see src/core/edits/survival.ts for the definitions). Streams both checkpoints once; writes a JSON report
// (atomically) that doubles as the job's manifest. The counting can be cut into shares of the tensors
// (contiguous in file order, about equal bytes) that run on several worker threads (offThread.ts), one of
// them hashing the inputs; the report is then built from all shares.

import { aligned, isFloatDtype } from '../../src/core/edits/dtypes';
import type { QuantType } from '../../src/core/edits/quant4';
import { emptyCounts, mergeCounts, RATIO_BIN_LOWER, summarize, SurvivalCounter, type SurvivalCounts } from '../../src/core/edits/survival';
import { EDITS_TOOL } from '../../src/core/edits/version';
import { writeFileAtomic } from '../fileio';
import type { FileDigest, TensorRef } from '../checkpoint';
import type { JobContext, JobOutcome } from '../jobs';
import { survivalKernel } from '../survivalKernel';
import { Inputs, type InputRef } from './common';
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
}

/** Share `part` of `parts` of a survival pass. */
export interface SurvivalShare {
  part: number;
  parts: number;
}

export interface SurvivalCountResult {
  /** Per float tensor of the share, in file order. */
  tensors: [string, SurvivalCounts][];
  /** The inputs' digests, from the share that hashed them. */
  inputs?: Record<string, { path: string; files: FileDigest[] }>;
}

/** Names of the float tensors in a share: by the midpoint of each tensor's bytes among all float bytes. */
function shareTensors(tensors: readonly TensorRef[], share: SurvivalShare): Set<string> {
  const float = tensors.filter((t) => isFloatDtype(t.dtype));
  const total = float.reduce((a, t) => a + t.end - t.begin, 0);
  const names = new Set<string>();
  let before = 0;
  for (const t of float) {
    const bytes = t.end - t.begin;
    if (Math.min(share.parts - 1, Math.floor((share.parts * (before + bytes / 2)) / Math.max(1, total))) === share.part) names.add(t.name);
    before += bytes;
  }
  return names;
}

/** Counts one share of the tensors (all of them by default); `hash`: also the inputs' digests. */
export async function countSurvival(o: SurvivalOptions, ctx: JobContext, share: SurvivalShare = { part: 0, parts: 1 }, hash = true): Promise<SurvivalCountResult> {
  const inputs = new Inputs();
  try {
    const base = await inputs.open('base', o.base, hash);
    const edited = await inputs.open('edited', o.edited, hash);
    const mine = shareTensors(base.tensors, share);
    const counters = new Map<string, SurvivalCounter>();
    await runTensorPass({
      checkpoints: [base, edited],
      labels: [o.base.rel, o.edited.rel],
      writers: [],
      signal: ctx.signal,
      progress: (d, t) => ctx.progress('analyse', d, t),
      plan: (t) => {
        if (!mine.has(t.name)) return null;
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
    const tensors = [...counters].map(([name, c]): [string, SurvivalCounts] => [name, c.counts]);
    if (!hash) return { tensors };
    ctx.progress('hash', 0, 1);
    return { tensors, inputs: await inputs.digests(() => checkAborted(ctx.signal)) };
  } finally {
    await inputs.close();
  }
}

/** Builds the report from the shares' counts (in share order) and writes it atomically. */
export async function writeSurvivalReport(o: SurvivalOptions, jobId: string, shares: SurvivalCountResult[]): Promise<JobOutcome> {
  const overall = emptyCounts();
  const tensors = shares.flatMap((r) => r.tensors).map(([name, counts]) => {
    mergeCounts(overall, counts);
    return { name, ...summarize(counts) };
  });
  const report = {
    tool: EDITS_TOOL, kind: 'survival', createdAt: new Date().toISOString(), jobId,
    quant: { type: o.quant, blocksize: o.blocksize, reference: 'bitsandbytes quantize_4bit (codes use the exact f32 absmax; double quantization does not change codes)' },
    ratioBinLowerEdges: RATIO_BIN_LOWER,
    inputs: shares.find((r) => r.inputs)?.inputs,
    overall: summarize(overall),
    tensors,
  };
  const written = await writeFileAtomic(o.output.abs, jobId, JSON.stringify(report, null, 2));
  return { result: { output: o.output.rel, ...written, overall: report.overall }, manifest: report };
}
