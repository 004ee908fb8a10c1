// Bridge inspector: how much of the anchor's probability mass reaches the target vocabulary exactly, approximately
// or not at all (over the whole vocabulary and along the anchor's own answer to the prompt), and example mappings
// anchor token → target token with the kind of match.
import { useState } from 'react';
import type { BridgeCoverage, BridgeMatch, BridgeReport } from '../../core/alignbeam/types';
import { ShareBars } from '../../viz/ShareBars';
import { DigestNote, fmt, pct } from './format';

const MATCH_COLOURS = ['#009E73', '#E69F00', '#D55E00'];
const show = (s: string | null) => (s === null ? '—' : JSON.stringify(s));

function CoverageRow({ label, c, testId }: { label: string; c: BridgeCoverage; testId: string }) {
  return (
    <tr data-testid={testId} data-exact={c.exactMass} data-approx={c.approxMass} data-lost={c.lostMass}>
      <td>{label}</td>
      <td>{pct(c.exactMass)}</td><td>{pct(c.approxMass)}</td><td>{pct(c.lostMass)}</td>
      <td>{c.exactTokens}</td><td>{c.approxTokens}</td><td>{c.lostTokens}</td>
    </tr>
  );
}

export function BridgeResults({ report, digest, expectedDigest }: { report: BridgeReport; digest: string; expectedDigest?: string }) {
  const [filter, setFilter] = useState<BridgeMatch | 'all'>('all');
  const rows = [
    { label: 'vocabulary (uniform)', c: report.vocabCoverage },
    ...(report.promptCoverage ? [{ label: 'along the anchor’s answers', c: report.promptCoverage }] : []),
  ];
  const examples = report.examples.filter((e) => filter === 'all' || e.match === filter);
  return (
    <div data-testid="bridge-results" data-kind={report.kind}>
      <div className="card">
        <h2>Coverage of the {report.kind} bridge: anchor ({report.anchorVocab} tokens) → target ({report.targetVocab} tokens)</h2>
        <table className="table" data-testid="coverage-table">
          <thead><tr><th>over</th><th>exact mass</th><th>approx. mass</th><th>lost mass</th><th>exact tokens</th><th>approx. tokens</th><th>lost tokens</th></tr></thead>
          <tbody>{rows.map((r, i) => <CoverageRow key={r.label} label={r.label} c={r.c} testId={i === 0 ? 'coverage-vocab' : 'coverage-prompt'} />)}</tbody>
        </table>
        <p className="muted">The second row averages the anchor&apos;s next-token distributions along its own greedy answer to the prompt (or, with no prompt, to a few held-out prompts).</p>
        <p className="muted">Built in {fmt(report.buildMs, 0)} ms. Lost mass is dropped before mixing (the rest is renormalised).</p>
      </div>
      <ShareBars title="Share of anchor probability mass (%)" parts={['exact', 'approx', 'lost']} colors={MATCH_COLOURS} testId="coverage-bars"
        rows={rows.map((r) => ({ label: r.label, parts: [r.c.exactMass, r.c.approxMass, r.c.lostMass] }))} />
      <div className="card">
        <h2>Example mappings {report.promptCoverage ? '(the anchor tokens most probable along its answer)' : '(first anchor ids)'}</h2>
        <div className="toolbar">
          <label>show <select value={filter} data-testid="bridge-filter" onChange={(e) => setFilter(e.target.value as BridgeMatch | 'all')}>
            <option value="all">all</option><option value="exact">exact</option><option value="approx">approximate</option><option value="lost">lost</option>
          </select></label>
        </div>
        <table className="table" data-testid="bridge-examples">
          <thead><tr><th>anchor id</th><th>anchor token</th><th>text</th><th>→ target id</th><th>target token</th><th>text</th><th>match</th><th>anchor prob.</th></tr></thead>
          <tbody>
            {examples.map((e) => (
              <tr key={e.anchorId} data-match={e.match}>
                <td>{e.anchorId}</td><td><code>{e.anchorToken}</code></td><td><code>{show(e.anchorText)}</code></td>
                <td>{e.targetId >= 0 ? e.targetId : '—'}</td><td><code>{e.targetToken ?? '—'}</code></td><td><code>{show(e.targetText)}</code></td>
                <td style={{ color: MATCH_COLOURS[['exact', 'approx', 'lost'].indexOf(e.match)] }}>{e.match}</td><td>{fmt(e.prob, 4)}</td>
              </tr>
            ))}
          </tbody>
        </table>
        <DigestNote digest={digest} expected={expectedDigest} />
      </div>
    </div>
  );
}
