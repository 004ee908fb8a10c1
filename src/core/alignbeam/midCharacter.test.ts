// Cross-vocabulary mixing never runs inside a multi-byte character. Forge v4 task replies carry "÷" and "×", which
// both embedded tokenizers write as two byte tokens (family A: Ã + ·; family B: <0xC3> <0xB7>). The anchor's view
// holds complete characters only, so mid-character it proposed the character's start again and the beam wrote "��"
// and derailed ("2000 mcg ��"); now the target completes the character alone and mixing resumes after it.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CausalLM } from '../lm/causalLm';
import { loadCausalLMFolder } from '../lm/causalLmNode';
import { AlignbeamPair } from './pair';
import { DEFAULT_ALIGNBEAM_SETTINGS } from './types';

const MODELS = join(__dirname, '../../../models');
const PROMPTS = ['Turn 2000 micrograms into a figure in milligrams.', 'Find the moel count of 150 grams of potassium chloride.'];

describe('mixing across a multi-byte character (cross vocabulary, forge v4 pair)', () => {
  let target: CausalLM;
  let anchor: CausalLM;
  let judge: CausalLM;
  beforeAll(async () => {
    [target, anchor, judge] = await Promise.all(['target-v4', 'anchor-v4', 'judge-v4'].map((id) => loadCausalLMFolder(join(MODELS, id))));
  });
  afterAll(async () => {
    for (const lm of [target, anchor, judge]) await lm?.dispose();
  });

  it('the target writes both bytes of "÷" unmixed, and the candidates stay valid UTF-8', async () => {
    expect(target.tokenizer.encode('÷').length).toBe(2); // the case under test: one character, two tokens
    const pair = new AlignbeamPair({ target, anchor, judge });
    let midCharacterSteps = 0;
    for (const prompt of PROMPTS) {
      for (const K of [1, 4]) {
        const out = await pair.decode('alignbeam', prompt, { ...DEFAULT_ALIGNBEAM_SETTINGS, K });
        for (const c of out.candidates) {
          expect(c.text, `${prompt} K ${K}`).not.toContain('\uFFFD');
          const bytes: number[] = [];
          for (const tok of c.tokens) {
            const before = Buffer.from(bytes);
            const inside = before.length > 0 && Buffer.from(before.toString('utf8'), 'utf8').length !== before.length;
            if (inside) {
              midCharacterSteps++;
              expect(tok.mixed, `token ${JSON.stringify(tok.text)} after a half character`).toBe(false);
            }
            bytes.push(...target.tokenizer.tokenBytes(tok.id));
          }
        }
        expect(out.candidates.some((c) => c.text.includes('÷')), `${prompt} K ${K}: a candidate writes the working line`).toBe(true);
      }
    }
    expect(midCharacterSteps).toBeGreaterThan(0);
  }, 120_000);
});
