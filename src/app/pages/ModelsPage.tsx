// Models & runtime: the embedded models of models/manifest.json, loaded in the engine worker with progress, the
// execution provider that really ran and every fallback with its reason, the browser cache, and diagnostics
// (WebGPU vs WASM parity, per-call latency of WASM ×1 / ×2 threads and WebGPU).
import { useCallback, useEffect, useState } from 'react';
import type { LoadedModelInfo } from '../../core/runtime/engineApi';
import type { ProgressInfo } from '../../core/runtime/progress';
import type { Manifest } from '../../core/runtime/registry';
import type { BackendPreference } from '../../core/runtime/session';
import { ProgressBar } from '../../viz/ProgressBar';
import { cachedFiles, compareProviders, deleteCached, killEngine, listModels, loadEmbedded, measureLatency, type LatencyResult, type ParityResult } from '../runtime/runtimeClient';
import { OtherModelsCard } from './OtherModelsCard';

const kb = (n: number) => (n > 1e6 ? `${(n / 1e6).toFixed(2)} MB` : `${(n / 1e3).toFixed(1)} kB`);
const message = (e: unknown) => (e instanceof Error ? `${e.message}${'remedy' in e ? ` — ${String((e as { remedy: string }).remedy)}` : ''}` : String(e));

export function ModelsPage() {
  const [manifest, setManifest] = useState<Manifest>();
  const [cached, setCached] = useState<string[]>([]);
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState<string>();
  const [progress, setProgress] = useState<{ loaded: number; total: number; file: string }>();
  const [loaded, setLoaded] = useState<Record<string, LoadedModelInfo>>({});
  const [simulate, setSimulate] = useState<'' | 'create' | 'run'>('');
  const [backend, setBackend] = useState<BackendPreference>('auto');
  const [parity, setParity] = useState<Record<string, ParityResult>>({});
  const [latency, setLatency] = useState<Record<string, LatencyResult[]>>({});

  const refreshCache = useCallback(async () => setCached(await cachedFiles().catch(() => [])), []);
  useEffect(() => {
    listModels().then(setManifest, (e: unknown) => setError(message(e)));
    void refreshCache();
  }, [refreshCache]);

  const guarded = async (label: string, job: () => Promise<void>) => {
    setBusy(label);
    setError(undefined);
    try {
      await job();
    } catch (e) {
      setError(message(e));
    } finally {
      setBusy(undefined);
      setProgress(undefined);
      void refreshCache();
    }
  };

  const onProgress = (p: ProgressInfo) => { if (p.status === 'total') setProgress({ loaded: p.loaded, total: p.total, file: '' }); };
  const load = (id: string) => guarded(`loading ${id}`, async () => {
    const { info } = await loadEmbedded(id, { backend, ...(simulate ? { simulateWebGpuFailure: simulate } : {}) }, onProgress);
    setLoaded((l) => ({ ...l, [id]: info }));
  });
  const checkParity = (id: string) => guarded(`comparing providers on ${id}`, async () => {
    const r = await compareProviders(id);
    setParity((p) => ({ ...p, [id]: r }));
  });
  const bench = (id: string) => guarded(`timing ${id}`, async () => {
    const results = [await measureLatency(id, 'wasm', 1), await measureLatency(id, 'wasm', 2), await measureLatency(id, 'webgpu', 1, 5)];
    setLatency((l) => ({ ...l, [id]: results }));
  });

  if (error && !manifest) return <section data-testid="page-models" data-state="error" className="card error" role="alert">{error}</section>;
  if (!manifest) return <section data-testid="page-models" data-state="loading">Reading models/manifest.json…</section>;
  return (
    <section data-testid="page-models" data-state={busy ? 'loading' : 'ready'}>
      <h1>Models &amp; runtime</h1>
      <div className="toolbar">
        <label title="auto skips a software (fallback) WebGPU adapter and times WebGPU against WASM where it cannot tell">backend <select value={backend} data-testid="models-backend" onChange={(e) => setBackend(e.target.value as BackendPreference)}>
          <option value="auto">auto</option><option value="webgpu">webgpu</option><option value="wasm">wasm</option>
        </select></label>
        <label>simulate a WebGPU failure <select value={simulate} data-testid="simulate-failure" onChange={(e) => setSimulate(e.target.value as typeof simulate)}>
          <option value="">no</option><option value="create">at session creation</option><option value="run">during the first run (device lost)</option>
        </select></label>
        {busy && <span data-testid="busy">{busy}…</span>}
        {busy && <button data-testid="stop-engine" onClick={() => { killEngine(); setBusy(undefined); setError('Stopped: the engine worker was terminated and will restart on the next call.'); }}>Stop engine</button>}
        <button data-testid="delete-cache" onClick={() => void deleteCached().then(refreshCache)}>Delete all cached files ({cached.length})</button>
      </div>
      {progress && <ProgressBar done={progress.loaded} total={progress.total} label="downloading model files" testId="load-progress" />}
      {error && <p className="error" role="alert" data-testid="models-error">{error}</p>}
      <table className="table" data-testid="models-table">
        <thead><tr><th>model</th><th>family</th><th>size</th><th>cached</th><th>loaded on</th><th>diagnostics</th><th /></tr></thead>
        <tbody>
          {manifest.models.map((m) => {
            const size = m.files.reduce((a, f) => a + f.size, 0);
            const info = loaded[m.id];
            const isCached = m.files.some((f) => cached.some((c) => c.endsWith(`/models/${m.id}/${f.path}`)));
            return (
              <tr key={m.id} data-testid={`model-${m.id}`}>
                <td title={String(m.description ?? '')}>{m.id}</td>
                <td>{m.family}</td>
                <td>{kb(size)}</td>
                <td data-testid={`cached-${m.id}`}>{isCached ? 'yes' : 'no'}</td>
                <td data-testid={`ep-${m.id}`}>
                  {info ? info.executionProvider : '—'}
                  {info?.choice && <div className="muted" data-testid={`choice-${m.id}`}>{info.choice.reason}</div>}
                  {info?.fallbacks.map((f, i) => <div key={i} className="muted" data-testid={`fallback-${m.id}`}>fell back {f.from} → {f.to ?? 'none'} at {f.when}: {f.code}</div>)}
                </td>
                <td>
                  {parity[m.id] && <div data-testid={`parity-${m.id}`}>WebGPU vs WASM max |Δ| = {parity[m.id].maxAbsDiff.toExponential(2)} ({parity[m.id].webgpu} / {parity[m.id].wasm})</div>}
                  {latency[m.id]?.map((r) => <div key={r.config} data-testid={`latency-${m.id}`}>{r.config}: {r.medianMs.toFixed(2)} ms (ran on {r.provider})</div>)}
                </td>
                <td className="toolbar">
                  <button disabled={Boolean(busy)} onClick={() => void load(m.id)} data-testid={`load-${m.id}`}>Load</button>
                  <button disabled={Boolean(busy) || !m.files.some((f) => f.path === 'onnx/model.onnx')} onClick={() => void checkParity(m.id)} data-testid={`parity-run-${m.id}`}>WebGPU vs WASM</button>
                  <button disabled={Boolean(busy)} onClick={() => void bench(m.id)} data-testid={`latency-run-${m.id}`}>Latency</button>
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
      <OtherModelsCard onCacheChange={() => void refreshCache()} />
      <p className="muted">Files are verified against the sha256 in models/manifest.json and kept in the browser's Cache API. Under auto, WebGPU is used only for a hardware adapter that times faster than WASM (a software fallback adapter such as SwiftShader is skipped); any fallback is listed with its reason.</p>
    </section>
  );
}
