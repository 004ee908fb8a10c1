// Chat templates as the Hugging Face ecosystem renders them: the Jinja source from tokenizer_config.json
// (`chat_template`: a string, or a list of {name, template} where "default" is used) or a chat_template.jinja
// file (newer repos), rendered by @huggingface/jinja (the engine transformers.js itself uses) with the same
// variables transformers.js passes: messages, add_generation_prompt and the special-token strings. A missing,
// unparsable or failing template is a ChatTemplateError — raised only when a chat prompt is requested, so a
// base model without a template still loads and runs on plain text.
import { Template } from '@huggingface/jinja';
import { ChatTemplateError } from '../runtime/errors';

export interface ChatMessage {
  role: string;
  content: string;
}

/** transformers.js SPECIAL_TOKEN_ATTRIBUTES: the names a template can use for the special-token strings. */
const SPECIAL_TOKEN_KEYS = ['bos_token', 'eos_token', 'unk_token', 'sep_token', 'pad_token', 'cls_token', 'mask_token'] as const;

/** A token entry in tokenizer_config.json: a string or an AddedToken object ({content}). */
function tokenText(v: unknown): string | undefined {
  if (typeof v === 'string') return v;
  if (v && typeof v === 'object' && typeof (v as { content?: unknown }).content === 'string') return (v as { content: string }).content;
  return undefined;
}

/** The template source a tokenizer config carries (plus chat_template.jinja when the repo has one), or null. */
export function chatTemplateSource(tokenizerConfig: Record<string, unknown>, chatTemplateJinja?: string): string | null {
  const t = tokenizerConfig.chat_template;
  if (typeof t === 'string' && t.trim() !== '') return t;
  if (Array.isArray(t)) {
    const named = t as Array<{ name?: unknown; template?: unknown }>;
    const pick = named.find((x) => x.name === 'default') ?? named[0];
    if (pick && typeof pick.template === 'string') return pick.template;
  } else if (t && typeof t === 'object') {
    // transformers.js keeps a named list as a {name: template} dict on the tokenizer object
    const dict = t as Record<string, unknown>;
    const pick = dict.default ?? Object.values(dict)[0];
    if (typeof pick === 'string') return pick;
  }
  return chatTemplateJinja && chatTemplateJinja.trim() !== '' ? chatTemplateJinja : null;
}

export class ChatTemplate {
  private compiled: Template | undefined;
  private readonly specials: Record<string, string> = {};

  /**
   * @param model name used in errors
   * @param source the Jinja text, or null when the tokenizer has none
   * @param tokenizerConfig for the special-token strings (bos_token, eos_token…)
   */
  constructor(private readonly model: string, readonly source: string | null, tokenizerConfig: Record<string, unknown>) {
    for (const k of SPECIAL_TOKEN_KEYS) {
      const text = tokenText(tokenizerConfig[k]);
      if (text) this.specials[k] = text;
    }
  }

  get present(): boolean {
    return this.source !== null;
  }

  /** The conversation as text (specials included as text: encode it without adding BOS/EOS again). */
  render(messages: readonly ChatMessage[], o: { addGenerationPrompt: boolean }): string {
    const template = this.compile();
    try {
      return template.render({ messages: messages.map((m) => ({ ...m })), add_generation_prompt: o.addGenerationPrompt, ...this.specials });
    } catch (e) {
      throw new ChatTemplateError(this.model, `the chat template failed to render (${e instanceof Error ? e.message : String(e)})`, { cause: e });
    }
  }

  private compile(): Template {
    if (this.compiled) return this.compiled;
    if (this.source === null) {
      throw new ChatTemplateError(this.model, 'no chat template (tokenizer_config.json has no "chat_template" and there is no chat_template.jinja)');
    }
    try {
      this.compiled = new Template(this.source);
    } catch (e) {
      throw new ChatTemplateError(this.model, `the chat template does not parse (${e instanceof Error ? e.message : String(e)})`, { cause: e });
    }
    return this.compiled;
  }
}
