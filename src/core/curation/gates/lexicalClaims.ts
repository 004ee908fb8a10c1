// The transparent lexical/numeric claim checker (issue #22), the baseline the grounding model is compared with.
// It reads what a sample's answer claims (quantities, named entities, content words per sentence) and looks each
// up in the evidence: the cited chunk, the top-k chunks BM25 retrieves for the claim, or nothing (then it
// abstains: a lexical checker cannot judge without a source). Every verdict carries a reason a reader can check.
// The question is read too (checkQuestion): a medicine it names or a number it asserts must not be denied by the
// evidence. Known limit, by design of a lexical baseline: a number the answer derives (a computed total) is "not in
// the evidence" unless the question supplies it.
import { contentWords, extractQuantities, namedEntities, sentences, stem, wordTokens, type Quantity } from '../claims';
import { sampleClaim } from '../prompts';
import { bm25Retriever } from '../retrieval';
import type { Chunk, CuratedSample, FailureMode, Gate, GateVerdict, GroundingMode } from '../types';

export interface LexicalClaimOptions {
  /** Where evidence comes from (default 'cited-chunk'). */
  grounding?: GroundingMode;
  /** Chunks retrieved in 'retrieval' mode (default 3). */
  topK?: number;
  /** Retrieval mode: the retriever to share with the grounding gate (default BM25 over the chunks checked). */
  retrieve?: (query: string, k: number) => readonly Chunk[];
  /** A sentence is unsupported when more than this share of its content words is absent (default 0.5). */
  maxUnsupportedFraction?: number;
  /** Gate name in verdicts (default "lexical-<grounding>"). */
  name?: string;
}

export interface ClaimCheck { ok: boolean; mode?: FailureMode; reason: string }

const quote = (s: string, n = 60) => (s.length > n ? `${s.slice(0, n - 1)}…` : s);

function checkQuantity(q: Quantity, evidence: readonly Quantity[], given: readonly Quantity[]): ClaimCheck | null {
  const sameValue = (e: Quantity) => e.value === q.value && (e.unit === q.unit || !e.unit || !q.unit);
  if (evidence.some(sameValue) || given.some(sameValue)) return null;
  const sameUnit = q.unit ? evidence.filter((e) => e.unit === q.unit) : [];
  if (sameUnit.length) {
    const says = [...new Set(sameUnit.map((e) => `${e.value} ${e.unit}`))].slice(0, 3).join(', ');
    return { ok: false, mode: 'contradicted-number', reason: `number "${q.raw}" contradicts the evidence (it says ${says})` };
  }
  return { ok: false, mode: 'unsupported-claim', reason: `number "${q.raw}" is not in the evidence` };
}

/**
 * What a question asserts, checked against the evidence: a medicine (named entity) the evidence never names is an
 * unsupported claim ("Is Lunexamacil taken with meals?"), a number whose unit the evidence states with other values
 * is a contradicted number ("Why does mixed Dorvalin last 14 days?" on a chunk that says 10 days). Numbers are read
 * only in wh-questions: a yes/no question asks about its number rather than asserting it ("Can a 4 year old take
 * Pelotrex?" — No, under 6 years — is a faithful pair). A number of a unit the evidence does not use passes: a
 * question may pose its own case. Known limit: a wh-question posing a case in a unit the chunk uses ("What is the
 * dose for a 14 kg child?" on a chunk about a 12 kg child) reads as a contradiction. Null when the question asserts
 * nothing the evidence denies.
 */
const YES_NO_QUESTION = /^(?:is|are|am|was|were|can|could|does|do|did|should|shall|may|might|must|will|would|has|have|had)\b/i;

export function checkQuestion(instruction: string, evidence: string): ClaimCheck | null {
  const evidenceWords = new Set(wordTokens(evidence));
  const missingEntity = namedEntities(instruction).find((e) => !evidenceWords.has(e.toLowerCase()));
  if (missingEntity) return { ok: false, mode: 'unsupported-claim', reason: `the question names "${missingEntity}", which the evidence does not` };
  if (YES_NO_QUESTION.test(instruction.trim())) return null;
  const evidenceQuantities = extractQuantities(evidence);
  for (const q of extractQuantities(instruction)) {
    const c = q.unit ? checkQuantity(q, evidenceQuantities, []) : null;
    if (c?.mode === 'contradicted-number') return { ...c, reason: `the question's ${c.reason}` };
  }
  return null;
}

/**
 * Checks a sample against evidence text: the answer first (its diagnoses are the ones recovery can act on), then
 * what the question asserts (checkQuestion); `instruction` also supplies numbers and wording the answer may repeat.
 */
export function checkClaims(response: string, evidence: string, instruction = '', maxUnsupportedFraction = 0.5): ClaimCheck {
  // Entities first: a sentence about a medicine the evidence never names is a fabricated claim, even when its
  // number shares a unit with the evidence (which would otherwise read as a contradicted number).
  const evidenceWords = new Set(wordTokens(evidence));
  const missingEntity = namedEntities(response).find((e) => !evidenceWords.has(e.toLowerCase()));
  if (missingEntity) return { ok: false, mode: 'unsupported-claim', reason: `"${missingEntity}" is not named in the evidence` };

  const evidenceQuantities = extractQuantities(evidence);
  const given = extractQuantities(instruction);
  const numbers = extractQuantities(response);
  const failures = numbers.map((q) => checkQuantity(q, evidenceQuantities, given)).filter((c): c is ClaimCheck => c !== null);
  const contradicted = failures.find((f) => f.mode === 'contradicted-number');
  if (contradicted) return contradicted;
  if (failures.length) return failures[0];

  const known = new Set([...contentWords(evidence), ...contentWords(instruction)].map(stem));
  let checked = 0;
  for (const sentence of sentences(response)) {
    const words = [...new Set(contentWords(sentence))];
    const missing = words.filter((w) => !known.has(stem(w)));
    checked += words.length;
    if (missing.length >= 2 && missing.length / words.length > maxUnsupportedFraction) {
      return { ok: false, mode: 'unsupported-claim', reason: `sentence "${quote(sentence)}" rests on words the evidence lacks: ${missing.slice(0, 5).join(', ')}` };
    }
  }
  const question = checkQuestion(instruction, evidence);
  if (question) return question;
  return { ok: true, reason: `${numbers.length} number(s) and ${checked} content word(s) found in the evidence` };
}

/** The lexical claim gate in one grounding mode; the BM25 index is built once per chunk map. */
export function lexicalClaimGate(options: LexicalClaimOptions = {}): Gate {
  const grounding = options.grounding ?? 'cited-chunk';
  const topK = options.topK ?? 3;
  const fraction = options.maxUnsupportedFraction ?? 0.5;
  const name = options.name ?? `lexical-${grounding}`;
  const retrievers = new WeakMap<ReadonlyMap<string, Chunk>, (query: string, k: number) => readonly Chunk[]>();
  const retrieverFor = (chunks: ReadonlyMap<string, Chunk>) => {
    let r = options.retrieve ?? retrievers.get(chunks);
    if (!r) retrievers.set(chunks, (r = bm25Retriever([...chunks.values()])));
    return r;
  };
  const verdict = (s: CuratedSample, outcome: GateVerdict['outcome'], reason: string, mode?: FailureMode): GateVerdict =>
    ({ gate: name, sampleId: s.id, outcome, ...(mode ? { mode } : {}), reason, calls: 0 });

  return {
    name,
    check(samples, chunks) {
      return samples.map((s) => {
        if (grounding === 'none') return verdict(s, 'abstain', "no evidence in grounding mode 'none': a lexical check needs a source");
        let evidence: string;
        let where: string;
        if (grounding === 'cited-chunk') {
          const chunk = chunks.get(s.provenance.chunkId);
          if (!chunk) return verdict(s, 'reject', `cites chunk ${s.provenance.chunkId}, which is not in the corpus`, 'unsupported-claim');
          evidence = chunk.text;
          where = `cited chunk ${chunk.id}`;
        } else {
          const hits = retrieverFor(chunks)(sampleClaim(s.instruction, s.response), topK);
          if (!hits.length) return verdict(s, 'abstain', 'retrieval found no chunk sharing a term with the claim');
          evidence = hits.map((h) => h.text).join('\n\n');
          where = `retrieved chunks ${hits.map((h) => h.id).join(', ')}`;
        }
        const c = checkClaims(s.response, evidence, s.instruction, fraction);
        return c.ok ? verdict(s, 'pass', `${c.reason} (${where})`) : verdict(s, 'reject', `${c.reason} (${where})`, c.mode);
      });
    },
  };
}
