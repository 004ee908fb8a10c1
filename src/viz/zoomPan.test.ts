// Zoom/pan arithmetic of the layered graph view: fit centres the whole drawing, zooming keeps the point under the
// pointer fixed and respects the limits, the visible rectangle inverts the transform, row labels thin out.
import { describe, expect, it } from 'vitest';
import { fitTransform, intersects, labelStep, panBy, visibleRect, zoomAt, zoomLimits } from './zoomPan';

const apply = (t: { k: number; x: number; y: number }, p: [number, number]) => [t.k * p[0] + t.x, t.k * p[1] + t.y];

describe('zoom and pan', () => {
  it('fit puts the whole drawing inside the viewport, centred, never magnified past 1', () => {
    const content = { width: 860, height: 2776 };
    const vp = { width: 1100, height: 900 };
    const t = fitTransform(content, vp, 8);
    const [x0, y0] = apply(t, [0, 0]);
    const [x1, y1] = apply(t, [content.width, content.height]);
    expect(y0).toBeCloseTo(8, 6);
    expect(y1).toBeCloseTo(892, 6);
    expect(x0).toBeGreaterThanOrEqual(8);
    expect(x1).toBeLessThanOrEqual(1092);
    expect((x0 + x1) / 2).toBeCloseTo(550, 6);
    expect(fitTransform({ width: 100, height: 100 }, vp).k).toBe(1);
  });

  it('zooming about a point keeps that point fixed; limits clamp; visibleRect inverts the transform', () => {
    const fit = fitTransform({ width: 860, height: 2776 }, { width: 1100, height: 900 });
    const lim = zoomLimits(fit);
    const z = zoomAt(fit, 3, 300, 200, lim);
    const before = [(300 - fit.x) / fit.k, (200 - fit.y) / fit.k] as [number, number];
    const after = apply(z, before);
    expect(after[0]).toBeCloseTo(300, 6);
    expect(after[1]).toBeCloseTo(200, 6);
    expect(zoomAt(fit, 1e6, 0, 0, lim).k).toBe(lim.max);
    expect(zoomAt(fit, 1e-6, 0, 0, lim).k).toBe(lim.min);
    const p = panBy(z, 40, -10);
    const r = visibleRect(p, { width: 1100, height: 900 });
    expect(apply(p, [r.x0, r.y0])).toEqual([expect.closeTo(0, 6), expect.closeTo(0, 6)]);
    expect(apply(p, [r.x1, r.y1])).toEqual([expect.closeTo(1100, 6), expect.closeTo(900, 6)]);
    expect(intersects(r, { x0: r.x1 + 1, y0: r.y0, x1: r.x1 + 5, y1: r.y1 })).toBe(false);
    expect(intersects(r, { x0: r.x1 - 1, y0: r.y0, x1: r.x1 + 5, y1: r.y1 })).toBe(true);
  });

  it('labels every row when rows are far enough apart, else every k-th', () => {
    expect(labelStep(20)).toBe(1);
    expect(labelStep(13)).toBe(1);
    expect(labelStep(6)).toBe(3);
    expect(labelStep(6) * 6).toBeGreaterThanOrEqual(13);
  });
});
