// Markdown renderings of the audit-gap report: the full report (properties table, flags, next evidence, incentive
// gradient, every record with its metrics and run link) and an EU AI Act Annex IV-style technical-documentation
// section (Regulation (EU) 2024/1689, Article 11(1)) filled from the ledger, which says explicitly which points of
// Annex IV the ledger cannot fill. Pure strings: the page prints them, the export saves them.
import {
  ACCESS_LEVELS, EVIDENCE_CLASSES, PROPERTIES,
  type AuditGapReport, type EvidenceClass, type EvidenceMetric, type EvidenceRecord, type Instrument, type PropertyId,
} from './types';

const cell = (s: string): string => s.replace(/\|/g, '\\|').replace(/\s*\n\s*/g, ' ');
const num = (v: number): string => (Number.isInteger(v) ? String(v) : String(Number(v.toPrecision(4))));
const shortHash = (h?: string): string => (h ? `\`${h.slice(0, 12)}…\`` : 'no hash recorded');
const classLabel = (c: string): string => EVIDENCE_CLASSES[c as EvidenceClass]?.label ?? `unknown class "${c}"`;
const propertyLabel = (p: PropertyId): string => PROPERTIES[p].label;

export function formatMetric(m: EvidenceMetric): string {
  const ci = m.ci ? ` [${num(m.ci[0])}, ${num(m.ci[1])}]${m.method !== 'none' ? ` (${m.method})` : ''}` : '';
  return `${m.name} = ${num(m.value)}${ci}${m.n !== undefined ? `, n = ${m.n}` : ''}`;
}

/** A Markdown link back to the run when the record has one, else the module and digest that identify it. */
export function runReference(r: EvidenceRecord): string {
  const id = [r.run.module, r.run.historyId ? `history ${r.run.historyId}` : '', r.run.digest ? `digest ${r.run.digest.slice(0, 12)}` : ''].filter(Boolean).join(', ');
  return r.run.link ? `[run (${id})](${r.run.link})` : `run: ${id}`;
}

function recordLine(r: EvidenceRecord): string {
  const scope = [r.scope.behaviour, r.scope.suite ? `suite ${r.scope.suite}` : '', `sample ${r.scope.sampleSize}`].filter(Boolean).join('; ');
  return `- \`${r.id}\` ${classLabel(r.evidenceClass)} (${r.access}, ${r.module}) on ${r.model.id} (${shortHash(r.model.sha256)}), ${r.createdAt}: ${scope}. `
    + `${r.metrics.map(formatMetric).join('; ')}. ${runReference(r)}${r.claim ? `. Claim: ${r.claim}` : ''}`;
}

const inReport = (report: AuditGapReport, records: EvidenceRecord[]): EvidenceRecord[] => {
  const models = new Set(report.models.map((m) => m.id));
  return records.filter((r) => models.has(r.model.id));
};

/** Ids the report refused to count (unknown class, model-hash mismatch). */
const uncountedIds = (report: AuditGapReport): Set<string> =>
  new Set(report.flags.filter((f) => f.kind === 'unknown-class' || f.kind === 'model-hash-mismatch').flatMap((f) => f.recordIds));

export function reportMarkdown(report: AuditGapReport, records: EvidenceRecord[], instruments: Instrument[]): string {
  const out: string[] = ['# Audit-gap report', ''];
  out.push(`Generated ${report.generatedAt} from ${report.records} evidence record(s). Models: ${report.models.length
    ? report.models.map((m) => `${m.id} (${shortHash(m.sha256)})`).join(', ') : 'none'}.`);
  out.push('', 'Access levels after Casper et al. 2024: black-box (queries and outputs), grey-box (output probabilities, limited internals), '
    + 'white-box (weights, activations, gradients), outside-the-box (training data, code, documentation). A claim is *fragile* when all its evidence '
    + 'is behavioural while an instrument requires more than black-box access.', '');

  out.push('## Properties', '', '| Property | Instruments | Required access | Achieved access | Status | Fragile | Evidence |', '|---|---|---|---|---|---|---|');
  for (const p of report.properties) {
    const achieved = [p.achievedAccess, p.achievedOutsideTheBox && p.achievedAccess !== 'outside-the-box' ? 'outside-the-box' : null].filter(Boolean).join(' + ');
    out.push(`| ${cell(propertyLabel(p.property))} (\`${p.property}\`) | ${p.instruments.length ? cell(p.instruments.join(', ')) : '—'} | ${p.requiredAccess.join(' + ') || '—'} `
      + `| ${achieved || '—'} | ${p.status} | ${p.fragile ? '**fragile**' : ''} | ${p.evidenceIds.length} |`);
  }
  out.push('');
  for (const p of report.properties) out.push(`- **${propertyLabel(p.property)}**: ${p.reason}`);

  out.push('', '## Flags', '');
  if (!report.flags.length) out.push('None: every record was read, identified and counted.');
  for (const f of report.flags) out.push(`- **${f.kind}**${f.recordIds.length ? ` (${f.recordIds.map((id) => `\`${id}\``).join(', ')})` : ''}: ${f.detail}`);

  out.push('', '## Next evidence', '');
  const next = report.properties.flatMap((p) => p.next);
  if (!next.length) out.push('Nothing to add: every required property has its mechanistic evidence.');
  for (const n of next) out.push(`- ${propertyLabel(n.property)}: ${n.why}${n.spec ? ` Open \`#/${n.module}\` with ${JSON.stringify(n.spec)}.` : ` Open \`#/${n.module}\`.`}`);

  const g = report.incentiveGradient;
  out.push('', '## Incentive gradient', '', g.summary, '');
  out.push(`| Access | All | Binding | ${g.byYear.map((y) => y.year).join(' | ')} |`, `|---|---|---|${g.byYear.map(() => '---|').join('')}`);
  for (const a of ACCESS_LEVELS) out.push(`| ${a} | ${g.byAccess[a]} | ${g.binding[a]} | ${g.byYear.map((y) => y.counts[a]).join(' | ')} |`);

  const cited = new Set(report.properties.flatMap((p) => p.instruments));
  const citedInstruments = instruments.filter((i) => cited.has(i.id));
  if (citedInstruments.length) {
    out.push('', '## Instruments', '');
    for (const i of citedInstruments) out.push(`- \`${i.id}\`: ${i.name} (${i.jurisdiction}, ${i.year}, ${i.binding ? 'binding' : 'not binding'}; ${i.status}). Source: [${i.source.title}](${i.source.url})`);
  }

  out.push('', '## Evidence', '');
  const listed = inReport(report, records);
  if (!listed.length) out.push('No evidence records.');
  const uncounted = uncountedIds(report);
  for (const r of listed) out.push(`${recordLine(r)}${uncounted.has(r.id) ? ' **(not counted: see flags)**' : ''}`);
  return `${out.join('\n')}\n`;
}

const NOT_COVERED = [
  '1(a)–(h): intended purpose, provider, version history, interaction with other hardware and software, forms placed on the market, hardware, user interface, instructions for use (the ledger identifies the model weights only)',
  '2(a) methods and steps of development, including pre-trained systems and third-party tools',
  '2(b) design specifications and key design choices; 2(c) system architecture and computational resources',
  '2(e) assessment of the human-oversight measures needed (Article 14)',
  '2(g) in part: the test logs are linked run records, not reports dated and signed by the responsible persons',
  '2(h) in part: the cybersecurity measures put in place (the ledger only holds robustness tests)',
  '3 in part: human-oversight measures and input-data specifications',
  '4: why the performance metrics are appropriate for this system',
  '5: the risk-management system (Article 9)',
  '6: relevant changes made through the lifecycle',
  '7: harmonised standards applied',
  '8: the EU declaration of conformity (Article 47)',
  '9: the post-market monitoring system and plan (Article 72)',
];

function recordsFor(records: EvidenceRecord[], properties: PropertyId[], classes?: EvidenceClass[]): EvidenceRecord[] {
  return records.filter((r) => r.scope.properties.some((p) => properties.includes(p)) || (classes?.includes(r.evidenceClass as EvidenceClass) ?? false));
}

/**
 * An Annex IV-style section (Regulation (EU) 2024/1689, Article 11(1), Annex IV) filled from the ledger: model
 * identity (1), data used (2(d)), pre-determined changes (2(f)), validation and testing (2(g)), robustness
 * testing towards 2(h), and limitations (3) with the fragile claims; every other point is listed as not covered.
 */
export function annexIVSection(report: AuditGapReport, records: EvidenceRecord[]): string {
  const uncounted = uncountedIds(report);
  const counted = inReport(report, records).filter((r) => !uncounted.has(r.id));
  const out: string[] = ['## Technical documentation (EU AI Act Annex IV), filled from the evidence ledger', ''];
  out.push(`Structure after Annex IV of Regulation (EU) 2024/1689 (technical documentation referred to in Article 11(1)). Generated ${report.generatedAt} `
    + `from ${counted.length} counted evidence record(s); points the ledger cannot fill are listed at the end and must be written by the provider.`, '');

  out.push('### 1. General description of the AI system (model identity only)', '');
  if (!report.models.length) out.push('No model in the ledger.');
  for (const m of report.models) out.push(`- Model \`${m.id}\`: weights sha256 ${m.sha256 ? `\`${m.sha256}\`` : 'not recorded'}`);
  const mismatch = report.flags.filter((f) => f.kind === 'model-hash-mismatch');
  for (const f of mismatch) out.push(`- Identity unresolved: ${f.detail}`);

  out.push('', '### 2(d) Data requirements: data sets used by the evidence', '');
  const data = new Map<string, string | undefined>();
  for (const r of counted) for (const d of r.data) data.set(d.id, d.sha256 ?? data.get(d.id));
  if (!data.size) out.push('No data sets recorded.');
  for (const [id, sha] of data) out.push(`- \`${id}\`: sha256 ${sha ? `\`${sha}\`` : 'not recorded'}`);
  const provenance = counted.filter((r) => r.evidenceClass === 'data-provenance');
  for (const r of provenance) out.push(recordLine(r));
  if (!provenance.length) out.push('', 'No training-data provenance evidence: the origin and preparation of the training data are not documented by the ledger.');

  out.push('', '### 2(f) Changes to the system and their effect on performance', '');
  const changes = recordsFor(counted, ['modification-tracking'], ['before-after-training', 'quantization-survival']);
  if (!changes.length) out.push('No before/after-training or quantization-survival evidence.');
  for (const r of changes) out.push(recordLine(r));

  out.push('', '### 2(g) Validation and testing procedures, data and metrics', '');
  if (!counted.length) out.push('No validation or testing evidence.');
  for (const r of counted) out.push(recordLine(r));
  const fairness = recordsFor(counted, ['non-discrimination']);
  out.push('', fairness.length ? `Potentially discriminatory impacts: ${fairness.length} record(s) above measure non-discrimination (${fairness.map((r) => `\`${r.id}\``).join(', ')}).`
    : 'Potentially discriminatory impacts: no record measures them.');

  out.push('', '### 2(h) Robustness and cybersecurity: adversarial testing', '');
  const robustness = recordsFor(counted, ['adversarial-robustness'], ['red-team']);
  if (!robustness.length) out.push('No adversarial-robustness or red-team evidence.');
  for (const r of robustness) out.push(recordLine(r));

  out.push('', '### 3. Capabilities and limitations in performance', '');
  for (const p of report.properties) {
    if (p.status === 'met' && !p.fragile) out.push(`- ${propertyLabel(p.property)}: supported at ${p.achievedAccess} access (${p.evidenceIds.length} record(s)).`);
  }
  const limits = report.properties.filter((p) => p.status !== 'met' || p.fragile);
  if (limits.length) out.push('', 'Limitations of the evidence:');
  for (const p of limits) out.push(`- ${propertyLabel(p.property)}${p.fragile ? ' (**fragile assurance**)' : ''}: ${p.reason}`);
  for (const f of report.flags) out.push(`- Ledger flag ${f.kind}: ${f.detail}`);

  out.push('', '### Not covered by the ledger', '', ...NOT_COVERED.map((line) => `- Annex IV ${line}.`));
  return `${out.join('\n')}\n`;
}
