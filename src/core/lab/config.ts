// GPT-2 architecture knobs in one typed config (CONVENTIONS.md 15, nanoGPT `GPTConfig`). The forge, the ONNX
// export and the circuits/edits modules all read model shapes from here, so names mirror Hugging Face's
// `GPT2Config` where one exists (see `toHfConfig`).

export interface GptConfig {
  /** Tokenizer vocabulary (rows of `wte`). The FACTS.md forge model uses 1024. */
  vocabSize: number;
  /** Context length = rows of `wpe` (HF `n_positions`). Default 64. */
  nCtx: number;
  /** Residual width (HF `n_embd`). Default 128. */
  dModel: number;
  /** Attention heads; head size is dModel / nHead. Default 4. */
  nHead: number;
  /** Transformer blocks. Default 4. */
  nLayer: number;
  /** MLP hidden width; GPT-2 uses 4·dModel (HF `n_inner` null). */
  dMlp: number;
  /** true: logits = ln_f(x) · wteᵀ (GPT-2 default); false: a separate `lm_head.weight` [lmHeadWidth, d]. */
  tiedEmbeddings: boolean;
  /**
   * Output width (logit count), ≥ vocabSize. Wider than the vocab is allowed (padded heads as in nanoGPT's
   * 50304); extra logits must be masked before sampling. With tied embeddings it must equal vocabSize, since
   * the tied head *is* `wte`.
   */
  lmHeadWidth: number;
  /** LayerNorm epsilon (HF `layer_norm_epsilon`). */
  lnEps: number;
  /** Std of the normal init (GPT-2: 0.02); residual projections get std / sqrt(2·nLayer). */
  initStd: number;
}

export const DEFAULT_GPT_CONFIG: GptConfig = {
  vocabSize: 1024,
  nCtx: 64,
  dModel: 128,
  nHead: 4,
  nLayer: 4,
  dMlp: 512,
  tiedEmbeddings: true,
  lmHeadWidth: 1024,
  lnEps: 1e-5,
  initStd: 0.02,
};

/**
 * Fills defaults and checks invariants. `dMlp` follows dModel (4×) and `lmHeadWidth` follows vocabSize unless
 * given, so `gptConfig({ vocabSize: 17, dModel: 8, nHead: 2, nLayer: 2, nCtx: 8 })` is a complete tiny model.
 */
export function gptConfig(over: Partial<GptConfig> = {}): GptConfig {
  const dModel = over.dModel ?? DEFAULT_GPT_CONFIG.dModel;
  const vocabSize = over.vocabSize ?? DEFAULT_GPT_CONFIG.vocabSize;
  const cfg: GptConfig = { ...DEFAULT_GPT_CONFIG, dMlp: 4 * dModel, lmHeadWidth: vocabSize, ...over };
  const problems: string[] = [];
  for (const k of ['vocabSize', 'nCtx', 'dModel', 'nHead', 'nLayer', 'dMlp', 'lmHeadWidth'] as const) {
    if (!Number.isInteger(cfg[k]) || cfg[k] < 1) problems.push(`${k} must be a positive integer (got ${cfg[k]})`);
  }
  if (cfg.dModel % cfg.nHead !== 0) problems.push(`dModel ${cfg.dModel} is not divisible by nHead ${cfg.nHead}`);
  if (cfg.lmHeadWidth < cfg.vocabSize) problems.push(`lmHeadWidth ${cfg.lmHeadWidth} < vocabSize ${cfg.vocabSize}`);
  if (cfg.tiedEmbeddings && cfg.lmHeadWidth !== cfg.vocabSize) {
    problems.push('a tied unembedding is wte itself, so lmHeadWidth must equal vocabSize (untie it to pad)');
  }
  if (problems.length) throw new Error(`invalid GptConfig: ${problems.join('; ')}`);
  return cfg;
}

export const headDim = (c: GptConfig): number => c.dModel / c.nHead;

/** The Hugging Face `config.json` fields for this model (GPT2LMHeadModel). */
export function toHfConfig(c: GptConfig): Record<string, unknown> {
  return {
    model_type: 'gpt2',
    architectures: ['GPT2LMHeadModel'],
    vocab_size: c.vocabSize,
    n_positions: c.nCtx,
    n_ctx: c.nCtx,
    n_embd: c.dModel,
    n_head: c.nHead,
    n_layer: c.nLayer,
    n_inner: c.dMlp === 4 * c.dModel ? null : c.dMlp,
    activation_function: 'gelu_new',
    layer_norm_epsilon: c.lnEps,
    initializer_range: c.initStd,
    tie_word_embeddings: c.tiedEmbeddings,
  };
}
