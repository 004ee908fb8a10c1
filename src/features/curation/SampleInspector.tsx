// Inspect any sample of a run: a list of every trace (status, the gate that rejected its first attempt, whether it
// was injected) and, for the selected one, each attempt's instruction and response, the cited chunk with the
// provenance span highlighted, every gate verdict with its reason, the recovery action and note, and — in its own
// box, labelled as such — the injection ground truth, which the gates never saw. Pure props → view.
import { useState } from 'react';
import type { PipelineResult, SampleTrace } from '../../core/curation/pipeline';
import type { Chunk, CuratedSample, InjectionLabel } from '../../core/curation/types';

function ChunkWithSpan({ chunk, sample }: { chunk: Chunk; sample: CuratedSample }) {
  const { start, end } = sample.provenance.span;
  return (
    <pre data-testid="inspector-chunk" style={{ whiteSpace: 'pre-wrap', background: '#f6f7f9', padding: 8 }}>
      {chunk.text.slice(0, start)}
      <mark data-testid="inspector-span">{chunk.text.slice(start, end)}</mark>
      {chunk.text.slice(end)}
    </pre>
  );
}

function TraceDetail({ trace, chunks, label }: { trace: SampleTrace; chunks: ReadonlyMap<string, Chunk>; label?: InjectionLabel }) {
  return (
    <div data-testid="inspector-detail" data-sample={trace.id}>
      <p>
        <strong>{trace.id}</strong> — generator {trace.generator}, status <strong data-testid="inspector-status">{trace.status}</strong>, {trace.calls} model call{trace.calls === 1 ? '' : 's'}
      </p>
      {label && (
        <div className="card" data-testid="inspector-ground-truth" style={{ borderColor: '#6a1b9a' }}>
          <strong>Injection ground truth</strong> <span className="muted">(kept apart from the pipeline: no gate or recovery step saw it)</span>
          <p>mode <code data-testid="ground-truth-mode">{label.mode}</code>: {label.detail}</p>
        </div>
      )}
      {trace.attempts.map((a) => {
        const chunk = a.sample ? chunks.get(a.sample.provenance.chunkId) : chunks.get(trace.chunkId);
        return (
          <div className="card" key={a.attempt} data-testid={`inspector-attempt-${a.attempt}`}>
            <p><strong>attempt {a.attempt}</strong>: {a.action}{a.note ? ` — ${a.note}` : ''}{a.rejectedBy ? <> · rejected by <code>{a.rejectedBy}</code></> : a.verdicts.length ? ' · passed every gate' : ''}</p>
            {a.sample && (
              <div className="kv">
                <span>instruction</span><span data-testid="inspector-instruction">{a.sample.instruction}</span>
                <span>response</span><span data-testid="inspector-response">{a.sample.response}</span>
              </div>
            )}
            {a.generationFailure && <p className="error">no sample: {a.generationFailure.reason}; raw reply “{a.generationFailure.raw.slice(0, 300)}”</p>}
            {a.sample && chunk && <ChunkWithSpan chunk={chunk} sample={a.sample} />}
            {a.sample && !chunk && <p className="error">cites chunk {a.sample.provenance.chunkId}, which is not in the corpus</p>}
            {a.verdicts.length > 0 && (
              <table className="table" data-testid="inspector-verdicts">
                <thead><tr><th>gate</th><th>outcome</th><th>mode</th><th>reason</th><th>calls</th></tr></thead>
                <tbody>
                  {a.verdicts.map((v) => (
                    <tr key={v.gate} data-testid={`verdict-${v.gate}`} data-outcome={v.outcome}>
                      <td>{v.gate}</td><td className={v.outcome === 'reject' ? 'error' : v.outcome === 'pass' ? 'ok' : 'muted'}>{v.outcome}</td>
                      <td>{v.mode ?? ''}</td><td>{v.reason}</td><td>{v.calls}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
          </div>
        );
      })}
    </div>
  );
}

export function SampleInspector({ run, chunks }: { run: PipelineResult; chunks: readonly Chunk[] }) {
  const [selected, setSelected] = useState<string | null>(null);
  const labels = new Map(run.labels.map((l) => [l.sampleId, l]));
  const chunkMap = new Map(chunks.map((c) => [c.id, c]));
  const trace = run.traces.find((t) => t.id === selected);
  return (
    <div className="card" data-testid="sample-inspector">
      <strong>Samples</strong> <span className="muted">click one to inspect it</span>
      <div style={{ maxHeight: 260, overflow: 'auto' }}>
        <table className="table" data-testid="sample-list">
          <thead><tr><th>sample</th><th>status</th><th>first attempt rejected by</th><th>attempts</th><th>injected</th></tr></thead>
          <tbody>
            {run.traces.map((t) => (
              <tr key={t.id} data-testid="sample-row" data-id={t.id} data-status={t.status} data-injected={labels.has(t.id)} data-rejected-by={t.attempts[0]?.rejectedBy ?? ''}
                onClick={() => setSelected(t.id)} style={{ cursor: 'pointer', background: t.id === selected ? '#e3f2fd' : undefined }}>
                <td><code>{t.id.slice(0, 8)}…:{t.generator}</code> {chunkMap.get(t.chunkId)?.heading.split(' > ').pop() ?? ''}</td>
                <td>{t.status}</td><td>{t.attempts[0]?.rejectedBy ?? ''}</td><td>{t.attempts.length}</td>
                <td>{labels.has(t.id) ? 'yes (ground truth)' : ''}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {trace && <TraceDetail trace={trace} chunks={chunkMap} label={labels.get(trace.id)} />}
    </div>
  );
}
