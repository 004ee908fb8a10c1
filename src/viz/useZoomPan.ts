// Zoom and pan state of a viewport over a drawing: wheel zooms about the pointer, drag pans, buttons and keys
// (+ / − zoom, arrows pan, 0 or F fits) do both from the keyboard. The view refits when the drawing changes size
// unless the user has zoomed or panned since the last fit. Arithmetic in zoomPan.ts.
import { useCallback, useEffect, useLayoutEffect, useRef, useState, type KeyboardEvent, type PointerEvent } from 'react';
import { fitTransform, panBy, zoomAt, zoomLimits, type Size, type ZoomTransform } from './zoomPan';

const STEP = 1.25;
const PAN_STEP = 60;
/** pointer travel (px) that turns a press into a drag, so a click on a node still selects it */
const DRAG_SLOP = 4;

/** The viewport element and its measured width (the layout widens to the viewport's aspect before it is fitted). */
export function useViewportWidth(fallback = 860): { el: HTMLDivElement | null; ref: (el: HTMLDivElement | null) => void; width: number } {
  const [el, setEl] = useState<HTMLDivElement | null>(null);
  const [width, setWidth] = useState(fallback);
  useLayoutEffect(() => {
    if (!el) return;
    setWidth(el.clientWidth || fallback);
    const ro = new ResizeObserver(() => setWidth(el.clientWidth || fallback));
    ro.observe(el);
    return () => ro.disconnect();
  }, [el, fallback]);
  return { el, ref: setEl, width };
}

export interface ZoomPan {
  t: ZoomTransform;
  zoomIn: () => void;
  zoomOut: () => void;
  fit: () => void;
  onKeyDown: (e: KeyboardEvent) => void;
  onPointerDown: (e: PointerEvent) => void;
  onPointerMove: (e: PointerEvent) => void;
  onPointerUp: (e: PointerEvent) => void;
  /** true once after a drag ended: the click that follows it is not a selection */
  consumeDrag: () => boolean;
}

export function useZoomPan(content: Size, viewport: Size, el: HTMLElement | null): ZoomPan {
  const { width, height } = viewport;
  const fitted = fitTransform(content, viewport);
  const [t, setT] = useState<ZoomTransform>(fitted);
  const atFit = useRef(true);
  const drag = useRef<{ x: number; y: number; moved: boolean; id: number } | null>(null);
  const dragged = useRef(false);

  // a new drawing size (graph, aggregation, filters) or viewport: refit unless the user moved the view
  const fk = fitted.k;
  const fx = fitted.x;
  const fy = fitted.y;
  useLayoutEffect(() => {
    if (atFit.current) setT({ k: fk, x: fx, y: fy });
  }, [fk, fx, fy]);

  const limits = zoomLimits(fitted);
  const move = useCallback((next: (t: ZoomTransform) => ZoomTransform) => {
    atFit.current = false;
    setT(next);
  }, []);
  const zoomBy = (f: number) => move((p) => zoomAt(p, f, width / 2, height / 2, limits));
  const fit = () => {
    atFit.current = true;
    setT(fitted);
  };

  // React's wheel listener is passive: zooming must stop the page from scrolling, so listen directly
  const limitsRef = useRef(limits);
  limitsRef.current = limits;
  useEffect(() => {
    if (!el) return;
    const onWheel = (e: WheelEvent) => {
      e.preventDefault();
      const r = el.getBoundingClientRect();
      move((p) => zoomAt(p, Math.exp(-e.deltaY * 0.0015), e.clientX - r.left, e.clientY - r.top, limitsRef.current));
    };
    el.addEventListener('wheel', onWheel, { passive: false });
    return () => el.removeEventListener('wheel', onWheel);
  }, [el, move]);

  const onKeyDown = (e: KeyboardEvent) => {
    const pan: Record<string, [number, number]> = { ArrowLeft: [PAN_STEP, 0], ArrowRight: [-PAN_STEP, 0], ArrowUp: [0, PAN_STEP], ArrowDown: [0, -PAN_STEP] };
    if (e.key === '+' || e.key === '=') zoomBy(STEP);
    else if (e.key === '-' || e.key === '_') zoomBy(1 / STEP);
    else if (e.key === '0' || e.key === 'f' || e.key === 'F') fit();
    else if (pan[e.key]) move((p) => panBy(p, ...pan[e.key]));
    else return;
    e.preventDefault();
  };
  const onPointerDown = (e: PointerEvent) => {
    if (e.button !== 0) return;
    dragged.current = false;
    drag.current = { x: e.clientX, y: e.clientY, moved: false, id: e.pointerId };
  };
  const onPointerMove = (e: PointerEvent) => {
    const d = drag.current;
    if (!d || d.id !== e.pointerId) return;
    const dx = e.clientX - d.x;
    const dy = e.clientY - d.y;
    if (!d.moved && Math.hypot(dx, dy) < DRAG_SLOP) return;
    if (!d.moved) (e.currentTarget as Element).setPointerCapture?.(e.pointerId);
    d.moved = true;
    d.x = e.clientX;
    d.y = e.clientY;
    move((p) => panBy(p, dx, dy));
  };
  const onPointerUp = (e: PointerEvent) => {
    if (drag.current?.moved) dragged.current = true;
    drag.current = null;
    (e.currentTarget as Element).releasePointerCapture?.(e.pointerId);
  };
  const consumeDrag = () => {
    const was = dragged.current;
    dragged.current = false;
    return was;
  };

  return { t, zoomIn: () => zoomBy(STEP), zoomOut: () => zoomBy(1 / STEP), fit, onKeyDown, onPointerDown, onPointerMove, onPointerUp, consumeDrag };
}
