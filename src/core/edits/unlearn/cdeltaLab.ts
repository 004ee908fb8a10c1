// C-Δθ on a model loaded in the lab engine: W_out = W_target + s·(W_aligned − W_target) on a circuit's mask, the
// target's values elsewhere, through the same code the sidecar streams checkpoints with (cdelta.ts
// applyCDeltaRaw on F32 bytes, archMap.ts masks from the checkpoint's own tensor names). So an edit can be
// scored in-process, and the sidecar's drop-in folders can be checked against it bit for bit. Pure.
import { fromF32, readF32, type ArrRecord } from '../../lab';
import { maskCount, maskForTensor, resolveArch } from '../archMap';
import { applyCDeltaRaw, emptyCDeltaStats, type CDeltaTensorStats } from '../cdelta';
import type { CircuitSelection } from '../circuit';
import type { UnlearnModel } from './model';

export interface CDeltaLabResult {
  /** One full parameter record per strength (engine arrays; the caller releases them). */
  params: ArrRecord[];
  /** Per strength, the stats of every masked tensor (checkpoint names), as the sidecar's manifest reports them. */
  stats: CDeltaTensorStats[][];
  /** Parameters under the mask, over all tensors; and all parameters of the model. */
  masked: number;
  total: number;
}

const bytesOf = (x: Float32Array): Uint8Array => new Uint8Array(x.buffer, x.byteOffset, x.byteLength);

/** Applies C-Δθ at each strength; neither `target` nor `aligned` is consumed. Masking errors are archMap's. */
export function cdeltaLab(model: UnlearnModel, target: ArrRecord, aligned: ArrRecord, sel: CircuitSelection, strengths: readonly number[]): CDeltaLabResult {
  const names = Object.keys(target);
  const specs = names.map((n) => ({ name: model.fileName(n), dtype: 'F32' as const, shape: [...target[n].shape] }));
  const arch = resolveArch(specs, { config: model.configJson, circuit: sel });
  const params: ArrRecord[] = strengths.map(() => ({}));
  const stats: CDeltaTensorStats[][] = strengths.map(() => []);
  let masked = 0;
  let total = 0;
  names.forEach((n, i) => {
    const t = readF32(target[n]);
    total += t.length;
    const mask = maskForTensor(specs[i], sel, arch);
    if (!mask) {
      strengths.forEach((_, k) => (params[k][n] = target[n].ref));
      return;
    }
    const outs = strengths.map(() => new Float32Array(t));
    const st = strengths.map(() => emptyCDeltaStats(specs[i].name, t.length, mask));
    masked += st[0].masked;
    const chunk = { dtype: 'F32' as const, bytes: bytesOf(t) };
    applyCDeltaRaw(outs.map(bytesOf), chunk, chunk, { dtype: 'F32', bytes: bytesOf(readF32(aligned[n])) }, mask, 0, strengths, st);
    outs.forEach((o, k) => {
      params[k][n] = fromF32(o, [...target[n].shape]);
      stats[k].push(st[k]);
    });
  });
  return { params, stats, masked, total };
}

/** Parameters a circuit's mask covers in `model`, and all of them, from the tensor shapes alone (no arrays read). */
export function circuitParamCount(model: UnlearnModel, sel: CircuitSelection): { masked: number; total: number } {
  const specs = Object.entries(model.params).map(([n, a]) => ({ name: model.fileName(n), dtype: 'F32' as const, shape: [...a.shape] }));
  const arch = resolveArch(specs, { config: model.configJson, circuit: sel });
  let masked = 0;
  let total = 0;
  for (const s of specs) {
    total += s.shape.reduce((a, b) => a * b, 1);
    const m = maskForTensor(s, sel, arch);
    if (m) masked += maskCount(m);
  }
  return { masked, total };
}
