// The audit-gap report: for each property the inventory's instruments require, the access they need (Casper et
// al. 2024's black/grey/white/outside-the-box) against the access the ledger's evidence reached; claims resting on
// behavioural evidence alone while an instrument needs more are flagged *fragile*; the mechanistic evidence the
// workbench could add next; and the inventory's incentive gradient. Records that cannot be trusted to describe the
// model (unknown class, model-hash mismatch) are flagged and kept out of the properties, never merged silently.
import {
  ACCESS_LEVELS, ACCESS_RANK, EVIDENCE_CLASSES, PROPERTIES, PROPERTY_IDS,
  type AccessLevel, type AuditGapReport, type EvidenceClass, type EvidenceRecord, type IncentiveGradient, type Instrument,
  type LedgerFlag, type NextEvidence, type PropertyAssessment, type PropertyId,
} from './types';
import { isKnownEvidenceClass } from './ledger';

export interface AuditGapInput {
  records: EvidenceRecord[];
  instruments: Instrument[];
  /** history entry ids that still exist; when given, records pointing at another entry are flagged run-missing */
  existingRunIds?: Set<string>;
  /** restrict the report to one model id */
  model?: string;
  /** flags from reading the ledger (parseLedgerFile, readEvidence), shown with the report's own */
  flags?: LedgerFlag[];
  now?: Date;
}

/** Which module produces each evidence class, what it shows, and the partial spec that opens it ready to run. */
export const EVIDENCE_SOURCES: Record<EvidenceClass, { module: string; shows: string; spec?: Record<string, unknown> }> = {
  'attribution-graph': { module: 'circuits', shows: 'maps the circuit that carries the behaviour, so the claim rests on the mechanism rather than on sampled outputs', spec: { tab: 'graph', method: 'eap-ig' } },
  'activation-patching': { module: 'circuits', shows: 'tests causally which components produce the behaviour', spec: { tab: 'graph', method: 'patching' } },
  'linear-probe': { module: 'circuits', shows: 'reads whether the model represents the property internally, which its outputs cannot reveal', spec: { tab: 'probes' } },
  'before-after-training': { module: 'experiments', shows: 'shows what training or fine-tuning changed inside the model' },
  'quantization-survival': { module: 'edits', shows: 'checks that the property survives quantization of the weights', spec: { job: 'survival' } },
  'behavioural-evaluation': { module: 'alignbeam', shows: 'measures the behaviour on a prompt suite', spec: { tab: 'sweep' } },
  'red-team': { module: 'alignbeam', shows: 'probes the behaviour with adversarial prompts', spec: { tab: 'sweep' } },
  'predictive-performance': { module: 'tabular', shows: 'measures accuracy on held-out data', spec: { view: 'teacher' } },
  'data-provenance': { module: 'curation', shows: 'documents where the training data came from (outside-the-box)' },
};

const BLACK_BOX_CEILING: AccessLevel = 'grey-box';

/**
 * The access a record demonstrates: the access it declares, capped by what its class can show. A behavioural
 * class reads outputs, at most their probabilities (grey-box), whatever access the run happened to have; only the
 * mechanistic classes reach white-box; data provenance is outside-the-box.
 */
export function effectiveAccess(record: EvidenceRecord): AccessLevel {
  const cls = EVIDENCE_CLASSES[record.evidenceClass as EvidenceClass];
  if (!cls) return record.access;
  if (cls.access === 'outside-the-box') return 'outside-the-box';
  const declared = ACCESS_RANK[record.access];
  if (declared === null) return cls.access;
  const ceiling = cls.mechanistic ? cls.access : BLACK_BOX_CEILING;
  return declared <= (ACCESS_RANK[ceiling] as number) ? record.access : ceiling;
}

const strongest = (levels: Iterable<AccessLevel>): AccessLevel | null => {
  let best: AccessLevel | null = null;
  for (const l of levels) {
    const r = ACCESS_RANK[l];
    if (r !== null && (best === null || r > (ACCESS_RANK[best] as number))) best = l;
  }
  return best;
};
const plural = (n: number, one: string, many = `${one}s`): string => `${n} ${n === 1 ? one : many}`;
const flagKey = (f: LedgerFlag): string => `${f.kind}:${[...f.recordIds].sort().join(',')}`;

function detectFlags(records: EvidenceRecord[], existingRunIds?: Set<string>): { flags: LedgerFlag[]; mismatched: Set<string> } {
  const flags: LedgerFlag[] = [];
  const unknown = records.filter((r) => !isKnownEvidenceClass(r.evidenceClass));
  for (const r of unknown) {
    flags.push({ kind: 'unknown-class', recordIds: [r.id], detail: `record ${r.id}: evidence class "${r.evidenceClass}" is unknown; not counted towards any property` });
  }
  if (existingRunIds) {
    const gone = records.filter((r) => r.run.historyId !== undefined && !existingRunIds.has(r.run.historyId));
    if (gone.length) {
      flags.push({ kind: 'run-missing', recordIds: gone.map((r) => r.id),
        detail: `${plural(gone.length, 'record')} point at runs no longer in the history (${[...new Set(gone.map((r) => r.run.historyId))].join(', ')}); the evidence is shown but cannot be re-opened or re-checked` });
    }
  }
  const mismatched = new Set<string>();
  const byModel = new Map<string, EvidenceRecord[]>();
  for (const r of records) byModel.set(r.model.id, [...(byModel.get(r.model.id) ?? []), r]);
  for (const [model, group] of byModel) {
    const hashes = [...new Set(group.map((r) => r.model.sha256).filter((h): h is string => h !== undefined))];
    if (hashes.length < 2) continue;
    for (const r of group) mismatched.add(r.id);
    flags.push({ kind: 'model-hash-mismatch', recordIds: group.map((r) => r.id),
      detail: `${plural(group.length, 'record')} claim model "${model}" with ${hashes.length} different weight hashes (${hashes.map((h) => h.slice(0, 12)).join(', ')}); none of them is counted until the model is identified` });
  }
  return { flags, mismatched };
}

interface Requirement { instruments: Set<string>; levels: Set<AccessLevel> }

function requirementsByProperty(instruments: Instrument[]): Map<PropertyId, Requirement> {
  const out = new Map<PropertyId, Requirement>();
  for (const inst of instruments) {
    for (const req of inst.requirements) {
      const entry = out.get(req.property) ?? { instruments: new Set(), levels: new Set() };
      entry.instruments.add(inst.id);
      entry.levels.add(req.access);
      out.set(req.property, entry);
    }
  }
  return out;
}

const bearsOn = (r: EvidenceRecord, p: PropertyId): boolean =>
  (PROPERTIES[p].evidence as readonly string[]).includes(r.evidenceClass) && r.scope.properties.includes(p);

/**
 * What to run next for a property: only where the assessment is short (gap, none) or fragile. A property already
 * met by evidence that can carry it needs nothing more to close the audit gap, so listing every missing
 * mechanistic class there would read as a gap that is not one.
 */
function nextEvidence(p: PropertyId, present: Set<string>, status: PropertyAssessment['status'], fragile: boolean, needsOutside: boolean, requiredOrdered: AccessLevel | null): NextEvidence[] {
  if (status === 'met' && !fragile) return [];
  const bearing = PROPERTIES[p].evidence as readonly EvidenceClass[];
  const missing = (c: EvidenceClass) => !present.has(c);
  let classes = bearing.filter((c) => EVIDENCE_CLASSES[c].mechanistic && missing(c));
  if (needsOutside && bearing.includes('data-provenance') && missing('data-provenance')) classes.push('data-provenance');
  // a property no mechanistic class bears on (accuracy) still needs its own kind of evidence when there is none
  if (!classes.length && status !== 'met') classes = bearing.filter(missing);
  return classes.map((c) => {
    const source = EVIDENCE_SOURCES[c];
    const needed = EVIDENCE_CLASSES[c].mechanistic && requiredOrdered === 'white-box' && status !== 'met'
      ? ' — the white-box access the instruments require' : '';
    return { property: p, evidenceClass: c, module: source.module, why: `${EVIDENCE_CLASSES[c].label} (${source.module}) ${source.shows}${needed}.`, ...(source.spec ? { spec: { ...source.spec } } : {}) };
  });
}

function assess(p: PropertyId, req: Requirement | undefined, valid: EvidenceRecord[], excluded: EvidenceRecord[], unknown: EvidenceRecord[], gone: Set<string>): PropertyAssessment {
  const bearing = valid.filter((r) => bearsOn(r, p));
  const achievedLevels = bearing.map(effectiveAccess);
  const achievedOrdered = strongest(achievedLevels);
  const achievedOutsideTheBox = achievedLevels.includes('outside-the-box');
  const requiredOrdered = strongest(req?.levels ?? []);
  const needsOutside = req?.levels.has('outside-the-box') ?? false;
  const requiredAccess: AccessLevel[] = [...(requiredOrdered ? [requiredOrdered] : []), ...(needsOutside ? ['outside-the-box' as const] : [])];
  const requiredRank = requiredOrdered ? (ACCESS_RANK[requiredOrdered] as number) : null;
  const achievedRank = achievedOrdered ? (ACCESS_RANK[achievedOrdered] as number) : null;
  const mechanistic = bearing.some((r) => EVIDENCE_CLASSES[r.evidenceClass as EvidenceClass].mechanistic);
  const orderedOk = requiredRank === null || (achievedRank !== null && achievedRank >= requiredRank);
  const outsideOk = !needsOutside || achievedOutsideTheBox;
  const status: PropertyAssessment['status'] = bearing.length === 0 ? 'none' : orderedOk && outsideOk ? 'met' : 'gap';
  const fragile = bearing.length > 0 && !mechanistic && requiredRank !== null && requiredRank >= 1;

  const nInst = req?.instruments.size ?? 0;
  const required = requiredAccess.length ? requiredAccess.join(' and ') : 'no particular';
  const classes = [...new Set(bearing.map((r) => EVIDENCE_CLASSES[r.evidenceClass as EvidenceClass].label.toLowerCase()))].join(', ');
  const achieved = [achievedOrdered, achievedOutsideTheBox ? 'outside-the-box' : null].filter(Boolean).join(' and ');
  const parts: string[] = [];
  if (!nInst) parts.push('No instrument in the inventory requires this property.');
  else parts.push(`${plural(nInst, 'instrument requires', 'instruments require')} it, verifiable as worded with ${required} access.`);
  const evidence = `${plural(bearing.length, 'record')} (${classes}) ${bearing.length === 1 ? 'reaches' : 'reach'} ${achieved} access`;
  if (status === 'none') parts.push('No valid evidence bears on it.');
  else if (status === 'met') parts.push(`Met: ${evidence}.`);
  else if (!orderedOk) parts.push(`Gap: ${evidence}, short of the ${requiredOrdered} access required.`);
  else parts.push(`Gap: ${evidence}, but no outside-the-box evidence (training data, documentation) bears on it.`);
  if (fragile) parts.push('Fragile: every record is behavioural, and outputs alone cannot show what the instruments ask of the model\'s internals; mechanistic evidence would carry the claim.');
  const excludedHere = excluded.filter((r) => r.scope.properties.includes(p));
  if (excludedHere.length) parts.push(`${plural(excludedHere.length, 'record')} naming this property were excluded: model hash mismatch.`);
  const unknownHere = unknown.filter((r) => r.scope.properties.includes(p));
  if (unknownHere.length) parts.push(`${plural(unknownHere.length, 'record')} of unknown class not counted.`);
  const offClass = valid.filter((r) => r.scope.properties.includes(p) && !bearsOn(r, p));
  if (offClass.length) parts.push(`${plural(offClass.length, 'record')} name this property but their class does not bear on it.`);
  // evidence about different models (or about a decoding system built from several, alignbeam(target+anchor))
  // is not evidence about one model: say so, so that a pooled "met" is read as the set's, not any one model's
  const modelIds = [...new Set(bearing.map((r) => r.model.id))].sort();
  if (modelIds.length > 1) parts.push(`Pooled over ${modelIds.length} models or systems (${modelIds.join(', ')}): evidence about one does not carry to another; pick a model for its own verdict.`);
  // a record without a weights hash can only be joined to its model by id: say how many rest on the id alone
  const hashedIds = new Set(bearing.filter((r) => r.model.sha256).map((r) => r.model.id));
  const idOnly = bearing.filter((r) => !r.model.sha256 && hashedIds.has(r.model.id));
  if (idOnly.length) parts.push(`${plural(idOnly.length, 'record')} without a weights hash ${idOnly.length === 1 ? 'is' : 'are'} joined to the hashed records of the same model by id alone.`);
  const goneHere = bearing.filter((r) => gone.has(r.id));
  if (goneHere.length) parts.push(`${plural(goneHere.length, 'record')} counted here point at runs no longer in the history.`);

  return {
    property: p,
    instruments: [...(req?.instruments ?? [])].sort(),
    requiredAccess,
    achievedAccess: achievedOrdered ?? (achievedOutsideTheBox ? 'outside-the-box' : null),
    achievedOutsideTheBox,
    evidenceIds: bearing.map((r) => r.id),
    fragile,
    status,
    reason: parts.join(' '),
    next: nextEvidence(p, new Set(bearing.map((r) => r.evidenceClass)), status, fragile, needsOutside, requiredOrdered),
  };
}

export function buildAuditGapReport(input: AuditGapInput): AuditGapReport {
  const records = input.model === undefined ? input.records : input.records.filter((r) => r.model.id === input.model);
  const detected = detectFlags(records, input.existingRunIds);
  const flags: LedgerFlag[] = [];
  const seen = new Set<string>();
  for (const f of [...(input.flags ?? []), ...detected.flags]) {
    if (seen.has(flagKey(f))) continue;
    seen.add(flagKey(f));
    flags.push(f);
  }
  const unknown = records.filter((r) => !isKnownEvidenceClass(r.evidenceClass));
  const excluded = records.filter((r) => isKnownEvidenceClass(r.evidenceClass) && detected.mismatched.has(r.id));
  const valid = records.filter((r) => isKnownEvidenceClass(r.evidenceClass) && !detected.mismatched.has(r.id));
  const gone = new Set(flags.filter((f) => f.kind === 'run-missing').flatMap((f) => f.recordIds));
  const required = requirementsByProperty(input.instruments);
  const properties = PROPERTY_IDS
    .filter((p) => required.has(p) || valid.some((r) => r.scope.properties.includes(p)))
    .map((p) => assess(p, required.get(p), valid, excluded, unknown, gone));
  const models = new Map<string, { id: string; sha256?: string }>();
  for (const r of records) models.set(`${r.model.id}\u0000${r.model.sha256 ?? ''}`, { id: r.model.id, ...(r.model.sha256 ? { sha256: r.model.sha256 } : {}) });
  return {
    generatedAt: (input.now ?? new Date()).toISOString(),
    models: [...models.values()].sort((a, b) => a.id.localeCompare(b.id) || (a.sha256 ?? '').localeCompare(b.sha256 ?? '')),
    records: records.length,
    properties,
    flags,
    incentiveGradient: incentiveGradient(input.instruments),
  };
}

const zeroCounts = (): Record<AccessLevel, number> => ({ 'black-box': 0, 'grey-box': 0, 'white-box': 0, 'outside-the-box': 0 });
const pct = (n: number, total: number): string => `${total ? Math.round((100 * n) / total) : 0}%`;
const beyondBlackBox = (c: Record<AccessLevel, number>): number => c['grey-box'] + c['white-box'] + c['outside-the-box'];
const sum = (c: Record<AccessLevel, number>): number => ACCESS_LEVELS.reduce((s, a) => s + c[a], 0);

/**
 * What the inventory rewards: requirement counts by the least access that verifies them, per year and for binding
 * instruments, and a sentence computed from those counts (the position paper's claim is that instruments mostly
 * ask for what black-box evaluation can show while also requiring properties only white-box access verifies).
 */
export function incentiveGradient(instruments: Instrument[]): IncentiveGradient {
  const byAccess = zeroCounts();
  const binding = zeroCounts();
  const years = new Map<number, Record<AccessLevel, number>>();
  const whiteBoxProperties = new Set<PropertyId>();
  for (const inst of instruments) {
    const yearCounts = years.get(inst.year) ?? zeroCounts();
    years.set(inst.year, yearCounts);
    for (const req of inst.requirements) {
      byAccess[req.access] += 1;
      yearCounts[req.access] += 1;
      if (inst.binding) binding[req.access] += 1;
      if (req.access === 'white-box') whiteBoxProperties.add(req.property);
    }
  }
  const byYear = [...years.entries()].sort(([a], [b]) => a - b).map(([year, counts]) => ({ year, counts }));
  const total = sum(byAccess);
  if (!total) return { byAccess, byYear, binding, summary: 'The inventory is empty: there are no requirements to count.' };

  const sentences = [
    `Of ${plural(total, 'requirement')} in ${plural(instruments.length, 'instrument')}, ${byAccess['black-box']} (${pct(byAccess['black-box'], total)}) can be verified with black-box access, `
    + `${byAccess['grey-box']} (${pct(byAccess['grey-box'], total)}) need grey-box, ${byAccess['white-box']} (${pct(byAccess['white-box'], total)}) white-box `
    + `and ${byAccess['outside-the-box']} (${pct(byAccess['outside-the-box'], total)}) outside-the-box access.`,
  ];
  const bindingTotal = sum(binding);
  if (bindingTotal) {
    sentences.push(`In binding instruments ${pct(binding['black-box'], bindingTotal)} of ${plural(bindingTotal, 'requirement')} are black-box verifiable and ${pct(binding['white-box'], bindingTotal)} need white-box access.`);
  }
  if (whiteBoxProperties.size) {
    const labels = [...whiteBoxProperties].map((p) => PROPERTIES[p].label);
    sentences.push(`${byAccess['black-box'] >= total / 2 ? 'Most requirements reward what black-box evaluation can show, yet' : 'Beyond black-box evaluation,'} `
      + `${plural(whiteBoxProperties.size, 'property is', 'properties are')} required that only white-box access verifies: ${labels.join('; ')}.`);
  }
  if (byYear.length >= 2) {
    const pivot = byYear[Math.ceil(byYear.length / 2)].year;
    const early = zeroCounts();
    const late = zeroCounts();
    for (const { year, counts } of byYear) for (const a of ACCESS_LEVELS) (year < pivot ? early : late)[a] += counts[a];
    const earlyShare = beyondBlackBox(early) / sum(early);
    const lateShare = beyondBlackBox(late) / sum(late);
    const trend = lateShare > earlyShare + 0.05 ? 'later instruments ask for more access' : lateShare < earlyShare - 0.05 ? 'later instruments ask for less access' : 'the access asked for has not changed much';
    const span = (from: number, to: number): string => (from === to ? `${from}` : `${from}–${to}`);
    sentences.push(`Instruments of ${span(pivot, byYear[byYear.length - 1].year)} ask for more than black-box access in ${pct(beyondBlackBox(late), sum(late))} of their requirements, `
      + `against ${pct(beyondBlackBox(early), sum(early))} in ${span(byYear[0].year, byYear[Math.ceil(byYear.length / 2) - 1].year)}: ${trend}.`);
  }
  return { byAccess, byYear, binding, summary: sentences.join(' ') };
}
