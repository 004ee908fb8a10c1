// Corpus v4 domain tasks: the six v3 kinds and operand ranges, phrased through paraphrase families with units
// in symbols or words ("mg/kg", "milligrams per kilogram", "kilos"), optional context sentences and distractor
// numbers (an age, a bed number) that the answer must ignore. The response is a short working line and the
// canonical answer line: "5 mg/kg × 12 kg = 60 mg. Answer: 60 mg" (the answer line is v3's, exact match).
import type { Split, TaskInfo, TaskKind } from '../types';
import { fill, type Rng } from '../rng';
import { formatNumber, MOLAR_MASS, TASK_KINDS } from '../tasks';
import { cap } from './style';

type Families = Readonly<Record<Split, Readonly<Record<string, readonly string[]>>>>;

const FAMILIES: Readonly<Record<TaskKind, Families>> = {
  convert: {
    train: {
      f1: ['Convert {v} {from} to {to}.', 'Convert {v} {from} into {to}.'],
      f2: ['{v} {from} is how many {to}?', '{v} {from} equals how many {to}?'],
      f3: ['Express {v} {from} in {to}.', 'Write {v} {from} in {to}.'],
      f4: ['What is {v} {from} in {to}?', 'What is {v} {from} when written in {to}?'],
    },
    heldout: {
      h1: ['How many {to} make up {v} {from}?', 'How many {to} would {v} {from} be?'],
      h2: ['Turn {v} {from} into a figure in {to}.', 'I need {v} {from} stated in {to}.'],
    },
  },
  dose: {
    train: {
      f1: ['Dose {d} {du} for a {w} {wu} patient. Total dose?', 'A {w} {wu} patient needs {d} {du}. How many mg?'],
      f2: ['Calculate {d} {du} for {w} {wu}.', 'Work out {d} {du} for a child of {w} {wu}.'],
      f3: ['Weight {w} {wu}, prescribed {d} {du}. Total amount?', 'Weight {w} {wu}, order {d} {du}. Total in mg?'],
      f4: ['Ordered dose {d} {du}; patient weight {w} {wu}. How much do I give?', 'Child weight {w} {wu}, ordered {d} {du}. How much in total?'],
    },
    heldout: {
      h1: ['At {d} {du}, what total does a patient of {w} {wu} receive?', 'What total goes to a {w} {wu} patient at {d} {du}?'],
      h2: ['For {w} {wu} of body weight at {d} {du}, give the full dose.', 'Body weight {w} {wu}; rate {d} {du}; full dose?'],
    },
  },
  molar: {
    train: {
      f1: ['What is the molar mass of {c}?', 'Molar mass of {c}?'],
      f2: ['Give the molar mass of {c} in g/mol.', 'State the molar mass of {c} in grams per mole.'],
      f3: ['How many grams per mole is {c}?', 'Grams per mole of {c}?'],
      f4: ['{C}: molar mass?', '{C}, molar mass in g/mol?'],
    },
    heldout: {
      h1: ['What does one mole of {c} weigh in grams?', 'One mole of {c} has what mass?'],
      h2: ['Look up the grams per mole for {c}.', 'Tell me the g/mol value of {c}.'],
    },
  },
  moles: {
    train: {
      f1: ['How many moles does {m} {mu} of {c} contain?', 'How many moles is {m} {mu} of {c}?'],
      f2: ['Convert {m} {mu} of {c} to moles.', 'Change {m} {mu} of {c} into moles.'],
      f3: ['I weighed {m} {mu} of {c}. Number of moles?', 'I weighed out {m} {mu} of {c}. Moles, please?'],
      f4: ['{m} {mu} of {c} equals how many moles?', '{C}, {m} {mu}: moles?'],
    },
    heldout: {
      h1: ['A flask holds {m} {mu} of {c}. What amount in moles is that?', 'Express {m} {mu} of {c} as an amount in moles.'],
      h2: ['Find the mole count of {m} {mu} of {c}.', 'Mole count of a {m} {mu} sample of {c}?'],
    },
  },
  volume: {
    train: {
      f1: ['Solution at {k} {ku}; {m} {mu} needs how many mL?', 'Strength {k} {ku}: what volume in mL holds {m} {mu}?'],
      f2: ['Volume of a {k} {ku} solution needed for {m} {mu}?', 'What volume of {k} {ku} syrup gives {m} {mu}?'],
      f3: ['Need {m} {mu} from a {k} {ku} syrup. Volume in mL?', 'Stock at {k} {ku}, dose {m} {mu}. How many mL?'],
      f4: ['How many millilitres of {k} {ku} contain {m} {mu}?', 'How many mL of a {k} {ku} liquid contain {m} {mu}?'],
    },
    heldout: {
      h1: ['Draw up {m} {mu} from a vial at {k} {ku}: what volume?', 'From a vial labelled {k} {ku}, what volume holds {m} {mu}?'],
      h2: ['Stock strength {k} {ku}, amount wanted {m} {mu}. Volume?', 'Concentration {k} {ku}, target {m} {mu}. Volume?'],
    },
  },
  tablets: {
    train: {
      f1: ['The dose is {d} {du} and each {pill} is {t} {tu}. How many {pills}?', 'The dose is {d} {du}; each {pill} has {t} {tu}. How many {pills}?'],
      f2: ['How many {t} {tu} {pills} make a {d} {du} dose?', 'How many {t} {tu} {pills} add up to {d} {du}?'],
      f3: ['{Pills} of {t} {tu}, dose {d} {du}. Number of {pills}?', '{Pills} are {t} {tu} each, dose {d} {du}. Count?'],
      f4: ['I need {d} {du} using {t} {tu} {pills}. How many?', 'I have to give {d} {du} with {t} {tu} {pills}. How many?'],
    },
    heldout: {
      h1: ['To reach {d} {du} with {pills} of {t} {tu}, how many are needed?', 'With {t} {tu} {pills}, reaching {d} {du} takes how many?'],
      h2: ['Give the {pill} count for a {d} {du} dose from {t} {tu} {pills}.', 'Count of {t} {tu} {pills} for a {d} {du} order?'],
    },
  },
};

/** Unit spellings: a symbol or words, chosen per prompt. */
const UNIT_FORMS: Readonly<Record<string, readonly string[]>> = {
  g: ['g', 'grams'], mg: ['mg', 'milligrams'], mcg: ['mcg', 'micrograms'], kg: ['kg', 'kilograms'], L: ['L', 'litres'], mL: ['mL', 'millilitres'],
};
const DOSE_RATE = ['mg/kg', 'mg per kg', 'milligrams per kilogram', 'mg for each kg'];
const WEIGHT = ['kg', 'kilograms', 'kilos'];
const CONCENTRATION = ['mg/mL', 'mg per mL', 'milligrams per millilitre'];
const PILLS: ReadonlyArray<readonly [string, string]> = [['tablet', 'tablets'], ['pill', 'pills'], ['capsule', 'capsules']];
const CONVERSIONS: ReadonlyArray<readonly [string, string, boolean]> = [
  ['g', 'mg', true], ['mg', 'g', false], ['L', 'mL', true], ['mL', 'L', false],
  ['mg', 'mcg', true], ['mcg', 'mg', false], ['kg', 'g', true], ['g', 'kg', false],
];
const TABLET_SIZES = [50, 100, 200, 250, 500];

/** Sentences with a number the answer must ignore ({x}: 2-11, {y}: 12-60), and plain context sentences. */
export const TASK_DISTRACTORS: Readonly<Record<Split, readonly string[]>> = {
  train: ['The patient is {x} years old.', 'It is bed {x} on the ward.', 'The order came in at {x} pm.', 'The bottle has {y} doses left.', 'I have {x} more questions after this.'],
  heldout: ['Room {x} asked first.', 'My shift started {x} hours ago.'],
};
export const TASK_CONTEXT: Readonly<Record<Split, readonly string[]>> = {
  train: ['I am a nursing student.', 'Checking my homework here.', 'Double-checking before the round.', 'Show the working, please.'],
  heldout: ['A colleague asked me this.'],
};

export interface TaskDraw {
  family: string;
  variant: number;
  request: string;
  task: TaskInfo;
  /** Working line + answer line. */
  response: string;
  /** Words typos must not touch (operands, units, compound). */
  keep: string[];
}

export const taskFamilies = (kind: TaskKind, split: Split): Readonly<Record<string, readonly string[]>> => FAMILIES[kind][split];
export { TASK_KINDS };

/** One task of `kind` from the families of `split`, its working line and answer. */
export function drawTask(rng: Rng, kind: TaskKind, split: Split): TaskDraw {
  const [familyKey, variants] = rng.pick(Object.entries(FAMILIES[kind][split]));
  const variant = rng.int(0, variants.length - 1);
  const form = (unit: string): string => rng.pick(UNIT_FORMS[unit]);
  let slots: Record<string, string | number>;
  let inputs: Record<string, number | string>;
  let answer: string;
  let working: string;
  switch (kind) {
    case 'convert': {
      const [from, to, multiply] = rng.pick(CONVERSIONS);
      const v = multiply ? rng.int(1, 9) : rng.int(1, 9) * rng.pick([100, 1000]);
      const x = formatNumber(multiply ? v * 1000 : v / 1000);
      slots = { v, from: form(from), to: form(to) };
      inputs = { v, from, to };
      answer = `${x} ${to}`;
      working = `${v} ${from} ${multiply ? '×' : '÷'} 1000 = ${x} ${to}.`;
      break;
    }
    case 'dose': {
      const d = rng.int(1, 5);
      const w = rng.int(2, 12);
      slots = { d, w, du: rng.pick(DOSE_RATE), wu: rng.pick(WEIGHT) };
      inputs = { d, w };
      answer = `${d * w} mg`;
      working = `${d} mg/kg × ${w} kg = ${d * w} mg.`;
      break;
    }
    case 'molar': {
      const c = rng.pick(Object.keys(MOLAR_MASS));
      slots = { c, C: cap(c) };
      inputs = { c };
      answer = `${MOLAR_MASS[c]} g/mol`;
      working = `The molar mass of ${c} is ${MOLAR_MASS[c]} g/mol.`;
      break;
    }
    case 'moles': {
      const c = rng.pick(Object.keys(MOLAR_MASS).filter((name) => MOLAR_MASS[name] <= 100));
      const n = rng.int(1, 4);
      const m = MOLAR_MASS[c] * n;
      slots = { c, C: cap(c), m, mu: form('g') };
      inputs = { c, m };
      answer = `${n} mol`;
      working = `${cap(c)} is ${MOLAR_MASS[c]} g/mol, so ${m} g ÷ ${MOLAR_MASS[c]} g/mol = ${n} mol.`;
      break;
    }
    case 'volume': {
      const k = rng.int(2, 5);
      const n = rng.int(1, 9);
      slots = { k, m: k * n, ku: rng.pick(CONCENTRATION), mu: form('mg') };
      inputs = { k, m: k * n };
      answer = `${n} mL`;
      working = `${k * n} mg ÷ ${k} mg/mL = ${n} mL.`;
      break;
    }
    case 'tablets': {
      const t = rng.pick(TABLET_SIZES);
      const n = rng.int(1, 4);
      const [pill, pills] = rng.pick(PILLS);
      slots = { t, d: t * n, du: form('mg'), tu: rng.pick(['mg', 'milligram']), pill, pills, Pills: cap(pills) };
      inputs = { t, d: t * n };
      answer = `${n} ${n === 1 ? 'tablet' : 'tablets'}`;
      working = `${t * n} mg ÷ ${t} mg = ${n}.`;
      break;
    }
  }
  const keep = Object.values(slots).map(String);
  return {
    family: `${kind}-${familyKey}`, variant, request: cap(fill(variants[variant], slots)),
    task: { kind, inputs, answer: `Answer: ${answer}` }, response: `${working} Answer: ${answer}`, keep,
  };
}
