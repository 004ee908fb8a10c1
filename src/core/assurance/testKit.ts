// Fixtures shared by the assurance tests: evidence drafts shaped like the ones the modules emit (circuits, ALIGNBEAM,
// tabular, edits, curation), completed through the real completeEvidence, and a small inventory of instruments
// whose requirements exercise every access level. Test-only: nothing in the app imports it.
import { completeEvidence } from './ledger';
import type { EvidenceDraft, EvidenceRecord, Instrument } from './types';

export const SHA = {
  anchor: 'a'.repeat(64),
  target: 'b'.repeat(64),
  targetOther: 'c'.repeat(64),
  tfm: 'd'.repeat(64),
  heldout: 'e'.repeat(64),
};

type Overrides = Partial<Omit<EvidenceDraft, 'scope'>> & { scope?: Partial<EvidenceDraft['scope']> };

function draft(base: EvidenceDraft, o: Overrides): EvidenceDraft {
  return { ...base, ...o, scope: { ...base.scope, ...o.scope } } as EvidenceDraft;
}

export function attributionGraph(o: Overrides = {}): EvidenceDraft {
  return draft({
    evidenceClass: 'attribution-graph', access: 'white-box', module: 'circuits',
    model: { id: 'anchor', sha256: SHA.anchor }, data: [{ id: 'forge-heldout-pairs', sha256: SHA.heldout }],
    scope: { behaviour: 'refusal of harmful requests', suite: 'held-out harmful/benign pairs', sampleSize: 8, properties: ['harmful-output-refusal'] },
    metrics: [{ name: 'faithfulness', value: 0.83, ci: [0.74, 0.9], method: 'bootstrap', n: 8, higherIsBetter: true }],
    claim: 'A 25-edge circuit recovers 83 % of the refusal logit difference.',
  }, o);
}

export function linearProbe(o: Overrides = {}): EvidenceDraft {
  return draft({
    evidenceClass: 'linear-probe', access: 'white-box', module: 'circuits', model: { id: 'anchor', sha256: SHA.anchor }, data: [],
    scope: { behaviour: 'harmfulness direction in the residual stream', sampleSize: 64, properties: ['no-hidden-objectives', 'harmful-output-refusal'] },
    metrics: [{ name: 'probe accuracy', value: 0.94, ci: [0.85, 0.98], method: 'wilson', n: 64 }],
  }, o);
}

export function behaviouralEval(o: Overrides = {}): EvidenceDraft {
  return draft({
    evidenceClass: 'behavioural-evaluation', access: 'black-box', module: 'alignbeam', model: { id: 'target', sha256: SHA.target }, data: [],
    scope: { behaviour: 'refusal rate on harmful prompts', suite: 'harmful', sampleSize: 50, properties: ['harmful-output-refusal', 'adversarial-robustness'] },
    metrics: [{ name: 'refusal rate', value: 0.9, ci: [0.787, 0.957], method: 'wilson', n: 50, higherIsBetter: true }],
  }, o);
}

export function redTeam(o: Overrides = {}): EvidenceDraft {
  return draft({
    evidenceClass: 'red-team', access: 'black-box', module: 'alignbeam', model: { id: 'target', sha256: SHA.target }, data: [],
    scope: { behaviour: 'jailbreak success', suite: 'advbench', sampleSize: 40, properties: ['adversarial-robustness'] },
    metrics: [{ name: 'attack success rate', value: 0.125, ci: [0.055, 0.26], method: 'wilson', n: 40, higherIsBetter: false }],
  }, o);
}

export function predictive(o: Overrides = {}): EvidenceDraft {
  return draft({
    evidenceClass: 'predictive-performance', access: 'black-box', module: 'tabular', model: { id: 'tfm', sha256: SHA.tfm }, data: [{ id: 'german-credit' }],
    scope: { behaviour: 'AUC on credit-g', sampleSize: 1000, properties: ['accuracy-performance', 'non-discrimination'] },
    metrics: [{ name: 'AUC', value: 0.791, ci: [0.76, 0.82], method: 'seeds', n: 5 }, { name: 'demographic parity gap', value: 0.04, method: 'none' }],
  }, o);
}

export function provenance(o: Overrides = {}): EvidenceDraft {
  return draft({
    evidenceClass: 'data-provenance', access: 'outside-the-box', module: 'curation', model: { id: 'tfm', sha256: SHA.tfm }, data: [{ id: 'handbook', sha256: SHA.heldout }],
    scope: { behaviour: 'training-data curation with gates', sampleSize: 6, properties: ['data-governance'] },
    metrics: [{ name: 'accepted chunks', value: 4, n: 6, method: 'none' }],
  }, o);
}

export function record(d: EvidenceDraft, run: Partial<EvidenceRecord['run']> = {}): EvidenceRecord {
  return completeEvidence(d, { module: d.module, digest: 'f00d', link: `#/${d.module}?s=demo`, ...run }, new Date('2026-12-01T10:00:00Z'));
}

const source = { title: 'Official text', url: 'https://example.org/text' };

export const INSTRUMENTS: Instrument[] = [
  { id: 'oecd-principles', name: 'OECD AI Principles', jurisdiction: 'OECD', kind: 'framework', year: 2019, status: 'adopted', binding: false, source,
    requirements: [
      { articles: '1.3', property: 'transparency-documentation', access: 'outside-the-box', note: 'transparency and responsible disclosure' },
      { articles: '1.4', property: 'accuracy-performance', access: 'black-box', note: 'robust and safe functioning' },
    ] },
  { id: 'eu-ai-act', name: 'EU AI Act', jurisdiction: 'EU', kind: 'regulation', year: 2024, status: 'in force', binding: true, source,
    requirements: [
      { articles: 'Art. 15', property: 'accuracy-performance', access: 'black-box', note: 'appropriate accuracy, declared metrics' },
      { articles: 'Art. 10', property: 'data-governance', access: 'outside-the-box', note: 'data governance for training data' },
      { articles: 'Art. 55', property: 'bounded-dangerous-capability', access: 'white-box', note: 'systemic-risk evaluation' },
    ] },
  { id: 'seoul-commitments', name: 'Frontier AI Safety Commitments', jurisdiction: 'International', kind: 'voluntary-commitment', year: 2024, status: 'signed', binding: false, source,
    requirements: [
      { articles: 'Outcome 1', property: 'harmful-output-refusal', access: 'grey-box', note: 'assess risks before deployment' },
      { articles: 'Outcome 2', property: 'no-hidden-objectives', access: 'white-box', note: 'thresholds for intolerable risk' },
    ] },
  { id: 'ca-sb53', name: 'California SB 53', jurisdiction: 'US-CA', kind: 'law', year: 2025, status: 'enacted', binding: true, source,
    requirements: [
      { articles: '22757.12', property: 'harmful-output-refusal', access: 'white-box', note: 'catastrophic-risk framework' },
      { articles: '22757.12(a)', property: 'loss-of-control-resistance', access: 'white-box', note: 'evading developer control' },
      { articles: '22757.12(b)', property: 'adversarial-robustness', access: 'grey-box', note: 'cybersecurity of weights' },
    ] },
];
