// Result of a C-Δθ-with-behaviour run (src/core/edits/unlearn/api.ts CDeltaJobResult): the selectivity matrix
// (rows: each harm topic's refusal rate — the targeted topic highlighted —, benign over-refusal, task accuracy;
// columns: target, the aligned copy, C-Δθ at each strength, each also after NF4) with every column's deltas vs
// target and its share of parameters touched; the circuit (EAP-IG Graph JSON to download); the edited checkpoint
// at a chosen strength (safetensors + config.json + the run's manifest). Pure props → view.
import { useState } from 'react';
import { downloadFile } from '../../viz/download';
import { cdeltaBaseName } from './cdeltaRequest';
import { bytes, share } from './format';
import type { CDeltaRunView } from './useCDeltaEngine';

const ratePct = (v: number) => (Number.isFinite(v) ? `${(100 * v).toFixed(0)} %` : '—');
const delta = (v: number) => (Number.isFinite(v) ? `${v > 0 ? '+' : v < 0 ? '−' : '±'}${Math.abs(100 * v).toFixed(0)}` : '—');

export function CDeltaResult({ view }: { view: CDeltaRunView }) {
  const r = view.result;
  const rep = r.report;
  const m = rep.matrix;
  const req = r.request;
  const [strength, setStrength] = useState(req.strengths[0]);
  const ckpt = r.checkpoints.find((c) => c.strength === strength) ?? r.checkpoints[0];
  const name = cdeltaBaseName(req);
  const deltas = new Map(m.deltas.map((d) => [d.column, d]));
  const topics = m.rows.length - 2;
  const ft = rep.fineTune;
  const last = ft.metrics.at(-1);
  return (
    <div className="card" data-testid="cdelta-result" data-topic={m.targetTopic} data-columns={m.columns.length}>
      <h3>C-Δθ on {r.model.id}: refusing “{m.targetTopic}”</h3>
      <p data-testid="cdelta-summary">
        Aligned copy: {ft.steps} refusal_sft steps (batch {req.batchSize}, lr {req.lr}, seed {req.seed}) in {rep.seconds.fineTune.toFixed(1)} s
        {last ? `; held-out refusal NLL ${last.forgetNll.toFixed(3)}, retain NLL ${last.retainNll.toFixed(3)}` : ''}.
        Circuit: {rep.seconds.circuit.toFixed(1)} s; selectivity: {rep.seconds.evaluate.toFixed(1)} s
        ({rep.prompts.perTopic} prompts per harm topic, {rep.prompts.benign} benign, {rep.prompts.tasks} tasks, {rep.prompts.maxNewTokens} new tokens, greedy).
      </p>
      <div style={{ overflowX: 'auto' }}>
        <table data-testid="cdelta-matrix">
          <thead>
            <tr><th>row</th>{m.columns.map((c) => <th key={c} data-testid={`cdelta-col-${c}`}>{c}</th>)}</tr>
          </thead>
          <tbody>
            {m.rows.map((row, i) => {
              const targeted = row.row === m.targetTopic;
              return (
                <tr key={row.row} data-testid={`cdelta-row-${row.row}`} data-targeted={targeted} style={targeted ? { background: '#fff4d6', fontWeight: 600 } : undefined}>
                  <td>{i < topics ? `refusal: ${row.row}${targeted ? ' (targeted)' : ''}` : row.row}</td>
                  {row.values.map((v, k) => <td key={m.columns[k]}>{ratePct(v)}</td>)}
                </tr>
              );
            })}
          </tbody>
          <tbody data-testid="cdelta-deltas">
            <tr><td colSpan={m.columns.length + 1} className="muted">Δ vs {m.reference} (percentage points)</td></tr>
            <tr><td>targeted topic</td>{m.columns.map((c) => <td key={c}>{delta(deltas.get(c)!.targeted)}</td>)}</tr>
            <tr><td>other topics, largest |Δ|</td>{m.columns.map((c) => <td key={c}>{delta(deltas.get(c)!.otherMaxAbs)}{deltas.get(c)!.otherMaxAbsTopic && deltas.get(c)!.otherMaxAbs ? ` (${deltas.get(c)!.otherMaxAbsTopic})` : ''}</td>)}</tr>
            <tr><td>benign over-refusal</td>{m.columns.map((c) => <td key={c}>{delta(deltas.get(c)!.benign)}</td>)}</tr>
            <tr><td>task accuracy</td>{m.columns.map((c) => <td key={c}>{delta(deltas.get(c)!.task)}</td>)}</tr>
            <tr data-testid="cdelta-selective"><td title={`targeted ≥ +${100 * m.criteria.minGain}, others / benign within ±${100 * m.criteria.tolerance}, task ≥ −${100 * m.criteria.tolerance}`}>selective</td>
              {m.columns.map((c) => <td key={c}>{deltas.get(c)!.selective ? 'yes' : 'no'}</td>)}</tr>
            <tr data-testid="cdelta-touched"><td>parameters touched</td>
              {rep.columns.map((c) => <td key={c.name}>{c.changed === null ? '—' : share(c.changed, c.total, 2)}</td>)}</tr>
          </tbody>
        </table>
      </div>
      <p className="muted">
        Parameters touched: elements differing from the target&apos;s at full precision (NF4 columns: the same edit before quantization). The circuit&apos;s
        mask covers <span data-testid="cdelta-mask-share">{share(rep.circuit.masked, rep.circuit.total, 2)}</span> of the parameters.
      </p>
      <h4>Circuit (EAP-IG on the aligned copy, {rep.circuit.pairs} pairs)</h4>
      <p data-testid="cdelta-circuit">
        {req.cut.mode === 'topn' ? `top ${req.cut.edges} edges by |score|` : `nodes under a ${req.cut.percent} % parameter budget`}: {rep.circuit.edges} edges;
        heads {rep.circuit.heads.length ? rep.circuit.heads.map(([l, h]) => `L${l}H${h}`).join(', ') : 'none'}; MLPs {rep.circuit.mlps.length ? rep.circuit.mlps.map((l) => `L${l}`).join(', ') : 'none'}.{' '}
        <button data-testid="cdelta-download-circuit" onClick={() => downloadFile(rep.circuit.json, `${name}.circuit.json`, 'application/json')}>circuit.json (EAP-IG Graph)</button>
      </p>
      <h4>Edited checkpoint</h4>
      <div className="toolbar">
        <label>strength <select value={strength} data-testid="cdelta-download-strength" onChange={(e) => setStrength(Number(e.target.value))}>
          {r.checkpoints.map((c) => <option key={c.strength} value={c.strength}>s = {c.strength}</option>)}
        </select></label>
        <button data-testid="cdelta-download-weights" onClick={() => downloadFile(ckpt.safetensors, `${cdeltaBaseName(req, ckpt.strength)}.safetensors`, 'application/octet-stream')}>
          model.safetensors ({bytes(ckpt.safetensors.byteLength)})
        </button>
        <button data-testid="cdelta-download-config" onClick={() => downloadFile(r.configJson, `${cdeltaBaseName(req, ckpt.strength)}.config.json`, 'application/json')}>config.json</button>
        <button data-testid="cdelta-download-manifest" onClick={() => downloadFile(r.manifestJson, `${name}.cdelta.json`, 'application/json')}>cdelta.json (run record)</button>
        <span className="muted">Put model.safetensors and config.json in one folder with the model&apos;s tokenizer files: it loads as a model, no hooks.</span>
      </div>
    </div>
  );
}
