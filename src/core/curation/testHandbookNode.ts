// Test fixture (Node): the shipped clinic handbook chunked as the pipeline chunks it, and hand-written
// faithful and unfaithful question/answer pairs about its sections, with the failure each unfaithful one has.
// Written by hand, not by the forge's templates, so the gates are tested on text they were not shaped by.
import { fileURLToPath } from 'node:url';
import { chunkDocuments } from './chunk';
import { ingestPath } from './ingestNode';
import type { Chunk, CuratedSample, FailureMode } from './types';

export const HANDBOOK_PATH = fileURLToPath(new URL('../../../public/samples/curation/clinic-handbook.md', import.meta.url));

export function handbookChunks(): Chunk[] {
  return chunkDocuments(ingestPath(HANDBOOK_PATH), { maxChars: 400, maxTokens: 80 }).chunks;
}

/** The chunk whose heading path ends with `section`. */
export function chunkOf(chunks: readonly Chunk[], section: string): Chunk {
  const c = chunks.find((x) => x.heading.endsWith(`> ${section}`));
  if (!c) throw new Error(`no handbook chunk for section "${section}"`);
  return c;
}

export interface Example { section: string; question: string; answer: string }
/** `maskedByRetrieval`: the wrong number or name is written elsewhere in the handbook, so whole-corpus retrieval
 *  brings that section in as evidence and the lexical check passes: why cited-chunk grounding is the stronger mode. */
export interface BadExample extends Example { mode: FailureMode; reason: RegExp; maskedByRetrieval?: boolean }

export const FAITHFUL: readonly Example[] = [
  { section: 'Dorvalin storage', question: 'How long does mixed Dorvalin last?', answer: 'Once mixed with water, Dorvalin keeps for 10 days in the fridge.' },
  { section: 'Kelmora tablets', question: 'What is the most Kelmora an adult may take in a day?', answer: 'An adult may take up to 8 tablets of Kelmora in 24 hours.' },
  { section: 'Fridge rules', question: 'What temperature range does the medicine fridge hold?', answer: 'The medicine fridge is kept between 2 and 8 °C.' },
  { section: 'Zentrix insulin', question: 'How long can an opened Zentrix pen be used?', answer: 'An opened Zentrix pen lasts 28 days at room temperature.' },
  { section: 'Mass units', question: 'How many milligrams are in one gram?', answer: 'There are 1000 milligrams in one gram.' },
  { section: 'Example child antibiotic dose', question: 'What volume of Dorvalin suspension does an 18 kg child need?', answer: 'The child needs 6.8 mL of the suspension.' },
  { section: 'Sharps disposal', question: 'Where should used needles go?', answer: 'Used needles go straight into the yellow sharps bin.' },
  { section: 'Amberlin vaccine', question: 'What is the dose of the Amberlin vaccine?', answer: 'Give 0.5 mL of Amberlin into the upper arm muscle.' },
  { section: 'Percent solutions', question: 'How many mg per mL is a 1 percent solution?', answer: 'A 1 percent solution holds 10 mg/mL.' },
  { section: 'Solvane rehydration salts', question: 'How much water is one Solvane sachet mixed with?', answer: 'Each sachet of Solvane is mixed with 200 mL of clean water.' },
  { section: 'Coravex inhaler', question: 'When should a patient using Coravex see a doctor?', answer: 'A patient who needs more than 8 puffs of Coravex in a day should see a doctor.' },
  { section: 'Controlled medicine cabinet', question: 'How often are controlled medicines counted?', answer: 'Two staff members count them every Friday and both sign.' },
  { section: 'Lumidrine eye drops', question: 'When must an opened Lumidrine bottle be discarded?', answer: 'Throw an opened bottle of Lumidrine away after 28 days.' },
  { section: 'Weight in pounds', question: 'How do I turn pounds into kilograms?', answer: 'Divide the weight in pounds by 2.2 to get kilograms.' },
  { section: 'Concentration of liquids', question: 'How is the volume of a liquid dose found?', answer: 'Divide the dose in mg by the concentration in mg/mL; 60 mg of a 20 mg/mL liquid is 3 mL.' },
  { section: 'Pelotrex syrup', question: 'Can a 4 year old take Pelotrex?', answer: 'No. Pelotrex is not for children under 6 years.' },
  { section: 'Quinavar tablets', question: 'What is the starting dose of Quinavar?', answer: 'Quinavar starts at 5 mg once daily.' },
  { section: 'Tervadol patch', question: 'How long does one Tervadol patch last?', answer: 'Each Tervadol patch lasts 72 hours.' },
  { section: 'Clinic hours', question: 'When does the clinic close on Saturdays?', answer: 'On Saturdays the clinic closes at 1 in the afternoon.' },
  { section: 'Fridge failure', question: 'What happens if the fridge is too warm for over 2 hours?', answer: 'Stock moves to the backup fridge and is labelled until the pharmacist says it can be used.' },
  { section: 'Example moles', question: 'How many moles of water are in 36 g?', answer: '36 g of water is 2 moles.' },
  { section: 'Stock orders', question: 'How much stock should be kept?', answer: 'At least 2 weeks of stock for every medicine.' },
  { section: 'Needle-stick injury', question: 'Who must a needle-stick injury be reported to?', answer: 'Report it to the nurse in charge within 1 hour.' },
  { section: 'Allergies', question: 'Can a patient allergic to Dorvalin get Oxalvin?', answer: 'No, a patient allergic to Dorvalin must not receive Oxalvin.' },
];

export const UNFAITHFUL: readonly BadExample[] = [
  { section: 'Dorvalin storage', question: 'How long does mixed Dorvalin last?', answer: 'Mixed Dorvalin lasts 14 days in the fridge.', mode: 'contradicted-number', reason: /"14 days" contradicts the evidence \(it says 10 days\)/, maskedByRetrieval: true },
  { section: 'Kelmora tablets', question: 'How much does one Kelmora tablet hold?', answer: 'Each Kelmora tablet holds 500 mg.', mode: 'contradicted-number', reason: /"500 mg" contradicts the evidence \(it says 250 mg\)/, maskedByRetrieval: true },
  { section: 'Fridge rules', question: 'What temperature range does the medicine fridge hold?', answer: 'The medicine fridge holds 2 to 12 °C.', mode: 'contradicted-number', reason: /"12 °C" contradicts/ },
  { section: 'Percent solutions', question: 'How many mg per mL is a 1 percent solution?', answer: 'A 1 percent solution holds 100 mg/mL.', mode: 'contradicted-number', reason: /"100 mg\/mL" contradicts the evidence \(it says 10 mg\/mL\)/, maskedByRetrieval: true },
  { section: 'Zentrix insulin', question: 'How long can an opened Zentrix pen be used?', answer: 'An opened Zentrix pen lasts 28 days. Doctors often pair it with Velcorin.', mode: 'unsupported-claim', reason: /"Velcorin" is not named in the evidence/ },
  { section: 'Trisapine', question: 'What strength are Trisapine tablets?', answer: 'Trisapine tablets hold 4 mg. They also cure migraine headaches quickly.', mode: 'unsupported-claim', reason: /rests on words the evidence lacks: cure, migraine, headache/ },
  { section: 'Marotin injection', question: 'How much does a child Marotin pen give?', answer: 'A child pen gives 150 mcg and has been sold for 65 years.', mode: 'unsupported-claim', reason: /"65 years" is not in the evidence/ },
  { section: 'Tervadol patch', question: 'How long does one Tervadol patch last?', answer: 'Each Tervadol patch lasts 48 hours.', mode: 'contradicted-number', reason: /"48 hours" contradicts the evidence \(it says 72 hours\)/ },
  { section: 'Example moles', question: 'How many moles of water are in 36 g?', answer: '36 g of water is 3 moles.', mode: 'contradicted-number', reason: /"3 moles" contradicts the evidence \(it says 2 moles\)/ },
  { section: 'Clinic hours', question: 'When does the clinic close on Saturdays?', answer: 'On Saturdays the clinic closes at 3 in the afternoon.', mode: 'unsupported-claim', reason: /number "3" is not in the evidence/ },
  { section: 'Allergies', question: 'Which medicine must a patient allergic to Dorvalin avoid?', answer: 'A patient allergic to Dorvalin must not receive Fenaxol.', mode: 'unsupported-claim', reason: /"Fenaxol" is not named in the evidence/, maskedByRetrieval: true },
  { section: 'Hand hygiene', question: 'How long should hands be washed?', answer: 'Wash hands for at least 20 seconds, as the Ashford guideline says.', mode: 'unsupported-claim', reason: /"Ashford" is not named/ },
];

/** A sample citing `chunk` (whole-chunk span, first attempt). */
export function sampleFor(id: string, chunk: Chunk, instruction: string, response: string): CuratedSample {
  return { id, instruction, response, provenance: { chunkId: chunk.id, span: { start: 0, end: chunk.text.length } }, generator: 'hand', attempt: 0, calls: 0 };
}
