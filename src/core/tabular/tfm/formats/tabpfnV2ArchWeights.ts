// The small-width TabPFN v2 replica's configuration and deterministic weights, named as the torch state dict of
// PerFeatureTransformer names them (PriorLabs/TabPFN 0f1848deb157d5d042e64cdb5c37c22c6384f151,
// src/tabpfn/model/loading.py load_model + get_encoder + get_y_encoder; layer.py; multi_head_attention.py; mlp.py).
// Shared by the ONNX builder (tabpfnV2Arch.ts) and the plain-TS reference (tabpfnV2ArchReference.ts).
//
// Initialisation follows the modules' own initialisers (nn.Linear's U(±1/√fan_in), MultiHeadAttention's
// U(±√3·√(2/(nhead·d_k + emsize))) for _w_qkv, xavier-uniform for _w_out) except that zero_init's zeros for the
// last sub-layer of each attention and MLP are replaced by the same random initialiser: a zero-initialised
// untrained replica would make every layer the identity and test nothing. Not TabPFN's weights.
import { mulberry32 } from '../../../numeric/random';

export interface TabpfnV2ArchConfig {
  /** model width (model/config.py InferenceConfig: 128 or 192; small here) */
  emsize: number;
  nhead: number;
  /** 12 in every InferenceConfig */
  nlayers: number;
  /** MLP and decoder hidden width = emsize · nhidFactor (4 in every v2 config) */
  nhidFactor: number;
  /** features per token (InferenceConfig: 1 or 2; 2 here, as the v2 classifier) */
  featuresPerGroup: number;
  /** decoder outputs (max_num_classes 10) */
  nOut: number;
  /** rows of the stand-in table for the per-call torch.randn feature embeddings (the most feature groups served) */
  maxGroups: number;
}

/** The small width the tests and bench use: 2 layers, 4 heads of 8, 2 features a token. */
export const SMALL_TABPFN_V2: TabpfnV2ArchConfig = { emsize: 32, nhead: 4, nlayers: 2, nhidFactor: 4, featuresPerGroup: 2, nOut: 10, maxGroups: 1024 };

export interface ArchTensor { data: Float32Array; dims: number[] }
export type ArchWeights = Map<string, ArchTensor>;

/** The random feature-embedding stand-in: torch.randn((groups, emsize // 4)) under the model seed, here a fixed table. */
export const RANDOM_FEATURE_TABLE = 'feature_positional_embedding.random_table';

export const layerName = (l: number, rest: string): string => `transformer_encoder.layers.${l}.${rest}`;

/** Every tensor of the replica, with its state-dict name and torch shape, drawn from `seed`. */
export function tabpfnV2ArchWeights(c: TabpfnV2ArchConfig, seed = 1): ArchWeights {
  if (c.emsize % c.nhead !== 0 || c.emsize % 4 !== 0) throw new Error('emsize must divide by nhead and by 4');
  const rand = mulberry32(seed);
  const w: ArchWeights = new Map();
  const uniform = (name: string, dims: number[], a: number) => {
    const n = dims.reduce((x, y) => x * y, 1);
    w.set(name, { data: Float32Array.from({ length: n }, () => (2 * rand() - 1) * a), dims });
  };
  const linear = (name: string, out: number, inp: number, bias: boolean) => {
    uniform(`${name}.weight`, [out, inp], 1 / Math.sqrt(inp));
    if (bias) uniform(`${name}.bias`, [out], 1 / Math.sqrt(inp));
  };
  const e = c.emsize;
  const dk = e / c.nhead;
  const nhid = e * c.nhidFactor;
  linear('encoder.5.layer', e, 2 * c.featuresPerGroup, false); // encoder_use_bias False; in: x group ++ nan indicators
  linear('y_encoder.2.layer', e, 2, true); // in: class rank ++ nan indicator
  linear('feature_positional_embedding_embeddings', e, e / 4, true);
  const normal = Float32Array.from({ length: c.maxGroups * (e / 4) }, () => {
    const u = Math.max(rand(), 1e-12);
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rand());
  });
  w.set(RANDOM_FEATURE_TABLE, { data: normal, dims: [c.maxGroups, e / 4] });
  for (let l = 0; l < c.nlayers; l++) {
    for (const attn of ['self_attn_between_features', 'self_attn_between_items']) {
      uniform(layerName(l, `${attn}._w_qkv`), [3, c.nhead, dk, e], Math.sqrt(3) * Math.sqrt(2 / (c.nhead * dk + e)));
      uniform(layerName(l, `${attn}._w_out`), [c.nhead, dk, e], Math.sqrt(6 / (dk * e + c.nhead * e)));
    }
    uniform(layerName(l, 'mlp.linear1.weight'), [nhid, e], 1 / Math.sqrt(e));
    uniform(layerName(l, 'mlp.linear2.weight'), [e, nhid], 1 / Math.sqrt(nhid));
  }
  linear('decoder_dict.standard.0', nhid, e, true);
  linear('decoder_dict.standard.2', c.nOut, nhid, true);
  return w;
}

export function archTensor(w: ArchWeights, name: string): ArchTensor {
  const t = w.get(name);
  if (!t) throw new Error(`tabpfn-v2 replica: missing tensor ${name}`);
  return t;
}
