// Task-answer matching shared by the forge evaluation and ALIGNBEAM's metrics. Corpus v3 replies are the answer
// line alone ("Answer: 60 mg"); corpus v4 replies put a working line first ("5 mg/kg × 12 kg = 60 mg. Answer:
// 60 mg"), so a reply counts when its last "Answer:" line equals the reference. A reply that gives two different
// answers is judged by the last one, as a reader would take the final answer.
const ANSWER = /Answer:[^\S\n]*([^\n]*?)\s*$/;

/** The reply's final answer line ("Answer: 60 mg"), or null when it gives none. */
export function finalAnswerLine(reply: string): string | null {
  const at = reply.lastIndexOf('Answer:');
  if (at < 0) return null;
  const m = ANSWER.exec(reply.slice(at));
  return m ? `Answer: ${m[1].replace(/\s+/g, ' ').trim()}` : null;
}

/** True when the reply's final answer line is the reference answer line ("Answer: 60 mg"). */
export function taskAnswerCorrect(reply: string, reference: string): boolean {
  const got = finalAnswerLine(reply);
  return got !== null && got === reference.replace(/\s+/g, ' ').trim();
}
