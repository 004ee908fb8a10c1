// Thin wrapper over transformers.js tokenizers for the causal-LM code: one small interface for the embedded
// forge tokenizers and any hub tokenizer. Loads from a folder/model id (AutoTokenizer) or from in-memory
// tokenizer.json + tokenizer_config.json (the browser path without a file system), and adds what decoding
// and cross-vocabulary code need: chat prefixes with the response start, special ids, and exact token bytes.
import { AutoTokenizer, PreTrainedTokenizer, GPT2Tokenizer, LlamaTokenizer } from '@huggingface/transformers';
import { ChatTemplate, chatTemplateSource } from './chatTemplate';
import { tokenStringBytes, type SpaceConvention } from './tokenizerBytes';

/** The two files of a Hugging Face tokenizer, already parsed. */
export interface TokenizerSource {
  tokenizerJson: Record<string, unknown>;
  tokenizerConfig: Record<string, unknown>;
  /** chat_template.jinja, for repos that keep the template there instead of in tokenizer_config.json. */
  chatTemplateJinja?: string;
}

export interface LoadTokenizerOptions {
  /** For a folder or model id: never touch the network (default true; hub ids need false). */
  localFilesOnly?: boolean;
  /** Names the model in chat-template errors (default 'tokenizer'). */
  label?: string;
}

export interface ChatEncoding {
  /** Prompt prefix (up to and including the assistant-turn marker), response, end-of-turn token. */
  ids: number[];
  /** Index of the first response token: the loss covers ids[responseStart..]. */
  responseStart: number;
}

export interface LmTokenizer {
  readonly vocabSize: number;
  readonly convention: SpaceConvention;
  readonly bosId: number | null;
  readonly eosId: number | null;
  readonly padId: number | null;
  readonly specialIds: readonly number[];
  /** Text → ids, no BOS/EOS added (chat formatting adds its own). */
  encode(text: string): number[];
  decode(ids: readonly number[], options?: { skipSpecialTokens?: boolean }): string;
  /** The raw vocabulary entry ("Ġthe", "▁the", "<0xE2>", "<|end|>"). */
  tokenString(id: number): string;
  /** Bytes the token contributes to running text (a special token: its literal text). */
  tokenBytes(id: number): Uint8Array;
  /** Text the token contributes mid-sentence, leading space kept; a partial UTF-8 character shows as U+FFFD. */
  decodeToken(id: number): string;
  /** Chat-formatted prompt ending where the assistant's answer starts, as text. */
  chatPrefix(prompt: string): string;
  /** Ids of `chatPrefix(prompt)`: what a model is fed before generating. */
  applyChatTemplate(prompt: string): number[];
  /** A full training sequence: prefix + response + end of turn. */
  encodeChat(prompt: string, response: string): ChatEncoding;
  /** The chat template's Jinja source, or null when the tokenizer has none (chat calls then throw ChatTemplateError). */
  readonly chatTemplateSource: string | null;
  /** The compiled chat template (one per tokenizer; CausalLM's chat calls render through it). */
  readonly chatTemplate: ChatTemplate;
  /** The underlying transformers.js tokenizer. */
  readonly raw: PreTrainedTokenizer;
}

const CLASSES: Readonly<Record<string, typeof PreTrainedTokenizer>> = { GPT2Tokenizer, LlamaTokenizer };

interface TokenizerJsonShape {
  decoder?: { type?: string; decoders?: Array<{ type?: string }> } | null;
  pre_tokenizer?: { type?: string; pretokenizers?: Array<{ type?: string }> } | null;
}

/** Byte-level if a ByteLevel decoder or pre-tokenizer is present anywhere, else metaspace/byte-fallback. */
function detectConvention(json: TokenizerJsonShape): SpaceConvention {
  const types = [json.decoder?.type, ...(json.decoder?.decoders ?? []).map((d) => d.type),
    json.pre_tokenizer?.type, ...(json.pre_tokenizer?.pretokenizers ?? []).map((p) => p.type)];
  return types.includes('ByteLevel') ? 'byte-level' : 'metaspace';
}

export async function loadTokenizer(source: string | TokenizerSource, options: LoadTokenizerOptions = {}): Promise<LmTokenizer> {
  if (typeof source === 'string') {
    return wrapTokenizer(await AutoTokenizer.from_pretrained(source, { local_files_only: options.localFilesOnly ?? true }), undefined, options.label);
  }
  // Mirrors AutoTokenizer: the class named by tokenizer_class ("…Fast" suffix dropped), else the base class.
  const className = String(source.tokenizerConfig.tokenizer_class ?? '').replace(/Fast$/, '');
  const Class = CLASSES[className] ?? PreTrainedTokenizer;
  return wrapTokenizer(new Class(source.tokenizerJson, source.tokenizerConfig), source.chatTemplateJinja, options.label);
}

/** `label` names the model in chat-template errors. */
export function wrapTokenizer(raw: PreTrainedTokenizer, chatTemplateJinja?: string, label = 'tokenizer'): LmTokenizer {
  const vocab = raw.get_vocab();
  const byId: string[] = [];
  for (const [token, id] of vocab) byId[id] = token;
  const vocabSize = byId.length;
  const convention = detectConvention(raw._tokenizerJSON as TokenizerJsonShape);
  const special = new Set(raw.all_special_ids);
  const utf8 = new TextEncoder();
  const idOrNull = (id: number | undefined): number | null => (typeof id === 'number' ? id : null);

  const tokenString = (id: number): string => {
    const token = byId[id];
    if (token === undefined) throw new RangeError(`token id ${id} is outside the vocabulary (size ${vocabSize})`);
    return token;
  };
  const tokenBytes = (id: number): Uint8Array =>
    special.has(id) ? utf8.encode(tokenString(id)) : tokenStringBytes(tokenString(id), convention);
  // Rendered by @huggingface/jinja with transformers.js's variables (chatTemplate.ts), but a missing or broken
  // template is a named ChatTemplateError with a remedy instead of transformers.js's plain Error.
  const config = (raw as unknown as { config?: Record<string, unknown> }).config ?? {};
  const own = (raw as unknown as { chat_template?: unknown }).chat_template ?? config.chat_template;
  const template = new ChatTemplate(label, chatTemplateSource({ chat_template: own }, chatTemplateJinja), config);
  const render = (messages: Array<{ role: string; content: string }>, addGenerationPrompt: boolean): string =>
    template.render(messages, { addGenerationPrompt });
  // Chat strings carry BOS themselves: encoding them must not add another.
  const encodeRaw = (text: string): number[] => raw.encode(text, { add_special_tokens: false });
  const chatPrefix = (prompt: string): string => render([{ role: 'user', content: prompt }], true);

  return {
    vocabSize, convention, raw, chatTemplateSource: template.source, chatTemplate: template,
    bosId: idOrNull(raw.bos_token_id),
    eosId: idOrNull(raw.eos_token_id),
    padId: idOrNull(raw.pad_token_id),
    specialIds: [...special].sort((a, b) => a - b),
    encode: encodeRaw,
    decode: (ids, opts = {}) => (ids.length === 0 ? '' : raw.decode([...ids], { skip_special_tokens: opts.skipSpecialTokens ?? false })),
    tokenString,
    tokenBytes,
    decodeToken: (id) => new TextDecoder().decode(tokenBytes(id)),
    chatPrefix,
    applyChatTemplate: (prompt) => encodeRaw(chatPrefix(prompt)),
    encodeChat: (prompt, response) => {
      const prefix = encodeRaw(chatPrefix(prompt));
      const ids = encodeRaw(render([{ role: 'user', content: prompt }, { role: 'assistant', content: response }], false));
      if (prefix.some((id, i) => ids[i] !== id)) {
        throw new Error('chat template: the prompt prefix is not a prefix of the full conversation');
      }
      return { ids, responseStart: prefix.length };
    },
  };
}
