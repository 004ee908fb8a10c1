// Causal LM over ONNX Runtime for the decoder-only export contract of transformers.js and the onnx-community
// exports (CONVENTIONS #16–17): gpt2, llama, mistral, qwen2, qwen3, gemma2, gemma3_text, phi3 — the embedded
// forge models are GPT-2 layout. Sizes come from the normalised config (families.ts), the KV cache's names,
// heads, head size and dtype from the session's own metadata (kvLayout.ts), and only declared inputs are fed
// (`position_ids`, `num_logits_to_keep`). Prefill a batch of K prompts (left-padded, positions from the mask),
// then step all K with the KV cache. The ORT backend is injected (onnxruntime-node in Node, onnxruntime-web in
// the browser), so this file imports neither. Folders and hubs reach `createCausalLM` through causalLmSources.ts.
import { VocabularyMismatchError } from '../runtime/errors';
import type { ExternalDataFile, ModelSession, OrtBackend } from '../runtime/session';
import { tensor, type Feeds, type TensorData } from '../runtime/tensor';
import type { ChatTemplate, ChatMessage } from './chatTemplate';
import type { NormalizedLmConfig } from './families';
import { readKvLayout, toFloat32, type KvLayout } from './kvLayout';
import type { OnnxDtype } from './onnxVariants';
import { loadTokenizer, type LmTokenizer, type TokenizerSource } from './tokenizer';

/** generation_config.json fields the runtime respects (its eos list wins over config.json's, as in transformers). */
export interface GenerationDefaults {
  eosTokenIds: number[];
  maxNewTokens?: number;
}

/** What a model folder holds, already read (the browser passes fetched bytes, Node reads files). */
export interface CausalLmFiles {
  config: NormalizedLmConfig;
  /** generation_config.json, parsed, when the folder has one. */
  generationConfig?: Record<string, unknown>;
  tokenizer: TokenizerSource;
  onnx: Uint8Array;
  /** Which file `onnx` is (onnx/model.onnx, onnx/model_q4.onnx…) and its dtype. */
  onnxFile?: string;
  dtype?: OnnxDtype;
  /** Side files named by the graph, paths as the graph names them (model.onnx_data…). */
  externalData?: ExternalDataFile[];
}

/** KV cache of a batch after prefill/step: past tensors, the attention mask so far, next position per row. */
export interface KvCache {
  past: Record<string, TensorData>;
  /** [K][pastLen] 0/1: left padding stays 0 for the whole decode. */
  mask: number[][];
  /** Position id of each row's next token. */
  nextPos: number[];
}

export interface StepResult {
  /** Last-position logits per row, each [lmHeadWidth]. */
  logits: Float32Array[];
  cache: KvCache;
}

export interface GenerateOptions {
  maxNewTokens: number;
  /** 1 (default) = greedy; k > 1 samples among the k most likely tokens with `rng`. */
  topK?: number;
  temperature?: number;
  /** Uniform [0,1) source for top-k sampling (seeded by the caller for reproducibility). */
  rng?: () => number;
  /** Stop ids (default: the tokenizer's eos); the stop token is not returned. */
  stopIds?: number[];
}

export class CausalLM {
  readonly nLayer: number;
  /** Query heads (config); the cache has `kv.kvHeads` (GQA). */
  readonly nHead: number;
  readonly headDim: number;
  readonly nPositions: number;
  /** Logit width (≥ tokenizer vocab; wider heads are masked when picking). */
  readonly lmHeadWidth: number;
  readonly kv: KvLayout;
  readonly chatTemplate: ChatTemplate;
  /** Stop ids: generation_config.json's eos list, else config.json's, else the tokenizer's eos. */
  readonly eosIds: readonly number[];

  constructor(readonly id: string, readonly config: NormalizedLmConfig, readonly tokenizer: LmTokenizer, private readonly session: ModelSession,
    readonly generation: GenerationDefaults = { eosTokenIds: config.eosTokenIds }, readonly dtype: OnnxDtype = 'fp32') {
    this.kv = readKvLayout(id, config, session.info.inputMetadata, session.info.outputMetadata);
    this.nLayer = config.numLayers;
    this.nHead = config.numHeads;
    this.headDim = this.kv.headDim;
    this.nPositions = config.maxPositions;
    this.lmHeadWidth = this.kv.headWidth;
    // Real exports may carry special tokens past the head (Gemma 3 text: <image_soft_token> = 262144 over a
    // 262,144-row head, for the multimodal model); text never encodes to those. A text token past it is a mismatch.
    const special = new Set(tokenizer.specialIds);
    for (let t = this.lmHeadWidth; t < tokenizer.vocabSize; t++) {
      if (!special.has(t)) throw new VocabularyMismatchError(id, tokenizer.vocabSize, this.lmHeadWidth);
    }
    const tokEos = tokenizer.eosId;
    const ids = generation.eosTokenIds.length > 0 ? generation.eosTokenIds : tokEos !== null ? [tokEos] : [];
    this.eosIds = [...new Set(ids)];
    this.chatTemplate = tokenizer.chatTemplate;
  }

  /** Tokenizer vocabulary size: ids at or above it are never picked. */
  get vocabSize(): number {
    return Math.min(this.tokenizer.vocabSize, this.lmHeadWidth);
  }

  /** The main end-of-sequence id: the tokenizer's eos when it is a stop id, else the first stop id. */
  get eosId(): number | null {
    const t = this.tokenizer.eosId;
    return t !== null && (this.eosIds.length === 0 || this.eosIds.includes(t)) ? t : this.eosIds[0] ?? t;
  }

  /** A conversation rendered by the model's chat template (ChatTemplateError when there is none or it fails). */
  renderChat(messages: readonly ChatMessage[], addGenerationPrompt = true): string {
    return this.chatTemplate.render(messages, { addGenerationPrompt });
  }

  /** Ids of a rendered conversation (the template writes BOS itself: nothing is added). */
  encodeChat(messages: readonly ChatMessage[], addGenerationPrompt = true): number[] {
    return this.tokenizer.encode(this.renderChat(messages, addGenerationPrompt));
  }

  /** Full forward of K left-padded sequences without cache: logits [K][S·Vh] (row-major S × Vh). */
  async forwardAll(batch: readonly number[][]): Promise<{ logits: Float32Array[]; seqLen: number; padLeft: number[] }> {
    const { feeds, S, padLeft } = this.prefillFeeds(batch, 0);
    const out = await this.session.run(feeds);
    const all = toFloat32(out.logits.type, out.logits.data); // [K,S,Vh]
    const V = this.lmHeadWidth;
    return { logits: batch.map((_, k) => all.slice(k * S * V, (k + 1) * S * V)), seqLen: S, padLeft };
  }

  /** Runs K prompts (any lengths; left-padded) and returns last-position logits and the cache. */
  async prefill(batch: readonly number[][]): Promise<StepResult> {
    const { feeds, S, padLeft } = this.prefillFeeds(batch, 1);
    const out = await this.session.run(feeds);
    const mask = padLeft.map((p) => Array.from({ length: S }, (_, t) => (t < p ? 0 : 1)));
    return { logits: this.lastLogits(out.logits), cache: { past: this.presentToPast(out), mask, nextPos: batch.map((ids) => ids.length) } };
  }

  /** Feeds one new token per row (rows that finished can feed anything: their outputs are ignored). */
  async step(cache: KvCache, tokens: readonly number[]): Promise<StepResult> {
    const K = tokens.length;
    if (K !== cache.mask.length) throw new Error(`step: ${K} tokens for a batch of ${cache.mask.length}`);
    const total = cache.mask[0].length + 1;
    if (Math.max(...cache.nextPos) >= this.nPositions) throw new Error(`step: position ${Math.max(...cache.nextPos)} is past the context length ${this.nPositions}`);
    const mask = cache.mask.map((m) => [...m, 1]);
    const feeds: Feeds = {
      input_ids: tensor('int64', BigInt64Array.from(tokens, BigInt), [K, 1]),
      attention_mask: tensor('int64', BigInt64Array.from(mask.flat(), BigInt), [K, total]),
      ...cache.past,
    };
    if (this.kv.hasPositionIds) feeds.position_ids = tensor('int64', BigInt64Array.from(cache.nextPos, BigInt), [K, 1]);
    if (this.kv.hasNumLogitsToKeep) feeds.num_logits_to_keep = tensor('int64', BigInt64Array.of(1n), []);
    const out = await this.session.run(feeds);
    return { logits: this.lastLogits(out.logits), cache: { past: this.presentToPast(out), mask, nextPos: cache.nextPos.map((p) => p + 1) } };
  }

  /** Greedy/top-k continuation of each prompt, stopping at a stop id and at the context length; returns new ids only. */
  async generate(prompts: readonly number[][], o: GenerateOptions): Promise<number[][]> {
    const stop = new Set(o.stopIds ?? this.eosIds);
    const longest = Math.max(...prompts.map((p) => p.length));
    const budget = Math.min(o.maxNewTokens, this.nPositions - longest);
    const outs: number[][] = prompts.map(() => []);
    const done = prompts.map(() => budget <= 0);
    if (budget <= 0) return outs;
    let res = await this.prefill(prompts);
    for (let i = 0; ; i++) {
      const next = res.logits.map((l, k) => (done[k] ? 0 : pickToken(l, this.vocabSize, o)));
      next.forEach((id, k) => {
        if (done[k]) return;
        if (stop.has(id)) done[k] = true;
        else outs[k].push(id);
      });
      if (done.every(Boolean) || i + 1 >= budget) break;
      res = await this.step(res.cache, next);
    }
    return outs;
  }

  /** Chat helper: greedy responses (decoded, specials skipped) for K prompts. */
  async chat(prompts: readonly string[], o: Partial<GenerateOptions> = {}): Promise<string[]> {
    const ids = await this.generate(prompts.map((p) => this.tokenizer.applyChatTemplate(p)), { maxNewTokens: this.generation.maxNewTokens ?? 48, ...o });
    return ids.map((r) => this.tokenizer.decode(r, { skipSpecialTokens: true }));
  }

  async dispose(): Promise<void> {
    await this.session.dispose();
  }

  /** `keep`: num_logits_to_keep when the graph declares it (0 = every position, 1 = the last). */
  private prefillFeeds(batch: readonly number[][], keep: 0 | 1): { feeds: Feeds; S: number; padLeft: number[] } {
    const K = batch.length;
    if (K === 0 || batch.some((ids) => ids.length === 0)) throw new Error('prefill needs at least one non-empty sequence');
    const S = Math.max(...batch.map((ids) => ids.length));
    if (S > this.nPositions) throw new Error(`sequence of ${S} tokens exceeds the context length ${this.nPositions}`);
    const pad = this.tokenizer.padId ?? this.eosId ?? 0;
    const padLeft = batch.map((ids) => S - ids.length);
    const ids = new BigInt64Array(K * S).fill(BigInt(pad));
    const mask = new BigInt64Array(K * S);
    const pos = new BigInt64Array(K * S);
    batch.forEach((row, k) => row.forEach((id, t) => {
      const j = k * S + padLeft[k] + t;
      ids[j] = BigInt(id);
      mask[j] = 1n;
      pos[j] = BigInt(t); // positions count real tokens only, so left padding does not shift them
    }));
    const feeds: Feeds = {
      input_ids: tensor('int64', ids, [K, S]),
      attention_mask: tensor('int64', mask, [K, S]),
    };
    if (this.kv.hasPositionIds) feeds.position_ids = tensor('int64', pos, [K, S]);
    if (this.kv.hasNumLogitsToKeep) feeds.num_logits_to_keep = tensor('int64', BigInt64Array.of(BigInt(keep)), []);
    const empty = () => (this.kv.cacheDtype === 'float16' ? new Uint16Array(0) : new Float32Array(0));
    for (const names of this.kv.past) {
      for (const n of names) feeds[n] = tensor(this.kv.cacheDtype, empty(), [K, this.kv.kvHeads, 0, this.kv.headDim]);
    }
    return { feeds, S, padLeft };
  }

  /** Last position of each row of logits [K, S', V] (S' = 1 when num_logits_to_keep cut it). */
  private lastLogits(logits: TensorData): Float32Array[] {
    const V = this.lmHeadWidth;
    const all = toFloat32(logits.type, logits.data);
    const [K, S] = logits.dims;
    return Array.from({ length: K }, (_, k) => all.slice((k * S + S - 1) * V, (k * S + S) * V));
  }

  private presentToPast(out: Record<string, TensorData>): Record<string, TensorData> {
    const past: Record<string, TensorData> = {};
    this.kv.past.forEach((names, l) => names.forEach((n, i) => { past[n] = out[this.kv.present[l][i]]; }));
    return past;
  }
}

/** Argmax (topK ≤ 1) or top-k sampling over ids < vocabSize; ties go to the lower id. */
export function pickToken(logits: Float32Array, vocabSize: number, o: Pick<GenerateOptions, 'topK' | 'temperature' | 'rng'> = {}): number {
  const k = o.topK ?? 1;
  if (k <= 1) {
    let best = 0;
    for (let i = 1; i < vocabSize; i++) if (logits[i] > logits[best]) best = i;
    return best;
  }
  if (!o.rng) throw new Error('top-k sampling needs an rng');
  const top = Array.from({ length: vocabSize }, (_, i) => i).sort((a, b) => logits[b] - logits[a] || a - b).slice(0, k);
  const t = o.temperature ?? 1;
  const w = top.map((i) => Math.exp((logits[i] - logits[top[0]]) / t));
  let u = o.rng() * w.reduce((a, b) => a + b, 0);
  for (let j = 0; j < top.length; j++) {
    u -= w[j];
    if (u < 0) return top[j];
  }
  return top[top.length - 1];
}

/** generation_config.json's eos list (number or list) over config.json's; its max_new_tokens when set. */
export function generationDefaults(config: NormalizedLmConfig, generationConfig?: Record<string, unknown>): GenerationDefaults {
  const raw = generationConfig?.eos_token_id;
  const list = (Array.isArray(raw) ? raw : raw === undefined || raw === null ? [] : [raw]).filter((x): x is number => Number.isInteger(x));
  const maxNew = generationConfig?.max_new_tokens;
  return { eosTokenIds: list.length > 0 ? list : config.eosTokenIds, ...(Number.isInteger(maxNew) ? { maxNewTokens: maxNew as number } : {}) };
}

/**
 * Builds a CausalLM from a folder's contents and an ORT backend. Every check that can reject the model (graph vs
 * config, tokenizer vs head) runs before this returns; a failure after the session exists releases it.
 */
export async function createCausalLM(id: string, files: CausalLmFiles, backend: OrtBackend): Promise<CausalLM> {
  const tokenizer = await loadTokenizer(files.tokenizer, { label: id });
  const onnxFile = files.onnxFile ?? 'onnx/model.onnx';
  const session = await backend.createSession(files.onnx, { file: `${id}/${onnxFile}`, ...(files.externalData?.length ? { externalData: files.externalData } : {}) });
  try {
    return new CausalLM(id, files.config, tokenizer, session, generationDefaults(files.config, files.generationConfig), files.dtype ?? 'fp32');
  } catch (e) {
    await session.dispose().catch(() => undefined);
    throw e;
  }
}
