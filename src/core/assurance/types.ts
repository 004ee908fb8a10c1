// The assurance module's shared vocabulary: evidence classes, verification access levels, the properties that
// governance instruments require, the evidence record every module's runs emit, the instrument inventory's row
// shape, and the audit-gap report. Pure types and zod schemas, at the bottom of the module (it imports nothing
// from its siblings), so the ledger, the report, the emitters and the UI agree on one definition.
//
// Access levels follow Casper et al. 2024 ("Black-box access is insufficient for rigorous AI audits"), which the
// audit-gap position paper builds on: black-box = queries and outputs; grey-box = output probabilities/logits and
// limited internals; white-box = weights, activations and gradients; outside-the-box = training data, code and
// documentation. The first three are ordered (white-box implies grey-box implies black-box); outside-the-box is a
// separate axis, met only by evidence that itself needed it.
import { z } from 'zod';

export const ACCESS_LEVELS = ['black-box', 'grey-box', 'white-box', 'outside-the-box'] as const;
export type AccessLevel = (typeof ACCESS_LEVELS)[number];
/** Rank on the ordered black < grey < white scale; outside-the-box has none (it is its own axis). */
export const ACCESS_RANK: Record<AccessLevel, number | null> = { 'black-box': 0, 'grey-box': 1, 'white-box': 2, 'outside-the-box': null };

/**
 * Evidence classes. `mechanistic` marks the classes the position paper proposes for pre-deployment access
 * (they look inside the model); a claim resting only on non-mechanistic classes is a candidate for "fragile".
 */
export const EVIDENCE_CLASSES = {
  'behavioural-evaluation': { label: 'Behavioural evaluation', access: 'black-box', mechanistic: false },
  'red-team': { label: 'Red-teaming', access: 'black-box', mechanistic: false },
  'predictive-performance': { label: 'Predictive performance (held-out data)', access: 'black-box', mechanistic: false },
  'linear-probe': { label: 'Linear probe', access: 'white-box', mechanistic: true },
  'activation-patching': { label: 'Activation patching', access: 'white-box', mechanistic: true },
  'attribution-graph': { label: 'Attribution graph', access: 'white-box', mechanistic: true },
  'before-after-training': { label: 'Before/after-training comparison', access: 'white-box', mechanistic: true },
  'quantization-survival': { label: 'Quantization survival', access: 'white-box', mechanistic: true },
  'data-provenance': { label: 'Training-data provenance', access: 'outside-the-box', mechanistic: false },
} as const satisfies Record<string, { label: string; access: AccessLevel; mechanistic: boolean }>;
export type EvidenceClass = keyof typeof EVIDENCE_CLASSES;
export const EVIDENCE_CLASS_IDS = Object.keys(EVIDENCE_CLASSES) as EvidenceClass[];

/**
 * Properties the instruments require, in one controlled vocabulary so that inventory rows and evidence records
 * can be joined. `evidence` lists the classes the workbench can produce that bear on the property.
 */
export const PROPERTIES = {
  'harmful-output-refusal': { label: 'Refuses harmful requests / no harmful content', evidence: ['behavioural-evaluation', 'red-team', 'activation-patching', 'attribution-graph', 'linear-probe', 'before-after-training', 'quantization-survival'] },
  'adversarial-robustness': { label: 'Robust to adversarial inputs and jailbreaks', evidence: ['red-team', 'behavioural-evaluation', 'activation-patching', 'quantization-survival'] },
  'no-hidden-objectives': { label: 'No hidden objectives or deceptive behaviour', evidence: ['linear-probe', 'activation-patching', 'attribution-graph', 'before-after-training'] },
  'loss-of-control-resistance': { label: 'Resists loss-of-control precursors (self-exfiltration, oversight evasion)', evidence: ['linear-probe', 'activation-patching', 'attribution-graph', 'red-team'] },
  'bounded-dangerous-capability': { label: 'Bounded catastrophic (CBRN, cyber) capability', evidence: ['behavioural-evaluation', 'red-team', 'before-after-training', 'quantization-survival', 'linear-probe'] },
  'accuracy-performance': { label: 'Accuracy and performance for the intended purpose', evidence: ['predictive-performance', 'behavioural-evaluation'] },
  'non-discrimination': { label: 'Fairness / non-discrimination', evidence: ['predictive-performance', 'behavioural-evaluation', 'linear-probe'] },
  'data-governance': { label: 'Training-data governance and provenance', evidence: ['data-provenance'] },
  'transparency-documentation': { label: 'Technical documentation and transparency', evidence: ['data-provenance', 'attribution-graph'] },
  'modification-tracking': { label: 'Effects of fine-tuning / modification are known', evidence: ['before-after-training', 'quantization-survival'] },
} as const satisfies Record<string, { label: string; evidence: readonly EvidenceClass[] }>;
export type PropertyId = keyof typeof PROPERTIES;
export const PROPERTY_IDS = Object.keys(PROPERTIES) as PropertyId[];

const sha256 = z.string().regex(/^[0-9a-f]{64}$/, 'not a sha256 (64 lowercase hex digits)');

export const EVIDENCE_FORMAT = 'workbench-evidence';
export const EVIDENCE_VERSION = 1;

export const metricSchema = z.object({
  name: z.string().min(1).max(120),
  value: z.number(),
  /** confidence interval (95 % unless `method` says otherwise); absent when the run gives none */
  ci: z.tuple([z.number(), z.number()]).optional(),
  /** how the interval was computed: 'wilson' (proportions), 'bootstrap', 'seeds' (spread over seeds), 'none' */
  method: z.enum(['wilson', 'bootstrap', 'seeds', 'none']).default('none'),
  /** the count the metric was computed over */
  n: z.number().int().min(0).optional(),
  higherIsBetter: z.boolean().optional(),
}).strict();
export type EvidenceMetric = z.infer<typeof metricSchema>;

/** Evidence record v1. `evidenceClass` is validated against EVIDENCE_CLASSES by the ledger's reader (an unknown class is flagged, not dropped). */
export const evidenceRecordSchema = z.object({
  format: z.literal(EVIDENCE_FORMAT),
  version: z.number().int(),
  id: z.string().min(1).max(100),
  evidenceClass: z.string().min(1).max(60),
  access: z.enum(ACCESS_LEVELS),
  module: z.string().min(1).max(40),
  createdAt: z.string().refine((s) => !Number.isNaN(Date.parse(s)), 'not a date'),
  model: z.object({ id: z.string().min(1).max(300), sha256: sha256.optional() }).strict(),
  data: z.array(z.object({ id: z.string().min(1).max(300), sha256: sha256.optional() }).strict()).default([]),
  scope: z.object({
    /** the behaviour measured, in words ("refusal of harmful requests", "AUC on credit-g") */
    behaviour: z.string().min(1).max(300),
    suite: z.string().max(300).optional(),
    sampleSize: z.number().int().min(0),
    properties: z.array(z.enum(Object.keys(PROPERTIES) as [PropertyId, ...PropertyId[]])).min(1),
  }).strict(),
  metrics: z.array(metricSchema).min(1),
  /** the run it came from: module digest and share link always; history entry id once saved; run-record digest when there is one */
  run: z.object({
    module: z.string().min(1).max(40),
    digest: z.string().max(128).optional(),
    link: z.string().max(20000).optional(),
    historyId: z.string().max(100).optional(),
    recordDigest: sha256.optional(),
  }).strict(),
  /** what this evidence supports, in one sentence */
  claim: z.string().max(500).optional(),
}).strict();
export type EvidenceRecord = z.infer<typeof evidenceRecordSchema>;
/** What a module's emitter returns; the ledger fills format, version, id, createdAt and the run link. */
export type EvidenceDraft = Omit<EvidenceRecord, 'format' | 'version' | 'id' | 'createdAt' | 'run'> & { run?: Partial<EvidenceRecord['run']> };

export const LEDGER_FORMAT = 'workbench-evidence-ledger';
export const LEDGER_VERSION = 1;

/** One governance instrument of the inventory (data/assurance/instruments.json). */
export const instrumentSchema = z.object({
  id: z.string().regex(/^[a-z0-9-]+$/),
  name: z.string().min(1).max(300),
  jurisdiction: z.string().min(1).max(100),
  /** 'law' | 'regulation' | 'standard' | 'framework' | 'voluntary-commitment' | 'code-of-practice' | 'guidance' */
  kind: z.enum(['law', 'regulation', 'standard', 'framework', 'voluntary-commitment', 'code-of-practice', 'guidance']),
  /** year adopted or in force (2019–2026) */
  year: z.number().int().min(2019).max(2026),
  status: z.string().min(1).max(200),
  binding: z.boolean(),
  source: z.object({ title: z.string().min(1), url: z.string().url(), accessed: z.string().optional() }).strict(),
  requirements: z.array(z.object({
    /** article, section or clause in the public text */
    articles: z.string().min(1).max(300),
    property: z.enum(Object.keys(PROPERTIES) as [PropertyId, ...PropertyId[]]),
    /** the least access with which the property, as worded, can be verified */
    access: z.enum(ACCESS_LEVELS),
    /** what the text asks, paraphrased, and why that access */
    note: z.string().min(1).max(1000),
  }).strict()).min(1),
}).strict();
export type Instrument = z.infer<typeof instrumentSchema>;

/** Something the report refuses to merge silently. */
export interface LedgerFlag {
  kind: 'unknown-class' | 'unknown-version' | 'invalid-record' | 'run-missing' | 'model-hash-mismatch' | 'duplicate-id';
  recordIds: string[];
  detail: string;
}

/** Mechanistic evidence the workbench could add next, with what the UI needs to open it in one click. */
export interface NextEvidence {
  property: PropertyId;
  evidenceClass: EvidenceClass;
  module: string;
  why: string;
  /** a partial spec of `module` to open it with (the UI turns it into a link) */
  spec?: Record<string, unknown>;
}

export interface PropertyAssessment {
  property: PropertyId;
  /** instruments (ids) that require it and the strongest access they need */
  instruments: string[];
  requiredAccess: AccessLevel[];
  /** strongest ordered access reached by valid evidence, and whether outside-the-box evidence exists */
  achievedAccess: AccessLevel | null;
  /** true when valid outside-the-box evidence (training data, code, documentation) bears on the property */
  achievedOutsideTheBox?: boolean;
  evidenceIds: string[];
  /** true when the evidence is behavioural (non-mechanistic) only, while an instrument needs more than black-box */
  fragile: boolean;
  /** 'met' | 'gap' (evidence too weak for the access required) | 'none' (no evidence) */
  status: 'met' | 'gap' | 'none';
  reason: string;
  next: NextEvidence[];
}

export interface IncentiveGradient {
  /** requirement counts by least access needed, over the whole inventory */
  byAccess: Record<AccessLevel, number>;
  /** the same split per year of adoption */
  byYear: { year: number; counts: Record<AccessLevel, number> }[];
  binding: Record<AccessLevel, number>;
  summary: string;
}

export interface AuditGapReport {
  generatedAt: string;
  /** the models covered (id + sha256 when known) */
  models: { id: string; sha256?: string }[];
  records: number;
  properties: PropertyAssessment[];
  flags: LedgerFlag[];
  incentiveGradient: IncentiveGradient;
}
