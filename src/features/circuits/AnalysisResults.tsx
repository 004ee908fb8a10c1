// The per-prompt and per-layer views: attention patterns of every head, linear-probe accuracy per layer
// (harmful vs benign, held-out split), and the logit lens (what each layer's residual stream would predict).
import type { AttentionPattern, LogitLensRow, ProbeResult } from '../../core/circuits/types';
import { AttentionHeatmap } from '../../viz/AttentionHeatmap';
import { SeriesLineChart } from '../../viz/SeriesLineChart';
import { DigestNote, pct } from './format';

const visible = (t: string) => JSON.stringify(t).slice(1, -1);

export function AttentionResults({ prompt, patterns, digest, expected }: { prompt: string; patterns: AttentionPattern[]; digest: string; expected?: string }) {
  return (
    <div data-testid="attention-results">
      <p className="muted">Prompt (chat template applied): “{prompt}”</p>
      <AttentionHeatmap patterns={patterns} testId="attention-heatmap" />
      <DigestNote digest={digest} expected={expected} />
    </div>
  );
}

export function ProbeResults({ result, digest, expected }: { result: ProbeResult; digest: string; expected?: string }) {
  const best = result.reduce((b, l) => (l.heldoutAcc > b.heldoutAcc ? l : b), result[0]);
  return (
    <div data-testid="probe-results">
      <SeriesLineChart title="Linear probe accuracy per layer (harmful vs benign; layer 0 = embeddings)" testId="probe-chart"
        data={result.map((l) => ({ x: l.layer, train: l.trainAcc, 'held-out': l.heldoutAcc }))} series={['train', 'held-out']}
        xLabel="residual stream after layer" yLabel="accuracy" yDomain={[0, 1]} />
      {best && <p data-testid="probe-best">Best held-out accuracy {pct(best.heldoutAcc)} at layer {best.layer}.</p>}
      <DigestNote digest={digest} expected={expected} />
    </div>
  );
}

export function LensResults({ prompt, rows, digest, expected }: { prompt: string; rows: LogitLensRow[]; digest: string; expected?: string }) {
  const k = Math.max(0, ...rows.map((r) => r.top.length));
  const hasTarget = rows.some((r) => r.targetProb !== undefined);
  return (
    <div className="card" data-testid="lens-results">
      <h2>Logit lens</h2>
      <p className="muted">Prompt: “{prompt}”. Each row unembeds the residual stream after that many blocks (through the final layer norm) at the position shown.</p>
      <table className="table" data-testid="lens-table">
        <thead><tr><th>layer</th><th>position</th>{Array.from({ length: k }, (_, i) => <th key={i}>top {i + 1}</th>)}{hasTarget && <th>p(refusal token)</th>}</tr></thead>
        <tbody>
          {rows.map((r) => (
            <tr key={`${r.layer}-${r.position}`}>
              <td>{r.layer}</td><td>{r.position}</td>
              {r.top.map((t) => <td key={t.id}><code>{visible(t.text)}</code> {pct(t.prob)}</td>)}
              {hasTarget && <td>{pct(r.targetProb)}</td>}
            </tr>
          ))}
        </tbody>
      </table>
      <DigestNote digest={digest} expected={expected} />
    </div>
  );
}
