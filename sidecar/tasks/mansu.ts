// MANSU job (the parts that need no gradient of the big model): take the update Δ = edited − base, restrict
// it to a circuit mask, gate it by retain statistics (diagonal Fisher and/or a per-layer input-activation
// covariance: Δ is projected off the covariance's top-k eigenvectors), write base + Δ with a per-parameter
// magnitude floor that makes each kept change cross a 4-bit decision threshold, and report NF4/FP4 survival
// before (raw edited) and after (output), with the |Δ|/bin-width histograms of both.
// Retain statistics live in one safetensors file: "fisher/<param>" (same shape as the parameter) and
// "cov/<param>" ([d_in, d_in]); both are optional per parameter.

import { detectFamily, forEachMaskedRun, type RowColMask } from '../../src/core/edits/archMap';
import type { CircuitSelection } from '../../src/core/edits/circuit';
import { decodeToF32, isFloatDtype, roundToDtype, type FloatDtype } from '../../src/core/edits/dtypes';
import { topEigen } from '../../src/core/edits/eigen';
import { MaskMappingError } from '../../src/core/edits/errors';
import { accumulateFirstAxis, applyFirstAxis, applyFisher, clearResidue, applyMagnitudeFloor, emptyFloorStats, projectRowsLastAxis, type FisherOptions, type FloorStats } from '../../src/core/edits/mansu';
import type { QuantType } from '../../src/core/edits/quant4';
import { numel } from '../../src/core/edits/safetensors';
import { emptyCounts, mergeCounts, RATIO_BIN_LOWER, summarize, SurvivalCounter } from '../../src/core/edits/survival';
import { EDITS_TOOL } from '../../src/core/edits/version';
import { readTensor, type Checkpoint, type TensorRef } from '../checkpoint';
import type { JobContext, JobOutcome } from '../jobs';
import { buildMasks, Inputs, nonFiniteWarning, resolveHeads, unchangedWarning, type InputRef } from './common';
import { EVIDENCE_FILE, jobEvidenceLedger } from './evidence';
import { onnxWarnings, OutputFolder } from './output';
import { checkAborted, CHUNK_ELEMS, runTensorPass } from './stream';

export interface MansuOptions {
  base: InputRef;
  edited: InputRef;
  stats?: InputRef;
  circuit?: { selection: CircuitSelection; path?: string; sha256: string };
  nHeads?: number;
  fisher?: FisherOptions;
  covariance?: { topK: number };
  floor: boolean;
  quant: QuantType;
  blocksize: number;
  output: InputRef;
  /** Export onnx/model.onnx where possible (default true). */
  onnx?: boolean;
}

interface TensorReport {
  name: string;
  nonzeroUpdate: number;
  maskedOut: number;
  fisherZeroed: number;
  /** Parameters whose output differs from the base, and of those the NaN/±Inf ones. */
  changed: number;
  nonFinite: number;
  projection: { axis: 'rows' | 'columns'; topK: number; eigenvalues: number[]; normBefore: number; normAfter: number } | null;
  floor: FloorStats;
  before: SurvivalCounter;
  after: SurvivalCounter;
}

const gcd = (a: number, b: number): number => (b ? gcd(b, a % b) : a);
/** Does the weight multiply its input along its first axis? (GPT-2 Conv1D stores [in, out].) */
const families = new WeakMap<Checkpoint, ReturnType<typeof detectFamily>>();
const familyOfCk = (ck: Checkpoint) => {
  if (!families.has(ck)) families.set(ck, detectFamily(ck.tensors.map((x) => x.name)));
  return families.get(ck);
};
const conv1d = (ck: Checkpoint, t: TensorRef) => familyOfCk(ck) === 'gpt2' && t.shape.length === 2 && /(?:^|\.)h\.\d+\./.test(t.name);

async function loadF32(ck: Checkpoint, t: TensorRef): Promise<Float32Array> {
  return decodeToF32(t.dtype, await readTensor(ck, t, 0, numel(t.shape)));
}

export async function runMansu(o: MansuOptions, ctx: JobContext): Promise<JobOutcome> {
  const inputs = new Inputs();
  let folder: OutputFolder | null = null;
  try {
    const base = await inputs.open('base', o.base);
    const edited = await inputs.open('edited', o.edited);
    const stats = o.stats ? await inputs.open('retainStats', o.stats) : null;
    const masks: Map<string, RowColMask> | null = o.circuit ? buildMasks(base, o.circuit.selection, resolveHeads(base, o.circuit.selection, o.nHeads)) : null;
    folder = await OutputFolder.create(base, o.output.abs, ctx.id, { edit: 'mansu' }, o.output.rel);
    const reports: TensorReport[] = [];
    await runTensorPass({
      checkpoints: [base, edited],
      labels: [o.base.rel, o.edited.rel],
      writers: [folder.writer],
      signal: ctx.signal,
      progress: (d, t) => ctx.progress('edit', d, t),
      plan: (t) => {
        if (!isFloatDtype(t.dtype)) return null;
        const dtype: FloatDtype = t.dtype;
        const cols = t.shape.length ? t.shape[t.shape.length - 1] : 1;
        const fisherRef = o.fisher ? stats?.byName.get(`fisher/${t.name}`) : undefined;
        const covRef = o.covariance ? stats?.byName.get(`cov/${t.name}`) : undefined;
        if (fisherRef && numel(fisherRef.shape) !== numel(t.shape)) throw new MaskMappingError(`fisher/${t.name} has shape [${fisherRef.shape}], the parameter [${t.shape}]`);
        const axis = covRef ? (conv1d(base, t) ? 'columns' : 'rows') : null;
        const inDim = axis === 'columns' ? t.shape[0] : cols;
        if (covRef && (covRef.shape.length !== 2 || covRef.shape[0] !== inDim || covRef.shape[1] !== inDim)) {
          throw new MaskMappingError(`cov/${t.name} is [${covRef.shape}] but the parameter [${t.shape}] takes ${inDim}-dim inputs along its ${axis === 'columns' ? 'first' : 'last'} axis`);
        }
        const lcm = (cols * o.blocksize) / gcd(cols, o.blocksize);
        const chunkElems = lcm * Math.max(1, Math.floor(CHUNK_ELEMS / lcm));
        const mask = masks ? (masks.get(t.name) ?? null) : undefined;
        const rep: TensorReport = { name: t.name, nonzeroUpdate: 0, maskedOut: 0, fisherZeroed: 0, changed: 0, nonFinite: 0, projection: null, floor: emptyFloorStats(), before: new SurvivalCounter(o.quant, o.blocksize), after: new SurvivalCounter(o.quant, o.blocksize) };
        reports.push(rep);
        return {
          inputs: [0, 1], chunkElems, prepass: axis === 'columns',
          create: async () => {
            let u: Float64Array | null = null;
            let k = 0;
            if (covRef && stats && axis) {
              const cov = Float64Array.from(await loadF32(stats, covRef));
              k = Math.min(o.covariance!.topK, inDim);
              const eig = topEigen(cov, inDim, k);
              u = eig.vectors;
              rep.projection = { axis, topK: k, eigenvalues: [...eig.values], normBefore: 0, normAfter: 0 };
            }
            const acc = axis === 'columns' ? new Float64Array(k * cols) : null;
            const delta = async (s: number, b: Float32Array, e: Float32Array, count: boolean) => {
              let d = Float64Array.from(e, (v, i) => v - b[i]);
              if (count) for (const v of d) if (v !== 0) rep.nonzeroUpdate++;
              if (mask !== undefined) {
                const kept = new Float64Array(d.length);
                if (mask) forEachMaskedRun(mask, s, d.length, (a, z) => kept.set(d.subarray(a, z), a));
                if (count) for (let i = 0; i < d.length; i++) if (d[i] !== 0 && kept[i] === 0) rep.maskedOut++;
                d = kept;
              }
              if (fisherRef && stats) {
                const f = decodeToF32(fisherRef.dtype, await readTensor(stats, fisherRef, s, d.length));
                const z = applyFisher(d, f, o.fisher!);
                if (count) rep.fisherZeroed += z;
              }
              return d;
            };
            const sq = (d: Float64Array) => d.reduce((a, v) => a + v * v, 0);
            return {
              prepass: async (s, inp) => {
                accumulateFirstAxis(await delta(s, inp.f32(0), inp.f32(1), false), s / cols, cols, u!, k, acc!);
              },
              chunk: async (s, inp) => {
                const b = inp.f32(0);
                const e = inp.f32(1);
                const d = await delta(s, b, e, true);
                if (rep.projection && u) {
                  rep.projection.normBefore += sq(d);
                  const maxAbs = d.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
                  if (acc) applyFirstAxis(d, s / cols, cols, u, k, acc);
                  else projectRowsLastAxis(d, cols, u, k);
                  clearResidue(d, maxAbs);
                  rep.projection.normAfter += sq(d);
                }
                const out = Float32Array.from(b, (v, i) => roundToDtype(v + d[i], dtype));
                if (o.floor) applyMagnitudeFloor(b, d, out, dtype, o.quant, o.blocksize, rep.floor);
                for (let i = 0; i < out.length; i++) {
                  if (out[i] === b[i] || (Number.isNaN(out[i]) && Number.isNaN(b[i]))) continue;
                  rep.changed++;
                  if (!Number.isFinite(out[i])) rep.nonFinite++;
                }
                rep.before.add(b, e);
                rep.after.add(b, out);
                return [out];
              },
            };
          },
        };
      },
    });
    ctx.progress('hash', 0, 1);
    const digests = await inputs.digests(() => checkAborted(ctx.signal));
    const before = emptyCounts();
    const after = emptyCounts();
    const floor = emptyFloorStats();
    const tensors = reports.map((r) => {
      mergeCounts(before, r.before.counts);
      mergeCounts(after, r.after.counts);
      for (const key of Object.keys(floor) as (keyof FloorStats)[]) floor[key] += r.floor[key];
      const projection = r.projection && { ...r.projection, normBefore: Math.sqrt(r.projection.normBefore), normAfter: Math.sqrt(r.projection.normAfter) };
      return { name: r.name, nonzeroUpdate: r.nonzeroUpdate, maskedOut: r.maskedOut, fisherZeroed: r.fisherZeroed, changed: r.changed, nonFinite: r.nonFinite, projection, floor: r.floor, survivalBefore: summarize(r.before.counts), survivalAfter: summarize(r.after.counts) };
    });
    const overall = { before: summarize(before), after: summarize(after), floor };
    const emptyCircuit = o.circuit !== undefined && o.circuit.selection.heads.length === 0 && o.circuit.selection.mlps.length === 0;
    const warnings = [
      ...(emptyCircuit ? ['the circuit selects no attention head and no MLP (no node or edge is in_graph): it masks out every update'] : []),
      ...(reports.every((r) => r.changed === 0) ? [unchangedWarning('the base')] : []),
      ...nonFiniteWarning(reports),
    ];
    const { files, manifest, onnx, evidence } = await folder.commit((outFiles, onnx) => ({
      tool: EDITS_TOOL, kind: 'mansu', createdAt: new Date().toISOString(), jobId: ctx.id,
      steps: { circuitMask: Boolean(o.circuit), fisher: o.fisher ?? null, covariance: o.covariance ?? null, magnitudeFloor: o.floor },
      quant: { type: o.quant, blocksize: o.blocksize },
      ratioBinLowerEdges: RATIO_BIN_LOWER,
      inputs: { ...digests, ...(o.circuit ? { circuit: { path: o.circuit.path ?? null, sha256: o.circuit.sha256 } } : {}) },
      overall,
      warnings: [...warnings, ...onnxWarnings(onnx)],
      tensors,
      output: { path: o.output.rel, files: outFiles },
      onnx,
    }), { signal: ctx.signal, onnx: o.onnx ?? true, onExport: () => ctx.progress('onnx', 0, 1), evidence: (m) => jobEvidenceLedger(m as Parameters<typeof jobEvidenceLedger>[0]) });
    folder = null;
    return { result: { output: o.output.rel, files, overall, warnings: [...warnings, ...onnxWarnings(onnx)], onnx, evidence: evidence ? `${o.output.rel}/${EVIDENCE_FILE}` : null }, manifest };
  } finally {
    await folder?.discard();
    await inputs.close();
  }
}
