// LoRA adapters on the lab engine, after PEFT (src/peft/tuners/lora/layer.py, LoraLayer.update_layer /
// reset_lora_parameters): A is kaiming-uniform with a = √5 (bound 1/√in) or, with init "gaussian", N(0, 1/r²)
// (std 1/r); B is zero, so training starts exactly at the base model; the update is scaling·B·A with scaling =
// lora_alpha / r. Targets are named by family-table roles (src/core/lm/families.ts), so one list works for every
// family. The adapted weight is formed inside the jitted step as W + scaling·ΔW in the checkpoint's own layout
// (nn.Linear [out, in]: ΔW = B·A; GPT-2 Conv1D [in, out]: ΔW = (B·A)ᵀ, PEFT's fan_in_fan_out), which is the same
// function as PEFT's x·Wᵀ + scaling·x·Aᵀ·Bᵀ; export merges the same sum on the host (PEFT merge_and_unload).
// For Conv1D the engine keeps A and B transposed (Aᵀ [in, r], Bᵀ [r, out]) so that ΔW = Aᵀ·Bᵀ needs no transpose
// under jit; the PEFT adapter file is written in PEFT's own orientation.
import { fromF32, matmul, Pcg32, readF32, type Arr, type ArrRecord } from '../../lab';
import { FAMILIES, tensorName, type FamilyId } from '../../lm/families';
import { TrainError } from './errors';
import type { LoraRole, LoraSpec } from './spec';

export interface LoraTarget {
  /** Engine name of the base weight. */
  weight: string;
  /** Checkpoint layout of the base weight. */
  layout: 'out_in' | 'in_out';
  in: number;
  out: number;
}

export interface LoraPlan { targets: LoraTarget[]; r: number; alpha: number; scaling: number; roles: LoraRole[] }

export const loraAName = (w: string): string => `${w}::lora_A`;
export const loraBName = (w: string): string => `${w}::lora_B`;

/** The base weights a LoRA spec adapts; a role the family does not have is a TrainError listing the ones it has. */
export function planLora(family: FamilyId, nLayers: number, params: ArrRecord, spec: LoraSpec): LoraPlan {
  const fam = FAMILIES[family];
  const layout = fam.block.weightLayout;
  const has = (role: string) => tensorName(fam.tensors, role as LoraRole, 0) !== undefined;
  const available = (['q', 'k', 'v', 'qkv', 'o', 'gate', 'up', 'gate_up', 'down', 'fc'] as const).filter(has);
  const roles = spec.targets ?? available.filter((r) => ['q', 'k', 'v', 'qkv', 'o'].includes(r));
  const missing = roles.filter((r) => !has(r));
  if (missing.length) throw new TrainError('bad-lora-target', `the ${family} family has no ${missing.join(', ')} (it has ${available.join(', ')})`);
  const targets: LoraTarget[] = [];
  for (let l = 0; l < nLayers; l++) {
    for (const role of roles) {
      const weight = tensorName(fam.tensors, role, l)!;
      const p = params[weight];
      if (!p || p.ndim !== 2) throw new TrainError('bad-lora-target', `${weight} (role ${role}) is not a matrix of this model`);
      const [a, b] = p.shape;
      targets.push(layout === 'in_out' ? { weight, layout, in: a, out: b } : { weight, layout, in: b, out: a });
    }
  }
  return { targets, r: spec.r, alpha: spec.alpha, scaling: spec.alpha / spec.r, roles: [...roles] };
}

/** Host init of every A (seeded) and B (zeros) in the engine's orientation. */
export function initLora(plan: LoraPlan, init: LoraSpec['init'], seed: number): Map<string, { data: Float32Array; shape: number[] }> {
  const rng = new Pcg32(seed, 31);
  const out = new Map<string, { data: Float32Array; shape: number[] }>();
  for (const t of plan.targets) {
    const bound = 1 / Math.sqrt(t.in); // kaiming_uniform_(a=√5): gain √(2/6), bound gain·√(3/fan_in) = 1/√fan_in
    const a = Float32Array.from({ length: plan.r * t.in }, () => (init === 'gaussian' ? rng.normal() / plan.r : (2 * rng.uniform() - 1) * bound));
    // PEFT's A is [r, in]; Conv1D targets keep Aᵀ [in, r] (element (i, k) = A[k, i])
    const aEngine = t.layout === 'in_out' ? transpose(a, plan.r, t.in) : a;
    out.set(loraAName(t.weight), { data: aEngine, shape: t.layout === 'in_out' ? [t.in, plan.r] : [plan.r, t.in] });
    out.set(loraBName(t.weight), { data: new Float32Array(plan.r * t.out), shape: t.layout === 'in_out' ? [plan.r, t.out] : [t.out, plan.r] });
  }
  return out;
}

/** Base params with each target replaced by W + scaling·ΔW (jit-safe; consumes base and lora). */
export function applyLora(plan: LoraPlan, base: ArrRecord, lora: ArrRecord): ArrRecord {
  const out: ArrRecord = { ...base };
  for (const t of plan.targets) {
    const a = lora[loraAName(t.weight)];
    const b = lora[loraBName(t.weight)];
    const delta = t.layout === 'in_out' ? matmul(a, b) /* [in,r]·[r,out] */ : matmul(b, a); /* [out,r]·[r,in] */
    out[t.weight] = base[t.weight].add(delta.mul(plan.scaling));
  }
  return out;
}

/** Host merge: base tensors (engine names) with every target's W + scaling·ΔW, in float64 sums rounded once. */
export function mergeLoraHost(plan: LoraPlan, base: Map<string, { data: Float32Array; shape: number[] }>, lora: ArrRecord): Map<string, { data: Float32Array; shape: number[] }> {
  const out = new Map(base);
  for (const t of plan.targets) {
    const w = base.get(t.weight)!;
    const a = readF32(lora[loraAName(t.weight)]);
    const b = readF32(lora[loraBName(t.weight)]);
    out.set(t.weight, { data: addScaledProduct(w.data, t, plan, a, b), shape: w.shape });
  }
  return out;
}

function addScaledProduct(w: Float32Array, t: LoraTarget, plan: LoraPlan, a: Float32Array, b: Float32Array): Float32Array {
  const r = plan.r;
  const merged = new Float32Array(w.length);
  // out_in: W[o, i] += s·Σk B[o,k]·A[k,i]; in_out: W[i, o] += s·Σk Aᵀ[i,k]·Bᵀ[k,o]
  const rows = t.layout === 'in_out' ? t.in : t.out;
  const cols = t.layout === 'in_out' ? t.out : t.in;
  for (let x = 0; x < rows; x++) {
    for (let y = 0; y < cols; y++) {
      let s = 0;
      for (let k = 0; k < r; k++) s += t.layout === 'in_out' ? a[x * r + k] * b[k * cols + y] : b[x * r + k] * a[k * cols + y];
      merged[x * cols + y] = w[x * cols + y] + plan.scaling * s;
    }
  }
  return merged;
}

function transpose(x: Float32Array, rows: number, cols: number): Float32Array {
  const out = new Float32Array(x.length);
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) out[j * rows + i] = x[i * cols + j];
  return out;
}

/**
 * A PEFT adapter folder's tensors (adapter_model.safetensors): `base_model.model.<module>.lora_A.weight` [r, in] and
 * `lora_B.weight` [out, r], module = the checkpoint tensor name without `.weight`; plus adapter_config.json.
 */
export function peftAdapter(plan: LoraPlan, lora: ArrRecord, fileName: (engine: string) => string, baseModel: string): { tensors: Map<string, { data: Float32Array; shape: number[] }>; config: Record<string, unknown> } {
  const tensors = new Map<string, { data: Float32Array; shape: number[] }>();
  for (const t of plan.targets) {
    const module = fileName(t.weight).replace(/\.weight$/, '');
    const a = readF32(lora[loraAName(t.weight)]);
    const b = readF32(lora[loraBName(t.weight)]);
    tensors.set(`base_model.model.${module}.lora_A.weight`, { data: t.layout === 'in_out' ? transpose(a, t.in, plan.r) : a, shape: [plan.r, t.in] });
    tensors.set(`base_model.model.${module}.lora_B.weight`, { data: t.layout === 'in_out' ? transpose(b, plan.r, t.out) : b, shape: [t.out, plan.r] });
  }
  const modules = [...new Set(plan.targets.map((t) => fileName(t.weight).replace(/\.weight$/, '').split('.').slice(-1)[0]))];
  const config = {
    peft_type: 'LORA', task_type: 'CAUSAL_LM', base_model_name_or_path: baseModel, r: plan.r, lora_alpha: plan.alpha,
    lora_dropout: 0, bias: 'none', target_modules: modules, fan_in_fan_out: plan.targets.some((t) => t.layout === 'in_out'), use_rslora: false,
  };
  return { tensors, config };
}

/** Engine arrays from host tensors. */
export function toArrays(m: Map<string, { data: Float32Array; shape: number[] }>): ArrRecord {
  return Object.fromEntries([...m].map(([k, v]) => [k, fromF32(v.data, v.shape)])) as Record<string, Arr>;
}
