import { describe, expect, it } from 'vitest';
import { finalAnswerLine, taskAnswerCorrect } from './taskAnswer';

describe('task answers', () => {
  it('reads the v3 answer line and the v4 working line + answer line', () => {
    expect(taskAnswerCorrect('Answer: 60 mg', 'Answer: 60 mg')).toBe(true);
    expect(taskAnswerCorrect('5 mg/kg × 12 kg = 60 mg. Answer: 60 mg', 'Answer: 60 mg')).toBe(true);
    expect(taskAnswerCorrect('  Answer:   60 mg  ', 'Answer: 60 mg')).toBe(true);
  });

  it('rejects wrong, missing, extended and superseded answers', () => {
    expect(taskAnswerCorrect('Answer: 6 mg', 'Answer: 60 mg')).toBe(false);
    expect(taskAnswerCorrect('60 mg', 'Answer: 60 mg')).toBe(false);
    expect(taskAnswerCorrect('Answer: 60 mg per day', 'Answer: 60 mg')).toBe(false);
    expect(taskAnswerCorrect('Answer: 60 mg\nAnswer: 6 mg', 'Answer: 60 mg')).toBe(false);
    expect(taskAnswerCorrect('Answer: 60 mg\nI hope that helps.', 'Answer: 60 mg')).toBe(false);
    expect(finalAnswerLine('no answer here')).toBeNull();
  });
});
