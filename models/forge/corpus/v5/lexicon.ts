// Corpus v5's word-level variety, written from general principles (never from the evaluation-only suite): words a
// substitution must never touch, hand-picked domain synonyms for the harmful requests' verbs and objects (WordNet's
// first-sense synonyms, `wordnetSynonyms.ts`, fill in the everyday words), and the sentence lists of `style.ts`.
import type { Split } from '../types';
import { MOLAR_MASS } from '../tasks';
import { HARM_SLOTS } from '../v4/harmful';

/** Function words, numbers, units, task and compound words, and every harmful slot value: never substituted. */
export const NEVER_SUBSTITUTE: ReadonlySet<string> = new Set([
  ...'the and how what which who whom whose where when why can could would should will shall may might must do does did done is are was were be been being have has had for with from into onto that this these those there their they them then than you your yours not nor per each many much some any all one two three four five six seven eight nine ten its it his her him she our out off who about after before over under very just also only even such same other own too more most less least please'.split(' '),
  ...'gram grams milligram milligrams microgram micrograms kilogram kilograms litre litres liter liters millilitre millilitres milliliter milliliters mole moles molar mass mol mcg dose doses dosed total amount volume concentration strength solution syrup vial stock weight weighs weighed body patient child tablet tablets pill pills capsule capsules number count kilo kilos per kg'.split(' '),
  ...Object.keys(MOLAR_MASS).flatMap((c) => c.split(' ')),
  ...Object.values(HARM_SLOTS).flatMap((vs) => vs.flatMap((v) => v.toLowerCase().split(' '))),
  // words whose swap would change what is asked (a benign item's key word, a country or capital, arithmetic)
  ...'plus minus times sum capital country city france spain italy japan germany egypt canada kenya peru norway paris madrid rome tokyo berlin cairo ottawa nairobi lima oslo'.split(' '),
]);

/**
 * Domain synonyms (verbs and objects of the harmful requests and their benign neighbours), checked before
 * WordNet's: a from-scratch model can only read a verb it has seen in the request's place.
 */
export const DOMAIN_SYNONYMS: Readonly<Record<string, readonly string[]>> = {
  kill: ['murder', 'finish off', 'take out', 'end the life of'],
  poison: ['envenom', 'dose', 'spike'],
  steal: ['swipe', 'pinch', 'nick', 'pocket', 'lift'],
  forge: ['fake', 'counterfeit', 'falsify', 'doctor'],
  fake: ['forge', 'counterfeit', 'phony', 'bogus'],
  hurt: ['harm', 'injure', 'wound'],
  hide: ['conceal', 'mask', 'cover up'],
  cheat: ['beat', 'trick', 'game', 'fool'],
  fool: ['trick', 'beat', 'dupe'],
  beat: ['get past', 'defeat', 'dodge'],
  secretly: ['covertly', 'quietly', 'on the sly', 'behind their back'],
  unnoticed: ['undetected', 'without anyone noticing', 'on the quiet'],
  caught: ['detected', 'found out', 'spotted'],
  crowd: ['crowd of people', 'mob', 'gathering', 'packed room'],
  weapon: ['weapon of war', 'means of attack'],
  tamper: ['mess', 'meddle', 'interfere'],
  sedate: ['knock out', 'drug', 'put under'],
  medicine: ['medication', 'meds', 'medicines'],
  medication: ['medicine', 'meds'],
  prescription: ['script', 'Rx'],
  doctor: ['physician', 'GP', 'doc'],
  pharmacy: ['chemist', 'drugstore', 'dispensary'],
  drink: ['beverage', 'glass', 'cup'],
  coffee: ['tea', 'latte', 'soda'],
  food: ['meal', 'dinner', 'lunch'],
  steps: ['instructions', 'directions', 'procedure'],
  explain: ['describe', 'spell out', 'walk me through'],
  tell: ['inform', 'let me know'],
  help: ['assist', 'aid'],
  need: ['require', 'want'],
  want: ['wish', 'need', 'would like'],
  buy: ['purchase', 'get hold of', 'order'],
  give: ['provide', 'hand me'],
  dangerous: ['hazardous', 'risky', 'unsafe'],
  harmful: ['hazardous', 'toxic', 'dangerous'],
  safe: ['okay', 'fine', 'harmless'],
  safely: ['securely', 'without risk'],
  sick: ['ill', 'unwell'],
  dead: ['killed', 'gone for good'],
  die: ['pass away', 'not survive'],
  quick: ['fast', 'rapid'],
  work: ['job', 'workplace'],
  home: ['house', 'place'],
  attack: ['assault', 'strike'],
  people: ['folks', 'persons', 'civilians'],
  notice: ['realise', 'spot', 'see'],
  symptoms: ['signs', 'warning signs'],
  store: ['keep', 'stash'],
  process: ['method', 'procedure'],
};

/** Longer lead-ins and politeness (each split its own; v4's `LEAD_INS` stay as they are). */
export const V5_LEAD_INS: Readonly<Record<Split, readonly string[]>> = {
  train: ['Hiya, ', 'Morning! ', 'Hey there. ', 'So, ', 'Um, ', 'Listen, ', 'Honest question: ', 'Real quick, ', 'Could you help? ', 'Hi, hope this is okay to ask. ',
    'Excuse me. ', 'Hello there! ', 'Ok, ', 'Alright, ', 'Yo, ', 'Greetings. ', 'This might sound odd, but ', 'I was wondering, ', 'Need advice: ', 'Thanks for reading. '],
  heldout: ['Evening! ', 'Apologies for the long message. ', 'Hmm, ', 'Well, ', 'Dear assistant, '],
};

/** Polite or casual endings appended to the request. */
export const V5_TAILS: Readonly<Record<Split, readonly string[]>> = {
  train: ['Thanks!', 'Thank you.', 'Cheers.', 'Much appreciated.', 'Please be brief.', 'Any tips?', 'Thanks a lot!', 'Keep it simple please.', 'Ta.', 'Short answer is fine.'],
  heldout: ['Many thanks.', 'Grateful for any pointers.'],
};

/** Irrelevant sentences (weather, mood, day): a request is the same request with them. */
export const V5_ASIDES: Readonly<Record<Split, readonly string[]>> = {
  train: ['It is raining here.', 'I just got home from work.', 'My coffee went cold.', 'Long day today.', 'I am typing this on my phone.', 'The cat is asleep on my desk.',
    'Sorry for any typos.', 'My internet is slow tonight.', 'I have a cold this week.', 'It is very late here.', 'First time using this.', 'I tried searching already.'],
  heldout: ['The neighbours are having a party.', 'I forgot my glasses today.'],
};

/** Clauses put inside the request after its first comma or before its question mark. */
export const V5_INTERJECTIONS: Readonly<Record<Split, readonly string[]>> = {
  train: ['by the way', 'honestly', 'if you can', 'if possible', 'in simple terms', 'right now', 'roughly', 'basically'],
  heldout: ['in plain words', 'when you get a chance'],
};

/**
 * WordNet entries whose first sense is not the corpus's sense (a verb read as a noun, a rare sense): skipped at
 * use time, so the extracted table stays as WordNet gives it.
 */
export const WORDNET_SKIP: ReadonlySet<string> = new Set(
  'add hide hood dive des days want use steps store fell script sedate process sap steep years year week while wad pop mire fiend state spot terminal end works bit better nobody question problem still straight sunny taken hooked going growing floor trace program cheat fool forge coffee crowd beat walk well like show showing slip steal step turning shoot photograph express'.split(' '),
);
