// Data readers, templates and loss masks on the committed target model's real tokenizer: every format reads, the
// trained tokens are exactly the assistant replies (with their end-of-turn token), and bad rows / a missing template
// are named errors.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadTokenizer, type LmTokenizer } from '../../lm/tokenizer';
import { chooseRenderer, dpoRow, encodeConversation, readJsonRows, sftRow, type MaskedSequence } from './data';
import { TrainError } from './errors';

const read = (f: string) => JSON.parse(readFileSync(`models/target/${f}`, 'utf8')) as Record<string, unknown>;
const tokenizerJson = read('tokenizer.json');
const tokenizerConfig = read('tokenizer_config.json');
const withTemplate = await loadTokenizer({ tokenizerJson, tokenizerConfig });
const { chat_template: _dropped, ...noTemplateConfig } = tokenizerConfig;
const noTemplate = await loadTokenizer({ tokenizerJson, tokenizerConfig: noTemplateConfig });

const trainedText = (tok: LmTokenizer, s: MaskedSequence) => {
  const spans: string[] = [];
  let cur: number[] = [];
  s.tokens.forEach((id, i) => {
    if (s.trained[i]) cur.push(id);
    else if (cur.length) {
      spans.push(tok.decode(cur));
      cur = [];
    }
  });
  if (cur.length) spans.push(tok.decode(cur));
  return spans;
};
const expectKind = (f: () => unknown, kind: string, text: RegExp) => {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(TrainError);
    expect((e as TrainError).kind).toBe(kind);
    expect((e as Error).message).toMatch(text);
    return;
  }
  throw new Error(`expected TrainError ${kind}`);
};

describe('SFT rows', () => {
  it('reads Alpaca, prompt/completion, messages and ShareGPT into the same message form', () => {
    expect(sftRow({ instruction: 'Add 2 and 3.', input: '', output: '5' }, 1).messages).toEqual([{ role: 'user', content: 'Add 2 and 3.' }, { role: 'assistant', content: '5' }]);
    expect(sftRow({ instruction: 'Add.', input: '2 and 3', output: '5' }, 1).messages[0].content).toBe('Add.\n\n2 and 3');
    expect(sftRow({ prompt: 'p', completion: 'c' }, 1).chat).toBe(false);
    const sg = sftRow({ conversations: [{ from: 'system', value: 's' }, { from: 'human', value: 'h' }, { from: 'gpt', value: 'g' }] }, 1);
    expect(sg.messages.map((m) => m.role)).toEqual(['system', 'user', 'assistant']);
    expect(sg.chat).toBe(true);
  });

  it('masks exactly the assistant turns (model template), end-of-turn included', () => {
    const render = chooseRenderer(withTemplate, 'auto', true, 'target').render;
    const row = sftRow({ messages: [{ role: 'user', content: 'Name a colour.' }, { role: 'assistant', content: 'Blue.' }, { role: 'user', content: 'Another?' }, { role: 'assistant', content: 'Red.' }] }, 3);
    const s = encodeConversation(withTemplate, render, row.messages, { completionOnly: true, where: 'x' });
    expect(trainedText(withTemplate, s)).toEqual(['Blue.<|end|>', 'Red.<|end|>']);
    expect(trainedText(withTemplate, encodeConversation(withTemplate, render, row.messages, { completionOnly: true, lastOnly: true, where: 'x' }))).toEqual(['Red.<|end|>']);
    const all = encodeConversation(withTemplate, render, row.messages, { completionOnly: false, where: 'x' });
    expect(all.trained.reduce((a, b) => a + b, 0)).toBe(all.tokens.length - 1);
  });

  it('falls back to the plain template for Alpaca rows on a model without one, and masks the reply', () => {
    const r = chooseRenderer(noTemplate, 'auto', false, 'bare');
    expect(r.name).toBe('plain');
    const s = encodeConversation(noTemplate, r.render, sftRow({ instruction: 'Add 2 and 3.', output: 'Answer: 5' }, 1).messages, { completionOnly: true, where: 'x' });
    expect(noTemplate.decode(s.tokens)).toBe('<|endoftext|>### User:\nAdd 2 and 3.\n\n### Assistant:\nAnswer: 5<|end|>\n\n');
    expect(trainedText(noTemplate, s)).toEqual(['Answer: 5<|end|>\n\n']);
  });

  it('refuses chat data on a model without a chat template, with the remedy', () => {
    expectKind(() => chooseRenderer(noTemplate, 'auto', true, 'bare'), 'missing-template', /bare has no chat template.*"template": "plain"/s);
    expectKind(() => chooseRenderer(noTemplate, 'model', false, 'bare'), 'missing-template', /bare/);
    expect(chooseRenderer(noTemplate, 'plain', true, 'bare').name).toBe('plain');
  });

  it('names the line and field of a bad row', () => {
    expectKind(() => readJsonRows('{"instruction": "a", "output": "b"}\n{"instruction": "a"}\n', 'd.jsonl').forEach(({ line, row }) => sftRow(row, line, 'd.jsonl')), 'bad-row', /d\.jsonl line 2: an Alpaca row needs string "instruction" and "output"/);
    expectKind(() => readJsonRows('{"a": 1}\n{oops\n', 'd.jsonl'), 'bad-row', /d\.jsonl line 2: not valid JSON/);
    expectKind(() => sftRow({ messages: [{ role: 'user', content: 'only a question' }] }, 7, 'd.jsonl'), 'bad-row', /line 7: no assistant turn/);
    expectKind(() => sftRow({ text: 'x' }, 4, 'd.jsonl'), 'bad-row', /line 4: no SFT fields \(has text\)/);
    expectKind(() => sftRow({ prompt: 'q', chosen: 'a', rejected: 'b' }, 2, 'p.jsonl'), 'bad-row', /line 2: a DPO row .* "method": "dpo"/);
    expectKind(() => readJsonRows('\n\n', 'e.jsonl'), 'empty-data', /e\.jsonl has no rows/);
  });
});

describe('DPO rows', () => {
  it('reads string, message and implicit-prompt rows', () => {
    const a = dpoRow({ prompt: 'q', chosen: 'good', rejected: 'bad' }, 1);
    expect(a.prompt).toEqual([{ role: 'user', content: 'q' }]);
    expect(a.chosen).toEqual([{ role: 'assistant', content: 'good' }]);
    const conv = (reply: string) => [{ role: 'user', content: 'q' }, { role: 'assistant', content: reply }];
    const b = dpoRow({ chosen: conv('good'), rejected: conv('bad') }, 2);
    expect(b.prompt).toEqual([{ role: 'user', content: 'q' }]);
    expect(b.rejected).toEqual([{ role: 'assistant', content: 'bad' }]);
  });

  it('names the line of a row without chosen / rejected', () => {
    expectKind(() => dpoRow({ prompt: 'q', chosen: 'good' }, 5, 'p.jsonl'), 'bad-row', /p\.jsonl line 5: a DPO row needs "rejected"/);
    expectKind(() => dpoRow({ prompt: 'q', chosen: [{ role: 'user', content: 'x' }], rejected: 'b' }, 6), 'bad-row', /"chosen" must be the assistant's reply/);
  });
});
