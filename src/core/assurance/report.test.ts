// The audit-gap report on realistic records (built through completeEvidence) and a small inventory: met by
// white-box evidence vs fragile on behavioural evidence alone, every flag kind, the model filter, hash-mismatch
// records kept out, next evidence mapped to modules, and the incentive gradient's counts and sentence.
import { describe, expect, it } from 'vitest';
import { readEvidence } from './ledger';
import { buildAuditGapReport, effectiveAccess, incentiveGradient } from './report';
import { INSTRUMENTS, SHA, attributionGraph, behaviouralEval, linearProbe, predictive, provenance, record, redTeam } from './testKit';
import type { AuditGapReport, EvidenceRecord, PropertyId } from './types';

const graph = record(attributionGraph());
const probe = record(linearProbe(), { historyId: 'h-12' });
const behaviour = record(behaviouralEval());
const attack = record(redTeam());
const accuracy = record(predictive());
const data = record(provenance());
const all = [graph, probe, behaviour, attack, accuracy, data];

const prop = (report: AuditGapReport, p: PropertyId) => {
  const found = report.properties.find((a) => a.property === p);
  if (!found) throw new Error(`property ${p} not in the report`);
  return found;
};

describe('buildAuditGapReport: required vs achieved access', () => {
  it('meets a white-box requirement with mechanistic evidence', () => {
    const report = buildAuditGapReport({ records: all, instruments: INSTRUMENTS, model: 'anchor' });
    const refusal = prop(report, 'harmful-output-refusal');
    expect(refusal).toMatchObject({ status: 'met', fragile: false, achievedAccess: 'white-box', requiredAccess: ['white-box'] });
    expect(refusal.instruments).toEqual(['ca-sb53', 'seoul-commitments']);
    expect(refusal.evidenceIds.sort()).toEqual([graph.id, probe.id].sort());
    // met by evidence that carries it: nothing to run next (the missing mechanistic classes are not a gap)
    expect(refusal.next).toEqual([]);
    expect(prop(report, 'no-hidden-objectives')).toMatchObject({ status: 'met', evidenceIds: [probe.id], next: [] });
  });

  it('lists next evidence only for gap, none and fragile properties', () => {
    const report = buildAuditGapReport({ records: all, instruments: INSTRUMENTS });
    for (const p of report.properties) expect(p.next.length > 0, p.property).toBe(p.status !== 'met' || p.fragile);
    // met yet fragile: grey-box required, a behavioural record declared grey-box reaches it, but only outputs
    const greyOnly = INSTRUMENTS.map((i) => ({ ...i, requirements: i.requirements.map((r) => ({ ...r, access: r.property === 'harmful-output-refusal' ? 'grey-box' as const : r.access })) }));
    const fragileMet = prop(buildAuditGapReport({ records: [record(behaviouralEval({ access: 'grey-box' }))], instruments: greyOnly }), 'harmful-output-refusal');
    expect(fragileMet).toMatchObject({ status: 'met', fragile: true });
    expect(fragileMet.next.map((n) => n.evidenceClass)).toContain('attribution-graph');
  });

  it('says when a property\'s evidence is about several models or a combined decoding system, and keeps per-model verdicts apart', () => {
    const system = record(behaviouralEval({ model: { id: 'alignbeam(target+anchor)' } }));
    const pooled = prop(buildAuditGapReport({ records: [system, graph], instruments: INSTRUMENTS }), 'harmful-output-refusal');
    expect(pooled.reason).toMatch(/Pooled over 2 models or systems \(alignbeam\(target\+anchor\), anchor\)/);
    // the system's own report: behavioural only, fragile; the anchor's: met by its circuit, without the system's record
    expect(prop(buildAuditGapReport({ records: [system, graph], instruments: INSTRUMENTS, model: 'alignbeam(target+anchor)' }), 'harmful-output-refusal'))
      .toMatchObject({ status: 'gap', fragile: true, evidenceIds: [system.id] });
    const anchor = prop(buildAuditGapReport({ records: [system, graph], instruments: INSTRUMENTS, model: 'anchor' }), 'harmful-output-refusal');
    expect(anchor).toMatchObject({ status: 'met', evidenceIds: [graph.id] });
    expect(anchor.reason).not.toMatch(/Pooled/);
  });

  it('flags behavioural evidence alone as fragile, with a gap against white-box and the mechanistic next steps', () => {
    const report = buildAuditGapReport({ records: all, instruments: INSTRUMENTS, model: 'target' });
    const refusal = prop(report, 'harmful-output-refusal');
    expect(refusal).toMatchObject({ status: 'gap', fragile: true, achievedAccess: 'black-box', evidenceIds: [behaviour.id] });
    expect(refusal.reason).toMatch(/Fragile/);
    expect(refusal.reason).toMatch(/Gap: 1 record \(behavioural evaluation\) reaches black-box access, short of the white-box access required/);
    const next = Object.fromEntries(refusal.next.map((n) => [n.evidenceClass, n]));
    expect(Object.keys(next).sort()).toEqual(['activation-patching', 'attribution-graph', 'before-after-training', 'linear-probe', 'quantization-survival']);
    expect(next['linear-probe']).toMatchObject({ module: 'circuits', spec: { tab: 'probes' }, property: 'harmful-output-refusal' });
    expect(next['before-after-training']).toMatchObject({ module: 'experiments' });
    expect(next['before-after-training'].spec).toBeUndefined();
    expect(next['quantization-survival']).toMatchObject({ module: 'edits', spec: { job: 'survival' } });
    // grey-box required, black-box reached by behaviour and red-team: a gap, and fragile
    expect(prop(report, 'adversarial-robustness')).toMatchObject({ status: 'gap', fragile: true, evidenceIds: [behaviour.id, attack.id] });
  });

  it('caps a behavioural record that declares white-box access at grey-box', () => {
    const declared = record(behaviouralEval({ access: 'white-box' }));
    expect(effectiveAccess(declared)).toBe('grey-box');
    expect(effectiveAccess(graph)).toBe('white-box');
    const refusal = prop(buildAuditGapReport({ records: [declared], instruments: INSTRUMENTS }), 'harmful-output-refusal');
    expect(refusal).toMatchObject({ status: 'gap', fragile: true, achievedAccess: 'grey-box' });
  });

  it('handles black-box and outside-the-box requirements, properties without evidence, and evidence no instrument asks for', () => {
    const report = buildAuditGapReport({ records: all, instruments: INSTRUMENTS, model: 'tfm' });
    expect(prop(report, 'accuracy-performance')).toMatchObject({ status: 'met', fragile: false, requiredAccess: ['black-box'], achievedAccess: 'black-box' });
    expect(prop(report, 'data-governance')).toMatchObject({ status: 'met', fragile: false, requiredAccess: ['outside-the-box'], achievedAccess: 'outside-the-box', achievedOutsideTheBox: true });
    expect(prop(report, 'non-discrimination')).toMatchObject({ status: 'met', instruments: [], requiredAccess: [] });
    expect(prop(report, 'non-discrimination').reason).toMatch(/No instrument/);
    const transparency = prop(report, 'transparency-documentation');
    expect(transparency).toMatchObject({ status: 'none', fragile: false, achievedAccess: null, evidenceIds: [] });
    expect(transparency.next.map((n) => [n.evidenceClass, n.module])).toEqual([['attribution-graph', 'circuits'], ['data-provenance', 'curation']]);
    // every required property is listed, plus those with evidence
    expect(report.properties.map((p) => p.property)).toEqual(['harmful-output-refusal', 'adversarial-robustness', 'no-hidden-objectives', 'loss-of-control-resistance',
      'bounded-dangerous-capability', 'accuracy-performance', 'non-discrimination', 'data-governance', 'transparency-documentation']);
  });

  it('counts a record only for the properties its scope names and its class bears on', () => {
    const offClass = record(predictive({ model: { id: 'anchor', sha256: SHA.anchor }, scope: { properties: ['no-hidden-objectives'] } }));
    const p = prop(buildAuditGapReport({ records: [offClass], instruments: INSTRUMENTS }), 'no-hidden-objectives');
    expect(p).toMatchObject({ status: 'none', evidenceIds: [] });
    expect(p.reason).toMatch(/class does not bear on it/);
  });
});

describe('buildAuditGapReport: model filter and flags', () => {
  it('restricts to one model and lists the models covered', () => {
    const report = buildAuditGapReport({ records: all, instruments: INSTRUMENTS, model: 'anchor', now: new Date('2026-12-04T00:00:00Z') });
    expect(report).toMatchObject({ generatedAt: '2026-12-04T00:00:00.000Z', records: 2, models: [{ id: 'anchor', sha256: SHA.anchor }], flags: [] });
    expect(report.properties.flatMap((p) => p.evidenceIds).every((id) => id === graph.id || id === probe.id)).toBe(true);
    expect(buildAuditGapReport({ records: all, instruments: INSTRUMENTS }).models.map((m) => m.id)).toEqual(['anchor', 'target', 'tfm']);
  });

  it('flags records of one model id with different hashes and counts none of them', () => {
    const other = record(redTeam({ model: { id: 'target', sha256: SHA.targetOther } }));
    const unhashed = record(behaviouralEval({ model: { id: 'target' } }));
    const report = buildAuditGapReport({ records: [behaviour, other, unhashed, graph], instruments: INSTRUMENTS });
    const flag = report.flags.find((f) => f.kind === 'model-hash-mismatch');
    expect(flag?.recordIds.sort()).toEqual([behaviour.id, other.id, unhashed.id].sort());
    expect(flag?.detail).toMatch(/"target" with 2 different weight hashes/);
    const robustness = prop(report, 'adversarial-robustness');
    expect(robustness).toMatchObject({ status: 'none', evidenceIds: [] });
    expect(robustness.reason).toMatch(/excluded: model hash mismatch/);
    expect(prop(report, 'harmful-output-refusal').evidenceIds).toEqual([graph.id]);
    expect(report.models).toEqual([{ id: 'anchor', sha256: SHA.anchor }, { id: 'target' }, { id: 'target', sha256: SHA.target }, { id: 'target', sha256: SHA.targetOther }]);
  });

  it('says when a record without a weights hash is joined to hashed records of the same model id', () => {
    const unhashed = record(linearProbe({ model: { id: 'anchor' } }));
    const refusal = prop(buildAuditGapReport({ records: [graph, unhashed], instruments: INSTRUMENTS }), 'harmful-output-refusal');
    expect(refusal.evidenceIds).toHaveLength(2);
    expect(refusal.reason).toMatch(/1 record without a weights hash is joined to the hashed records of the same model by id alone/);
    expect(prop(buildAuditGapReport({ records: [graph], instruments: INSTRUMENTS }), 'harmful-output-refusal').reason).not.toMatch(/without a weights hash/);
  });

  it('flags records whose run is gone only when the existing runs are given', () => {
    const gone = buildAuditGapReport({ records: all, instruments: INSTRUMENTS, existingRunIds: new Set(['h-1']) });
    expect(gone.flags).toEqual([expect.objectContaining({ kind: 'run-missing', recordIds: [probe.id] })]);
    expect(prop(gone, 'no-hidden-objectives').reason).toMatch(/no longer in the history/);
    expect(buildAuditGapReport({ records: all, instruments: INSTRUMENTS, existingRunIds: new Set(['h-12']) }).flags).toEqual([]);
    expect(buildAuditGapReport({ records: all, instruments: INSTRUMENTS }).flags).toEqual([]);
  });

  it('flags unknown classes, keeps them out of every property, and passes reader flags through once', () => {
    const read = readEvidence({ ...JSON.parse(JSON.stringify(graph)), id: 'ev-sae', evidenceClass: 'sparse-autoencoder' });
    const unknown = read.record as EvidenceRecord;
    const duplicate = { kind: 'duplicate-id' as const, recordIds: ['ev-x'], detail: 'twice' };
    const report = buildAuditGapReport({ records: [graph, unknown], instruments: INSTRUMENTS, flags: [duplicate, read.flag!] });
    expect(report.flags.map((f) => f.kind)).toEqual(['duplicate-id', 'unknown-class']);
    expect(report.flags[1].recordIds).toEqual(['ev-sae']);
    expect(report.properties.flatMap((p) => p.evidenceIds)).not.toContain('ev-sae');
    expect(prop(report, 'harmful-output-refusal').reason).toMatch(/1 record of unknown class not counted/);
  });
});

describe('incentiveGradient', () => {
  it('counts requirements by access, year and bindingness, and says so in numbers', () => {
    const g = incentiveGradient(INSTRUMENTS);
    expect(g.byAccess).toEqual({ 'black-box': 2, 'grey-box': 2, 'white-box': 4, 'outside-the-box': 2 });
    expect(g.binding).toEqual({ 'black-box': 1, 'grey-box': 1, 'white-box': 3, 'outside-the-box': 1 });
    expect(g.summary).toMatch(/In binding instruments 17% of 6 requirements are black-box verifiable and 50% need white-box access/);
    expect(g.byYear.map((y) => y.year)).toEqual([2019, 2024, 2025]);
    expect(g.byYear[2].counts).toEqual({ 'black-box': 0, 'grey-box': 1, 'white-box': 2, 'outside-the-box': 0 });
    expect(g.summary).toMatch(/^Of 10 requirements in 4 instruments, 2 \(20%\) can be verified with black-box access/);
    expect(g.summary).toMatch(/4 \(40%\) white-box/);
    expect(g.summary).toMatch(/4 properties are required that only white-box access verifies/);
    expect(g.summary).toMatch(/Instruments of 2025 ask for more than black-box access in 100% of their requirements, against 71% in 2019–2024: later instruments ask for more access/);
  });

  it('says when most requirements are black-box verifiable', () => {
    const blackBoxHeavy = INSTRUMENTS.map((i) => ({ ...i, requirements: i.requirements.map((r, k) => ({ ...r, access: k === 0 ? r.access : 'black-box' as const })) }));
    expect(incentiveGradient(blackBoxHeavy).summary).toMatch(/Most requirements reward what black-box evaluation can show, yet/);
    expect(incentiveGradient([]).summary).toMatch(/empty/);
  });
});
