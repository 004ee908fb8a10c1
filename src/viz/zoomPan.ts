// Zoom and pan arithmetic for the layered graph view: a transform screen = k · layout + (x, y), fitting a drawing
// into the viewport, zooming about a fixed point (the pointer, or the viewport's centre for buttons and keys),
// and the part of the drawing on screen (to cull what is off it). Pure, unit-tested (zoomPan.test.ts).

export interface ZoomTransform {
  k: number;
  x: number;
  y: number;
}

export interface Size {
  width: number;
  height: number;
}

export interface Rect {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
}

export const IDENTITY: ZoomTransform = { k: 1, x: 0, y: 0 };

/** The whole drawing in the viewport, centred; never magnified past `maxK` (a small graph stays at its size). */
export function fitTransform(content: Size, viewport: Size, pad = 8, maxK = 1): ZoomTransform {
  const w = Math.max(1, viewport.width - 2 * pad);
  const h = Math.max(1, viewport.height - 2 * pad);
  const k = Math.min(maxK, w / Math.max(1, content.width), h / Math.max(1, content.height));
  return { k, x: (viewport.width - k * content.width) / 2, y: (viewport.height - k * content.height) / 2 };
}

/** Zoom levels allowed around a fit: from half the fit out to 8× in (at least 2× the drawing's own size). */
export function zoomLimits(fit: ZoomTransform): { min: number; max: number } {
  return { min: fit.k / 2, max: Math.max(2, fit.k * 8) };
}

/** Scale by `factor` keeping the screen point (px, py) over the same drawing point; k clamped to the limits. */
export function zoomAt(t: ZoomTransform, factor: number, px: number, py: number, limits: { min: number; max: number }): ZoomTransform {
  const k = Math.min(limits.max, Math.max(limits.min, t.k * factor));
  const r = k / t.k;
  return { k, x: px - (px - t.x) * r, y: py - (py - t.y) * r };
}

export const panBy = (t: ZoomTransform, dx: number, dy: number): ZoomTransform => ({ k: t.k, x: t.x + dx, y: t.y + dy });

/** The drawing's rectangle on screen, in drawing coordinates (grown by `margin` screen px). */
export function visibleRect(t: ZoomTransform, viewport: Size, margin = 0): Rect {
  return {
    x0: (-margin - t.x) / t.k,
    y0: (-margin - t.y) / t.k,
    x1: (viewport.width + margin - t.x) / t.k,
    y1: (viewport.height + margin - t.y) / t.k,
  };
}

export const intersects = (a: Rect, b: Rect): boolean => a.x0 <= b.x1 && b.x0 <= a.x1 && a.y0 <= b.y1 && b.y0 <= a.y1;

/** Labels every `step`-th row so that labelled rows are at least `minGap` screen px apart. */
export function labelStep(rowGapPx: number, minGap = 13): number {
  return rowGapPx >= minGap ? 1 : Math.ceil(minGap / Math.max(0.01, rowGapPx));
}
