// RoPE inverse frequencies per layer, with the scalings families.ts reads (default, linear, dynamic, llama3), as
// transformers' `modeling_rope_utils.py` computes them. Shared by the reference forward pass and the ONNX
// builder so both rotate by the same angles. Pure.
import type { LayerType, NormalizedLmConfig } from '../families';

/** inv_freq[i] = θ^(−2i/rotaryDim), i < rotaryDim/2, then scaled. Float64. */
export function ropeInvFreq(c: NormalizedLmConfig, layerType: LayerType): Float64Array {
  const half = c.rotaryDim / 2;
  // Gemma 3's local (sliding) layers use their own base and no scaling.
  const local = c.family === 'gemma3_text' && layerType === 'sliding_attention';
  const theta = local ? c.ropeLocalTheta : c.ropeTheta;
  const inv = Float64Array.from({ length: half }, (_, i) => 1 / theta ** ((2 * i) / c.rotaryDim));
  const s = local ? { type: 'default' as const } : c.ropeScaling;
  if (s.type === 'linear') return inv.map((f) => f / s.factor);
  if (s.type === 'llama3') {
    const lowWavelen = s.originalMaxPositions / s.lowFreqFactor;
    const highWavelen = s.originalMaxPositions / s.highFreqFactor;
    return inv.map((f) => {
      const wavelen = (2 * Math.PI) / f;
      if (wavelen < highWavelen) return f;
      if (wavelen > lowWavelen) return f / s.factor;
      const smooth = (s.originalMaxPositions / wavelen - s.lowFreqFactor) / (s.highFreqFactor - s.lowFreqFactor);
      return (1 - smooth) * (f / s.factor) + smooth * f;
    });
  }
  // 'dynamic' equals 'default' until a sequence outgrows original_max_position_embeddings; the graphs here
  // are static, so longer sequences under dynamic scaling are the caller's to refuse.
  return inv;
}
