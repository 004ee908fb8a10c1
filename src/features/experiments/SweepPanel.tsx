// Sweeps through the sidecar (issue #24): paste a sweep spec (a module's experiment + grid axes), submit it to the
// sidecar (sidecar/sweeps.ts: BullMQ workers when it was started with SWEEP_REDIS_URL, else its own loop), follow
// the progress aggregated over all workers, cancel, and land every job's run record in history (the runs table
// above lists them). Dead-lettered jobs are listed with their error.
import { useRef, useState } from 'react';
import { historyStore } from '../../app/historyContext';
import { parseRunRecord } from '../../core/experiments/record';
import { DEFAULT_SIDECAR_URL } from '../edits/sidecarClient';

interface Progress { type: 'progress' | 'finished'; total: number; done: number; failed: number; cancelled: boolean }
interface DeadLetter { index: number; title: string; error: string; attempts: number }

const EXAMPLE = JSON.stringify({
  format: 'workbench-sweep', version: 1, title: 'ensembles seeds',
  experiment: { format: 'workbench-experiment', version: 1, module: 'ensembles', specVersion: 1, spec: { pool: { kind: 'demo', datasets: 2, rows: 40 }, strategies: ['best-single', 'avg-uniform'] }, seed: 1 },
  axes: [{ path: 'seed', values: [1, 2, 3, 4] }],
}, null, 2);

export function SweepPanel({ onLanded }: { onLanded: () => void }) {
  const [url, setUrl] = useState(DEFAULT_SIDECAR_URL);
  const [token, setToken] = useState('');
  const [text, setText] = useState(EXAMPLE);
  const [sweepId, setSweepId] = useState<string>();
  const [progress, setProgress] = useState<Progress>();
  const [dead, setDead] = useState<DeadLetter[]>([]);
  const [message, setMessage] = useState<string>();
  const abort = useRef<AbortController | null>(null);

  const call = async (path: string, init: RequestInit = {}) => {
    const res = await fetch(`${url.replace(/\/+$/, '')}${path}`, { ...init, headers: { Authorization: `Bearer ${token}`, ...(init.body ? { 'Content-Type': 'application/json' } : {}) } });
    if (!res.ok) {
      const body = await res.json().catch(() => ({})) as { error?: string; remedy?: string };
      throw new Error(`${body.error ?? res.statusText}${body.remedy ? ` ${body.remedy}` : ''}`);
    }
    return res;
  };

  const land = async (id: string) => {
    const { records, deadLetters } = await (await call(`/api/sweeps/${id}/results`)).json() as { records: { record: unknown }[]; deadLetters: DeadLetter[] };
    const store = historyStore();
    for (const r of records) {
      const record = parseRunRecord(r.record);
      await store.addRecord(record, record.experiment.title ?? `${record.experiment.module} seed ${record.seed}`);
    }
    setDead(deadLetters);
    setMessage(`${records.length} run records saved to history${deadLetters.length ? `, ${deadLetters.length} jobs dead-lettered` : ''}.`);
    onLanded();
  };

  const submit = async () => {
    setMessage(undefined);
    setDead([]);
    setProgress(undefined);
    abort.current?.abort();
    abort.current = new AbortController();
    try {
      const sweep = JSON.parse(text) as unknown;
      const sub = await (await call('/api/sweeps', { method: 'POST', body: JSON.stringify({ sweep }) })).json() as { sweepId: string; total: number; added: number };
      setSweepId(sub.sweepId);
      setMessage(`Sweep ${sub.sweepId}: ${sub.total} jobs, ${sub.added} queued (${sub.total - sub.added} already known).`);
      const res = await call(`/api/sweeps/${sub.sweepId}/events`, { signal: abort.current.signal });
      const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
      let buffered = '';
      let last: Progress | undefined;
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        buffered += value;
        const lines = buffered.split('\n');
        buffered = lines.pop() ?? '';
        for (const line of lines.filter(Boolean)) {
          last = JSON.parse(line) as Progress;
          setProgress(last);
        }
      }
      if (last?.type === 'finished') await land(sub.sweepId);
    } catch (e) {
      if (!abort.current?.signal.aborted) setMessage(e instanceof Error ? e.message : String(e));
    }
  };

  const cancel = async () => {
    if (!sweepId) return;
    try {
      const r = await (await call(`/api/sweeps/${sweepId}/cancel`, { method: 'POST', body: '{}' })).json() as { removed: number; signalled: number };
      setMessage(`Cancel sent: ${r.removed} waiting jobs removed, ${r.signalled} running jobs signalled.`);
    } catch (e) {
      setMessage(e instanceof Error ? e.message : String(e));
    }
  };

  const running = progress !== undefined && progress.type !== 'finished';
  return (
    <section data-testid="sweep-panel">
      <h3>Sweep on the job queue</h3>
      <p className="muted">A module's experiment with grid axes, run by the sidecar (<code>npm run sidecar</code>; with <code>SWEEP_REDIS_URL</code> set, by BullMQ workers: <code>npm run sweep-worker</code>). Every finished job lands here as a run record.</p>
      <div className="toolbar">
        <label>Sidecar <input value={url} onChange={(e) => setUrl(e.target.value)} data-testid="sweep-url" /></label>
        <label>Token <input value={token} onChange={(e) => setToken(e.target.value)} type="password" data-testid="sweep-token" /></label>
      </div>
      <textarea value={text} onChange={(e) => setText(e.target.value)} rows={10} cols={80} spellCheck={false} data-testid="sweep-spec" aria-label="sweep spec (JSON)" />
      <div className="toolbar">
        <button onClick={() => void submit()} disabled={running || !token} data-testid="sweep-submit">Submit sweep</button>
        <button onClick={() => void cancel()} disabled={!running} data-testid="sweep-cancel">Cancel sweep</button>
      </div>
      {progress && (
        <p data-testid="sweep-progress" data-state={progress.type}>
          <progress max={progress.total} value={progress.done + progress.failed} /> {progress.done + progress.failed}/{progress.total} (done {progress.done}, dead-lettered {progress.failed}){progress.cancelled ? ', cancelled' : ''}
        </p>
      )}
      {message && <p role="status" data-testid="sweep-message">{message}</p>}
      {dead.length > 0 && (
        <ul data-testid="sweep-dead-letters">
          {dead.map((d) => <li key={d.index}>{d.title}: {d.error} (after {d.attempts} attempts)</li>)}
        </ul>
      )}
    </section>
  );
}
