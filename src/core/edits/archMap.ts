// Maps circuit nodes onto weight slices, per architecture. A mask is a Cartesian product of row ranges and
// column ranges over the tensor's 2-D view (1-D tensors have one row), which covers every case below and
// stays a few ranges long however big the tensor is.
//
// GPT-2 (HF names, optional "transformer." prefix; Conv1D stores weights as [in, out]):
//   head (l,h), hd = d/n_heads:  h.{l}.attn.c_attn.weight [d, 3d]: columns h*hd.. of the q, k and v thirds
//                                h.{l}.attn.c_attn.bias   [3d]:    the same columns
//                                h.{l}.attn.c_proj.weight [d, d]:  rows h*hd..(h+1)*hd (the head's input)
//   MLP l:                       h.{l}.mlp.c_fc.{weight,bias}, h.{l}.mlp.c_proj.{weight,bias}, whole
//   (attn.c_proj.bias is shared by all heads and never edited for a head.)
// Llama family (model.layers.{l}..., nn.Linear stores [out, in]; GQA: kv head = h / (n_heads / n_kv_heads)):
//   head (l,h):  self_attn.q_proj.weight [H*hd, d]: rows h*hd..;  q_proj.bias (Qwen) the same entries
//                self_attn.{k,v}_proj.weight [KV*hd, d]: rows of kv head g (shared by n_heads/n_kv_heads heads)
//                self_attn.o_proj.weight [d, H*hd]: columns h*hd..
//   MLP l:       mlp.{gate,up,down}_proj.weight, whole
// Only n_heads must be given; d, head_dim and n_kv_heads are read off the tensor shapes.

import type { CircuitSelection } from './circuit';
import { MaskMappingError } from './errors';
import type { TensorSpec } from './safetensors';

export type Arch = 'gpt2' | 'llama';
export type Range = [number, number];

export interface RowColMask {
  rows: number;
  cols: number;
  rowRanges: Range[];
  colRanges: Range[];
}

export interface ArchInfo {
  arch: Arch;
  nHeads: number;
  nKvHeads: number;
  headDim: number;
  dModel: number;
}

const GPT2 = /^(?:transformer\.)?h\.(\d+)\.(attn\.c_attn|attn\.c_proj|mlp\.c_fc|mlp\.c_proj)\.(weight|bias)$/;
const LLAMA = /^(?:.*\.)?layers\.(\d+)\.(self_attn\.[qkvo]_proj|mlp\.(?:gate|up|down)_proj)\.(weight|bias)$/;

export function detectArch(names: readonly string[]): Arch | null {
  if (names.some((n) => /(?:^|\.)h\.\d+\.attn\.c_attn\.weight$/.test(n))) return 'gpt2';
  if (names.some((n) => /layers\.\d+\.self_attn\.q_proj\.weight$/.test(n))) return 'llama';
  return null;
}

/** Derives head geometry from layer-0 shapes; `nHeads` comes from config.json or the circuit cfg. */
export function resolveArch(specs: readonly TensorSpec[], nHeads: number): ArchInfo {
  const names = specs.map((s) => s.name);
  const arch = detectArch(names);
  if (!arch) throw new MaskMappingError('cannot tell the architecture: expected GPT-2 names (h.{l}.attn.c_attn.weight) or Llama names (model.layers.{l}.self_attn.q_proj.weight)');
  if (!Number.isInteger(nHeads) || nHeads <= 0) throw new MaskMappingError(`n_heads must be a positive integer, got ${nHeads}`);
  const find = (re: RegExp) => specs.find((s) => re.test(s.name));
  if (arch === 'gpt2') {
    const s = find(/h\.\d+\.attn\.c_attn\.weight$/)!;
    const [d, d3] = s.shape;
    if (s.shape.length !== 2 || d3 !== 3 * d || d % nHeads !== 0) {
      throw new MaskMappingError(`${s.name} has shape [${s.shape}], expected [d, 3d] with d divisible by n_heads=${nHeads}`);
    }
    return { arch, nHeads, nKvHeads: nHeads, headDim: d / nHeads, dModel: d };
  }
  const q = find(/self_attn\.q_proj\.weight$/)!;
  const k = find(/self_attn\.k_proj\.weight$/);
  if (q.shape.length !== 2 || q.shape[0] % nHeads !== 0) throw new MaskMappingError(`${q.name} has shape [${q.shape}], not divisible into n_heads=${nHeads} heads`);
  const headDim = q.shape[0] / nHeads;
  const kvRows = k ? k.shape[0] : q.shape[0];
  if (kvRows % headDim !== 0 || nHeads % (kvRows / headDim) !== 0) throw new MaskMappingError(`${k?.name} has ${kvRows} rows: not a whole number of kv heads dividing n_heads=${nHeads}`);
  return { arch, nHeads, nKvHeads: kvRows / headDim, headDim, dModel: q.shape[1] };
}

function mergeRanges(r: Range[]): Range[] {
  const s = [...r].sort((a, b) => a[0] - b[0]);
  const out: Range[] = [];
  for (const x of s) {
    const last = out[out.length - 1];
    if (last && x[0] <= last[1]) last[1] = Math.max(last[1], x[1]);
    else out.push([x[0], x[1]]);
  }
  return out;
}

function view2d(shape: readonly number[]): [number, number] {
  if (shape.length === 1) return [1, shape[0]];
  if (shape.length === 2) return [shape[0], shape[1]];
  return [shape.slice(0, -1).reduce((a, b) => a * b, 1), shape[shape.length - 1]];
}

function checkShape(name: string, shape: readonly number[], want: number[]): void {
  if (shape.length !== want.length || shape.some((v, i) => v !== want[i])) {
    throw new MaskMappingError(`${name} has shape [${shape}], expected [${want}] for this architecture`);
  }
}

/** The mask of one tensor for a circuit, or null when the circuit touches none of it. */
export function maskForTensor(spec: TensorSpec, sel: CircuitSelection, a: ArchInfo): RowColMask | null {
  const [rows, cols] = view2d(spec.shape);
  const all: Range[] = [[0, rows]];
  const allCols: Range[] = [[0, cols]];
  const re = a.arch === 'gpt2' ? GPT2 : LLAMA;
  const m = re.exec(spec.name);
  if (!m) return null;
  const layer = Number(m[1]);
  const part = m[2];
  const isWeight = m[3] === 'weight';
  const heads = sel.heads.filter(([l]) => l === layer).map(([, h]) => h);
  for (const h of heads) if (h >= a.nHeads) throw new MaskMappingError(`circuit head a${layer}.h${h} does not exist: the model has ${a.nHeads} heads per layer`);
  const hd = a.headDim;
  const headRange = (h: number): Range => [h * hd, (h + 1) * hd];
  const mk = (rr: Range[], cr: Range[]): RowColMask | null => (rr.length && cr.length ? { rows, cols, rowRanges: mergeRanges(rr), colRanges: mergeRanges(cr) } : null);
  if (part.startsWith('mlp')) return sel.mlps.includes(layer) ? mk(all, allCols) : null;
  if (heads.length === 0) return null;
  const d = a.dModel;
  if (a.arch === 'gpt2') {
    if (part === 'attn.c_attn') {
      checkShape(spec.name, spec.shape, isWeight ? [d, 3 * d] : [3 * d]);
      const cr = heads.flatMap((h) => [0, d, 2 * d].map((o): Range => [o + h * hd, o + (h + 1) * hd]));
      return mk(all, cr);
    }
    if (!isWeight) return null;
    checkShape(spec.name, spec.shape, [d, d]);
    return mk(heads.map(headRange), allCols);
  }
  const proj = part.slice(-6, -5);
  if (proj === 'o') {
    if (!isWeight) return null;
    checkShape(spec.name, spec.shape, [d, a.nHeads * hd]);
    return mk(all, heads.map(headRange));
  }
  const group = a.nHeads / a.nKvHeads;
  const units = proj === 'q' ? heads : [...new Set(heads.map((h) => Math.floor(h / group)))];
  const outDim = (proj === 'q' ? a.nHeads : a.nKvHeads) * hd;
  checkShape(spec.name, spec.shape, isWeight ? [outDim, d] : [outDim]);
  return isWeight ? mk(units.map(headRange), allCols) : mk(all, units.map(headRange));
}

export function maskCount(m: RowColMask): number {
  const len = (r: Range[]) => r.reduce((s, [a, b]) => s + b - a, 0);
  return len(m.rowRanges) * len(m.colRanges);
}

/** Calls `fn(start, end)` (relative to the chunk) for each masked run inside flat elements [elemStart, elemStart+n). */
export function forEachMaskedRun(m: RowColMask, elemStart: number, n: number, fn: (start: number, end: number) => void): void {
  const end = elemStart + n;
  const r0 = Math.floor(elemStart / m.cols);
  const r1 = Math.floor((end - 1) / m.cols);
  let ri = 0;
  for (let r = r0; r <= r1; r++) {
    while (ri < m.rowRanges.length && m.rowRanges[ri][1] <= r) ri++;
    if (ri >= m.rowRanges.length) return;
    if (r < m.rowRanges[ri][0]) {
      r = m.rowRanges[ri][0] - 1;
      continue;
    }
    const base = r * m.cols;
    for (const [c0, c1] of m.colRanges) {
      const s = Math.max(base + c0, elemStart);
      const e = Math.min(base + c1, end);
      if (s < e) fn(s - elemStart, e - elemStart);
    }
  }
}
