// Result of an in-browser unlearning run (src/core/edits/unlearn/api.ts UnlearnJobResult): held-out forget /
// retain NLL of the edit and the base at full precision and after each 4-bit variant with the PTQ gap, greedy
// behaviour rates, the |update| / local bin-width histogram with its quantiles and crossing share per 4-bit type,
// parameters touched, the four properties, CAD with the before/after attribution graphs and MANSU's step report
// (UnlearnStructure.tsx), and the checkpoint's files to download. Pure props → view.
import type { BehaviourRate, BehaviourRates } from '../../core/edits/unlearn/behaviour';
import type { UnlearnJobResult } from '../../core/edits/unlearn/api';
import type { UpdateStats } from '../../core/edits/unlearn/quantEval';
import { downloadFile } from '../../viz/download';
import { SurvivalHistogram } from '../../viz/SurvivalHistogram';
import { bytes, num, share } from './format';
import { METHOD_LABELS } from './UnlearnForm';
import { checkpointBaseName } from './unlearnRequest';
import { CadView, FourPropertiesTable, MansuReportView } from './UnlearnStructure';
import type { UnlearnRunView } from './useUnlearnEngine';

const nat = (v: number) => (Number.isFinite(v) ? v.toFixed(3) : '—');
const signed = (v: number) => (Number.isFinite(v) ? `${v >= 0 ? '+' : '−'}${Math.abs(v).toFixed(3)}` : '—');
const rate = (r: BehaviourRate | undefined, k: 'refusal' | 'reproduces') => (r && r.n ? `${(100 * r[k]).toFixed(0)} %` : '—');

function BehaviourRow({ label, b, testId }: { label: string; b: BehaviourRates | undefined; testId?: string }) {
  return (
    <tr data-testid={testId}>
      <td>{label}</td>
      <td>{rate(b?.forget, 'reproduces')}</td><td>{rate(b?.forget, 'refusal')}</td>
      <td>{rate(b?.otherHarmful, 'reproduces')}</td><td>{rate(b?.otherHarmful, 'refusal')}</td>
      <td>{rate(b?.benign, 'reproduces')}</td><td>{rate(b?.benign, 'refusal')}</td>
    </tr>
  );
}

function UpdatesView({ u, testId }: { u: UpdateStats; testId: string }) {
  const q = u.ratioQuantiles;
  const t = u.type.toUpperCase();
  return (
    <div data-testid={testId} data-changed={u.changed}>
      <SurvivalHistogram counts={u.ratioHistogram} lowerEdges={u.ratioBinLower} title={`|update| / local ${t} bin width (block 64)`} testId={`${testId}-chart`} />
      <p className="muted">
        {u.changed.toLocaleString('en-US')} changed quantized weights; quantiles p05 / p25 / p50 / p75 / p95 / max{' '}
        <span data-testid={`${testId}-quantiles`}>{q ? [q.p05, q.p25, q.p50, q.p75, q.p95, q.max].map((v) => num(v)).join(' / ') : '—'}</span>;
        {' '}{t} code changes for <strong data-testid={`${testId}-crossing`}>{u.crossingShare === null ? '—' : `${(100 * u.crossingShare).toFixed(1)} %`}</strong> of them.
      </p>
    </div>
  );
}

export function UnlearnResult({ view }: { view: UnlearnRunView }) {
  const r: UnlearnJobResult = view.result;
  const q = r.quant;
  const req = r.request;
  const name = checkpointBaseName(req);
  const m0 = r.manifest.metrics[0];
  const m1 = r.manifest.metrics.at(-1)!;
  const fp = q.fullPrecision;
  return (
    <div className="card" data-testid="unlearn-result" data-run={view.index} data-method={req.method}>
      <h3>Run {view.index}: {METHOD_LABELS[req.method]}{req.mansu ? ` (${METHOD_LABELS[req.mansu.objective]} objective)` : ''} on {req.modelId}, forgetting “{req.forgetTopic}”</h3>
      <p data-testid="unlearn-summary">
        {r.manifest.step} steps (batch {req.batchSize} + {req.batchSize}, lr {r.manifest.config.lr}, seed {req.seed}) in {r.seconds.train.toFixed(1)} s
        {r.stepsPerSecond ? ` (${r.stepsPerSecond.toFixed(2)} steps/s after the first)` : ''}; evaluation {r.seconds.evaluate.toFixed(1)} s.
        {' '}Split: {r.split.sizes.forget} forget / {r.split.sizes.retain} retain train pairs, {q.evalSizes.forget} / {q.evalSizes.retain} held-out pairs scored
        {' '}(forget set sha256 {r.split.sha256.forget.slice(0, 12)}…). Held-out NLL during training: forget {nat(m0.forgetNll)} → {nat(m1.forgetNll)}, retain {nat(m0.retainNll)} → {nat(m1.retainNll)}.
      </p>
      <FourPropertiesTable r={r} />
      {r.mansu && <MansuReportView m={r.mansu} fileName={name} />}
      <table className="table" data-testid="unlearn-quant-table">
        <thead><tr><th>weights</th><th>forget NLL</th><th>base forget NLL</th><th>PTQ gap</th><th>retain NLL</th><th>base retain NLL</th><th>retain gap</th></tr></thead>
        <tbody>
          <tr data-variant="fp32"><td>full precision</td><td>{nat(fp.forgetNll)}</td><td>{nat(fp.baseForgetNll)}</td><td>—</td><td>{nat(fp.retainNll)}</td><td>{nat(fp.baseRetainNll)}</td><td>—</td></tr>
          {q.variants.map((v) => (
            <tr key={v.variant} data-variant={v.variant}>
              <td>{v.variant.toUpperCase()}</td><td>{nat(v.forgetNll)}</td><td>{nat(v.baseForgetNll)}</td><td data-testid={`ptq-gap-${v.variant}`}>{signed(v.ptqGap)}</td>
              <td>{nat(v.retainNll)}</td><td>{nat(v.baseRetainNll)}</td><td>{signed(v.retainGap)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <p className="muted">NLL: nats per response token of held-out forge pairs (higher forget NLL = more forgotten). PTQ gap = quantized − full-precision forget NLL: negative means quantization gives part of the forgetting back.</p>
      {fp.behaviour && (
        <table className="table" data-testid="unlearn-behaviour">
          <thead>
            <tr><th rowSpan={2}>greedy decoding</th><th colSpan={2}>forget topic ({fp.behaviour.forget.n})</th><th colSpan={2}>other topics ({fp.behaviour.otherHarmful.n})</th><th colSpan={2}>tasks ({fp.behaviour.benign.n})</th></tr>
            <tr><th>reproduces</th><th>refuses</th><th>reproduces</th><th>refuses</th><th>accuracy</th><th>refuses</th></tr>
          </thead>
          <tbody>
            {r.baseBehaviour && <BehaviourRow label="base, full precision" b={r.baseBehaviour} />}
            <BehaviourRow label="edited, full precision" b={fp.behaviour} testId="behaviour-fp" />
            {q.variants.map((v) => <BehaviourRow key={v.variant} label={`edited, ${v.variant.toUpperCase()}`} b={v.behaviour} />)}
          </tbody>
        </table>
      )}
      <div className="grid2">
        {q.updates.map((u) => <UpdatesView key={u.type} u={u} testId={`unlearn-updates-${u.type}`} />)}
      </div>
      <p data-testid="unlearn-touched">
        Parameters touched: {q.touched.changed.toLocaleString('en-US')} of {q.touched.total.toLocaleString('en-US')} ({share(q.touched.changed, q.touched.total)}),
        {' '}{q.touched.changedQuantized.toLocaleString('en-US')} of the {q.touched.totalQuantized.toLocaleString('en-US')} in 4-bit-quantized projections, in {q.touched.tensors.length} tensors
        {r.manifest.effective.rmu ? ` (RMU: layer ${r.manifest.effective.rmu.layer}, c = ${r.manifest.effective.rmu.steeringCoeff.toFixed(1)})` : ''}.
      </p>
      <details><summary>tensors touched</summary><p>{q.touched.tensors.map((t) => <code key={t}>{t} </code>)}</p></details>
      <CadView r={r} />
      <div className="toolbar">
        <button data-testid="unlearn-download-weights" onClick={() => downloadFile(r.checkpoint.safetensors, `${name}.safetensors`, 'application/octet-stream')}>
          model.safetensors ({bytes(r.checkpoint.safetensors.byteLength)})
        </button>
        <button data-testid="unlearn-download-manifest" onClick={() => downloadFile(r.checkpoint.manifestJson, `${name}.unlearn.json`, 'application/json')}>unlearn.json (manifest)</button>
        <button data-testid="unlearn-download-config" onClick={() => downloadFile(r.checkpoint.configJson, `${name}.config.json`, 'application/json')}>config.json</button>
        <span className="muted">Put them in one folder as model.safetensors, unlearn.json and config.json with the model&apos;s tokenizer files: it loads as a model.</span>
      </div>
    </div>
  );
}

/** One row per finished run of this session, for comparing methods, topics and seeds. */
export function UnlearnRunsTable({ runs }: { runs: UnlearnRunView[] }) {
  return (
    <table className="table" data-testid="unlearn-runs" data-count={runs.length}>
      <thead>
        <tr><th>run</th><th>model</th><th>method</th><th>topic</th><th>seed</th><th>steps</th><th>forget NLL fp → NF4</th><th>PTQ gap NF4 / FP4</th><th>retain NLL fp → NF4</th>
          <th>NF4 |Δ|/bin p50</th><th>NF4 crossing</th><th>touched</th><th>CAD</th><th>properties held</th><th>digest</th></tr>
      </thead>
      <tbody>
        {runs.map(({ index, result: r, digest }) => {
          const nf4 = r.quant.variants.find((v) => v.variant === 'nf4-b64');
          const fp4 = r.quant.variants.find((v) => v.variant === 'fp4-b64');
          const u = r.quant.updates.find((x) => x.type === 'nf4');
          return (
            <tr key={index} data-run={index}>
              <td>{index}</td><td>{r.request.modelId}</td><td>{r.request.mansu ? `mansu (${r.request.mansu.objective}${(['circuit', 'fisher', 'nullSpace', 'floor'] as const).filter((k) => !r.request.mansu![k]).map((k) => `, no ${k}`).join('')})` : r.request.method}</td><td>{r.request.forgetTopic}</td><td>{r.request.seed}</td><td>{r.manifest.step}</td>
              <td>{nat(r.quant.fullPrecision.forgetNll)} → {nf4 ? nat(nf4.forgetNll) : '—'}</td>
              <td>{nf4 ? signed(nf4.ptqGap) : '—'} / {fp4 ? signed(fp4.ptqGap) : '—'}</td>
              <td>{nat(r.quant.fullPrecision.retainNll)} → {nf4 ? nat(nf4.retainNll) : '—'}</td>
              <td>{u?.ratioQuantiles ? num(u.ratioQuantiles.p50) : '—'}</td><td>{u?.crossingShare == null ? '—' : `${(100 * u.crossingShare).toFixed(1)} %`}</td>
              <td>{share(r.quant.touched.changed, r.quant.touched.total)}</td><td>{r.cad ? nat(r.cad.cad) : '—'}</td>
              <td>{[r.properties.forgetting, r.properties.retain, r.properties.ptqGap, r.properties.structural].filter((c) => c?.pass).length} / {r.properties.structural ? 4 : 3}</td>
              <td><code>{digest.slice(0, 12)}</code></td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}
