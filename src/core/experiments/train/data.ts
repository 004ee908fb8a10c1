// Training data in the ecosystem's formats, turned into token sequences with a per-token loss mask:
//   SFT   Alpaca {instruction, input?, output}; prompt/completion {prompt, completion}; chat {messages: [{role,
//         content}]} or ShareGPT {conversations: [{from, value}]} (from human/gpt/system → user/assistant/system)
//   DPO   {prompt?, chosen, rejected}, each a string or a message list; without `prompt`, chosen and rejected are
//         whole conversations and the prompt is their shared leading messages (TRL's implicit-prompt format,
//         trl/data_utils.py extract_prompt)
// Alpaca rows become one user turn `instruction\n\ninput` (the TRL/HF convention for instruction data in chat form).
// Templates: the model's chat template (tokenizer_config.json `chat_template`; every committed model has one) or the
// named plain template PLAIN_TEMPLATE. The loss covers assistant turns only (TRL assistant_only_loss /
// completion_only_loss, default on): turn i's span is found by rendering messages[0..i) with the generation prompt
// and messages[0..i] without it, the way TRL's DataCollatorForCompletionOnlyLM needed the template's response
// marker; a template whose prefix rendering is not a prefix of the whole is refused ('template-not-prefix').
import type { LmTokenizer } from '../../lm/tokenizer';
import { TrainError } from './errors';

export interface Message { role: 'system' | 'user' | 'assistant'; content: string }
export interface SftRow { line: number; messages: Message[]; chat: boolean }
export interface DpoRow { line: number; prompt: Message[]; chosen: Message[]; rejected: Message[]; chat: boolean }

/** One training sequence: tokens and, per token, 1 when predicting it is trained. */
export interface MaskedSequence { tokens: number[]; trained: number[] }

/** Rows of a JSONL file (or one JSON array), each with its 1-based line number (array: its 1-based index). */
export function readJsonRows(text: string, file: string): { line: number; row: unknown }[] {
  const trimmed = text.trim();
  if (trimmed.startsWith('[')) {
    let arr: unknown[];
    try {
      arr = JSON.parse(trimmed) as unknown[];
    } catch (e) {
      throw new TrainError('bad-row', `${file}: not valid JSON (${(e as Error).message})`);
    }
    return arr.map((row, i) => ({ line: i + 1, row }));
  }
  const out: { line: number; row: unknown }[] = [];
  text.split('\n').forEach((l, i) => {
    if (!l.trim()) return;
    try {
      out.push({ line: i + 1, row: JSON.parse(l) });
    } catch (e) {
      throw new TrainError('bad-row', `${file} line ${i + 1}: not valid JSON (${(e as Error).message})`);
    }
  });
  if (out.length === 0) throw new TrainError('empty-data', `${file} has no rows`);
  return out;
}

const SHAREGPT_ROLES: Record<string, Message['role']> = { human: 'user', user: 'user', gpt: 'assistant', assistant: 'assistant', system: 'system', chatgpt: 'assistant', bing: 'assistant' };

function messagesOf(v: unknown, where: string, key: string): Message[] {
  if (!Array.isArray(v)) throw new TrainError('bad-row', `${where}: "${key}" must be a list of messages`);
  return v.map((m: unknown, i) => {
    const o = (m ?? {}) as Record<string, unknown>;
    const role = typeof o.role === 'string' ? o.role : typeof o.from === 'string' ? SHAREGPT_ROLES[o.from] : undefined;
    const content = typeof o.content === 'string' ? o.content : o.value;
    if (role !== 'user' && role !== 'assistant' && role !== 'system') throw new TrainError('bad-row', `${where}: ${key}[${i}] has no role user/assistant/system (role or ShareGPT from human/gpt/system)`);
    if (typeof content !== 'string') throw new TrainError('bad-row', `${where}: ${key}[${i}] has no string content (content or ShareGPT value)`);
    return { role, content };
  });
}

const str = (o: Record<string, unknown>, k: string): string | undefined => (typeof o[k] === 'string' ? o[k] : undefined);

/** An SFT row in any supported format, or a TrainError naming the line and the missing field. */
export function sftRow(raw: unknown, line: number, file = 'data'): SftRow {
  const where = `${file} line ${line}`;
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) throw new TrainError('bad-row', `${where}: a row must be a JSON object`);
  const o = raw as Record<string, unknown>;
  let messages: Message[];
  let chat = true;
  if ('messages' in o) messages = messagesOf(o.messages, where, 'messages');
  else if ('conversations' in o) messages = messagesOf(o.conversations, where, 'conversations');
  else if ('instruction' in o || 'output' in o) {
    const ins = str(o, 'instruction');
    const output = str(o, 'output');
    if (ins === undefined || output === undefined) throw new TrainError('bad-row', `${where}: an Alpaca row needs string "instruction" and "output"${o.input !== undefined && typeof o.input !== 'string' ? ' (and "input" must be a string)' : ''}`);
    const input = str(o, 'input');
    messages = [{ role: 'user', content: input ? `${ins}\n\n${input}` : ins }, { role: 'assistant', content: output }];
    chat = false;
  } else if ('chosen' in o || 'rejected' in o) {
    throw new TrainError('bad-row', `${where}: a DPO row (chosen / rejected) in SFT data; set "method": "dpo" or give SFT rows`);
  } else if ('prompt' in o || 'completion' in o) {
    const p = str(o, 'prompt');
    const c = str(o, 'completion');
    if (p === undefined || c === undefined) throw new TrainError('bad-row', `${where}: a prompt-completion row needs string "prompt" and "completion"`);
    messages = [{ role: 'user', content: p }, { role: 'assistant', content: c }];
    chat = false;
  } else {
    throw new TrainError('bad-row', `${where}: no SFT fields (has ${Object.keys(o).join(', ') || 'nothing'})`);
  }
  if (!messages.some((m) => m.role === 'assistant')) throw new TrainError('bad-row', `${where}: no assistant turn to train on`);
  return { line, messages, chat };
}

/** A DPO row (explicit or implicit prompt), or a TrainError naming the line and the missing field. */
export function dpoRow(raw: unknown, line: number, file = 'data'): DpoRow {
  const where = `${file} line ${line}`;
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) throw new TrainError('bad-row', `${where}: a row must be a JSON object`);
  const o = raw as Record<string, unknown>;
  for (const k of ['chosen', 'rejected']) if (o[k] === undefined) throw new TrainError('bad-row', `${where}: a DPO row needs "${k}"`);
  const side = (k: 'chosen' | 'rejected'): Message[] => (typeof o[k] === 'string' ? [{ role: 'assistant', content: o[k] }] : messagesOf(o[k], where, k));
  let chosen = side('chosen');
  let rejected = side('rejected');
  let prompt: Message[];
  const chat = typeof o.prompt !== 'string' || typeof o.chosen !== 'string';
  if (o.prompt === undefined) {
    let n = 0;
    while (n < chosen.length - 1 && n < rejected.length - 1 && chosen[n].role === rejected[n].role && chosen[n].content === rejected[n].content) n++;
    if (n === 0) throw new TrainError('bad-row', `${where}: no "prompt" and chosen/rejected share no leading messages`);
    prompt = chosen.slice(0, n);
    chosen = chosen.slice(n);
    rejected = rejected.slice(n);
  } else {
    prompt = typeof o.prompt === 'string' ? [{ role: 'user', content: o.prompt }] : messagesOf(o.prompt, where, 'prompt');
  }
  for (const [k, ms] of [['chosen', chosen], ['rejected', rejected]] as const) {
    if (ms.length === 0 || ms.some((m) => m.role !== 'assistant')) throw new TrainError('bad-row', `${where}: "${k}" must be the assistant's reply (a string or assistant messages)`);
  }
  return { line, prompt, chosen, rejected, chat };
}

/** The plain template: `### User:\n…\n\n### Assistant:\n…<eos>\n\n` (system: `### System:`), bos first when the tokenizer has one. */
export const PLAIN_TEMPLATE = 'plain';

export type TemplateChoice = 'auto' | 'model' | 'plain';

/** Renders messages as text, by the model's chat template or the plain one. */
export type Renderer = (messages: readonly Message[], addGenerationPrompt: boolean) => string;

/** Picks the template for a data set; chat data on a model without a template (and no "plain" asked) is refused. */
export function chooseRenderer(tok: LmTokenizer, choice: TemplateChoice, chatData: boolean, modelId: string): { name: string; render: Renderer } {
  const hasModel = tok.chatTemplate.present;
  if (choice === 'model' || (choice === 'auto' && hasModel)) {
    if (!hasModel) throw new TrainError('missing-template', `${modelId} has no chat template and the spec asks for "template": "model"`);
    return { name: 'model', render: (m, g) => tok.chatTemplate.render(m, { addGenerationPrompt: g }) };
  }
  if (choice === 'auto' && chatData) throw new TrainError('missing-template', `${modelId} has no chat template and the data is chat-formatted (messages / conversations)`);
  const bos = tok.bosId !== null ? tok.tokenString(tok.bosId) : '';
  const eos = tok.eosId !== null ? tok.tokenString(tok.eosId) : '';
  const head = { system: '### System:\n', user: '### User:\n', assistant: '### Assistant:\n' } as const;
  return {
    name: PLAIN_TEMPLATE,
    render: (ms, g) => bos + ms.map((m) => `${head[m.role]}${m.content}${m.role === 'assistant' ? eos : ''}\n\n`).join('') + (g ? head.assistant : ''),
  };
}

/**
 * Tokens of a conversation with its assistant turns marked as trained (`lastOnly`: the final turn only, as DPO
 * scores the reply). `completionOnly` false trains every token after the first.
 */
export function encodeConversation(tok: LmTokenizer, render: Renderer, messages: readonly Message[], o: { completionOnly: boolean; lastOnly?: boolean; where: string }): MaskedSequence {
  const tokens = tok.encode(render(messages, false));
  const trained = new Array<number>(tokens.length).fill(o.completionOnly ? 0 : 1);
  if (!o.completionOnly) return { tokens, trained: trained.map((x, i) => (i === 0 ? 0 : x)) };
  const isPrefix = (ids: number[]) => ids.length <= tokens.length && ids.every((id, i) => tokens[i] === id);
  messages.forEach((m, i) => {
    if (m.role !== 'assistant' || (o.lastOnly && i !== messages.length - 1)) return;
    const before = tok.encode(render(messages.slice(0, i), true));
    const upTo = tok.encode(render(messages.slice(0, i + 1), false));
    if (!isPrefix(before) || !isPrefix(upTo) || upTo.length < before.length) {
      throw new TrainError('template-not-prefix', `${o.where}: turn ${i} does not render as a prefix of the conversation`);
    }
    trained.fill(1, before.length, upTo.length);
  });
  return { tokens, trained };
}
