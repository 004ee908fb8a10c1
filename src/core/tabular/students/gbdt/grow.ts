// Growing one regression tree on gradients/hessians with histograms (the XGBoost "hist" / LightGBM scheme):
// a node's histogram holds Σg, Σh per (feature, bin); the best split is a scan over bins with the missing bin
// tried on both sides (that is the learned default direction); only the smaller child's histogram is built from
// rows, the larger one is parent − smaller. Growth is best-first under maxLeaves and maxDepth, so
// maxLeaves = 2^maxDepth reproduces depth-wise growth.

import type { BinMapper, BinnedMatrix } from './binning';

export interface GrowParams {
  maxDepth: number;
  maxLeaves: number;
  minChildWeight: number;
  lambda: number;
  gamma: number;
  learningRate: number;
}

/** One tree in bin space and value space at once (a node is a leaf when feature = −1). */
export interface Tree {
  feature: Int32Array;
  /** left when bin ≤ splitBin (value bins start at 1) */
  splitBin: Int32Array;
  /** left when fround(x) < threshold; equals cuts[feature][splitBin − 1] */
  threshold: Float32Array;
  /** 1: missing goes left */
  defaultLeft: Uint8Array;
  left: Int32Array;
  right: Int32Array;
  /** leaf value (already scaled by the learning rate and rounded to float32, as ONNX stores it) */
  value: Float64Array;
}

interface Node {
  id: number;
  start: number;
  end: number;
  g: number;
  h: number;
  depth: number;
  hist: Float64Array | null;
  gain: number;
  feature: number;
  bin: number;
  defaultLeft: boolean;
  gl: number;
  hl: number;
}

/** Reuses histogram buffers across nodes and trees (they are the learner's main allocation). */
export class HistPool {
  private free: Float64Array[] = [];
  constructor(private readonly size: number) {}
  take(): Float64Array { return this.free.pop() ?? new Float64Array(this.size); }
  give(h: Float64Array): void { this.free.push(h); }
}

/**
 * Grows a tree on rows `rows` (permuted in place: each leaf ends up owning a contiguous range) and adds each
 * leaf value to `score[r]` of the rows it holds. `features` lists the columns this tree may split on.
 */
export function growTree(
  binned: BinnedMatrix, mapper: BinMapper, g: Float64Array, h: Float64Array, rows: Uint32Array,
  features: Int32Array, p: GrowParams, pool: HistPool, score: Float64Array, scoreStride: number, scoreOff: number,
): Tree {
  const nodes: Node[] = [];
  const mk = (start: number, end: number, gs: number, hs: number, depth: number): Node => {
    const node: Node = { id: nodes.length, start, end, g: gs, h: hs, depth, hist: null, gain: 0, feature: -1, bin: 0, defaultLeft: false, gl: 0, hl: 0 };
    nodes.push(node);
    return node;
  };
  let g0 = 0;
  let h0 = 0;
  for (let i = 0; i < rows.length; i++) { g0 += g[rows[i]]; h0 += h[rows[i]]; }
  const root = mk(0, rows.length, g0, h0, 0);
  const left: number[] = [-1];
  const right: number[] = [-1];
  const canSplit = (n: Node) => n.depth < p.maxDepth && p.maxLeaves > 1;
  if (canSplit(root)) {
    root.hist = pool.take();
    buildHist(root.hist, binned, mapper, g, h, rows, root.start, root.end);
    findSplit(root, mapper, features, p);
  }
  const open: Node[] = [root];
  let nLeaves = 1;
  while (nLeaves < p.maxLeaves) {
    let bi = -1;
    for (let i = 0; i < open.length; i++) if (open[i].gain > p.gamma && open[i].gain > 0 && (bi < 0 || open[i].gain > open[bi].gain)) bi = i;
    if (bi < 0) break;
    const node = open[bi];
    open.splice(bi, 1);
    const mid = partition(binned, rows, node);
    const l = mk(node.start, mid, node.gl, node.hl, node.depth + 1);
    const r = mk(mid, node.end, node.g - node.gl, node.h - node.hl, node.depth + 1);
    left[node.id] = l.id; right[node.id] = r.id;
    left.push(-1, -1); right.push(-1, -1);
    nLeaves++;
    const parentHist = node.hist as Float64Array;
    node.hist = null;
    if (canSplit(l) && nLeaves < p.maxLeaves) {
      const [small, large] = l.end - l.start <= r.end - r.start ? [l, r] : [r, l];
      small.hist = pool.take();
      buildHist(small.hist, binned, mapper, g, h, rows, small.start, small.end);
      for (let j = 0; j < parentHist.length; j++) parentHist[j] -= small.hist[j];
      large.hist = parentHist;
      findSplit(l, mapper, features, p);
      findSplit(r, mapper, features, p);
    } else {
      pool.give(parentHist);
    }
    open.push(l, r);
  }
  for (const n of open) if (n.hist) { pool.give(n.hist); n.hist = null; }

  const m = nodes.length;
  const t: Tree = {
    feature: new Int32Array(m).fill(-1), splitBin: new Int32Array(m), threshold: new Float32Array(m),
    defaultLeft: new Uint8Array(m), left: Int32Array.from(left), right: Int32Array.from(right), value: new Float64Array(m),
  };
  for (const n of nodes) {
    if (left[n.id] >= 0) {
      t.feature[n.id] = n.feature;
      t.splitBin[n.id] = n.bin;
      t.threshold[n.id] = mapper.cuts[n.feature][n.bin - 1];
      t.defaultLeft[n.id] = n.defaultLeft ? 1 : 0;
    } else {
      const w = Math.fround((-n.g / (n.h + p.lambda)) * p.learningRate);
      t.value[n.id] = w;
      for (let i = n.start; i < n.end; i++) score[rows[i] * scoreStride + scoreOff] += w;
    }
  }
  return t;
}

function buildHist(hist: Float64Array, binned: BinnedMatrix, mapper: BinMapper, g: Float64Array, h: Float64Array, rows: Uint32Array, start: number, end: number): void {
  hist.fill(0);
  const { bins, d } = binned;
  const off = mapper.offsets;
  for (let i = start; i < end; i++) {
    const r = rows[i];
    const gr = g[r];
    const hr = h[r];
    const base = r * d;
    for (let f = 0; f < d; f++) {
      const j = (off[f] + bins[base + f]) << 1;
      hist[j] += gr;
      hist[j + 1] += hr;
    }
  }
}

function findSplit(node: Node, mapper: BinMapper, features: Int32Array, p: GrowParams): void {
  const hist = node.hist as Float64Array;
  const { g: G, h: H } = node;
  const lam = p.lambda;
  const mcw = Math.max(p.minChildWeight, 1e-12);
  const parent = (G * G) / (H + lam);
  let best = 0;
  for (let fi = 0; fi < features.length; fi++) {
    const f = features[fi];
    const nb = mapper.cuts[f].length + 1;
    if (nb < 2) continue;
    const off = mapper.offsets[f] << 1;
    const gm = hist[off];
    const hm = hist[off + 1];
    let gl = 0;
    let hl = 0;
    for (let s = 1; s < nb; s++) {
      gl += hist[off + 2 * s];
      hl += hist[off + 2 * s + 1];
      // missing → right
      let hr = H - hl;
      if (hl >= mcw && hr >= mcw) {
        const gr = G - gl;
        const gain = (gl * gl) / (hl + lam) + (gr * gr) / (hr + lam) - parent;
        if (gain > best) { set(node, gain, f, s, false, gl, hl); best = gain; }
      }
      if (hm > 0) { // missing → left
        const gl2 = gl + gm;
        const hl2 = hl + hm;
        hr = H - hl2;
        if (hl2 >= mcw && hr >= mcw) {
          const gr = G - gl2;
          const gain = (gl2 * gl2) / (hl2 + lam) + (gr * gr) / (hr + lam) - parent;
          if (gain > best) { set(node, gain, f, s, true, gl2, hl2); best = gain; }
        }
      }
    }
  }
  // no missing rows reached this node on the chosen feature: send unseen missing values to the heavier child
  if (node.feature >= 0 && hist[(mapper.offsets[node.feature] << 1) + 1] === 0) node.defaultLeft = node.hl >= H - node.hl;
}

function set(n: Node, gain: number, f: number, s: number, dl: boolean, gl: number, hl: number): void {
  n.gain = gain; n.feature = f; n.bin = s; n.defaultLeft = dl; n.gl = gl; n.hl = hl;
}

/** Moves the rows going left to the front of the node's range; returns the first right position. */
function partition(binned: BinnedMatrix, rows: Uint32Array, n: Node): number {
  const { bins, d } = binned;
  const f = n.feature;
  const s = n.bin;
  const dl = n.defaultLeft;
  let i = n.start;
  let j = n.end - 1;
  while (i <= j) {
    const b = bins[rows[i] * d + f];
    const goLeft = b === 0 ? dl : b <= s;
    if (goLeft) i++;
    else { const t = rows[i]; rows[i] = rows[j]; rows[j] = t; j--; }
  }
  return i;
}
