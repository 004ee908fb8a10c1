// Checkable domain tasks: unit conversions, weight-based dosing, molar masses from a fixed table, moles,
// volumes from a concentration, tablet counts. Operands stay small (a ~1M-parameter model must be able to
// compute them) and every answer is one canonical line, "Answer: <number> <unit>", so accuracy is exact match.
// Held-out templates are phrased differently (new sentence shapes and word orders) from train ones; their
// words all occur somewhere in training (train uses both unit symbols and unit words), because a model trained
// from scratch cannot know a word it never saw: the held-out split measures new phrasings, not new words.
import type { Split, TaskInfo, TaskKind, Template } from './types';
import { capitalise, fill, type Rng } from './rng';

/** Molar masses in g/mol, rounded to integers so the model learns a look-up, not decimals. */
export const MOLAR_MASS: Readonly<Record<string, number>> = {
  water: 18, methane: 16, ammonia: 17, 'carbon dioxide': 44, oxygen: 32, nitrogen: 28,
  'sodium chloride': 58, 'sodium hydroxide': 40, 'hydrochloric acid': 36, 'sulfuric acid': 98,
  'calcium carbonate': 100, 'potassium chloride': 75, ethanol: 46, methanol: 32, 'acetic acid': 60,
  glucose: 180, aspirin: 180, caffeine: 194, paracetamol: 151, 'hydrogen peroxide': 34,
  'sodium bicarbonate': 84,
};

/** Unit conversions by a factor of 1000: [from, to, multiply?]; prompts spell units as symbols or words. */
const CONVERSIONS: ReadonlyArray<readonly [string, string, boolean]> = [
  ['g', 'mg', true], ['mg', 'g', false], ['L', 'mL', true], ['mL', 'L', false],
  ['mg', 'mcg', true], ['mcg', 'mg', false], ['kg', 'g', true], ['g', 'kg', false],
];
const UNIT_WORD: Readonly<Record<string, string>> = {
  g: 'grams', mg: 'milligrams', mcg: 'micrograms', kg: 'kilograms', L: 'litres', mL: 'millilitres',
};
const TABLET_SIZES = [50, 100, 200, 250, 500];

type TemplateSet = Readonly<Record<Split, readonly Template[]>>;

const TEMPLATES: Readonly<Record<TaskKind, TemplateSet>> = {
  convert: {
    train: [
      { id: 'convert-t1', text: 'Convert {v} {from} to {to}.' },
      { id: 'convert-t2', text: '{v} {from} = ? {to}' },
      { id: 'convert-t3', text: 'Express {v} {from} in {to}.' },
      { id: 'convert-t4', text: 'Convert {v} {fromWord} to {toWord}.' },
      { id: 'convert-t5', text: '{v} {fromWord} is how many {toWord}?' },
      { id: 'convert-t6', text: 'Change {v} {fromWord} into {toWord}, please.' },
      { id: 'convert-t7', text: 'Write {v} {fromWord} as {toWord}.' },
    ],
    heldout: [
      { id: 'convert-h1', text: 'How many {toWord} are there in {v} {fromWord}?' },
      { id: 'convert-h2', text: 'I have {v} {fromWord}. What is that in {toWord}?' },
    ],
  },
  dose: {
    train: [
      { id: 'dose-t1', text: 'Dose {d} mg/kg for a {w} kg patient. Total dose?' },
      { id: 'dose-t2', text: 'A {w} kg patient needs {d} mg/kg. How many mg?' },
      { id: 'dose-t3', text: 'Calculate {d} mg/kg for {w} kg.' },
      { id: 'dose-t4', text: 'A child weighs {w} kilograms and needs {d} mg per kilogram. Total in mg?' },
      { id: 'dose-t5', text: 'Give {d} milligrams per kg to a patient of {w} kilograms. How much?' },
      { id: 'dose-t6', text: 'Weight {w} kg, prescribed {d} mg/kg. What total amount?' },
    ],
    heldout: [
      { id: 'dose-h1', text: 'At {d} milligrams per kilogram, what amount should a child of {w} kilograms get?' },
      { id: 'dose-h2', text: 'Patient weight {w} kilograms, {d} mg for each kilogram: how much in total?' },
    ],
  },
  molar: {
    train: [
      { id: 'molar-t1', text: 'What is the molar mass of {c}?' },
      { id: 'molar-t2', text: 'Molar mass of {c}?' },
      { id: 'molar-t3', text: 'Give the molar mass of {c} in g/mol.' },
      { id: 'molar-t4', text: 'How many grams per mole is {c}?' },
      { id: 'molar-t5', text: '{C}: molar mass in g/mol?' },
      { id: 'molar-t6', text: 'Mass of 1 mole of {c}?' },
    ],
    heldout: [
      { id: 'molar-h1', text: 'What does a mole of {c} weigh?' },
      { id: 'molar-h2', text: 'Tell me the mass in grams of one mole of {c}.' },
    ],
  },
  moles: {
    train: [
      { id: 'moles-t1', text: 'How many moles are in {m} g of {c}?' },
      { id: 'moles-t2', text: 'Moles in {m} g of {c}?' },
      { id: 'moles-t3', text: 'Convert {m} g of {c} to moles.' },
      { id: 'moles-t4', text: '{m} grams of {c} is how many moles?' },
      { id: 'moles-t5', text: 'I weighed {m} grams of {c}. Number of moles?' },
      { id: 'moles-t6', text: 'Find the moles in a {m} gram sample of {c}.' },
      { id: 'moles-t7', text: 'I weigh out {m} g of {c}. Moles?' },
    ],
    heldout: [
      { id: 'moles-h1', text: 'A sample of {c} has a mass of {m} grams. What amount in moles is that?' },
      { id: 'moles-h2', text: 'Tell me the moles that {m} grams of {c} make.' },
    ],
  },
  volume: {
    train: [
      { id: 'volume-t1', text: 'A solution is {k} mg/mL. How many mL give {m} mg?' },
      { id: 'volume-t2', text: 'Volume of a {k} mg/mL solution needed for {m} mg?' },
      { id: 'volume-t3', text: 'How many mL of {k} mg/mL contain {m} mg?' },
      { id: 'volume-t4', text: 'A stock of {k} mg per millilitre; I need {m} milligrams. How many mL?' },
      { id: 'volume-t5', text: 'Need {m} mg from a {k} mg/mL syrup. Volume in mL?' },
      { id: 'volume-t6', text: 'How many millilitres of a {k} milligrams per mL solution hold {m} milligrams?' },
      { id: 'volume-t7', text: 'Syrup strength is {k} mg/mL. Measure out {m} mg: how many mL?' },
    ],
    heldout: [
      { id: 'volume-h1', text: 'To get {m} milligrams from a stock at {k} milligrams per millilitre, measure what volume?' },
      { id: 'volume-h2', text: 'Solution strength {k} mg/mL, amount needed {m} milligrams. Volume?' },
    ],
  },
  tablets: {
    train: [
      { id: 'tablets-t1', text: 'The dose is {d} mg and each tablet is {t} mg. How many tablets?' },
      { id: 'tablets-t2', text: 'How many {t} mg tablets make a {d} mg dose?' },
      { id: 'tablets-t3', text: 'Tablets of {t} mg, dose {d} mg. Number of tablets?' },
      { id: 'tablets-t4', text: 'Each pill is {t} milligrams. How many pills for {d} milligrams?' },
      { id: 'tablets-t5', text: 'A {d} milligram dose from {t} milligram capsules: how many?' },
      { id: 'tablets-t6', text: 'I need {d} mg using {t} mg tablets. Count?' },
      { id: 'tablets-t7', text: 'One capsule holds {t} mg. How many capsules make {d} mg?' },
    ],
    heldout: [
      { id: 'tablets-h1', text: 'Pills of {t} milligram strength, a dose of {d} milligrams. Give the number of pills.' },
      { id: 'tablets-h2', text: 'To give {d} milligrams with {t} milligram pills, count the pills needed.' },
      { id: 'tablets-h3', text: 'Each capsule holds {t} milligrams and the patient needs {d} milligrams. Capsules?' },
    ],
  },
};

export const TASK_KINDS: readonly TaskKind[] = ['convert', 'dose', 'molar', 'moles', 'volume', 'tablets'];

/** Canonical number text: integers as is, decimals without trailing zeros ("0.25", never "0.250"). */
export function formatNumber(x: number): string {
  return String(Number(x.toFixed(6)));
}

export function taskTemplates(kind: TaskKind, split: Split): readonly Template[] {
  return TEMPLATES[kind][split];
}

/** One task prompt with its answer, drawn from the templates of `split`. */
export function makeTask(rng: Rng, kind: TaskKind, split: Split): { template: string; prompt: string; task: TaskInfo } {
  const template = rng.pick(TEMPLATES[kind][split]);
  const compounds = Object.keys(MOLAR_MASS);
  let slots: Record<string, string | number>;
  let inputs: Record<string, number | string>;
  let answer: string;
  switch (kind) {
    case 'convert': {
      const [from, to, multiply] = rng.pick(CONVERSIONS);
      const v = multiply ? rng.int(1, 9) : rng.int(1, 9) * rng.pick([100, 1000]);
      slots = { v, from, to, fromWord: UNIT_WORD[from], toWord: UNIT_WORD[to] };
      inputs = { v, from, to };
      answer = `${formatNumber(multiply ? v * 1000 : v / 1000)} ${to}`;
      break;
    }
    case 'dose': {
      const d = rng.int(1, 5);
      const w = rng.int(2, 12);
      slots = { d, w };
      inputs = { d, w };
      answer = `${d * w} mg`;
      break;
    }
    case 'molar': {
      const c = rng.pick(compounds);
      slots = { c, C: capitalise(c) };
      inputs = { c };
      answer = `${MOLAR_MASS[c]} g/mol`;
      break;
    }
    case 'moles': {
      const c = rng.pick(compounds.filter((name) => MOLAR_MASS[name] <= 100));
      const n = rng.int(1, 4);
      const m = MOLAR_MASS[c] * n;
      slots = { c, m };
      inputs = { c, m };
      answer = `${n} mol`;
      break;
    }
    case 'volume': {
      const k = rng.int(2, 5);
      const n = rng.int(1, 9);
      slots = { k, m: k * n };
      inputs = { k, m: k * n };
      answer = `${n} mL`;
      break;
    }
    case 'tablets': {
      const t = rng.pick(TABLET_SIZES);
      const n = rng.int(1, 4);
      slots = { t, d: t * n };
      inputs = { t, d: t * n };
      answer = `${n} ${n === 1 ? 'tablet' : 'tablets'}`;
      break;
    }
  }
  return { template: template.id, prompt: fill(template.text, slots), task: { kind, inputs, answer: `Answer: ${answer}` } };
}
