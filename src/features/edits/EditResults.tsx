// Result of a finished sidecar job, read from its manifest: C-Δθ (parameters touched, per-tensor stats),
// survival (SurvivalView), MANSU (floor counts, survival before/after). The manifest downloads as JSON.
// An edit's warnings (empty circuit, unchanged copy, NaN/±Inf written) come first: the job is `done`, but the
// output is probably not what was meant. An edited folder with onnx/model.onnx says how to load it as a model.
import { downloadFile } from '../../viz/download';
import { bytes, num, pct, share } from './format';
import type { CDeltaManifest, EditManifest, MansuManifest, OnnxOutcome } from './sidecarTypes';
import { SurvivalView } from './SurvivalView';
import { ReproductionNote } from '../../viz/DigestNote';

/** Whether the folder runs in the workbench (its own onnx/model.onnx) and how to load it there, or why it does not. */
function OnnxNote({ onnx, path }: { onnx?: OnnxOutcome; path: string }) {
  if (!onnx) return null;
  if (!onnx.written) return <p className="muted" data-testid="edit-onnx" data-written="false">No ONNX decoder in this folder, so the workbench cannot run it: {onnx.reason}</p>;
  // The loopback hub serves `--root DIR` as DIR/<owner>/<name>: a two-part output path is its own hub id.
  const parts = path.split('/');
  const id = parts.length === 2 ? path : `edited/${parts[parts.length - 1]}`;
  const serve = parts.length === 2 ? '--root WORKSPACE' : `--mount ${id}=WORKSPACE/${path}`;
  return (
    <p data-testid="edit-onnx" data-written="true">
      <code>{onnx.file}</code> holds the edited weights ({onnx.family}, {onnx.dtype}): the folder is a model. Serve it with
      {' '}<code data-testid="edit-onnx-serve">npm run hub -- {serve}</code> and load <code data-testid="edit-onnx-id">{id}</code> by hub id (ALIGNBEAM
      {' '}pair card or Models page; hub URL = the loopback hub's, remote downloads allowed).
    </p>
  );
}

function CDeltaResult({ m, onSurvival }: { m: CDeltaManifest; onSurvival: () => void }) {
  return (
    <>
      <p data-testid="cdelta-summary">
        Mask ({m.mask.arch.family}, {m.mask.arch.nHeads} heads of {m.mask.arch.headDim}{m.mask.arch.nKvHeads !== m.mask.arch.nHeads ? ` over ${m.mask.arch.nKvHeads} KV heads` : ''}: heads {m.mask.heads.join(', ') || 'none'}; MLPs {m.mask.mlps.join(', ') || 'none'}) covers {m.mask.paramsMasked.toLocaleString('en-US')} of
        {' '}{m.mask.paramsTotal.toLocaleString('en-US')} parameters (<span data-testid="cdelta-percent-masked">{pct(m.mask.percentMasked)}</span>) in {m.mask.tensorsTouched} tensors;
        {' '}at s = {m.strength}, <strong data-testid="cdelta-params-changed">{m.paramsChanged.toLocaleString('en-US')}</strong> parameters changed ({pct(m.percentChanged)} of the total).
      </p>
      <p>Output <code data-testid="cdelta-output">{m.output.path}</code>: {m.output.files.map((f) => `${f.name} (${bytes(f.bytes)}, sha256 ${f.sha256.slice(0, 12)}…)`).join('; ')}.
        {' '}<button data-testid="cdelta-to-survival" onClick={onSurvival}>Analyse its NF4/FP4 survival</button></p>
      <OnnxNote onnx={m.onnx} path={m.output.path} />
      <table className="table" data-testid="cdelta-tensors">
        <thead><tr><th>tensor</th><th>params</th><th>masked</th><th>changed</th><th>changed / masked</th><th>mean |Δ|</th><th>RMS Δ</th><th>max |Δ|</th></tr></thead>
        <tbody>
          {m.tensors.map((t) => (
            <tr key={t.name}>
              <td><code>{t.name}</code></td><td>{t.params}</td><td>{t.masked}</td><td>{t.changed}</td><td>{share(t.changed, t.masked)}</td>
              <td>{t.changed ? num(t.sumAbs / t.changed) : '—'}</td><td>{t.changed ? num(Math.sqrt(t.sumSq / t.changed)) : '—'}</td><td>{num(t.maxAbs)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}

function MansuResult({ m }: { m: MansuManifest }) {
  const f = m.overall.floor;
  const tensors = (after: boolean) => m.tensors.map((t) => ({ name: t.name, ...(after ? t.survivalAfter : t.survivalBefore) }));
  return (
    <>
      <p data-testid="mansu-summary">
        Output <code>{m.output.path}</code>. Magnitude floor: {f.kept} updates already crossed a threshold, {f.floored} were enlarged,
        {' '}{f.saturated} sat at the extreme code, {f.failed} could not be made to survive.
      </p>
      <OnnxNote onnx={m.onnx} path={m.output.path} />
      <h3>Before (raw edit)</h3>
      <SurvivalView overall={m.overall.before} tensors={tensors(false)} lowerEdges={m.ratioBinLowerEdges} quant={m.quant} testId="mansu-before" />
      <h3>After (MANSU output)</h3>
      <SurvivalView overall={m.overall.after} tensors={tensors(true)} lowerEdges={m.ratioBinLowerEdges} quant={m.quant} testId="mansu-after" />
    </>
  );
}

export function EditResults({ manifest, jobId, digest, expectedDigest, onSurvival }: {
  manifest: EditManifest;
  jobId: string;
  digest: string;
  expectedDigest?: string;
  onSurvival: () => void;
}) {
  const name = manifest.kind === 'survival' ? 'survival-report' : `${manifest.kind}-manifest`;
  return (
    <div className="card" data-testid="edits-result" data-kind={manifest.kind}>
      <div className="toolbar">
        <h2>Result</h2>
        <button data-testid="manifest-download" onClick={() => downloadFile(JSON.stringify(manifest, null, 2), `${name}-${jobId}.json`, 'application/json')}>Download manifest (JSON)</button>
      </div>
      <ReproductionNote digest={digest} expected={expectedDigest} />
      {manifest.kind !== 'survival' && manifest.warnings && manifest.warnings.length > 0 && (
        <ul className="error" data-testid="edit-warnings">
          {manifest.warnings.map((w, i) => <li key={i}>{w}</li>)}
        </ul>
      )}
      {manifest.kind === 'c-delta-theta' && <CDeltaResult m={manifest} onSurvival={onSurvival} />}
      {manifest.kind === 'survival' && (
        <SurvivalView overall={manifest.overall} tensors={manifest.tensors} lowerEdges={manifest.ratioBinLowerEdges} quant={manifest.quant} testId="survival" />
      )}
      {manifest.kind === 'mansu' && <MansuResult m={manifest} />}
      <p className="muted" data-testid="result-digest">result digest {digest}</p>
    </div>
  );
}
