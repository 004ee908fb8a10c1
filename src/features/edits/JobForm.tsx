// Job form: the edits spec's fields for the chosen job (roles per job in src/state/specs/edits.ts), start,
// progress from the sidecar's NDJSON stream, and cancel.
import type { EditsSpec } from '../../state/specs/edits';
import { EDIT_BLOCK_SIZES } from '../../state/specs/edits';
import { ProgressBar } from '../../viz/ProgressBar';
import { JOB_LABELS, jobRequest } from './requests';
import type { JobRun } from './useEditsJob';

function PathInput({ label, value, onChange, testId, placeholder }: { label: string; value: string; onChange: (v: string) => void; testId: string; placeholder?: string }) {
  return <label>{label} <input size={26} value={value} placeholder={placeholder} data-testid={testId} onChange={(e) => onChange(e.target.value)} /></label>;
}

export function JobForm({ spec, set, run, connected, onStart, onCancel }: {
  spec: EditsSpec;
  set: (patch: Partial<EditsSpec>) => void;
  run: JobRun;
  connected: boolean;
  onStart: () => void;
  onCancel: () => void;
}) {
  const req = jobRequest(spec);
  const running = run.status === 'running';
  const quant = (
    <>
      <label>format <select value={spec.quant} data-testid="edits-quant" onChange={(e) => set({ quant: e.target.value as EditsSpec['quant'] })}>
        <option value="nf4">NF4</option><option value="fp4">FP4</option>
      </select></label>
      <label>block size <select value={spec.blockSize} data-testid="edits-blocksize" onChange={(e) => set({ blockSize: Number(e.target.value) })}>
        {EDIT_BLOCK_SIZES.map((b) => <option key={b} value={b}>{b}</option>)}
      </select></label>
    </>
  );
  return (
    <div className="card" data-testid="edits-job">
      <h2>Job</h2>
      <div className="toolbar">
        {(Object.keys(JOB_LABELS) as EditsSpec['job'][]).map((j) => (
          <label key={j}><input type="radio" name="edits-job" checked={spec.job === j} data-testid={`edits-job-${j}`} onChange={() => set({ job: j })} /> {JOB_LABELS[j]}</label>
        ))}
      </div>
      {spec.job === 'cdtheta' && (
        <>
          <p className="muted">W_out[mask] = W_target[mask] + s·(W_aligned − W_base)[mask]; W_target elsewhere. The output is a new model folder.</p>
          <div className="toolbar">
            <PathInput label="base" value={spec.base} testId="edits-base" onChange={(base) => set({ base })} />
            <PathInput label="aligned" value={spec.aligned} testId="edits-aligned" onChange={(aligned) => set({ aligned })} />
            <PathInput label="target" value={spec.target} testId="edits-target" placeholder="(defaults to base)" onChange={(target) => set({ target })} />
          </div>
          <div className="toolbar">
            <PathInput label="circuit JSON" value={spec.circuit} testId="edits-circuit" placeholder="circuits/refusal.json" onChange={(circuit) => set({ circuit })} />
            <label>strength s <input type="number" step={0.1} min={-8} max={8} value={spec.strength} data-testid="edits-strength" onChange={(e) => set({ strength: Number(e.target.value) })} /></label>
            <PathInput label="output folder" value={spec.output} testId="edits-output" placeholder="out/edited" onChange={(output) => set({ output })} />
          </div>
        </>
      )}
      {spec.job === 'survival' && (
        <>
          <p className="muted">Which changed parameters still change after 4-bit quantization (each side quantized with its own block absmax, as bitsandbytes does).</p>
          <div className="toolbar">
            <PathInput label="before (base)" value={spec.base} testId="edits-base" onChange={(base) => set({ base })} />
            <PathInput label="after (edited)" value={spec.target} testId="edits-target" onChange={(target) => set({ target })} />
            {quant}
            <PathInput label="report (.json)" value={spec.output} testId="edits-output" placeholder="reports/survival.json" onChange={(output) => set({ output })} />
          </div>
        </>
      )}
      {spec.job === 'mansu' && (
        <>
          <p className="muted">Update Δ = edited − base, restricted to the circuit (optional), then each non-zero Δ enlarged past the nearest 4-bit decision threshold so it survives quantization.</p>
          <div className="toolbar">
            <PathInput label="base" value={spec.base} testId="edits-base" onChange={(base) => set({ base })} />
            <PathInput label="edited (unlearned)" value={spec.target} testId="edits-target" onChange={(target) => set({ target })} />
            <PathInput label="circuit JSON" value={spec.circuit} testId="edits-circuit" placeholder="(optional)" onChange={(circuit) => set({ circuit })} />
          </div>
          <div className="toolbar">
            {quant}
            <PathInput label="output folder" value={spec.output} testId="edits-output" placeholder="out/mansu" onChange={(output) => set({ output })} />
          </div>
        </>
      )}
      <div className="toolbar">
        <button data-testid="edits-start" disabled={running || !req.ok || !connected} onClick={onStart}>Start {JOB_LABELS[spec.job]}</button>
        {!connected && <span className="muted">Connect to the sidecar first.</span>}
        {!req.ok && <span className="muted" data-testid="edits-missing">Missing: {req.missing}.</span>}
        {running && (
          <ProgressBar done={run.fraction} total={1} label={`${run.phase}${run.jobId ? ` (job ${run.jobId})` : ''}`} onCancel={run.jobId ? onCancel : undefined} testId="edits-progress" />
        )}
        {run.status === 'done' && <span className="ok" data-testid="edits-done">Job {run.jobId} done (100 %).</span>}
        {run.status === 'cancelled' && <span data-testid="edits-cancelled">Cancelled; nothing was written.</span>}
      </div>
      {run.status === 'error' && <p className="error" role="alert" data-testid="edits-error">{run.error.message}</p>}
    </div>
  );
}
