// Causal LM over ONNX Runtime for GPT-2-layout exports (the embedded forge models, or any ONNX folder with the
// transformers.js GPT-2 contract, FACTS.md): prefill a batch of K prompts (left-padded, positions from the
// mask), then step all K with the KV cache. The ORT backend is injected (onnxruntime-node in Node,
// onnxruntime-web in the browser), so this file imports neither. Hub models come through `hubFiles` (URLs from
// transformers.js's env) and fail fast with RemoteDisabledError when offline.
import type { ModelSession, OrtBackend } from '../runtime/session';
import { tensor, type Feeds, type TensorData } from '../runtime/tensor';
import { loadTokenizer, type LmTokenizer, type TokenizerSource } from './tokenizer';

/** The config.json fields the runtime needs (Hugging Face GPT-2 names). */
export interface CausalLmConfig {
  n_layer: number;
  n_head: number;
  n_embd: number;
  n_positions: number;
  vocab_size: number;
  bos_token_id?: number;
  eos_token_id?: number;
}

/** What a model folder holds, already read (the browser passes fetched bytes, Node reads files). */
export interface CausalLmFiles {
  config: CausalLmConfig;
  tokenizer: TokenizerSource;
  onnx: Uint8Array;
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
  readonly nHead: number;
  readonly headDim: number;
  readonly nPositions: number;
  /** Logit width (≥ tokenizer vocab; wider heads are masked when picking). */
  readonly lmHeadWidth: number;

  constructor(readonly id: string, readonly config: CausalLmConfig, readonly tokenizer: LmTokenizer, private readonly session: ModelSession) {
    this.nLayer = config.n_layer;
    this.nHead = config.n_head;
    this.headDim = config.n_embd / config.n_head;
    this.nPositions = config.n_positions;
    this.lmHeadWidth = config.vocab_size;
  }

  /** Tokenizer vocabulary size: ids at or above it are never picked. */
  get vocabSize(): number {
    return Math.min(this.tokenizer.vocabSize, this.lmHeadWidth);
  }

  get eosId(): number | null {
    return this.tokenizer.eosId ?? this.config.eos_token_id ?? null;
  }

  /** Full forward of K left-padded sequences without cache: logits [K][S·Vh] (row-major S × Vh). */
  async forwardAll(batch: readonly number[][]): Promise<{ logits: Float32Array[]; seqLen: number; padLeft: number[] }> {
    const { feeds, S, padLeft } = this.prefillFeeds(batch);
    const out = await this.session.run(feeds);
    const all = out.logits.data as Float32Array; // [K,S,Vh]
    const V = this.lmHeadWidth;
    return { logits: batch.map((_, k) => all.slice(k * S * V, (k + 1) * S * V)), seqLen: S, padLeft };
  }

  /** Runs K prompts (any lengths; left-padded) and returns last-position logits and the cache. */
  async prefill(batch: readonly number[][]): Promise<StepResult> {
    const { feeds, S, padLeft } = this.prefillFeeds(batch);
    const out = await this.session.run(feeds);
    const mask = padLeft.map((p) => Array.from({ length: S }, (_, t) => (t < p ? 0 : 1)));
    return { logits: this.lastLogits(out.logits, S), cache: { past: this.presentToPast(out), mask, nextPos: batch.map((ids) => ids.length) } };
  }

  /** Feeds one new token per row (rows that finished can feed anything: their outputs are ignored). */
  async step(cache: KvCache, tokens: readonly number[]): Promise<StepResult> {
    const K = tokens.length;
    if (K !== cache.mask.length) throw new Error(`step: ${K} tokens for a batch of ${cache.mask.length}`);
    const total = cache.mask[0].length + 1;
    if (Math.max(...cache.nextPos) >= this.nPositions) throw new Error(`step: position ${Math.max(...cache.nextPos)} is past n_positions ${this.nPositions}`);
    const mask = cache.mask.map((m) => [...m, 1]);
    const feeds: Feeds = {
      input_ids: tensor('int64', BigInt64Array.from(tokens, BigInt), [K, 1]),
      attention_mask: tensor('int64', BigInt64Array.from(mask.flat(), BigInt), [K, total]),
      position_ids: tensor('int64', BigInt64Array.from(cache.nextPos, BigInt), [K, 1]),
      ...cache.past,
    };
    const out = await this.session.run(feeds);
    return { logits: this.lastLogits(out.logits, 1), cache: { past: this.presentToPast(out), mask, nextPos: cache.nextPos.map((p) => p + 1) } };
  }

  /** Greedy/top-k continuation of each prompt, stopping at eos and at n_positions; returns new ids only. */
  async generate(prompts: readonly number[][], o: GenerateOptions): Promise<number[][]> {
    const stop = new Set(o.stopIds ?? (this.eosId !== null ? [this.eosId] : []));
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
    const ids = await this.generate(prompts.map((p) => this.tokenizer.applyChatTemplate(p)), { maxNewTokens: 48, ...o });
    return ids.map((r) => this.tokenizer.decode(r, { skipSpecialTokens: true }));
  }

  async dispose(): Promise<void> {
    await this.session.dispose();
  }

  private prefillFeeds(batch: readonly number[][]): { feeds: Feeds; S: number; padLeft: number[] } {
    const K = batch.length;
    if (K === 0 || batch.some((ids) => ids.length === 0)) throw new Error('prefill needs at least one non-empty sequence');
    const S = Math.max(...batch.map((ids) => ids.length));
    if (S > this.nPositions) throw new Error(`sequence of ${S} tokens exceeds n_positions ${this.nPositions}`);
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
      position_ids: tensor('int64', pos, [K, S]),
    };
    for (let l = 0; l < this.nLayer; l++) {
      for (const kv of ['key', 'value']) feeds[`past_key_values.${l}.${kv}`] = tensor('float32', new Float32Array(0), [K, this.nHead, 0, this.headDim]);
    }
    return { feeds, S, padLeft };
  }

  private lastLogits(logits: TensorData, S: number): Float32Array[] {
    const V = this.lmHeadWidth;
    const all = logits.data as Float32Array; // [K,S,V]
    const K = logits.dims[0];
    return Array.from({ length: K }, (_, k) => all.slice((k * S + S - 1) * V, (k * S + S) * V));
  }

  private presentToPast(out: Record<string, TensorData>): Record<string, TensorData> {
    const past: Record<string, TensorData> = {};
    for (let l = 0; l < this.nLayer; l++) {
      for (const kv of ['key', 'value']) past[`past_key_values.${l}.${kv}`] = out[`present.${l}.${kv}`];
    }
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

/** Builds a CausalLM from a folder's contents and an ORT backend. */
export async function createCausalLM(id: string, files: CausalLmFiles, backend: OrtBackend): Promise<CausalLM> {
  const tokenizer = await loadTokenizer(files.tokenizer);
  const session = await backend.createSession(files.onnx, { file: `${id}/onnx/model.onnx` });
  return new CausalLM(id, files.config, tokenizer, session);
}
