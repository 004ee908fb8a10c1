// Checkpoints found in the sidecar's workspace, with an inspector (tensor count, dtypes, parameters, size) and
// buttons that put a path into the job form's fields.
import { useState } from 'react';
import { asSidecarError } from './connection';
import { bytes } from './format';
import type { SidecarClient, SidecarError } from './sidecarClient';
import type { CheckpointEntry, InspectResult } from './sidecarTypes';

export type PathField = 'base' | 'aligned' | 'target';

type Inspected = { status: 'loading'; path: string } | { status: 'ready'; info: InspectResult } | { status: 'error'; error: SidecarError };

export function CheckpointList({ client, checkpoints, onRefresh, onUse, fields }: {
  client: SidecarClient;
  checkpoints: CheckpointEntry[];
  onRefresh: () => void;
  onUse: (field: PathField, path: string) => void;
  fields: { field: PathField; label: string }[];
}) {
  const [inspected, setInspected] = useState<Inspected>();
  const inspect = async (path: string) => {
    setInspected({ status: 'loading', path });
    try {
      setInspected({ status: 'ready', info: await client.inspect(path) });
    } catch (e) {
      setInspected({ status: 'error', error: asSidecarError(e) });
    }
  };
  const dtypes = (info: InspectResult) => {
    const m = new Map<string, number>();
    for (const t of info.tensors) m.set(t.dtype, (m.get(t.dtype) ?? 0) + 1);
    return [...m].map(([d, n]) => `${d} × ${n}`).join(', ');
  };
  return (
    <div className="card" data-testid="checkpoints" data-count={checkpoints.length}>
      <div className="toolbar"><h2>Workspace checkpoints</h2><button onClick={onRefresh} data-testid="checkpoints-refresh">Refresh</button></div>
      {checkpoints.length === 0 && <p className="muted">No checkpoints in the workspace yet (.safetensors files or model folders).</p>}
      {checkpoints.length > 0 && (
        <table className="table">
          <thead><tr><th>path</th><th>kind</th><th>size</th><th>use as</th><th /></tr></thead>
          <tbody>
            {checkpoints.map((c) => (
              <tr key={c.path} data-testid={`checkpoint-${c.path}`}>
                <td><code>{c.path}</code></td>
                <td>{c.kind}</td>
                <td>{bytes(c.bytes)}</td>
                <td>{fields.map((f) => <button key={f.field} onClick={() => onUse(f.field, c.path)}>{f.label}</button>)}</td>
                <td><button onClick={() => void inspect(c.path)} data-testid={`inspect-${c.path}`}>Inspect</button></td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {inspected && (
        <div data-testid="inspect" data-state={inspected.status}>
          {inspected.status === 'loading' && <p className="muted">Reading the header of {inspected.path}…</p>}
          {inspected.status === 'error' && <p className="error" role="alert">{inspected.error.message}</p>}
          {inspected.status === 'ready' && (
            <p data-testid="inspect-summary">
              <code>{inspected.info.path}</code>: {inspected.info.kind}, architecture {inspected.info.arch ?? 'not recognised'},
              {' '}<span data-testid="inspect-tensors">{inspected.info.tensors.length}</span> tensors ({dtypes(inspected.info)}),
              {' '}{inspected.info.params.toLocaleString('en-US')} parameters, {bytes(inspected.info.files.reduce((s, f) => s + f.bytes, 0))} in {inspected.info.files.length} file(s).
            </p>
          )}
        </div>
      )}
    </div>
  );
}
