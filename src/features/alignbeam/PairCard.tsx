// The model pair: cross-vocabulary (target + anchor, bridged) or same-vocabulary (target + anchor-same), and the
// model behind each role: an embedded id or a hub id ("org/name", fetched through the runtime only when remote
// models are allowed; offline the runtime's RemoteDisabledError is shown here with its remedy). The "allow remote
// downloads" box and the hub URL (the Models page's setting, remembered in this browser) reach the worker's
// configureHub before each pair load; neither goes into a share link. The dtype select picks the ONNX variant hub ids
// and folder URLs load (auto | fp32 | fp16 | q8 | q4 | q4f16; it travels in the pair spec to the loader), and each
// model's line shows the dtype whose file actually loaded.
import { useState } from 'react';
import type { PairInfo } from '../../core/alignbeam/types';
import { ALLOW_REMOTE_LABEL } from '../../core/runtime/errors';
import type { AlignbeamSpec } from '../../state/specs/alignbeam';
import type { SessionBackendInfo } from '../../../workers/alignbeamUi';
import { pairKeyOf, type HubSettings, type PairState } from './useAlignbeamEngine';

const ROLES = [
  { key: 'target', label: 'target (domain specialist)' },
  { key: 'anchor', label: 'anchor (safe, other vocabulary)' },
  { key: 'anchorSame', label: 'anchor-same (safe, target vocabulary)' },
  { key: 'judge', label: 'judge' },
] as const;

// forge v3 (the defaults) and forge v4 (Llama family, corpus v4: issue #19), all listed in models/manifest.json
const EMBEDDED = ['target', 'anchor', 'anchor-same', 'judge', 'target-v4', 'anchor-v4', 'judge-v4', 'anchor-v5', 'anchor-same-v6'];

/** The transformers.js dtypes offered (the ones onnx-community exports ship); auto resolves per backend. */
const DTYPE_CHOICES: readonly HubSettings['dtype'][] = ['auto', 'fp32', 'fp16', 'q8', 'q4', 'q4f16'];

/** Text committed on blur / Enter: a half-typed hub id must not trigger a load. */
function ModelIdInput({ value, onChange, testId }: { value: string; onChange: (v: string) => void; testId: string }) {
  const [text, setText] = useState<string | null>(null);
  const commit = () => {
    if (text !== null && text.trim() !== '' && text.trim() !== value) onChange(text.trim().slice(0, 200));
    setText(null);
  };
  return (
    <input type="text" list="alignbeam-embedded-models" value={text ?? value} data-testid={testId} style={{ width: 200 }}
      onChange={(e) => setText(e.target.value)} onBlur={commit} onKeyDown={(e) => { if (e.key === 'Enter') commit(); }} />
  );
}

function Sessions({ sessions }: { sessions: SessionBackendInfo[] }) {
  return (
    <p className="muted" data-testid="pair-backends">
      {sessions.map((s) => {
        const last = s.fallbacks[s.fallbacks.length - 1];
        const skipped = s.choice?.skipped[0];
        return <span key={s.file} data-ep={s.executionProvider} style={{ marginRight: 12 }}>{s.file.replace(/\/onnx\/model\.onnx$/, '')}: <strong>{s.executionProvider}</strong>{last ? ` (fell back from ${last.from}: ${last.reason})` : skipped ? ` (${skipped.provider} skipped: ${skipped.reason})` : ''}</span>;
      })}
    </p>
  );
}

function InfoLine({ info }: { info: PairInfo }) {
  const m = (x: PairInfo['target']) => `${x.ref}: ${x.vocabSize} tokens, ${x.convention}, context ${x.nPositions}, ${x.dtype} ONNX${x.hasChatTemplate ? '' : ', no chat template'}`;
  return (
    <div data-testid="pair-info">
      <ul className="muted" style={{ margin: '4px 0' }}>
        <li>{m(info.target)}</li>
        <li>{m(info.anchor)}</li>
        {info.anchorSame && <li>{m(info.anchorSame)}</li>}
        <li>{m(info.judge)}</li>
      </ul>
      <p data-testid="pair-vocab">{info.sameVocab ? 'Same vocabulary: the identity bridge applies (SafeDecoding-like mixing).' : 'Different vocabularies: anchor tokens are translated through the bridge.'}</p>
      {info.warnings.map((w) => <p key={w} className="muted" data-testid="pair-warning">⚠ {w}</p>)}
    </div>
  );
}

export function PairCard({ spec, set, pair, hub, setHub, onLoad, disabled }: {
  spec: AlignbeamSpec; set: (patch: Partial<AlignbeamSpec>) => void; pair: PairState; hub: HubSettings; setHub: (patch: Partial<HubSettings>) => void;
  onLoad: () => void; disabled: boolean;
}) {
  const stale = pair.status !== 'none' && pair.key !== pairKeyOf(spec, hub.dtype);
  return (
    <div className="card" data-testid="pair-card" data-state={pair.status === 'loading' ? 'loading' : pair.status === 'error' ? 'error' : 'ready'}>
      <h2>Model pair</h2>
      <datalist id="alignbeam-embedded-models">{EMBEDDED.map((id) => <option key={id} value={id} />)}</datalist>
      <fieldset disabled={disabled} style={{ border: 'none', padding: 0, margin: 0 }}>
        <div className="toolbar">
          <label><input type="radio" name="alignbeam-pair" data-testid="pair-cross" checked={spec.pair === 'cross'} onChange={() => set({ pair: 'cross' })} /> cross-vocabulary: target + anchor</label>
          <label><input type="radio" name="alignbeam-pair" data-testid="pair-same" checked={spec.pair === 'same'} onChange={() => set({ pair: 'same' })} /> same vocabulary: target + anchor-same</label>
        </div>
        <div className="toolbar">
          {ROLES.map((r) => (
            <label key={r.key}>{r.label} <ModelIdInput value={spec.models[r.key]} testId={`model-${r.key}`} onChange={(v) => set({ models: { ...spec.models, [r.key]: v } })} /></label>
          ))}
          <label title="execution provider for the models; changing it reloads them in a fresh worker">backend <select value={spec.backend} data-testid="backend" onChange={(e) => set({ backend: e.target.value as AlignbeamSpec['backend'] })}>
            <option value="auto">auto (WebGPU, else WASM)</option>
            <option value="webgpu">WebGPU first</option>
            <option value="wasm">WASM only</option>
          </select></label>
          <button data-testid="pair-load" onClick={onLoad}>Load pair</button>
        </div>
        <div className="toolbar">
          <label><input type="checkbox" checked={hub.allowRemote} data-testid="pair-allow-remote" onChange={(e) => setHub({ allowRemote: e.target.checked })} /> {ALLOW_REMOTE_LABEL}</label>
          <label title="where hub ids are downloaded from: the Hugging Face hub, a mirror, or a loopback hub (npm run hub); remembered in this browser, never in a link">
            hub URL <input type="url" value={hub.hubUrl} data-testid="pair-hub-url" style={{ width: 260 }} onChange={(e) => setHub({ hubUrl: e.target.value })} />
          </label>
          <label title="which ONNX file hub ids and folder URLs load (transformers.js dtype names); auto = q8 on WASM, fp32 on WebGPU, else the first variant the repo has; embedded models have one file">
            dtype <select value={hub.dtype} data-testid="pair-dtype" onChange={(e) => setHub({ dtype: e.target.value as HubSettings['dtype'] })}>
              {DTYPE_CHOICES.map((d) => <option key={d} value={d}>{d}</option>)}
            </select>
          </label>
        </div>
      </fieldset>
      <p className="muted">Embedded ids: {EMBEDDED.join(', ')}. A hub id (<code>org/name</code>: an onnx-community style export of gpt2, llama, mistral, qwen2, qwen3, gemma2, gemma3 or phi3) is fetched from the hub URL only when remote downloads are allowed.</p>
      {stale && pair.status !== 'loading' && <p className="muted" data-testid="pair-stale">The pair changed: it loads on the next run (or press Load pair).</p>}
      {pair.status === 'loading' && <p data-testid="pair-loading">Loading: {pair.stage} ({Math.round(pair.fraction * 100)} %)</p>}
      {pair.status === 'ready' && !stale && <><InfoLine info={pair.info} /><Sessions sessions={pair.sessions} /></>}
      {pair.status === 'error' && !stale && <p className="error" role="alert" data-testid="pair-error">{pair.message}</p>}
    </div>
  );
}
