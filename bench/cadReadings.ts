// Two scale-aware readings of a before/after pair of attribution graphs, beside CAD (bench/cad-calibration.ts).
// CAD = 1 − cos is blind to scale: an edit that halves every edge score (the same circuit carrying half the
// behaviour) reads 0. relL2 = |s′ − s| / |s| sees it (0.5); projScale = s·s′ / s·s says how much of the base's
// attribution is left along its own direction (0.5), so "suppression without structural change" shows as
// CAD ≈ 0 with projScale well below 1. Edges are matched by position (the same model layout), as CAD does.
import type { CircuitGraph } from '../src/core/circuits/types';

export interface CadScaleReadings {
  /** |s′ − s| / |s| (0 when s is all zero). */
  relL2: number;
  /** s·s′ / s·s (0 when s is all zero). */
  projScale: number;
}

export function cadScaleReadings(before: CircuitGraph, after: CircuitGraph): CadScaleReadings {
  if (before.edges.length !== after.edges.length) throw new RangeError(`the graphs have ${before.edges.length} and ${after.edges.length} edges`);
  let ss = 0;
  let st = 0;
  let dd = 0;
  for (let i = 0; i < before.edges.length; i++) {
    const s = Number.isFinite(before.edges[i].score) ? before.edges[i].score : 0;
    const t = Number.isFinite(after.edges[i].score) ? after.edges[i].score : 0;
    ss += s * s;
    st += s * t;
    dd += (t - s) ** 2;
  }
  return ss > 0 ? { relL2: Math.sqrt(dd / ss), projScale: st / ss } : { relL2: 0, projScale: 0 };
}
