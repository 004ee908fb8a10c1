// The training spec: defaults as documented (TRL's beta 0.1, no label smoothing, completion-only loss), and an
// unknown or invalid field is a named 'invalid-spec' error naming the field, never dropped.
import { describe, expect, it } from 'vitest';
import { TrainError } from './errors';
import { parseTrainSpec } from './spec';

const base = { method: 'dpo', data: 'd.jsonl', out: 'o', steps: 3 };

describe('training spec', () => {
  it('fills the documented defaults', () => {
    const s = parseTrainSpec({ ...base, lora: {} });
    expect(s).toMatchObject({ model: 'models/target', beta: 0.1, labelSmoothing: 0, completionOnly: true, template: 'auto', batchSize: 4, seed: 0 });
    expect(s.lora).toEqual({ r: 8, alpha: 16, init: 'kaiming' });
  });

  it('names an unknown or invalid field', () => {
    const kindOf = (raw: unknown) => {
      try {
        parseTrainSpec(raw);
      } catch (e) {
        expect(e).toBeInstanceOf(TrainError);
        return (e as TrainError).message;
      }
      return 'accepted';
    };
    expect(kindOf({ ...base, betta: 0.2 })).toMatch(/invalid-spec.*betta/);
    expect(kindOf({ ...base, lora: { r: 4, dropout: 0.1 } })).toMatch(/invalid-spec.*lora.*dropout/);
    expect(kindOf({ ...base, method: 'grpo' })).toMatch(/invalid-spec.*method/);
    expect(kindOf({ ...base, labelSmoothing: 0.7 })).toMatch(/invalid-spec.*labelSmoothing/);
    expect(kindOf({ ...base, lora: { targets: ['q_proj'] } })).toMatch(/invalid-spec.*lora\.targets/);
  });
});
