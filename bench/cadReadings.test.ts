// The bench's scale-aware readings next to CAD: a uniformly rescaled attribution is invisible to CAD (1 − cos) but
// not to relL2 / projScale — the distinction bench/cad-calibration.ts reports ("suppression without structural change").
import { describe, expect, it } from 'vitest';
import { buildGraph, withScores } from '../src/core/circuits/graph';
import { circuitAttributionDivergence } from '../src/core/edits/unlearn/forgetCircuit';
import { cadScaleReadings } from './cadReadings';

const g = buildGraph({ nLayers: 2, nHeads: 2, dModel: 8, parallelAttnMlp: false });
const scores = g.edges.map((_, i) => Math.sin(1 + i * 0.7));
const base = withScores(g, scores, {});

describe('cadScaleReadings', () => {
  it('sees a rescaled attribution that CAD reads as unchanged', () => {
    const half = withScores(g, scores.map((s) => s / 2), {});
    expect(circuitAttributionDivergence(base, half, 8).cad).toBeCloseTo(0, 12);
    const r = cadScaleReadings(base, half);
    expect(r.relL2).toBeCloseTo(0.5, 12);
    expect(r.projScale).toBeCloseTo(0.5, 12);
  });

  it('reads an orthogonal attribution as projScale 0 and relL2 √(1 + |s′|²/|s|²)', () => {
    // s′ ⟂ s: put the scores' mass on swapped halves so the dot product is exactly zero
    const a = g.edges.map((_, i) => (i % 2 === 0 ? 1 : 0));
    const b = g.edges.map((_, i) => (i % 2 === 1 ? 2 : 0));
    const r = cadScaleReadings(withScores(g, a, {}), withScores(g, b, {}));
    expect(r.projScale).toBe(0);
    const na = a.filter(Boolean).length;
    const nb = b.filter(Boolean).length;
    expect(r.relL2).toBeCloseTo(Math.sqrt((na + 4 * nb) / na), 12);
    expect(circuitAttributionDivergence(withScores(g, a, {}), withScores(g, b, {}), 8).cad).toBeCloseTo(1, 12);
  });

  it('is 0 / 1 for the same graph and refuses graphs of different layouts', () => {
    expect(cadScaleReadings(base, base)).toEqual({ relL2: 0, projScale: 1 });
    const other = buildGraph({ nLayers: 1, nHeads: 2, dModel: 8, parallelAttnMlp: false });
    expect(() => cadScaleReadings(base, other)).toThrow(RangeError);
  });
});
