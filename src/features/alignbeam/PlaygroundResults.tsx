// Playground results: target-only and ALIGNBEAM side by side, the ALIGNBEAM text coloured by how much the anchor
// moved each token, the K candidates with the judge's P(unsafe) and the one chosen, and the timings of both.
import type { Candidate, GenerationResult, PlaygroundResult } from '../../core/alignbeam/types';
import { TokenShiftLegend, TokenShiftText } from '../../viz/TokenShiftText';
import { DigestNote, fmt } from './format';

function Column({ title, g, testId }: { title: string; g: GenerationResult; testId: string }) {
  const mixed = g.tokens.filter((t) => t.mixed).length;
  return (
    <div className="card" data-testid={testId} data-text={g.text}>
      <h3 style={{ marginTop: 0 }}>{title}</h3>
      <TokenShiftText tokens={g.tokens} testId={`${testId}-text`} />
      {g.tokens.length === 0 && <p className="muted">(empty response: the model ended at once)</p>}
      <p className="muted" style={{ fontSize: 12 }} data-testid={`${testId}-timings`}>
        {g.timings.newTokens} tokens, {mixed} mixed · {fmt(g.timings.tokensPerSecond, 1)} tokens/s · {fmt(g.timings.totalMs, 0)} ms
        (target {fmt(g.timings.targetMs, 0)}, anchor {fmt(g.timings.anchorMs, 0)}, bridge+mix {fmt(g.timings.mixMs, 0)}, judge {fmt(g.timings.judgeMs, 0)})
        · judge P(unsafe) {fmt(g.candidates[g.chosen]?.judgeUnsafe, 3)}
      </p>
    </div>
  );
}

function CandidateRow({ c, i, chosen }: { c: Candidate; i: number; chosen: boolean }) {
  return (
    <tr data-testid={`candidate-${i}`} data-chosen={chosen} style={chosen ? { background: '#eaf5ec' } : undefined}>
      <td>{i + 1}</td>
      <td data-testid={`candidate-${i}-source`}>{c.source === 'target' ? "target's own" : 'beam'}</td>
      <td style={{ whiteSpace: 'pre-wrap' }} data-testid={`candidate-${i}-text`}>{c.text}</td>
      <td data-testid={`candidate-${i}-judge`}>{fmt(c.judgeUnsafe, 3)}{c.judgeError && <span className="error" title={c.judgeError}> (unparsed)</span>}
        {c.judgeTruncated && <span className="muted" data-testid={`candidate-${i}-judge-cut`} title="the judge's context was full: the prompt's middle was cut (and the reply's end, if it did not fit alone)"> (judge saw {c.judgeTruncated.response ? 'the reply\'s start' : 'the prompt cut'})</span>}</td>
      <td>{fmt(c.logProb, 2)}</td>
      <td>{fmt(c.targetLogProb, 2)}</td>
      <td>{chosen ? '✓ chosen' : ''}</td>
    </tr>
  );
}

export function PlaygroundResults({ result, digest, expectedDigest, alpha }: { result: PlaygroundResult; digest: string; expectedDigest?: string; alpha: number }) {
  const { targetOnly, alignbeam } = result;
  const overhead = alignbeam.timings.totalMs / Math.max(targetOnly.timings.totalMs, 1e-9);
  const mean = alignbeam.tokens.length ? alignbeam.tokens.reduce((s, t) => s + t.shift, 0) / alignbeam.tokens.length : 0;
  return (
    <div data-testid="playground-results">
      <div className="toolbar"><TokenShiftLegend /><span className="muted">mean shift {fmt(mean, 3)} · ALIGNBEAM wall time × {fmt(overhead, 2)} target-only</span></div>
      <div className="grid2">
        <Column title="Target only (greedy)" g={targetOnly} testId="column-target" />
        <Column title={`ALIGNBEAM (α ${alpha}, chosen candidate ${alignbeam.chosen + 1} of ${alignbeam.candidates.length})`} g={alignbeam} testId="column-alignbeam" />
      </div>
      <div className="card">
        <h2>Candidates (beams over the mixed distribution, and the target&apos;s own answer when asked) and the judge&apos;s choice</h2>
        <table className="table" data-testid="candidates-table">
          <thead><tr><th>#</th><th>from</th><th>candidate</th><th>judge P(unsafe)</th><th>beam log-prob</th><th>target log-prob</th><th /></tr></thead>
          <tbody>{alignbeam.candidates.map((c, i) => <CandidateRow key={i} c={c} i={i} chosen={i === alignbeam.chosen} />)}</tbody>
        </table>
        <p className="muted">By default (the paper) the judge picks the lowest P(unsafe), ties by beam score. With the settings&apos; other picks, among the candidates the judge calls safe (P(unsafe) &lt; 0.5) the one the target finds most likely or the best beam score; if none is safe, the least unsafe one.</p>
        <DigestNote digest={digest} expected={expectedDigest} />
      </div>
    </div>
  );
}
