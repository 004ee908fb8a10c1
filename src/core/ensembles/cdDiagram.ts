// Critical-difference diagram (Demšar 2006, Fig. 1; the Orange `graph_ranks` layout): an average-rank axis, each
// method hung from its rank with its name at the side, and thick bars joining the maximal groups of methods
// that are not significantly different. Layout is computed here as plain numbers (a panel may render it itself)
// and `cdDiagramSvg` turns it into a standalone SVG string for export; no DOM involved.

export interface RankedMethod {
  name: string;
  avgRank: number;
}

export interface CdLayoutOptions {
  /** total width; default fits the axis (≥ 360 px) plus the text space on both sides */
  width?: number;
  /** pixels reserved on each side for method names; default from the longest name */
  textSpace?: number;
  rowHeight?: number;
  /** rank 1 on the right, as in Demšar's figures; default false (rank 1 on the left, Orange's default) */
  reverse?: boolean;
  title?: string;
}

export interface CdLayout {
  width: number;
  height: number;
  title: string;
  axis: { x0: number; x1: number; y: number; ticks: { rank: number; x: number }[] };
  /** the CD scale bar (Nemenyi) above the axis; null when groups come from another test */
  cdBar: { value: number; x0: number; x1: number; y: number } | null;
  methods: { name: string; avgRank: number; x: number; side: 'left' | 'right'; labelX: number; labelY: number }[];
  cliques: { members: string[]; x0: number; x1: number; y: number }[];
}

/**
 * Maximal groups of methods, contiguous in rank order, in which no pair is significantly different. For a
 * threshold test (Nemenyi) every maximal clique of the "not different" graph is such an interval, so this is
 * the Demšar/Orange grouping; `notDifferent(i, j)` takes indices into `sorted` (ascending average rank).
 * Single methods are not groups; a group inside another is dropped.
 */
export function maximalCliques(count: number, notDifferent: (i: number, j: number) => boolean): [number, number][] {
  const out: [number, number][] = [];
  for (let i = 0; i < count; i++) {
    let j = i;
    outer: while (j + 1 < count) {
      for (let t = i; t <= j; t++) if (!notDifferent(t, j + 1)) break outer;
      j++;
    }
    if (j > i && !out.some(([a, b]) => a <= i && j <= b)) out.push([i, j]);
  }
  return out;
}

/** Methods whose average ranks differ by less than the critical difference are not significantly different. */
export function nemenyiCliques(sorted: RankedMethod[], cd: number): [number, number][] {
  return maximalCliques(sorted.length, (i, j) => Math.abs(sorted[i].avgRank - sorted[j].avgRank) < cd);
}

export function sortByRank(methods: RankedMethod[]): RankedMethod[] {
  return [...methods].sort((a, b) => a.avgRank - b.avgRank || a.name.localeCompare(b.name));
}

/** Positions of everything in the diagram. `cliques` index into `sortByRank(methods)`. */
export function cdDiagramLayout(
  methods: RankedMethod[], cliques: [number, number][], cd: number | null, opts: CdLayoutOptions = {},
): CdLayout {
  const k = methods.length;
  if (k < 2) throw new RangeError(`a CD diagram needs at least 2 methods, got ${k}`);
  // labels read "name (2.34)"; ~7 px per character at 12 px sans-serif, so long names are never clipped
  const longest = Math.max(...methods.map((m) => m.name.length)) + 7;
  const textSpace = opts.textSpace ?? Math.max(100, Math.ceil(longest * 7) + 24);
  const width = opts.width ?? 2 * textSpace + Math.max(360, 60 * (k - 1));
  const rowHeight = opts.rowHeight ?? 20;
  const sorted = sortByRank(methods);
  const x0 = textSpace;
  const x1 = width - textSpace;
  const xOf = (rank: number) => {
    const t = (rank - 1) / (k - 1);
    return opts.reverse ? x1 - t * (x1 - x0) : x0 + t * (x1 - x0);
  };
  const cdY = 20;
  const axisY = cd === null ? 30 : 50;
  const ticks = [];
  for (let r = 1; r <= k; r++) ticks.push({ rank: r, x: xOf(r) });
  const cliqueTop = axisY + 14;
  const cliqueRows = cliques.map(([a, b], row) => ({
    members: sorted.slice(a, b + 1).map((m) => m.name),
    x0: xOf(sorted[a].avgRank) - 4,
    x1: xOf(sorted[b].avgRank) + 4,
    y: cliqueTop + row * 8,
  }));
  const labelTop = cliqueTop + cliques.length * 8 + 14;
  const leftCount = Math.ceil(k / 2);
  const placed = sorted.map((m, i) => {
    const left = i < leftCount;
    const row = left ? i : k - 1 - i;
    // rank-1 side gets the best methods, so with `reverse` the best are labelled on the right
    const onLeft = opts.reverse ? !left : left;
    return {
      name: m.name, avgRank: m.avgRank, x: xOf(m.avgRank), side: (onLeft ? 'left' : 'right') as 'left' | 'right',
      labelX: onLeft ? x0 - 10 : x1 + 10, labelY: labelTop + row * rowHeight,
    };
  });
  const height = labelTop + Math.max(leftCount, k - leftCount) * rowHeight;
  return {
    width, height, title: opts.title ?? 'Critical difference diagram',
    axis: { x0, x1, y: axisY, ticks },
    cdBar: cd === null ? null : { value: cd, x0, x1: x0 + Math.abs(xOf(1 + cd) - xOf(1)), y: cdY },
    methods: placed,
    cliques: cliqueRows,
  };
}

const esc = (s: string) => s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[c] as string);
const f = (v: number) => (Math.round(v * 10) / 10).toString();

/** A standalone SVG document for the layout (black on white, system sans-serif), ready to save as .svg. */
export function cdDiagramSvg(layout: CdLayout): string {
  const { axis, cdBar } = layout;
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${layout.width}" height="${f(layout.height)}" viewBox="0 0 ${layout.width} ${f(layout.height)}" font-family="sans-serif" font-size="12">`,
    `<title>${esc(layout.title)}</title>`,
    `<rect width="100%" height="100%" fill="white"/>`,
    `<line x1="${f(axis.x0)}" y1="${f(axis.y)}" x2="${f(axis.x1)}" y2="${f(axis.y)}" stroke="black"/>`,
  ];
  for (const t of axis.ticks) {
    parts.push(`<line x1="${f(t.x)}" y1="${f(axis.y - 5)}" x2="${f(t.x)}" y2="${f(axis.y)}" stroke="black"/>`);
    parts.push(`<text x="${f(t.x)}" y="${f(axis.y - 8)}" text-anchor="middle">${t.rank}</text>`);
  }
  if (cdBar) {
    parts.push(`<line x1="${f(cdBar.x0)}" y1="${f(cdBar.y)}" x2="${f(cdBar.x1)}" y2="${f(cdBar.y)}" stroke="black" stroke-width="2"/>`);
    parts.push(`<text x="${f((cdBar.x0 + cdBar.x1) / 2)}" y="${f(cdBar.y - 5)}" text-anchor="middle">CD = ${cdBar.value.toFixed(2)}</text>`);
  }
  for (const m of layout.methods) {
    parts.push(`<polyline points="${f(m.x)},${f(axis.y)} ${f(m.x)},${f(m.labelY)} ${f(m.labelX)},${f(m.labelY)}" fill="none" stroke="black"/>`);
    const anchor = m.side === 'left' ? 'end' : 'start';
    const tx = m.side === 'left' ? m.labelX - 4 : m.labelX + 4;
    parts.push(`<text x="${f(tx)}" y="${f(m.labelY + 4)}" text-anchor="${anchor}">${esc(m.name)} (${m.avgRank.toFixed(2)})</text>`);
  }
  for (const c of layout.cliques) {
    parts.push(`<line x1="${f(c.x0)}" y1="${f(c.y)}" x2="${f(c.x1)}" y2="${f(c.y)}" stroke="black" stroke-width="4"><title>${esc(c.members.join(', '))}</title></line>`);
  }
  parts.push('</svg>');
  return parts.join('\n');
}
