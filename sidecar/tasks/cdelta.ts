// C-Δθ job: W_out = W_target + s·(W_aligned − W_base) on the circuit mask, one output folder per strength
// of the sweep, all written in a single streaming pass over the inputs. Each output is a drop-in model
// folder with edit-manifest.json (inputs' sha256, mask summary, per-tensor stats, tool version) and, where the
// family table knows the config, onnx/model.onnx of the edited weights (tasks/output.ts).

import { maskCount } from '../../src/core/edits/archMap';
import { applyCDeltaRaw, emptyCDeltaStats, type CDeltaTensorStats } from '../../src/core/edits/cdelta';
import type { CircuitSelection } from '../../src/core/edits/circuit';
import { isFloatDtype, type FloatDtype } from '../../src/core/edits/dtypes';
import { numel } from '../../src/core/edits/safetensors';
import { EDITS_TOOL } from '../../src/core/edits/version';
import type { JobContext, JobOutcome } from '../jobs';
import { buildMasks, Inputs, nonFiniteWarning, resolveHeads, unchangedWarning, type InputRef } from './common';
import { onnxWarnings, OutputFolder } from './output';
import { checkAborted, CHUNK_ELEMS, runTensorPass } from './stream';

export interface CDeltaOptions {
  base: InputRef;
  aligned: InputRef;
  /** Defaults to base. */
  target?: InputRef;
  circuit: { selection: CircuitSelection; path?: string; sha256: string };
  outputs: { strength: number; path: InputRef }[];
  nHeads?: number;
  /** Export onnx/model.onnx per output where possible (default true). */
  onnx?: boolean;
}

export async function runCDelta(o: CDeltaOptions, ctx: JobContext): Promise<JobOutcome> {
  const inputs = new Inputs();
  const folders: OutputFolder[] = [];
  try {
    const target = await inputs.open('target', o.target ?? o.base);
    const base = await inputs.open('base', o.base);
    const aligned = await inputs.open('aligned', o.aligned);
    const arch = resolveHeads(target, o.circuit.selection, o.nHeads);
    const masks = buildMasks(target, o.circuit.selection, arch);
    const baseIsTarget = base === target;
    const checkpoints = baseIsTarget ? [target, aligned] : [target, base, aligned];
    for (const out of o.outputs) {
      folders.push(await OutputFolder.create(target, out.path.abs, ctx.id, { edit: 'c-delta-theta', strength: String(out.strength) }, out.path.rel));
    }
    const stats = o.outputs.map(() => new Map<string, CDeltaTensorStats>());
    await runTensorPass({
      checkpoints,
      labels: checkpoints.map((c) => inputs.list.find((x) => x.ck === c)!.ref.rel),
      writers: folders.map((f) => f.writer),
      signal: ctx.signal,
      progress: (d, t) => ctx.progress('edit', d, t),
      plan: (t) => {
        const mask = masks.get(t.name);
        if (!mask || !isFloatDtype(t.dtype)) return null;
        const dtype: FloatDtype = t.dtype;
        const per = stats.map((m) => {
          const s = emptyCDeltaStats(t.name, numel(t.shape), mask);
          m.set(t.name, s);
          return s;
        });
        return {
          inputs: baseIsTarget ? [0, 1] : [0, 1, 2],
          chunkElems: CHUNK_ELEMS,
          prepass: false,
          create: () => ({
            chunk: (s, inp) => {
              const raw = inp.raw.map((bytes, j) => ({ bytes, dtype: inp.dtypes[j] }));
              const [tw, bw, aw] = baseIsTarget ? [raw[0], raw[0], raw[1]] : raw;
              // The last output is edited in place in the target's read buffer (the streaming loop hands it
              // back for reuse once written); the others are copies (new Uint8Array(...) copies, a Node
              // Buffer's slice() would alias the read buffer).
              const last = o.outputs.length - 1;
              const outs = o.outputs.map((_, k) => (k === last ? tw.bytes : new Uint8Array(tw.bytes)));
              applyCDeltaRaw(outs, { bytes: tw.bytes, dtype }, bw, aw, mask, s, o.outputs.map((x) => x.strength), per);
              return outs;
            },
          }),
        };
      },
    });
    ctx.progress('hash', 0, 1);
    const digests = await inputs.digests(() => checkAborted(ctx.signal));
    const paramsTotal = target.tensors.reduce((s, t) => s + numel(t.shape), 0);
    const paramsMasked = [...masks.values()].reduce((s, m) => s + maskCount(m), 0);
    const maskSummary = {
      arch, heads: o.circuit.selection.heads.map(([l, h]) => `a${l}.h${h}`), mlps: o.circuit.selection.mlps.map((l) => `m${l}`),
      tensorsTouched: masks.size, paramsMasked, paramsTotal, percentMasked: (100 * paramsMasked) / paramsTotal,
    };
    const results = [];
    const manifests: unknown[] = [];
    const emptyCircuit = o.circuit.selection.heads.length === 0 && o.circuit.selection.mlps.length === 0;
    for (let k = 0; k < folders.length; k++) {
      const tensors = [...stats[k].values()];
      const changed = tensors.reduce((s, t) => s + t.changed, 0);
      const warnings = [
        ...(emptyCircuit ? ['the circuit selects no attention head and no MLP (no node or edge is in_graph)'] : []),
        ...(changed === 0 ? [unchangedWarning(emptyCircuit ? 'the target' : 'the target (W_aligned − W_base is zero on the mask, or every change rounds away in the target dtype)')] : []),
        ...nonFiniteWarning(tensors),
      ];
      const { files, manifest, onnx } = await folders[k].commit((outFiles, onnx) => ({
        tool: EDITS_TOOL, kind: 'c-delta-theta', createdAt: new Date().toISOString(), jobId: ctx.id,
        formula: 'W_out[mask] = W_target[mask] + s * (W_aligned - W_base)[mask]; W_out = W_target elsewhere',
        strength: o.outputs[k].strength,
        inputs: { ...digests, circuit: { path: o.circuit.path ?? null, sha256: o.circuit.sha256 } },
        mask: maskSummary,
        paramsChanged: changed, percentChanged: (100 * changed) / paramsTotal,
        warnings: [...warnings, ...onnxWarnings(onnx)],
        tensors,
        output: { path: o.outputs[k].path.rel, files: outFiles },
        onnx,
      }), { signal: ctx.signal, onnx: o.onnx ?? true, onExport: () => ctx.progress('onnx', k, folders.length) });
      manifests.push(manifest);
      results.push({ path: o.outputs[k].path.rel, strength: o.outputs[k].strength, paramsChanged: changed, warnings: [...warnings, ...onnxWarnings(onnx)], files, onnx });
    }
    folders.length = 0;
    return { result: { outputs: results, mask: maskSummary }, manifest: manifests.length === 1 ? manifests[0] : manifests };
  } finally {
    await Promise.all(folders.map((f) => f.discard()));
    await inputs.close();
  }
}
