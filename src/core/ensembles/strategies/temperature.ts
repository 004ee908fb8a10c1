// Temperature scaling (Guo et al. 2017) per model, fitted by NLL on OOF, then a uniform blend of the calibrated
// models. p_T ∝ p^{1/T}: the OOF NLL is convex in 1/T (the logits are linear in it), hence unimodal in log T,
// so a golden-section search over T ∈ [0.05, 20] finds the optimum without gradients.

import { blend } from '../metrics';
import type { BaseSet, StrategyOutput } from './types';

const LOG_FLOOR = Math.log(1e-12);

export function applyTemperature(probs: Float64Array, k: number, t: number): Float64Array {
  const out = new Float64Array(probs.length);
  for (let off = 0; off < probs.length; off += k) {
    let m = -Infinity;
    for (let c = 0; c < k; c++) { out[off + c] = Math.max(LOG_FLOOR, Math.log(probs[off + c])) / t; m = Math.max(m, out[off + c]); }
    let s = 0;
    for (let c = 0; c < k; c++) { out[off + c] = Math.exp(out[off + c] - m); s += out[off + c]; }
    for (let c = 0; c < k; c++) out[off + c] /= s;
  }
  return out;
}

/** Mean NLL of the labels under softmax(logp / t), with logp the floored log-probabilities (n×k). */
function temperedNll(logp: Float64Array, labels: Int32Array, k: number, t: number): number {
  let s = 0;
  for (let i = 0, off = 0; i < labels.length; i++, off += k) {
    let m = -Infinity;
    for (let c = 0; c < k; c++) m = Math.max(m, logp[off + c] / t);
    let z = 0;
    for (let c = 0; c < k; c++) z += Math.exp(logp[off + c] / t - m);
    s += m + Math.log(z) - logp[off + labels[i]] / t;
  }
  return s / labels.length;
}

export function fitTemperature(probs: Float64Array, labels: Int32Array, k: number): number {
  const logp = probs.map((p) => Math.max(LOG_FLOOR, Math.log(p)));
  const nll = (logT: number) => temperedNll(logp, labels, k, Math.exp(logT));
  let a = Math.log(0.05);
  let b = Math.log(20);
  const phi = (Math.sqrt(5) - 1) / 2;
  let c = b - phi * (b - a);
  let d = a + phi * (b - a);
  let fc = nll(c);
  let fd = nll(d);
  // 1e-4 in log T is a 0.01 % change of T: far below what moves any metric
  for (let it = 0; it < 60 && b - a > 1e-4; it++) {
    if (fc < fd) { b = d; d = c; fd = fc; c = b - phi * (b - a); fc = nll(c); }
    else { a = c; c = d; fc = fd; d = a + phi * (b - a); fd = nll(d); }
  }
  return Math.exp((a + b) / 2);
}

export function temperatureBlend(base: BaseSet): StrategyOutput & { temperatures: number[] } {
  const temps = base.oof.map((p) => fitTemperature(p, base.oofLabels, base.k));
  const w = new Array<number>(base.names.length).fill(1);
  return {
    id: 'temperature-blend',
    oof: blend(base.oof.map((p, m) => applyTemperature(p, base.k, temps[m])), w),
    test: blend(base.test.map((p, m) => applyTemperature(p, base.k, temps[m])), w),
    used: [...base.names],
    temperatures: temps,
    note: `T = ${temps.map((t) => t.toFixed(2)).join(', ')}`,
  };
}
