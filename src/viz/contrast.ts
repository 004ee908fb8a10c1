// WCAG 2 contrast of text on a (possibly translucent) background, for colour choices that must stay readable.
export type Rgb = readonly [number, number, number];

function channel(c: number): number {
  const s = c / 255;
  return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
}

export function luminance([r, g, b]: Rgb): number {
  return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b);
}

export function contrastRatio(a: Rgb, b: Rgb): number {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x);
  return (hi + 0.05) / (lo + 0.05);
}

/** `colour` at `alpha` over `under` (opaque), as the browser composites it. */
export function blend(colour: Rgb, alpha: number, under: Rgb = [255, 255, 255]): Rgb {
  return [0, 1, 2].map((i) => Math.round(colour[i] * alpha + under[i] * (1 - alpha))) as unknown as Rgb;
}
