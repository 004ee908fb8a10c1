// What a sample claims, read lexically (issue #22): quantities (a number and its unit, ranges "2 to 8 °C"
// sharing the unit), content words (stop words dropped, compared by a 5-letter prefix so "stored" meets
// "store") and named entities (capitalised words inside a sentence). Shared by the lexical claim gate, BM25
// retrieval and injection, so what injection changes is what the gate reads.

export interface Quantity {
  value: number;
  /** Canonical unit ("mg", "mg/kg", "°C", "%", "hours"…), '' when the number stands alone. */
  unit: string;
  /** The text as written ("15 mg/kg") and where it sits. */
  raw: string;
  start: number;
  end: number;
  /** Where the number itself ends (for rewriting the value and keeping the unit). */
  numberEnd: number;
}

// Alias → canonical unit; tried longest first so "mg/kg" wins over "mg" and "mL per hour" over "mL".
const UNIT_LIST: [string, string][] = [
  ['mg/kg', 'mg/kg'], ['milligrams per kilogram', 'mg/kg'], ['mg per kg', 'mg/kg'], ['mg per kilogram', 'mg/kg'],
  ['mg/ml', 'mg/mL'], ['milligrams per millilitre', 'mg/mL'], ['ml/kg', 'mL/kg'], ['units/ml', 'units/mL'],
  ['ml per hour', 'mL/h'], ['ml/h', 'mL/h'], ['g/mol', 'g/mol'], ['grams per mole', 'g/mol'],
  ['°c', '°C'], ['degrees celsius', '°C'], ['degrees c', '°C'], ['degrees', '°C'],
  ['mcg', 'mcg'], ['micrograms', 'mcg'], ['microgram', 'mcg'], ['mg', 'mg'], ['milligrams', 'mg'], ['milligram', 'mg'],
  ['kg', 'kg'], ['kilograms', 'kg'], ['kilogram', 'kg'], ['kilos', 'kg'], ['grams', 'g'], ['gram', 'g'], ['g', 'g'],
  ['ml', 'mL'], ['millilitres', 'mL'], ['milliliters', 'mL'], ['millilitre', 'mL'], ['litres', 'L'], ['liters', 'L'], ['litre', 'L'], ['l', 'L'],
  ['%', '%'], ['percent', '%'], ['pounds', 'pounds'], ['units', 'units'], ['moles', 'moles'], ['mole', 'moles'],
  ['hours', 'hours'], ['hour', 'hours'], ['days', 'days'], ['day', 'days'], ['weeks', 'weeks'], ['week', 'weeks'],
  ['months', 'months'], ['month', 'months'], ['years', 'years'], ['year', 'years'], ['minutes', 'minutes'], ['minute', 'minutes'],
  ['seconds', 'seconds'], ['second', 'seconds'], ['tablets', 'tablets'], ['tablet', 'tablets'], ['capsules', 'capsules'],
  ['capsule', 'capsules'], ['puffs', 'puffs'], ['puff', 'puffs'], ['drops', 'drops'], ['drop', 'drops'], ['doses', 'doses'], ['dose', 'doses'],
  ['times', 'times'], ['patches', 'patches'], ['sachets', 'sachets'], ['pens', 'pens'],
];
const UNIT_ALIASES = [...UNIT_LIST].sort((a, b) => b[0].length - a[0].length);

const UNIT_RE = new RegExp(`^[ \\t]*(${UNIT_ALIASES.map(([a]) => a.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')).join('|')})(?![A-Za-z])`, 'i');
const UNIT_OF = new Map(UNIT_ALIASES.map(([a, u]) => [a, u]));

/** Every number in `text` with the unit right after it; "2 to 8 °C" gives 2 °C and 8 °C. */
export function extractQuantities(text: string): Quantity[] {
  const out: Quantity[] = [];
  const numRe = /(?<![\w.])(\d+(?:,\d{3})*(?:\.\d+)?)/g;
  for (let m = numRe.exec(text); m; m = numRe.exec(text)) {
    const numberEnd = m.index + m[0].length;
    const u = UNIT_RE.exec(text.slice(numberEnd));
    const unit = u ? UNIT_OF.get(u[1].toLowerCase()) ?? '' : '';
    const end = numberEnd + (u ? u[0].length : 0);
    out.push({ value: Number(m[1].replace(/,/g, '')), unit, raw: text.slice(m.index, end), start: m.index, end, numberEnd });
  }
  // A bare number joined to the next by "to", "-" or "and" takes its unit (ranges and pairs).
  for (let i = out.length - 2; i >= 0; i--) {
    if (out[i].unit || !out[i + 1].unit) continue;
    if (/^\s*(?:to|-|–|and|or)\s*$/i.test(text.slice(out[i].end, out[i + 1].start))) out[i] = { ...out[i], unit: out[i + 1].unit };
  }
  return out;
}

const STOP = new Set((
  'a an the and or but if of to in on at by for with from into onto over under as is are was were be been being it its this that these ' +
  'those there their they them he she his her you your we our i me my not no nor so than then too very can could may might must shall ' +
  'should will would do does did done has have had having each every any all some such what which who whom whose when where why how ' +
  'also only just one two three four yes about after before up down out off again more most less least other same own both few many much ' +
  'per given take takes taken use used using give gives make makes need needs say says said tell get gets keep kept'
).split(' '));

/** Lowercase word tokens (letters, digits inside words), in order. */
export const wordTokens = (text: string): string[] => text.toLowerCase().match(/[a-z][a-z0-9']*|\d+(?:\.\d+)?/g) ?? [];

/** Words that carry content: not stop words, not numbers, not unit words. */
export function contentWords(text: string): string[] {
  return wordTokens(text).filter((w) => !STOP.has(w) && !/^\d/.test(w) && !UNIT_OF.has(w) && w.length > 1);
}

/** Stem used to compare content words: plural dropped, then a 5-letter prefix ("keeps" → "keep", "stored"/"store" → "store"). */
export const stem = (word: string): string =>
  word.toLowerCase().replace(/'s$/, '').replace(/ies$/, 'y').replace(/(?<=[^s]{3})s$/, '').slice(0, 5);

/** Capitalised words that are not the first word of a sentence: names of medicines, people, places. */
export function namedEntities(text: string): string[] {
  const out: string[] = [];
  const re = /[A-Z][a-zA-Z0-9-]+/g;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    const before = text.slice(0, m.index).trimEnd();
    const sentenceStart = before === '' || /[.!?:\n#]$/.test(before);
    if (!sentenceStart && !STOP.has(m[0].toLowerCase())) out.push(m[0]);
  }
  return out;
}

/** Sentences of a response (split after . ! ? followed by space or end). */
export const sentences = (text: string): string[] => text.split(/(?<=[.!?])\s+/).map((s) => s.trim()).filter(Boolean);
