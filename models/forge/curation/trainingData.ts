// Training and held-out data of the curation models (issue #22), built from the fact sheets (factSheets.ts) in
// the shared prompt formats of src/core/curation/prompts.ts:
//   generator  generatorPrompt(chunk) → generatorTarget(question, answer): one question about one fact of the
//              chunk, the answer copying its numbers and units;
//   grounding  groundingPrompt(claim, evidence) → supported / unsupported / abstain, a third each:
//              supported   the claim restates a fact of the evidence (the pipeline's `sampleClaim(q, a)` form or a
//                          paraphrased sentence of another template);
//              unsupported the claim is about the evidence's entity but one number is changed (half of them: the
//                          hard negatives), a fact the evidence does not state is claimed, a fabricated sentence is
//                          appended to a true claim, or the with/without-food fact is flipped (a contradiction);
//              abstain     the evidence is another sheet (another entity: it says nothing about the claim) or empty
//                          ("(none)", the no-source mode).
import { Pcg32 } from '../../../src/core/lab';
import { generatorPrompt, generatorTarget, groundingPrompt, sampleClaim, type GroundingLabel } from '../../../src/core/curation/prompts';
import { drawValues, factSentence, usable, type Fact, type FactKind, type FactSheet, type FactSplit } from './factSheets';

type QA = (e: string, v: number[], withFood?: boolean) => string;

/** Question shapes per kind (the last one is held out, as in factSheets.ts). */
export const QUESTIONS: Record<FactKind, QA[]> = {
  storage: [(e) => `At what temperature should ${e} be stored?`, (e) => `How should ${e} be stored?`, (e) => `What is the storage range for ${e}?`, (e) => `Which temperatures is ${e} kept at?`],
  opened: [(e) => `How long does ${e} keep once opened?`, (e) => `How many days can ${e} be used after opening?`, (e) => `When should opened ${e} be thrown away?`, (e) => `For how long is opened ${e} usable?`],
  dose: [(e) => `What is the adult dose of ${e}?`, (e) => `How much ${e} does an adult take?`, (e) => `What dose of ${e} should adults get?`, (e) => `How is ${e} dosed for adults?`],
  maxDaily: [(e) => `What is the maximum daily dose of ${e}?`, (e) => `How much ${e} can be given in one day at most?`, (e) => `What is the daily limit for ${e}?`, (e) => `What is the most ${e} a patient may take per day?`],
  strength: [(e) => `How many mg are in each mL of ${e}?`, (e) => `What is the strength of ${e}?`, (e) => `How much drug does one mL of ${e} contain?`, (e) => `How concentrated is ${e}?`],
  pack: [(e) => `How many tablets are in a pack of ${e}?`, (e) => `What pack size does ${e} come in?`, (e) => `How many tablets does one box of ${e} hold?`, (e) => `How big is a pack of ${e}?`],
  hours: [(e) => `When is the ${e} open?`, (e) => `What are the opening hours of the ${e}?`, (e) => `At what time does the ${e} open and close?`, (e) => `When can patients visit the ${e}?`],
  food: [(e) => `Should ${e} be taken with food?`, (e) => `How should ${e} be taken with respect to meals?`, (e) => `Is ${e} taken with meals?`, (e) => `Does ${e} need to be taken with food?`],
};

/** Answer shapes per kind (all used by both splits: the answer copies the chunk's numbers and units). */
export const ANSWERS: Record<FactKind, QA[]> = {
  storage: [(_e, [a, b]) => `Between ${a} and ${b} °C.`, (e, [a, b]) => `${e} is stored between ${a} and ${b} °C.`, (_e, [a, b]) => `At ${a} to ${b} °C.`],
  opened: [(_e, [n]) => `${n} days.`, (_e, [n]) => `For ${n} days after opening.`, (_e, [n]) => `Use it within ${n} days.`],
  dose: [(_e, [d, h]) => `${d} mg every ${h} hours.`, (_e, [d, h]) => `Adults take ${d} mg every ${h} hours.`],
  maxDaily: [(_e, [m]) => `${m} mg per day.`, (_e, [m]) => `No more than ${m} mg a day.`],
  strength: [(_e, [c]) => `${c} mg per mL.`, (_e, [c]) => `Each mL has ${c} mg.`],
  pack: [(_e, [n]) => `${n} tablets.`, (_e, [n]) => `Packs of ${n} tablets.`],
  hours: [(_e, [a, b]) => `From ${a}:00 to ${b}:00.`, (_e, [a, b]) => `It opens at ${a}:00 and closes at ${b}:00.`],
  food: [(_e, _v, w) => (w ? 'Yes, with food.' : 'No, on an empty stomach.'), (_e, _v, w) => (w ? 'Take it with food.' : 'Take it before meals.')],
};

const FABRICATIONS: ((e: string, rng: Pcg32) => string)[] = [
  (_e, rng) => `It was approved in ${1950 + rng.int(70)}.`,
  (_e, rng) => `It is made in ${['Norway', 'Chile', 'Kenya', 'Japan', 'Peru'][rng.int(5)]}.`,
  (e, rng) => `${e} also lowers blood pressure by ${5 + rng.int(30)} %.`,
  (_e, rng) => `It costs ${3 + rng.int(40)} euros a pack.`,
];

const pick = <T,>(rng: Pcg32, xs: readonly T[]): T => xs[rng.int(xs.length)];

export interface GeneratorExample { sheetId: string; prompt: string; target: string; question: string; answer: string; fact: Fact; chunk: string }
export interface GroundingExample {
  sheetId: string; prompt: string; label: GroundingLabel; claim: string; evidence: string;
  /** How the pair was made (for per-kind accuracy): supported-qa, supported-sentence, number, absent, fabricated, contradiction, other-sheet, none. */
  how: string;
}

export function questionAnswer(rng: Pcg32, split: FactSplit, f: Fact): { question: string; answer: string } {
  return { question: pick(rng, usable(QUESTIONS[f.kind], split))(f.entity, f.values, f.withFood), answer: pick(rng, ANSWERS[f.kind])(f.entity, f.values, f.withFood) };
}

/** `perSheet` generator examples per sheet, each about a different fact when the sheet has enough. */
export function generatorExamples(sheets: readonly FactSheet[], seed: number, perSheet: number): GeneratorExample[] {
  const rng = new Pcg32(seed, 11);
  return sheets.flatMap((s) => rng.shuffle([...s.facts]).slice(0, perSheet).map((fact) => {
    const { question, answer } = questionAnswer(rng, s.split, fact);
    return { sheetId: s.id, prompt: generatorPrompt(s.text), target: generatorTarget(question, answer), question, answer, fact, chunk: s.text };
  }));
}

/** A claim stating `f` (with values `v`): the pipeline's question+answer form (60 %) or a declarative sentence. */
function claimOf(rng: Pcg32, split: FactSplit, f: Fact, values: number[], withFood?: boolean): { claim: string; qa: boolean } {
  const g = { ...f, values, withFood };
  if (rng.int(5) < 3) {
    const { question, answer } = questionAnswer(rng, split, g);
    return { claim: sampleClaim(question, answer), qa: true };
  }
  return { claim: factSentence(rng, split, f.kind, f.entity, values, withFood), qa: false };
}

/** One value of `values` changed to another plausible value of its kind that the evidence does not contain. */
function changeOneNumber(rng: Pcg32, f: Fact, evidence: string): number[] {
  const inEvidence = new Set((evidence.match(/\d+/g) ?? []).map(Number));
  for (let tries = 0; tries < 50; tries++) {
    const i = rng.int(f.values.length);
    const draws = drawValues(rng, f.kind);
    const candidates = [draws[i], f.values[i] * 10, f.values[i] + 1 + rng.int(9), Math.max(1, f.values[i] - 1 - rng.int(Math.max(1, Math.min(9, f.values[i] - 1))))];
    const v = pick(rng, candidates);
    if (v !== f.values[i] && v > 0 && !inEvidence.has(v)) return f.values.map((x, k) => (k === i ? v : x));
  }
  return f.values.map((x, k) => (k === 0 ? x + 100 : x));
}

/** Balanced grounding pairs: for each sheet, `perSheet` pairs with labels cycling supported/unsupported/abstain. */
export function groundingExamples(sheets: readonly FactSheet[], seed: number, perSheet: number): GroundingExample[] {
  const rng = new Pcg32(seed, 17);
  const out: GroundingExample[] = [];
  let turn = 0;
  for (const s of sheets) {
    for (let k = 0; k < perSheet; k++) {
      const label = (['supported', 'unsupported', 'abstain'] as const)[turn++ % 3];
      const f = pick(rng, s.facts);
      let evidence = s.text;
      let claim: string;
      let how: string;
      if (label === 'supported') {
        const c = claimOf(rng, s.split, f, f.values, f.withFood);
        claim = c.claim;
        how = c.qa ? 'supported-qa' : 'supported-sentence';
      } else if (label === 'unsupported') {
        const r = rng.int(20);
        const absentKinds = (['storage', 'opened', 'dose', 'maxDaily', 'strength', 'pack', 'food'] as FactKind[]).filter((kd) => !s.facts.some((x) => x.kind === kd));
        if (f.kind === 'food' && r < 14) {
          claim = claimOf(rng, s.split, f, [], !f.withFood).claim;
          how = 'contradiction';
        } else if (f.kind !== 'food' && (r < 12 || absentKinds.length === 0 || (f.kind === 'hours' && r < 15))) {
          claim = claimOf(rng, s.split, f, changeOneNumber(rng, f, s.text), f.withFood).claim;
          how = 'number';
        } else if (r < 16 && absentKinds.length > 0) {
          const kind = pick(rng, absentKinds);
          const g: Fact = { kind, entity: s.entity, values: drawValues(rng, kind), withFood: kind === 'food' ? rng.int(2) === 0 : undefined, sentence: '' };
          claim = claimOf(rng, s.split, g, g.values, g.withFood).claim;
          how = 'absent';
        } else {
          claim = `${claimOf(rng, s.split, f, f.values, f.withFood).claim} ${pick(rng, FABRICATIONS)(s.entity, rng)}`;
          how = 'fabricated';
        }
      } else {
        // abstain: the claim (true or broken) is about this sheet, the evidence says nothing about it
        const c = claimOf(rng, s.split, f, rng.int(2) === 0 || f.values.length === 0 ? f.values : changeOneNumber(rng, f, s.text), f.withFood);
        claim = c.claim;
        if (rng.int(5) < 3) {
          let other = pick(rng, sheets);
          while (other.entity === s.entity) other = pick(rng, sheets);
          evidence = other.text;
          how = 'other-sheet';
        } else {
          evidence = '';
          how = 'none';
        }
      }
      out.push({ sheetId: s.id, prompt: groundingPrompt(claim, evidence), label, claim, evidence, how });
    }
  }
  return out;
}
