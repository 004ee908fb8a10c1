// What this browser can run: the WebGPU adapter (or the exact reason there is none), WASM threads, cores, storage.
import { useEffect, useState } from 'react';
import { resolveProviders } from '../../core/runtime/backendChoice';
import type { Capabilities } from '../../core/runtime/capabilities';
import { capabilities } from '../probeBackend';

const yesNo = (b: boolean) => (b ? 'yes' : 'no');
const mb = (n: number) => `${(n / 1e6).toFixed(1)} MB`;

export function CapabilitiesPage() {
  const [caps, setCaps] = useState<Capabilities>();
  const [error, setError] = useState<string>();
  useEffect(() => {
    capabilities().then(setCaps, (e: unknown) => setError(e instanceof Error ? e.message : String(e)));
  }, []);

  if (error) return <section data-testid="page-capabilities" data-state="error" className="card error">Probe failed: {error}</section>;
  if (!caps) return <section data-testid="page-capabilities" data-state="loading">Probing…</section>;
  const { webgpu, wasm, storage } = caps;
  return (
    <section data-testid="page-capabilities" data-state="ready">
      <h1>Capabilities</h1>
      <div className="grid2">
        <div className="card">
          <h2>WebGPU</h2>
          <dl className="kv">
            <dt>adapter</dt><dd data-testid="webgpu-available">{yesNo(webgpu.available)}</dd>
            {webgpu.available ? (
              <>
                <dt>vendor</dt><dd data-testid="webgpu-vendor">{webgpu.vendor || '—'}</dd>
                <dt>architecture</dt><dd data-testid="webgpu-architecture">{webgpu.architecture || '—'}</dd>
                <dt>description</dt><dd>{webgpu.description || '—'}</dd>
                <dt>fallback adapter</dt><dd data-testid="webgpu-fallback">{yesNo(webgpu.isFallbackAdapter)}</dd>
                <dt>dtype</dt><dd data-testid="webgpu-dtype">{webgpu.dtype} (shader-f16: {yesNo(webgpu.shaderF16)})</dd>
                <dt>features</dt><dd>{webgpu.features.join(', ') || 'none'}</dd>
                {Object.entries(webgpu.limits).map(([k, v]) => (
                  <FragmentRow key={k} k={k} v={String(v)} />
                ))}
              </>
            ) : (
              <><dt>reason</dt><dd data-testid="webgpu-reason">{webgpu.reason}</dd></>
            )}
          </dl>
        </div>
        <div className="card">
          <h2>WASM</h2>
          <dl className="kv">
            <dt>WebAssembly</dt><dd>{yesNo(wasm.available)}</dd>
            <dt>cross-origin isolated</dt><dd data-testid="cross-origin-isolated">{yesNo(wasm.crossOriginIsolated)}</dd>
            <dt>SharedArrayBuffer</dt><dd data-testid="shared-array-buffer">{yesNo(wasm.sharedArrayBuffer)}</dd>
            <dt>threads</dt><dd data-testid="wasm-threads">{wasm.threads ? `${wasm.recommendedThreads}` : `1 (${wasm.reason})`}</dd>
            <dt>hardware concurrency</dt><dd data-testid="hardware-concurrency">{wasm.hardwareConcurrency}</dd>
          </dl>
          <h2>Storage</h2>
          <dl className="kv">
            {'unavailable' in storage ? (
              <><dt>estimate</dt><dd>{storage.unavailable}</dd></>
            ) : (
              <><dt>used</dt><dd data-testid="storage-usage">{mb(storage.usage)}</dd><dt>quota</dt><dd data-testid="storage-quota">{mb(storage.quota)}</dd></>
            )}
          </dl>
          <p className="muted">Engines try under auto: {caps.providers.join(' → ') || 'nothing runnable'}</p>
          <p className="muted" data-testid="auto-choice">{resolveProviders('auto', caps).reason}</p>
        </div>
      </div>
    </section>
  );
}

function FragmentRow({ k, v }: { k: string; v: string }) {
  return (<><dt>{k}</dt><dd>{v}</dd></>);
}
