// Models that are not embedded: a local ONNX file from disk, or a Hugging Face hub id (remote only when the user
// ticks "allow remote downloads"; offline it fails at once with a clear message) on the hub URL of the setting
// (the real hub by default; a mirror or the loopback hub otherwise), with download progress and a cancel. Shows
// the provider that ran.
import { useState } from 'react';
import type { LoadedModelInfo } from '../../core/runtime/engineApi';
import { ALLOW_REMOTE_LABEL } from '../../core/runtime/errors';
import { downloadBarLabel, foldDownloadBar, type DownloadBar, type ProgressInfo } from '../../core/runtime/progress';
import { ProgressBar } from '../../viz/ProgressBar';
import { rememberedHubUrl, rememberHubUrl } from '../runtime/hubSetting';
import { cancelQueued, loadHub, loadLocalFile } from '../runtime/runtimeClient';

const describe = (e: unknown) => (e instanceof Error ? `${e.name}: ${e.message}${'remedy' in e ? ` — ${String((e as { remedy: string }).remedy)}` : ''}` : String(e));

export function OtherModelsCard({ onCacheChange }: { onCacheChange: () => void }) {
  const [hubId, setHubId] = useState('Xenova/gpt2');
  const [allowRemote, setAllowRemote] = useState(false);
  const [hubUrl, setHubUrl] = useState(rememberedHubUrl);
  const [progress, setProgress] = useState<DownloadBar>();
  const [result, setResult] = useState<{ ok: true; name: string; info: LoadedModelInfo } | { ok: false; message: string }>();
  const [busy, setBusy] = useState(false);

  const attempt = async (name: string, job: () => Promise<LoadedModelInfo>) => {
    setBusy(true);
    try {
      setResult({ ok: true, name, info: await job() });
    } catch (e) {
      setResult({ ok: false, message: describe(e) });
    } finally {
      setBusy(false);
      setProgress(undefined);
      onCacheChange();
    }
  };

  return (
    <div className="card" data-testid="other-models" data-state={busy ? 'loading' : result && !result.ok ? 'error' : 'ready'}>
      <h2>Other models</h2>
      <div className="toolbar">
        <label className="button">
          Load a local ONNX file
          <input type="file" hidden accept=".onnx" data-testid="local-onnx" onChange={(e) => {
            const f = e.target.files?.[0];
            if (f) void attempt(f.name, async () => loadLocalFile(f.name, new Uint8Array(await f.arrayBuffer())));
          }} />
        </label>
      </div>
      <div className="toolbar">
        <label>Hugging Face model id <input type="text" value={hubId} data-testid="hub-id" onChange={(e) => setHubId(e.target.value)} /></label>
        <label><input type="checkbox" checked={allowRemote} data-testid="allow-remote" onChange={(e) => setAllowRemote(e.target.checked)} /> {ALLOW_REMOTE_LABEL}</label>
        <button disabled={busy || !hubId.trim()} data-testid="load-hub" onClick={() => void attempt(hubId, () => loadHub(hubId.trim(), {
          allowRemote, hubUrl: rememberHubUrl(hubUrl), onProgress: (p: ProgressInfo) => setProgress((bar) => foldDownloadBar(bar, p)),
        }))}>Load from hub</button>
      </div>
      <div className="toolbar">
        <label title="where hub ids are downloaded from: the Hugging Face hub, a mirror, or a loopback hub (npm run hub); remembered in this browser, never in a link">
          hub URL <input type="url" value={hubUrl} data-testid="hub-url" onChange={(e) => setHubUrl(e.target.value)} />
        </label>
      </div>
      {busy && progress && <ProgressBar done={progress.loaded} total={progress.total} label={downloadBarLabel(progress, 'downloading from the hub')} testId="hub-progress" onCancel={() => void cancelQueued()} />}
      {result?.ok && (
        <p data-testid="other-model-result" data-handle={result.info.handle}>
          {result.name}: runs on <strong>{result.info.executionProvider}</strong>; inputs {result.info.inputs.map((i) => `${i.name} ${i.dtype} [${i.dims?.join(', ') ?? '?'}]`).join(', ')}
        </p>
      )}
      {result && !result.ok && <p className="error" role="alert" data-testid="other-model-error">{result.message}</p>}
    </div>
  );
}
