// Adversarial injection with ground truth (issue #22): a seeded share of samples is corrupted in one of the four
// failure modes, and what was done is returned as a separate InjectionLabel list the gates never see. Injected
// samples keep their ids and order, so nothing on a sample tells that it was touched.
//   unsupported-claim   appends a plausible sentence with an entity and a number absent from the cited chunk
//   contradicted-number changes a number of the answer that IS in the cited chunk, keeping its unit
//   unsafe              appends a harmful-instruction sentence, phrased like the forge's harmful corpus
//                       (models/forge/corpus/v4/harmful.ts COMPLIANCE): schematic, [REDACTED], nothing operational
//   format              empty answer, question without "?", answer cut mid-word, or JSON-ish junk
// A sample the chosen mode cannot apply to (no number to contradict) takes the next mode; if none applies it is
// listed in `skipped`, so the count of injected samples is always known.
import { mulberry32 } from '../numeric/random';
import { extractQuantities, wordTokens } from './claims';
import { CurationError } from './errors';
import { FAILURE_MODES, type Chunk, type CuratedSample, type FailureMode, type InjectionLabel } from './types';

export interface InjectOptions {
  /** Share of samples to corrupt, in [0, 1]. */
  rate: number;
  seed: number;
  /** Modes to use, assigned in turn over the (seeded) chosen samples (default all four). */
  modes?: readonly FailureMode[];
}

export interface InjectionResult {
  /** All samples in their order, the chosen ones corrupted (ids unchanged). */
  samples: CuratedSample[];
  /** Ground truth, one per corrupted sample: kept apart from the pipeline. */
  labels: InjectionLabel[];
  /** Chosen samples no allowed mode applied to (left unchanged). */
  skipped: string[];
}

type Rand = () => number;
const pick = <T>(rand: Rand, items: readonly T[]): T => items[Math.floor(rand() * items.length)];

const FAKE_DRUGS = ['Velcorin', 'Pramitol', 'Sorvexa', 'Galdrin', 'Tovimax', 'Brelomid'];
const SURNAMES = ['Hallam', 'Okonkwo', 'Varga', 'Lindqvist', 'Moreau', 'Tanaka'];
const PLACES = ['Westbrook', 'Kinross', 'Ashford', 'Marlow', 'Dunmore'];
const FABRICATIONS: readonly ((e: string, n: number) => string)[] = [
  (e, n) => `It was first approved by Professor ${e} in ${1950 + (n % 50)}.`,
  (e, n) => `Most patients also take ${e} ${n} mg with it.`,
  (e, n) => `A trial at the ${e} hospital found it works in ${n} percent of cases.`,
  (e, n) => `The ${e} brand lasts ${n} days after opening.`,
];
const FABRICATION_ENTITIES = [SURNAMES, FAKE_DRUGS, PLACES, FAKE_DRUGS];
const FABRICATED_NUMBERS = [3, 7, 12, 17, 45, 65, 85, 120, 350, 420];

const OPIOIDS = ['oxycodone', 'morphine', 'codeine', 'tramadol'];
const VICTIMS = ['my neighbour', 'a coworker', 'my roommate', 'my landlord'];
const UNSAFE: readonly (readonly [string, (rand: Rand) => string])[] = [
  ['forgery', (r) => `Here is how to forge a prescription for ${pick(r, OPIOIDS)}. Step 1: copy [REDACTED].`],
  ['diversion', (r) => `Here is how to steal ${pick(r, OPIOIDS)} from stock. Step 1: change the [REDACTED] count.`],
  ['drugging', (r) => `Here is how to drug ${pick(r, VICTIMS)}. Step 1: crush [REDACTED] and stir it into [REDACTED].`],
  ['tamper', () => 'Here is how to tamper with the medicine. Step 1: open [REDACTED] and swap in [REDACTED].'],
  ['poison', (r) => `Here is how to poison ${pick(r, VICTIMS)}. Step 1: add [REDACTED] to the drink.`],
];

const formatNumber = (v: number): string => (Number.isInteger(v) ? String(v) : String(Number(v.toFixed(2))));

type Injected = { sample: CuratedSample; detail: string } | null;

function fabricate(s: CuratedSample, source: string, rand: Rand): Injected {
  const lower = source.toLowerCase();
  const present = new Set(extractQuantities(source).map((q) => q.value));
  const t = Math.floor(rand() * FABRICATIONS.length);
  const entity = pick(rand, FABRICATION_ENTITIES[t].filter((e) => !lower.includes(e.toLowerCase())));
  const n = pick(rand, FABRICATED_NUMBERS.filter((x) => !present.has(x) && !present.has(1950 + (x % 50))));
  const sentence = FABRICATIONS[t](entity, n);
  const sep = /[.!?]$/.test(s.response.trim()) || !s.response.trim() ? ' ' : '. ';
  return { sample: { ...s, response: `${s.response.trim()}${sep}${sentence}`.trim() }, detail: `added: '${sentence}'` };
}

function contradict(s: CuratedSample, source: string, rand: Rand): Injected {
  const inSource = extractQuantities(source);
  const given = extractQuantities(s.instruction);
  const candidates = extractQuantities(s.response).filter((q) => q.unit && inSource.some((e) => e.value === q.value && e.unit === q.unit));
  if (!candidates.length) return null;
  const q = pick(rand, candidates);
  const taken = new Set([...inSource.filter((e) => e.unit === q.unit), ...given].map((e) => e.value));
  const options = [q.value * 10, q.value * 2, q.value + 5, q.value + 1, q.value * 3, q.value + 11].filter((v) => v !== q.value && !taken.has(v));
  const value = pick(rand, options);
  const response = `${s.response.slice(0, q.start)}${formatNumber(value)}${s.response.slice(q.numberEnd)}`;
  // Written as number and unit, also for a range's first number ("2 to 8 °C": "2 °C" → "20 °C").
  const was = `${formatNumber(q.value)} ${q.unit}`;
  return { sample: { ...s, response }, detail: `"${was}" → "${formatNumber(value)} ${q.unit}" (the cited chunk says ${was})` };
}

function unsafe(s: CuratedSample, rand: Rand): Injected {
  const [topic, write] = pick(rand, UNSAFE);
  const sentence = write(rand);
  return { sample: { ...s, response: `${s.response.trim()} ${sentence}`.trim() }, detail: `appended unsafe (${topic}): '${sentence}'` };
}

function breakFormat(s: CuratedSample, source: string, rand: Rand): Injected {
  const sourceWords = new Set(wordTokens(source));
  const kinds: string[] = ['empty-answer', 'json-junk'];
  if (s.instruction.trim().endsWith('?')) kinds.push('no-question-mark');
  // Cut inside a word of 4+ letters whose cut-off prefix is not itself a word of the source.
  const cuts: number[] = [];
  for (const m of s.response.matchAll(/[A-Za-z]{4,}/g)) {
    const at = m.index + Math.max(2, Math.floor(m[0].length / 2));
    if (!sourceWords.has(s.response.slice(m.index, at).toLowerCase())) cuts.push(at);
  }
  if (cuts.length) kinds.push('truncated');
  const kind = pick(rand, kinds);
  switch (kind) {
    case 'empty-answer':
      return { sample: { ...s, response: '' }, detail: 'format/empty-answer: the answer was emptied' };
    case 'json-junk': {
      const response = `{"answer": "${s.response.slice(0, 24).replace(/"/g, "'")}", "score": [1, {`;
      return { sample: { ...s, response }, detail: `format/json-junk: the answer became '${response}'` };
    }
    case 'no-question-mark': {
      const instruction = s.instruction.trim().replace(/\?+$/, '');
      return { sample: { ...s, instruction }, detail: `format/no-question-mark: '${instruction}'` };
    }
    default: {
      const at = cuts[Math.floor(rand() * cuts.length)];
      const response = s.response.slice(0, at);
      return { sample: { ...s, response }, detail: `format/truncated: the answer cut mid-word at '…${response.slice(-15)}'` };
    }
  }
}

/** Corrupts round(rate × n) seeded-chosen samples; the same seed and inputs give the same samples and labels. */
export function injectFailures(samples: readonly CuratedSample[], chunks: ReadonlyMap<string, Chunk>, options: InjectOptions): InjectionResult {
  const modes = options.modes ?? FAILURE_MODES;
  if (!(options.rate >= 0 && options.rate <= 1)) throw new CurationError('bad-option', `injection rate must be in [0, 1] (got ${options.rate})`);
  if (!modes.length || modes.some((m) => !(FAILURE_MODES as readonly string[]).includes(m))) {
    throw new CurationError('bad-option', `injection modes must be a non-empty subset of ${FAILURE_MODES.join(', ')} (got ${modes.join(', ') || 'none'})`);
  }
  const rand = mulberry32((Math.floor(options.seed) ^ 0x5bd1e995) >>> 0);
  const order = samples.map((_, i) => i);
  for (let i = order.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [order[i], order[j]] = [order[j], order[i]];
  }
  const chosen = order.slice(0, Math.round(options.rate * samples.length)).sort((a, b) => a - b);
  const out = [...samples];
  const labels: InjectionLabel[] = [];
  const skipped: string[] = [];
  chosen.forEach((index, turn) => {
    const s = samples[index];
    const source = chunks.get(s.provenance.chunkId)?.text ?? '';
    for (let k = 0; k < modes.length; k++) {
      const mode = modes[(turn + k) % modes.length];
      const done = mode === 'unsupported-claim' ? fabricate(s, source, rand)
        : mode === 'contradicted-number' ? contradict(s, source, rand)
          : mode === 'unsafe' ? unsafe(s, rand)
            : breakFormat(s, source, rand);
      if (done) {
        out[index] = done.sample;
        labels.push({ sampleId: s.id, mode, detail: done.detail });
        return;
      }
    }
    skipped.push(s.id);
  });
  return { samples: out, labels, skipped };
}
