// The Markdown renderings: the report's rows, flags, next evidence, gradient and evidence list; the Annex IV
// section's filled points, fragile limitations and the explicit list of what the ledger does not cover.
import { describe, expect, it } from 'vitest';
import { annexIVSection, formatMetric, reportMarkdown } from './render';
import { buildAuditGapReport } from './report';
import { INSTRUMENTS, SHA, attributionGraph, behaviouralEval, linearProbe, predictive, record, redTeam } from './testKit';

const graph = record(attributionGraph());
const probe = record(linearProbe());
const behaviour = record(behaviouralEval());
const mismatched = record(redTeam({ model: { id: 'target', sha256: SHA.targetOther } }));
const accuracy = record(predictive());
const records = [graph, probe, behaviour, accuracy];

describe('reportMarkdown', () => {
  it('renders the properties table with required vs achieved access and fragile flags', () => {
    const md = reportMarkdown(buildAuditGapReport({ records, instruments: INSTRUMENTS, model: 'target' }), records, INSTRUMENTS);
    expect(md).toContain('| Property | Instruments | Required access | Achieved access | Status | Fragile | Evidence |');
    expect(md).toContain('| Refuses harmful requests / no harmful content (`harmful-output-refusal`) | ca-sb53, seoul-commitments | white-box | black-box | gap | **fragile** | 1 |');
    expect(md).toContain('| Resists loss-of-control precursors (self-exfiltration, oversight evasion) (`loss-of-control-resistance`) | ca-sb53 | white-box | — | none |  | 0 |');
    expect(md).toMatch(/\n- Refuses harmful requests \/ no harmful content: Linear probe \(circuits\)[^\n]*Open `#\/circuits` with \{"tab":"probes"\}/);
    expect(md).toContain('| white-box | 4 | 3 | 0 | 2 | 2 |');
    expect(md).toContain('- `ca-sb53`: California SB 53 (US-CA, 2025, binding; enacted). Source: [Official text](https://example.org/text)');
    expect(md).toContain('refusal rate = 0.9 [0.787, 0.957] (wilson), n = 50');
    expect(md).toContain(`[run (alignbeam, digest f00d)](#/alignbeam?s=demo)`);
    expect(md).not.toContain(graph.id);
    expect(md).toContain('None: every record was read, identified and counted.');
  });

  it('lists flags and marks the records it did not count', () => {
    const withMismatch = [...records, mismatched];
    const md = reportMarkdown(buildAuditGapReport({ records: withMismatch, instruments: INSTRUMENTS, model: 'target' }), withMismatch, INSTRUMENTS);
    expect(md).toMatch(new RegExp(`- \\*\\*model-hash-mismatch\\*\\* \\(\`${behaviour.id}\`, \`${mismatched.id}\`\\): 2 records claim model "target"`));
    expect(md).toContain(`\`${mismatched.id}\` Red-teaming (black-box, alignbeam)`);
    expect(md).toMatch(/\*\*\(not counted: see flags\)\*\*/);
    expect(md).toContain('| Refuses harmful requests / no harmful content (`harmful-output-refusal`) | ca-sb53, seoul-commitments | white-box | — | none |  | 0 |');
  });

  it('formats metrics with and without intervals', () => {
    expect(formatMetric({ name: 'AUC', value: 0.79123, ci: [0.76, 0.82], method: 'seeds', n: 5 })).toBe('AUC = 0.7912 [0.76, 0.82] (seeds), n = 5');
    expect(formatMetric({ name: 'gap', value: 0.04, method: 'none' })).toBe('gap = 0.04');
  });
});

describe('annexIVSection', () => {
  it('fills the points the ledger can fill and lists what it cannot', () => {
    const withMismatch = [...records, mismatched];
    const report = buildAuditGapReport({ records: withMismatch, instruments: INSTRUMENTS });
    const md = annexIVSection(report, withMismatch);
    expect(md).toContain('Regulation (EU) 2024/1689');
    expect(md).toContain(`- Model \`anchor\`: weights sha256 \`${SHA.anchor}\``);
    expect(md).toMatch(/Identity unresolved: 2 records claim model "target"/);
    expect(md).toContain(`- \`forge-heldout-pairs\`: sha256 \`${SHA.heldout}\``);
    expect(md).toContain('- `german-credit`: sha256 not recorded');
    expect(md).toMatch(/### 2\(g\) Validation and testing procedures, data and metrics\n\n[^#]*faithfulness = 0\.83 \[0\.74, 0\.9\] \(bootstrap\), n = 8/);
    // the hash-mismatched records are not documentation of any model
    const validation = md.split('### 2(g)')[1].split('### 2(h)')[0];
    expect(validation).not.toContain(mismatched.id);
    expect(validation).toContain(accuracy.id);
    expect(md).toMatch(/Potentially discriminatory impacts: 1 record\(s\) above measure non-discrimination/);
    expect(md).toMatch(/### 3\. Capabilities and limitations in performance[\s\S]*Refuses harmful requests \/ no harmful content: supported at white-box access/);
    expect(md).toMatch(/### Not covered by the ledger\n\n- Annex IV 1\(a\)–\(h\)/);
    expect(md).toContain('- Annex IV 5: the risk-management system (Article 9).');
    expect(md).toContain('- Annex IV 9: the post-market monitoring system and plan (Article 72).');
  });

  it('lists fragile claims among the limitations', () => {
    const only = [behaviour];
    const md = annexIVSection(buildAuditGapReport({ records: only, instruments: INSTRUMENTS }), only);
    expect(md).toMatch(/Limitations of the evidence:\n- Refuses harmful requests \/ no harmful content \(\*\*fragile assurance\*\*\)/);
    expect(md).toContain('No before/after-training or quantization-survival evidence.');
    expect(md).toContain('No training-data provenance evidence');
  });
});
