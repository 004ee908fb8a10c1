// Maps circuit nodes onto weight slices for every family of the one family table (src/core/lm/families.ts): the
// tensor names come from the table's templates (`tensorName`), the block variants (fused qkv, weight layout)
// from its flags, so a family added there is mapped here without a new branch. A mask is a Cartesian product
// of row ranges and column ranges over the tensor's 2-D view (1-D tensors have one row), which covers every
// case below and stays a few ranges long however big the tensor is.
//
// What a node owns (EAP-IG's ungrouped graph: one node per query head; see src/core/circuits/json.ts):
//   head (l,h), hd = head_dim, g = ⌊h / (H / KV)⌋ its KV group:
//     q (q_proj, q_proj.bias: Qwen2 / attention_bias): the head's hd output features  h·hd..(h+1)·hd
//     k, v (and their biases): the hd output features of KV head g. Under GQA these are shared by the H/KV query
//       heads of the group, so editing one head edits its group partners' keys and values too (the real model
//       cannot hold a different k/v per query head; EAP-IG scores them per query head on the ungrouped model).
//     fused qkv (Phi-3 qkv_proj [(H+2KV)·hd, d]; GPT-2 c_attn [d, 3d] as Conv1D [in, out]): the same three slices,
//       at offsets 0 (q block), H·hd (k block) and (H+KV)·hd (v block) of the output features; GPT-2's bias too.
//     o (o_proj / c_proj): the head's hd input features (o_proj columns; c_proj rows, Conv1D being [in, out]).
//     Not owned by a head: the attention input norm (input_layernorm / ln_1) and Qwen3 / Gemma 3's q_norm and
//       k_norm (one [hd] gain applied to every head of the layer), Gemma's post_attention_layernorm (applied to
//       the sum of all heads), the o_proj / c_proj bias: each is shared by all heads of the layer.
//   MLP l: its projections whole (gate, up, fused gate_up, down; GPT-2 c_fc, c_proj and their biases) and the
//     norms only the MLP reads: its input norm (post_attention_layernorm in Llama/Qwen/Mistral/Phi-3, ln_2 in
//     GPT-2, pre_feedforward_layernorm in Gemma: TransformerLens's hook_mlp_in sits before it) and Gemma's
//     post_feedforward_layernorm.
//   MLP neuron (l,j) (`CircuitSelection.neurons`, a finer cut than whole MLPs; EAP-IG graphs have no such node):
//     its row of the MLP input matrix and its bias entry — output feature j of fc / gate / up and their biases
//     (features j and I+j of a fused gate_up [2I, d], gate first) — and its input feature j of down (c_proj rows
//     in GPT-2's Conv1D [I, d], down_proj columns in nn.Linear [d, I]). Not owned by a neuron: the MLP's input norm
//     and Gemma's post-FFN norm (every neuron reads / writes through them) and the down bias (added once). A
//     selected whole MLP wins over its neurons.
//   input / logits own nothing: embeddings (tied or not), lm_head and the final norm are never edited.
//
// The family comes from config.json's model_type when the checkpoint has one, else from the tensor names (the
// family whose templates match most tensors; Llama, Mistral and Qwen2 share names and map identically). The
// head geometry is read off the shapes (o_proj gives head_dim, k_proj or the fused qkv the KV heads) and, with a
// full config.json, checked against it.

import { FAMILIES, LmConfigError, normalizeConfig, SUPPORTED_MODEL_TYPES, type FamilyId, type FamilySpec, type LayerRole, type NormalizedLmConfig } from '../lm/families';
import type { CircuitSelection } from './circuit';
import { MaskMappingError } from './errors';
import type { TensorSpec } from './safetensors';

export type Range = [number, number];

export interface RowColMask {
  rows: number;
  cols: number;
  rowRanges: Range[];
  colRanges: Range[];
}

export interface ArchInfo {
  family: FamilyId;
  /** Where the family was read: config.json's model_type, or the tensor names. */
  familyFrom: 'config.json' | 'tensor names';
  nHeads: number;
  nKvHeads: number;
  headDim: number;
  dModel: number;
}

type Ownership = 'q' | 'k' | 'v' | 'qkv' | 'o' | 'mlp';
const OWNER: Partial<Record<LayerRole, Ownership>> = {
  q: 'q', q_bias: 'q', k: 'k', k_bias: 'k', v: 'v', v_bias: 'v', qkv: 'qkv', qkv_bias: 'qkv', o: 'o',
  gate: 'mlp', up: 'mlp', gate_up: 'mlp', fc: 'mlp', fc_bias: 'mlp', down: 'mlp', down_bias: 'mlp',
  ffn_norm: 'mlp', ffn_norm_bias: 'mlp', post_ffn_norm: 'mlp',
};

interface RolePattern {
  role: LayerRole;
  re: RegExp;
}

const patternCache = new Map<FamilyId, RolePattern[]>();

/**
 * One regex per layer template of a family. Any prefix is accepted before the layer path ("transformer." on GPT-2
 * fine-tunes, "language_model." on multimodal Gemma 3), and the table's leading "model." is optional.
 */
function rolePatterns(f: FamilySpec): RolePattern[] {
  let p = patternCache.get(f.id);
  if (!p) {
    p = Object.entries(f.tensors.layer).map(([role, tpl]) => {
      const body = tpl.replace(/^model\./, '').replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace('\\{i\\}', '(\\d+)');
      return { role: role as LayerRole, re: new RegExp(`^(?:.*\\.)?${body}$`) };
    });
    patternCache.set(f.id, p);
  }
  return p;
}

function roleOf(f: FamilySpec, name: string): { role: LayerRole; layer: number } | null {
  for (const { role, re } of rolePatterns(f)) {
    const m = re.exec(name);
    if (m) return { role, layer: Number(m[1]) };
  }
  return null;
}

/**
 * The family whose layer templates match the most tensor names (it must name an attention projection); ties
 * go to the table's order, so Llama-named checkpoints read as 'llama'. null when no family matches.
 */
export function detectFamily(names: readonly string[]): FamilyId | null {
  let best: FamilyId | null = null;
  let bestCount = 0;
  for (const f of Object.values(FAMILIES)) {
    let count = 0;
    let attn = false;
    for (const n of names) {
      const r = roleOf(f, n);
      if (!r) continue;
      count++;
      if (r.role === 'q' || r.role === 'qkv') attn = true;
    }
    if (attn && count > bestCount) {
      best = f.id;
      bestCount = count;
    }
  }
  return best;
}

export interface ResolveArchOptions {
  /** n_heads given with the request (overrides config.json). */
  nHeads?: number;
  /** config.json next to the weights, when there is one. */
  config?: Record<string, unknown>;
  /** The circuit's cfg: its n_heads is the last resort, and must agree with the model's. */
  circuit?: Pick<CircuitSelection, 'nHeads' | 'nKvHeads'>;
}

type Json = Record<string, unknown>;

/** model_type of config.json ("gemma3" for multimodal Gemma 3 reads as the gemma3_text row, as in the table). */
function configModelType(cfg: Json | undefined): string | undefined {
  const t = cfg?.model_type;
  return typeof t === 'string' ? t : undefined;
}

/**
 * The full config through the table, or null when config.json is partial (a few keys written by hand) or names a
 * setting the runtime does not implement (e.g. longrope): the mapping then reads the geometry off the shapes alone.
 */
function tryNormalize(cfg: Json): NormalizedLmConfig | null {
  try {
    return normalizeConfig(cfg);
  } catch (e) {
    if (e instanceof LmConfigError) return null;
    throw e;
  }
}

/** Reads the family, then the head geometry off layer shapes; checks it against config.json when complete. */
export function resolveArch(specs: readonly TensorSpec[], opts: ResolveArchOptions): ArchInfo {
  const modelType = configModelType(opts.config);
  let family: FamilySpec;
  let familyFrom: ArchInfo['familyFrom'];
  if (modelType !== undefined) {
    const spec = Object.values(FAMILIES).find((f) => f.modelTypes.includes(modelType));
    if (!spec) throw new MaskMappingError(`config.json: model_type "${modelType}" is not a supported family (${SUPPORTED_MODEL_TYPES.join(', ')}); add it as one row of FAMILIES in src/core/lm/families.ts`);
    family = spec;
    familyFrom = 'config.json';
  } else {
    const id = detectFamily(specs.map((s) => s.name));
    if (!id) throw new MaskMappingError('cannot tell the model family from the tensor names (expected e.g. h.{l}.attn.c_attn.weight, model.layers.{l}.self_attn.q_proj.weight or qkv_proj.weight); put config.json with model_type next to the weights');
    family = FAMILIES[id];
    familyFrom = 'tensor names';
  }
  const full = opts.config && modelType !== undefined ? tryNormalize(opts.config) : null;
  const headsKey = opts.config ? family.keys.heads.map((k) => opts.config![k]).find((v) => v !== undefined) : undefined;
  const nHeads = opts.nHeads ?? full?.numHeads ?? (typeof headsKey === 'number' ? headsKey : undefined) ?? opts.circuit?.nHeads;
  if (nHeads === undefined) throw new MaskMappingError(`number of attention heads unknown: pass nHeads, or put config.json (${family.keys.heads.join(' / ')}) next to the weights`);
  if (!Number.isInteger(nHeads) || nHeads <= 0) throw new MaskMappingError(`n_heads must be a positive integer, got ${nHeads}`);
  const geo = geometry(specs, family, nHeads);
  const info: ArchInfo = { family: family.id, familyFrom, nHeads, ...geo };
  const disagree = (what: string, a: number, b: number, src: string) => {
    if (a !== b) throw new MaskMappingError(`${src} says ${what} = ${b}, the weights have ${a} (${family.id}: ${nHeads} heads)`);
  };
  if (full) {
    if (opts.nHeads !== undefined && opts.nHeads !== full.numHeads) throw new MaskMappingError(`the request's nHeads = ${opts.nHeads} contradicts config.json's num_attention_heads = ${full.numHeads}`);
    disagree('num_key_value_heads', geo.nKvHeads, full.numKvHeads, 'config.json');
    disagree('head_dim', geo.headDim, full.headDim, 'config.json');
    disagree('hidden_size', geo.dModel, full.hiddenSize, 'config.json');
  }
  if (opts.circuit?.nHeads !== undefined) disagree('n_heads', nHeads, opts.circuit.nHeads, 'the circuit JSON (it was exported for another model)');
  if (opts.circuit?.nKvHeads !== undefined) disagree('n_key_value_heads', geo.nKvHeads, opts.circuit.nKvHeads, 'the circuit JSON (it was exported for another model)');
  return info;
}

/** head_dim and d_model from the attention output projection, KV heads from k_proj or the fused qkv. */
function geometry(specs: readonly TensorSpec[], f: FamilySpec, nHeads: number): Omit<ArchInfo, 'family' | 'familyFrom' | 'nHeads'> {
  const find = (role: LayerRole) => specs.find((s) => roleOf(f, s.name)?.role === role);
  const inOut = f.block.weightLayout === 'in_out';
  const o = find('o');
  if (!o || o.shape.length !== 2) throw new MaskMappingError(`no 2-D attention output projection (${f.tensors.layer.o}) among the tensors: not a ${f.id} checkpoint?`);
  const [oIn, dModel] = inOut ? [o.shape[0], o.shape[1]] : [o.shape[1], o.shape[0]];
  if (oIn % nHeads !== 0) throw new MaskMappingError(`${o.name} has shape [${o.shape}]: ${oIn} head features are not divisible into n_heads=${nHeads} heads`);
  const headDim = oIn / nHeads;
  const outFeatures = (s: TensorSpec) => (s.shape.length === 1 ? s.shape[0] : inOut ? s.shape[1] : s.shape[0]);
  const k = find('k');
  const qkv = find('qkv');
  const kvFeatures = k ? outFeatures(k) : qkv ? (outFeatures(qkv) - nHeads * headDim) / 2 : NaN;
  const nKvHeads = kvFeatures / headDim;
  if (!Number.isInteger(nKvHeads) || nKvHeads <= 0 || nHeads % nKvHeads !== 0) {
    const t = k ?? qkv;
    throw new MaskMappingError(`${t ? `${t.name} has shape [${t.shape}]` : 'no k projection'}: not a whole number of KV heads of ${headDim} dividing n_heads=${nHeads}`);
  }
  return { nKvHeads, headDim, dModel };
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
  const f = FAMILIES[a.family];
  const r = roleOf(f, spec.name);
  const own = r && OWNER[r.role];
  if (!r || !own) return null;
  const [rows, cols] = view2d(spec.shape);
  const mk = (rr: Range[], cr: Range[]): RowColMask | null => (rr.length && cr.length ? { rows, cols, rowRanges: mergeRanges(rr), colRanges: mergeRanges(cr) } : null);
  if (own === 'mlp') return sel.mlps.includes(r.layer) ? mk([[0, rows]], [[0, cols]]) : neuronMask(spec, r.role, r.layer, sel, f.block.weightLayout === 'in_out', mk);
  const heads = sel.heads.filter(([l]) => l === r.layer).map(([, h]) => h);
  for (const h of heads) if (h >= a.nHeads) throw new MaskMappingError(`circuit head a${r.layer}.h${h} does not exist: the model has ${a.nHeads} heads per layer`);
  if (heads.length === 0) return null;
  const { nHeads: H, nKvHeads: KV, headDim: hd, dModel: d } = a;
  const slice = (unit: number, offset = 0): Range => [offset + unit * hd, offset + (unit + 1) * hd];
  const groups = [...new Set(heads.map((h) => Math.floor(h / (H / KV))))];
  const inOut = f.block.weightLayout === 'in_out';
  const isBias = spec.shape.length === 1;
  if (own === 'o') {
    // the head's input features: o_proj [d, H·hd] columns, Conv1D c_proj [H·hd, d] rows
    checkShape(spec.name, spec.shape, inOut ? [H * hd, d] : [d, H * hd]);
    return inOut ? mk(heads.map((h) => slice(h)), [[0, cols]]) : mk([[0, rows]], heads.map((h) => slice(h)));
  }
  const features: Range[] =
    own === 'q' ? heads.map((h) => slice(h))
    : own === 'k' || own === 'v' ? groups.map((g) => slice(g))
    : [...heads.map((h) => slice(h)), ...groups.map((g) => slice(g, H * hd)), ...groups.map((g) => slice(g, (H + KV) * hd))];
  const outDim = own === 'q' ? H * hd : own === 'qkv' ? (H + 2 * KV) * hd : KV * hd;
  checkShape(spec.name, spec.shape, isBias ? [outDim] : inOut ? [d, outDim] : [outDim, d]);
  // output features: rows of an nn.Linear [out, in], columns of a Conv1D [in, out] and of a bias [1, out] view
  return !isBias && !inOut ? mk(features, [[0, cols]]) : mk([[0, rows]], features);
}

/** Roles a single MLP neuron owns a slice of: where its index is an output feature, or (down) an input feature. */
const NEURON_OUT_ROLES: readonly LayerRole[] = ['fc', 'fc_bias', 'gate', 'up', 'gate_up'];

/** The slice of an MLP tensor that `sel.neurons` own in `layer` (see the header), or null. */
function neuronMask(spec: TensorSpec, role: LayerRole, layer: number, sel: CircuitSelection, inOut: boolean,
  mk: (rr: Range[], cr: Range[]) => RowColMask | null): RowColMask | null {
  const js = (sel.neurons ?? []).filter(([l]) => l === layer).map(([, j]) => j);
  const isDown = role === 'down';
  if (js.length === 0 || (!isDown && !NEURON_OUT_ROLES.includes(role))) return null;
  const isBias = spec.shape.length === 1;
  if (spec.shape.length > 2) throw new MaskMappingError(`${spec.name} has shape [${spec.shape}]: an MLP projection must be 1-D or 2-D`);
  // the neuron axis: output features (fc/gate/up: Conv1D and bias columns, nn.Linear rows); down: input features
  const neuronAxisIsRows = isBias ? false : isDown ? inOut : !inOut;
  const [rows, cols] = isBias ? [1, spec.shape[0]] : [spec.shape[0], spec.shape[1]];
  const axisLen = neuronAxisIsRows ? rows : cols;
  const fused = role === 'gate_up';
  if (fused && axisLen % 2 !== 0) throw new MaskMappingError(`${spec.name} has shape [${spec.shape}]: a fused gate_up needs an even number of output features`);
  const nNeurons = fused ? axisLen / 2 : axisLen;
  for (const j of js) {
    if (!Number.isInteger(j) || j < 0 || j >= nNeurons) throw new MaskMappingError(`circuit neuron m${layer}.n${j} does not exist: ${spec.name} has ${nNeurons} neurons`);
  }
  const features: Range[] = js.flatMap((j): Range[] => (fused ? [[j, j + 1], [nNeurons + j, nNeurons + j + 1]] : [[j, j + 1]]));
  return neuronAxisIsRows ? mk(features, [[0, cols]]) : mk([[0, rows]], features);
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
