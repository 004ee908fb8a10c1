// The TFM's one config type, with the parameter list it implies. Shared by the jax-js forward (training and the
// parity reference), the ONNX exporter and the safetensors reader, so a renamed or reshaped weight fails in one
// place. Names end in `.weight` for matrices so core/lab's AdamW decays exactly those (isDecayed).

export interface TfmConfig {
  /** Feature slots F: inputs with fewer features use the first n_feat rows of the input projections. */
  maxFeatures: number;
  /** Output width K: classes absent from the context are masked to probability 0. */
  maxClasses: number;
  /** Row embedding width d. */
  dModel: number;
  nHead: number;
  nLayer: number;
  /** MLP hidden width. */
  dMlp: number;
  lnEps: number;
  /** Added to the context variance before the inverse square root (a constant column standardises to ~0). */
  varEps: number;
  /** Standardised values are clipped to ±clip: one extreme query value cannot swamp a row embedding. */
  clip: number;
  /** Init std of weights (residual projections get std / √(2·nLayer), GPT-2 style). */
  initStd: number;
}

export const DEFAULT_TFM_CONFIG: TfmConfig = {
  maxFeatures: 32,
  maxClasses: 10,
  dModel: 96,
  nHead: 4,
  nLayer: 4,
  dMlp: 192,
  lnEps: 1e-5,
  varEps: 1e-6,
  clip: 10,
  initStd: 0.02,
};

export type TfmInit = 'normal' | 'residual' | 'zeros' | 'ones';

export interface TfmParamSpec {
  name: string;
  shape: number[];
  init: TfmInit;
}

/** Every parameter in a fixed order (the seeded init draws in this order). Matrices are [in, out]: x @ W. */
export function tfmParamSpecs(c: TfmConfig): TfmParamSpec[] {
  const { maxFeatures: F, maxClasses: K, dModel: d, dMlp: m } = c;
  const specs: TfmParamSpec[] = [
    { name: 'embed.x.weight', shape: [F, d], init: 'normal' },
    { name: 'embed.missing.weight', shape: [F, d], init: 'normal' },
    { name: 'embed.bias', shape: [d], init: 'zeros' },
    { name: 'embed.y.weight', shape: [K, d], init: 'normal' },
  ];
  for (let l = 0; l < c.nLayer; l++) {
    const p = `layers.${l}.`;
    specs.push(
      { name: `${p}ln1.weight`, shape: [d], init: 'ones' },
      { name: `${p}ln1.bias`, shape: [d], init: 'zeros' },
      { name: `${p}attn.q.weight`, shape: [d, d], init: 'normal' },
      { name: `${p}attn.q.bias`, shape: [d], init: 'zeros' },
      { name: `${p}attn.k.weight`, shape: [d, d], init: 'normal' },
      { name: `${p}attn.k.bias`, shape: [d], init: 'zeros' },
      { name: `${p}attn.v.weight`, shape: [d, d], init: 'normal' },
      { name: `${p}attn.v.bias`, shape: [d], init: 'zeros' },
      { name: `${p}attn.o.weight`, shape: [d, d], init: 'residual' },
      { name: `${p}attn.o.bias`, shape: [d], init: 'zeros' },
      { name: `${p}ln2.weight`, shape: [d], init: 'ones' },
      { name: `${p}ln2.bias`, shape: [d], init: 'zeros' },
      { name: `${p}mlp.fc.weight`, shape: [d, m], init: 'normal' },
      { name: `${p}mlp.fc.bias`, shape: [m], init: 'zeros' },
      { name: `${p}mlp.proj.weight`, shape: [m, d], init: 'residual' },
      { name: `${p}mlp.proj.bias`, shape: [d], init: 'zeros' },
    );
  }
  specs.push(
    { name: 'ln_f.weight', shape: [d], init: 'ones' },
    { name: 'ln_f.bias', shape: [d], init: 'zeros' },
    { name: 'head.weight', shape: [d, K], init: 'normal' },
    { name: 'head.bias', shape: [K], init: 'zeros' },
  );
  return specs;
}

export const tfmParamCount = (c: TfmConfig): number =>
  tfmParamSpecs(c).reduce((n, s) => n + s.shape.reduce((a, b) => a * b, 1), 0);

/** Host tensors by name: what safetensors holds and what both forwards read. */
export type HostParams = Map<string, { data: Float32Array; shape: number[] }>;
