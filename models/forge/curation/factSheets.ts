// Synthetic fact sheets for the curation models (issue #22): short source chunks in the forge's clinic/pharmacy
// world — fictional medicines and clinics, numbers with units (storage range, shelf life after opening, dose,
// daily maximum, concentration, pack size, opening hours) and one yes/no fact (food) — written from templates with
// paraphrase variety, seeded. Every fact keeps its structure (kind, entity, values) so the training data
// (trainingData.ts) can ask about it, restate it, or break it (change one number, negate it, move it to an entity
// the evidence does not mention) with the ground truth known.
//
// Held-out split (never trained on): entity names built from the same syllables but disjoint from train names,
// other number draws, and one sentence shape per fact kind, one question shape and one claim shape that only the
// held-out split uses (the last template of each list), so held-out figures measure new phrasings too.
// The shipped evaluation corpus (public/samples/curation/) is written by hand elsewhere and never read here.
import { Pcg32 } from '../../../src/core/lab';

export type FactSplit = 'train' | 'heldout';

export type FactKind = 'storage' | 'opened' | 'dose' | 'maxDaily' | 'strength' | 'pack' | 'hours' | 'food';

export interface Fact {
  kind: FactKind;
  entity: string;
  /** Numbers the fact states, in order (the food fact has none; `withFood` says which way it goes). */
  values: number[];
  withFood?: boolean;
  /** The sentence the chunk states it with. */
  sentence: string;
}

export interface FactSheet {
  id: string;
  split: FactSplit;
  entity: string;
  /** The source chunk: an optional heading line, then the fact sentences (and sometimes a filler sentence). */
  text: string;
  facts: Fact[];
}

/** Template lists: the last entry of each is held out (used only by the held-out split). */
type Tpl = (e: string, v: number[]) => string;

const MEDICINE_KINDS: FactKind[] = ['storage', 'opened', 'dose', 'maxDaily', 'strength', 'pack', 'food'];
const CLINIC_KINDS: FactKind[] = ['hours'];

export const SENTENCES: Record<Exclude<FactKind, 'food'>, Tpl[]> = {
  storage: [
    (e, [a, b]) => `Store ${e} between ${a} and ${b} °C.`,
    (e, [a, b]) => `${e} must be kept at ${a} to ${b} °C.`,
    (e, [a, b]) => `Keep ${e} in a place between ${a} and ${b} °C.`,
    (e, [a, b]) => `The storage range for ${e} is ${a}-${b} °C.`,
  ],
  opened: [
    (e, [n]) => `Once opened, ${e} keeps for ${n} days.`,
    (e, [n]) => `After opening, use ${e} within ${n} days.`,
    (e, [n]) => `${e} is good for ${n} days after the pack is opened.`,
    (e, [n]) => `Throw away any ${e} left ${n} days after first opening.`,
  ],
  dose: [
    (e, [d, h]) => `The adult dose of ${e} is ${d} mg every ${h} hours.`,
    (e, [d, h]) => `Adults take ${d} mg of ${e} every ${h} hours.`,
    (e, [d, h]) => `Give adults ${d} mg of ${e} each ${h} hours.`,
    (e, [d, h]) => `For an adult, ${e} is dosed at ${d} mg once every ${h} hours.`,
  ],
  maxDaily: [
    (e, [m]) => `Do not give more than ${m} mg of ${e} per day.`,
    (e, [m]) => `The maximum daily dose of ${e} is ${m} mg.`,
    (e, [m]) => `No patient should take over ${m} mg of ${e} in a day.`,
    (e, [m]) => `In 24 hours, ${e} must not exceed ${m} mg.`,
  ],
  strength: [
    (e, [c]) => `Each mL of ${e} contains ${c} mg.`,
    (e, [c]) => `${e} has ${c} mg in every mL.`,
    (e, [c]) => `The strength of ${e} is ${c} mg per mL.`,
    (e, [c]) => `One millilitre of ${e} holds ${c} mg.`,
  ],
  pack: [
    (e, [n]) => `${e} comes in packs of ${n} tablets.`,
    (e, [n]) => `One box of ${e} holds ${n} tablets.`,
    (e, [n]) => `${e} is supplied as ${n} tablets per pack.`,
    (e, [n]) => `A pack of ${e} contains ${n} tablets.`,
  ],
  hours: [
    (e, [a, b]) => `The ${e} is open from ${a}:00 to ${b}:00.`,
    (e, [a, b]) => `The ${e} opens at ${a}:00 and closes at ${b}:00.`,
    (e, [a, b]) => `Opening hours at the ${e} are ${a}:00 to ${b}:00.`,
    (e, [a, b]) => `Patients can visit the ${e} between ${a}:00 and ${b}:00.`,
  ],
};

export const FOOD_SENTENCES: { with: Tpl[]; without: Tpl[] } = {
  with: [(e) => `Take ${e} with food.`, (e) => `${e} should be taken with a meal.`, (e) => `Give ${e} with food or milk.`],
  without: [(e) => `Take ${e} on an empty stomach.`, (e) => `${e} should be taken before meals.`, (e) => `Give ${e} one hour before food.`],
};

const FILLERS = ['Keep out of reach of children.', 'Check the label before use.', 'Ask the pharmacist if unsure.', 'Record every dose in the chart.', 'Return unused stock to the pharmacy.'];

const PREFIX = ['Zo', 'Kel', 'Mira', 'Tavi', 'Lun', 'Bre', 'Osca', 'Pera', 'Dal', 'Vexa', 'Cor', 'Fen', 'Nol', 'Quin', 'Sar', 'Tre', 'Ulo', 'Yar'];
const MIDDLE = ['va', 'tra', 'ri', 'lo', 'ne', 'ma', 'xi', 'do', ''];
const SUFFIX = ['prin', 'zol', 'vex', 'mab', 'cil', 'dine', 'tane', 'lex', 'fen', 'ril'];
const PLACES = ['Harbor', 'Elm Street', 'Northgate', 'Riverside', 'Maple', 'Westfield', 'Oakridge', 'Lakeside', 'Hillcrest', 'Bayview', 'Stonebridge', 'Cedar'];
const CLINIC_TYPES = ['Clinic', 'Pharmacy', 'Vaccine Clinic', 'Health Centre'];

/** Is a generated name in the held-out half? A fixed hash split, so train and held-out names never overlap. */
function heldOutName(name: string): boolean {
  let h = 2166136261;
  for (let i = 0; i < name.length; i++) h = Math.imul(h ^ name.charCodeAt(i), 16777619);
  return ((h >>> 0) % 5) === 0;
}

const pick = <T,>(rng: Pcg32, xs: readonly T[]): T => xs[rng.int(xs.length)];

/** Templates a split may use: train never sees the last one. */
export const usable = <T,>(xs: readonly T[], split: FactSplit): readonly T[] => (split === 'train' ? xs.slice(0, -1) : xs);

function drawName(rng: Pcg32, split: FactSplit, clinic: boolean): string {
  for (;;) {
    const base = clinic ? `${pick(rng, PLACES)} ${pick(rng, CLINIC_TYPES)}` : `${pick(rng, PREFIX)}${pick(rng, MIDDLE)}${pick(rng, SUFFIX)}`;
    if (heldOutName(base) === (split === 'heldout')) return base;
  }
}

/** Values of one fact kind (plausible ranges, units fixed by the kind). */
export function drawValues(rng: Pcg32, kind: FactKind): number[] {
  switch (kind) {
    case 'storage': { const a = pick(rng, [2, 4, 8, 15, 20]); return [a, a + pick(rng, [4, 6, 10, 15])]; }
    case 'opened': return [pick(rng, [7, 10, 14, 21, 28, 30, 60, 90])];
    case 'dose': return [pick(rng, [5, 10, 20, 25, 40, 50, 100, 200, 250, 400, 500]), pick(rng, [4, 6, 8, 12, 24])];
    case 'maxDaily': return [pick(rng, [60, 80, 120, 150, 300, 600, 1000, 1200, 2000, 4000])];
    case 'strength': return [pick(rng, [1, 2, 5, 10, 20, 25, 40, 50, 100])];
    case 'pack': return [pick(rng, [10, 14, 20, 28, 30, 56, 60, 100])];
    case 'hours': { const a = pick(rng, [7, 8, 9, 10]); return [a, a + pick(rng, [6, 8, 9, 10, 11])]; }
    case 'food': return [];
  }
}

/** The sentence of a fact (templates of the split). */
export function factSentence(rng: Pcg32, split: FactSplit, kind: FactKind, entity: string, values: number[], withFood?: boolean): string {
  if (kind === 'food') return pick(rng, usable(withFood ? FOOD_SENTENCES.with : FOOD_SENTENCES.without, split))(entity, values);
  return pick(rng, usable(SENTENCES[kind], split))(entity, values);
}

function makeFact(rng: Pcg32, split: FactSplit, kind: FactKind, entity: string): Fact {
  const values = drawValues(rng, kind);
  const withFood = kind === 'food' ? rng.int(2) === 0 : undefined;
  return { kind, entity, values, withFood, sentence: factSentence(rng, split, kind, entity, values, withFood) };
}

/** One sheet: a medicine with 2–3 facts, or a clinic with its hours plus a medicine fact it stocks. */
export function makeSheet(rng: Pcg32, split: FactSplit, index: number): FactSheet {
  const clinic = rng.int(6) === 0;
  const entity = drawName(rng, split, clinic);
  const kinds = clinic ? [...CLINIC_KINDS] : rng.shuffle([...MEDICINE_KINDS]).slice(0, 2 + rng.int(2));
  const facts = kinds.map((k) => makeFact(rng, split, k, entity));
  const sentences = facts.map((f) => f.sentence);
  if (clinic || (facts.length < 3 && rng.int(2) === 0)) sentences.splice(rng.int(sentences.length + 1), 0, pick(rng, FILLERS));
  const heading = rng.int(3) === 0 ? `## ${entity}\n` : '';
  return { id: `${split}-${index}`, split, entity, text: heading + sentences.join(' '), facts };
}

export interface SheetOptions { seed: number; train: number; heldout: number }
export const DEFAULT_SHEET_OPTIONS: SheetOptions = { seed: 2201, train: 3000, heldout: 200 };

/** Seeded sheets of both splits (same options → same sheets). */
export function generateSheets(o: SheetOptions = DEFAULT_SHEET_OPTIONS): { train: FactSheet[]; heldout: FactSheet[] } {
  const rng = new Pcg32(o.seed, 7);
  const train = Array.from({ length: o.train }, (_, i) => makeSheet(rng, 'train', i));
  const heldout = Array.from({ length: o.heldout }, (_, i) => makeSheet(rng, 'heldout', i));
  return { train, heldout };
}
