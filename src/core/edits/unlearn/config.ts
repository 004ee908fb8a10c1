// Hyper-parameters of an unlearning run: one typed config with its defaults, validated in one place (unknown keys
// are errors, CONVENTIONS #18). Defaults follow locuslab/open-unlearning (commit d3d7cf9) where they transfer:
// configs/trainer/{GradDiff,NPO,RMU}.yaml (γ = α = 1, NPO β = 0.1, retain loss NLL / RMU's EMBED_DIFF),
// configs/trainer/finetune.yaml + Hugging Face TrainingArguments (AdamW β2 0.999, ε 1e-8, grad-norm clip 1.0,
// linear schedule), configs/experiment/unlearn/tofu (weight decay 0.01, warm-up one epoch of ten = 10 %) and
// configs/experiment/unlearn/wmdp + the WMDP repository's rmu/unlearn.py (RMU updates layers l−2…l's MLP
// down-projection only). Two departures, both for models of ~1 M parameters trained at lr 4e-3: the learning rate
// (open-unlearning's 1e-5 is tuned for 1–8 B models and moves the forge models by nothing in 30 steps: 1e-3 here,
// and 1e-2 for RMU, which trains 3 of the 52 tensors; WMDP's RMU rate 5e-5 is likewise 5× open-unlearning's) and
// RMU's steering coefficient c, which the WMDP paper scales with the layer's activation norm (6.5 for Zephyr-7B,
// 300 for Mixtral): the default is ¼ × the frozen model's mean forget-activation norm at layer l, measured at the
// start of the run and recorded in the manifest. Measured on `target` (8 steps, batch 4, l = 2, norm 121): c = 4 ×
// norm cut the activation loss by half but left the forget NLL at 0.07 (the next LayerNorms absorb a c·u that is
// not yet dominant); c = 30 ≈ ¼ × norm raised it 0.06 → 0.38 with the retain NLL unchanged (0.33 → 0.32).
import { UnlearnConfigError } from './errors';
import { TRAINER_METHODS, type UnlearnMethod } from './objectives';

export interface UnlearnConfig {
  method: UnlearnMethod;
  /** Seeds batch order (forget and retain samplers) and RMU's random direction u. */
  seed: number;
  /** Optimizer steps. */
  steps: number;
  /** Forget examples per step; the retain batch has as many (open-unlearning pairs each forget item with a retain one). */
  batchSize: number;
  /** Peak learning rate (null: 1e-3; RMU 1e-2). The resolved config holds the number. */
  lr: number | null;
  beta1: number;
  beta2: number;
  eps: number;
  weightDecay: number;
  /** Global gradient-norm clip (≤ 0: none). */
  gradClip: number;
  /** Linear warm-up steps (null: 10 % of `steps`). */
  warmupSteps: number | null;
  /** After warm-up: 'linear' decay to 0 (HF default) or 'constant' (WMDP's RMU). */
  schedule: 'linear' | 'constant';
  gamma: number;
  alpha: number;
  /** NPO β. */
  beta: number;
  /** RMU: the decoder layer whose output is steered (null: ⌊layers / 2⌋). */
  rmuLayer: number | null;
  /** RMU: c in c·u (null: ¼ × the frozen model's mean forget-activation norm at `rmuLayer`). */
  steeringCoeff: number | null;
  /**
   * Regexes (full match, open-unlearning's trainable_params_regex) over parameter names; null: every parameter,
   * except RMU, which then trains layers l−2…l's MLP down-projection (WMDP).
   */
  trainable: string[] | null;
  /** Write a checkpoint every this many steps (and at the end). */
  checkpointEvery: number;
  /** Examples per evaluation set (forget / retain, held-out), measured before, at each checkpoint and after. */
  evalSize: number;
}

export const DEFAULT_UNLEARN_CONFIG: Omit<UnlearnConfig, 'method'> = {
  seed: 0,
  steps: 30,
  batchSize: 8,
  lr: null,
  beta1: 0.9,
  beta2: 0.999,
  eps: 1e-8,
  weightDecay: 0.01,
  gradClip: 1.0,
  warmupSteps: null,
  schedule: 'linear',
  gamma: 1,
  alpha: 1,
  beta: 0.1,
  rmuLayer: null,
  steeringCoeff: null,
  trainable: null,
  checkpointEvery: 10,
  evalSize: 32,
};

const KEYS = new Set(['method', ...Object.keys(DEFAULT_UNLEARN_CONFIG)]);

/** Fills defaults and checks every field; unknown keys and out-of-range values are UnlearnConfigError. */
export function resolveUnlearnConfig(given: Partial<UnlearnConfig> & { method: UnlearnMethod }): UnlearnConfig & { lr: number } {
  const unknown = Object.keys(given).filter((k) => !KEYS.has(k));
  if (unknown.length) throw new UnlearnConfigError(`unknown unlearning option(s) ${unknown.join(', ')}; known: ${[...KEYS].join(', ')}`);
  const c = { ...DEFAULT_UNLEARN_CONFIG, ...given, lr: given.lr ?? (given.method === 'rmu' ? 1e-2 : 1e-3) };
  if (!TRAINER_METHODS.includes(c.method)) throw new UnlearnConfigError(`method "${String(c.method)}" is not one of ${TRAINER_METHODS.join(', ')}`);
  const int = (k: keyof UnlearnConfig, min: number) => {
    const v = c[k];
    if (!Number.isInteger(v) || (v as number) < min) throw new UnlearnConfigError(`${k} must be an integer ≥ ${min}, got ${String(v)}`);
  };
  const num = (k: keyof UnlearnConfig, ok: (v: number) => boolean, range: string) => {
    const v = c[k];
    if (typeof v !== 'number' || !Number.isFinite(v) || !ok(v)) throw new UnlearnConfigError(`${k} must be ${range}, got ${String(v)}`);
  };
  int('seed', 0);
  int('steps', 1);
  int('batchSize', 1);
  int('checkpointEvery', 1);
  int('evalSize', 1);
  num('lr', (v) => v > 0, '> 0');
  num('beta1', (v) => v >= 0 && v < 1, 'in [0, 1)');
  num('beta2', (v) => v >= 0 && v < 1, 'in [0, 1)');
  num('eps', (v) => v > 0, '> 0');
  num('weightDecay', (v) => v >= 0, '≥ 0');
  num('gradClip', () => true, 'a number');
  num('gamma', (v) => v >= 0, '≥ 0');
  num('alpha', (v) => v >= 0, '≥ 0');
  num('beta', (v) => v > 0, '> 0');
  if (c.warmupSteps !== null) int('warmupSteps', 0);
  if (c.rmuLayer !== null) int('rmuLayer', 0);
  if (c.steeringCoeff !== null) num('steeringCoeff', (v) => v > 0, '> 0');
  if (c.schedule !== 'linear' && c.schedule !== 'constant') throw new UnlearnConfigError(`schedule must be "linear" or "constant", got ${String(c.schedule)}`);
  if (c.trainable !== null) {
    if (!Array.isArray(c.trainable) || c.trainable.length === 0) throw new UnlearnConfigError('trainable must be null or a non-empty list of regexes');
    for (const r of c.trainable) {
      try {
        new RegExp(r);
      } catch (e) {
        throw new UnlearnConfigError(`trainable regex ${JSON.stringify(r)} does not compile: ${(e as Error).message}`);
      }
    }
  }
  return c;
}

/** Learning rate at 0-based `step`: linear warm-up, then constant or linear decay to 0 at `steps` (HF get_linear_schedule_with_warmup). */
export function unlearnLrAt(c: UnlearnConfig & { lr: number }, step: number): number {
  const warm = c.warmupSteps ?? Math.round(0.1 * c.steps);
  if (step < warm) return (c.lr * (step + 1)) / warm;
  if (c.schedule === 'constant') return c.lr;
  return c.lr * Math.max(0, (c.steps - step) / Math.max(1, c.steps - warm));
}
