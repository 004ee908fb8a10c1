// What an in-browser unlearning run did to the model's structure and whether it has MANSU's four properties:
// the four-properties table (forgetting, retain, PTQ gap on NF4, structural = CAD; value, threshold, margin, pass;
// src/core/edits/unlearn/properties.ts), CAD with its companions and the forget behaviour's attribution graphs
// before and after the edit (the circuits module's GraphView), MANSU's per-step report, and the four properties
// over seeds per configuration of the session's runs. Pure props → view.
import { useMemo } from 'react';
import { nodeScores } from '../../core/circuits/extract';
import type { CircuitGraph } from '../../core/circuits/types';
import type { MansuStageReport, UnlearnJobRequest, UnlearnJobResult } from '../../core/edits/unlearn/api';
import type { PropertyCheck, PropertySummary } from '../../core/edits/unlearn/properties';
import { downloadFile } from '../../viz/download';
import { GraphView } from '../circuits/GraphView';
import { num } from './format';
import { seedGroups } from './seedGroups';

const f3 = (v: number) => (Number.isFinite(v) ? v.toFixed(3) : '—');
const signed = (v: number) => (Number.isFinite(v) ? `${v >= 0 ? '+' : '−'}${Math.abs(v).toFixed(3)}` : '—');

function PropertyRow({ name, definition, check, testId }: { name: string; definition: string; check: PropertyCheck | null; testId: string }) {
  return (
    <tr data-testid={testId} data-pass={check ? String(check.pass) : 'n/a'}>
      <td>{name}</td><td className="muted">{definition}</td>
      {check ? (
        <><td>{f3(check.value)}</td><td>{f3(check.threshold)}</td><td>{signed(check.margin)}</td><td className={check.pass ? 'ok' : 'error'}>{check.pass ? 'holds' : 'fails'}</td></>
      ) : <td colSpan={4} className="muted">not measured (CAD pairs = 0)</td>}
    </tr>
  );
}

export function FourPropertiesTable({ r }: { r: UnlearnJobResult }) {
  const p = r.properties;
  const held = [p.forgetting, p.retain, p.ptqGap, p.structural].filter((c) => c?.pass).length;
  return (
    <div data-testid="four-properties" data-all-pass={String(p.allPass)} data-held={held}>
      <h4>Four properties ({p.variant.toUpperCase()}): {held} of 4 hold{p.allPass ? ' — all four' : ''}</h4>
      <table className="table">
        <thead><tr><th>property</th><th>measured as</th><th>value</th><th>threshold</th><th>margin</th><th></th></tr></thead>
        <tbody>
          <PropertyRow name="forgetting" definition="1 − S_f(edit) / S_f(base) ≥ threshold" check={p.forgetting} testId="property-forgetting" />
          <PropertyRow name="retain" definition="1 − S_r(edit) / S_r(base) ≤ threshold" check={p.retain} testId="property-retain" />
          <PropertyRow name="PTQ gap" definition={`S_f(${p.variant.toUpperCase()}(edit)) − S_f(edit) ≤ threshold`} check={p.ptqGap} testId="property-ptq" />
          <PropertyRow name="structural" definition="CAD(base, edit) ≥ threshold" check={p.structural} testId="property-structural" />
        </tbody>
      </table>
      <p className="muted">
        S = exp(−token-mean NLL) of the held-out responses (forget S_f, retain S_r): base {f3(p.scores.baseForget)} / {f3(p.scores.baseRetain)}, edit {f3(p.scores.forget)} / {f3(p.scores.retain)},
        {' '}edit after {p.variant.toUpperCase()} {f3(p.scores.quantForget)} / {f3(p.scores.quantRetain)}.
        {p.reproduces && <> Greedy reproduction of the forget topic&apos;s compliance: base {p.reproduces.base === undefined ? '—' : f3(p.reproduces.base)}, edit {f3(p.reproduces.edited)}, after {p.variant.toUpperCase()} {p.reproduces.quantized === undefined ? '—' : f3(p.reproduces.quantized)}.</>}
        {' '}Thresholds are the workbench&apos;s (properties.ts DEFAULT_MARGINS); CAD = 1 − cos of the signed edge scores (our definition: the paper&apos;s formula was not available).
      </p>
    </div>
  );
}

function AttributionGraph({ graph, title, testId }: { graph: CircuitGraph; title: string; testId: string }) {
  const scores = useMemo(() => nodeScores(graph), [graph]);
  return (
    <div>
      <h4>{title}</h4>
      <GraphView key={`${graph.cfg.nLayers}x${graph.cfg.nHeads}`} graph={graph} topN={100} view="edges" nodeScores={scores} testId={testId} />
    </div>
  );
}

export function CadView({ r }: { r: UnlearnJobResult }) {
  if (!r.cad || !r.graphs) return null;
  const c = r.cad;
  return (
    <div data-testid="cad">
      <p data-testid="cad-summary">
        CAD <strong data-testid="cad-value">{f3(c.cad)}</strong> over {c.edges.toLocaleString('en-US')} edges; top-{c.topN} circuits overlap (Jaccard) {f3(c.topJaccard)};
        {' '}|attribution| mass moved off the base circuit {signed(c.massShift)}; total |attribution| {num(c.totalBefore)} → {num(c.totalAfter)} (EAP-IG, m = 5, {r.request.cadPairs} pairs, {r.seconds.attribution.toFixed(1)} s).
      </p>
      <div className="grid2">
        <AttributionGraph graph={r.graphs.before} title="Forget behaviour, base model" testId="cad-graph-before" />
        <AttributionGraph graph={r.graphs.after} title="Forget behaviour, edited model" testId="cad-graph-after" />
      </div>
    </div>
  );
}

export function MansuReportView({ m, fileName }: { m: MansuStageReport; fileName: string }) {
  const seconds = Object.entries(m.seconds).map(([k, v]) => `${k} ${v!.toFixed(1)} s`).join(', ');
  return (
    <div data-testid="mansu-report">
      <h4>MANSU steps</h4>
      <ul>
        <li data-testid="mansu-report-circuit">circuit: {m.circuit ? <>
          {m.circuit.edges} edges, {m.circuit.nodes} nodes; heads {m.circuit.heads.map(([l, h]) => `a${l}.h${h}`).join(', ') || 'none'}; MLPs {m.circuit.mlps.map((l) => `m${l}`).join(', ') || 'none'}
          {' '}<button data-testid="mansu-download-circuit" onClick={() => downloadFile(m.circuit!.json, `${fileName}.circuit.json`, 'application/json')}>circuit JSON</button>
        </> : 'off (the whole model trains)'}</li>
        <li data-testid="mansu-report-fisher">Fisher bound: {m.fisher ? `${m.fisher.tensors} tensors, mean Fisher ${num(m.fisher.meanFisher)}, median shrink ×${f3(m.fisher.shrinkMedian)}, ½ΣF·Δ² ${num(m.fisher.retainQuadratic)}` : 'off'}</li>
        <li data-testid="mansu-report-nullspace">null space: {m.nullSpace ? `${m.nullSpace.length} projections gated to the retain inputs' null space; update norm ${num(m.nullSpace.reduce((s, t) => s + t.normBefore ** 2, 0) ** 0.5)}, ${num(m.nullSpace.reduce((s, t) => s + t.normAfter ** 2, 0) ** 0.5)} once re-projected (equal when the gate held)` : 'off'}</li>
        <li data-testid="mansu-report-floor">NF4 floor: {m.floor ? `${m.floor.candidates} candidate updates, ${m.floor.zeroed} zeroed, ${m.floor.kept} kept, ${m.floor.floored} grown past a decision midpoint, ${m.floor.saturated} saturated, ${m.floor.failed} still not crossing` : 'off'}</li>
        <li data-testid="mansu-report-retainguard">retain guard (ours): {m.retainGuard ? `${m.retainGuard.holdout} retain pairs held aside (base NLL ${f3(m.retainGuard.baseNll)}, allowed rise ${f3(m.retainGuard.maxRise)}), ${m.retainGuard.rejectedSteps.length} steps undone, ${m.retainGuard.floorTries.length} floor tries` : 'off'}</li>
      </ul>
      {m.nullSpace && m.nullSpace.length > 0 && (
        <details><summary>null-space projection per tensor</summary>
          <table className="table">
            <thead><tr><th>tensor</th><th>inputs</th><th>retain rank</th><th>energy</th><th>‖Δ‖ / re-projected</th></tr></thead>
            <tbody>{m.nullSpace.map((t) => <tr key={t.tensor}><td><code>{t.tensor}</code></td><td>{t.din}</td><td>{t.rank}</td><td>{f3(t.energy)}</td><td>{num(t.normBefore)} / {num(t.normAfter)}</td></tr>)}</tbody>
          </table>
        </details>
      )}
      <p className="muted">Time per step: {seconds}.</p>
    </div>
  );
}

function SummaryCell({ s }: { s: PropertySummary | null }) {
  if (!s) return <td className="muted">—</td>;
  return <td className={s.minMargin > 0 ? 'ok' : undefined}>{f3(s.mean)} ± {f3(s.sd)}<br /><span className="muted">worst margin {signed(s.minMargin)}, holds {s.passes}/{s.n}</span></td>;
}

const configLabel = (c: Omit<UnlearnJobRequest, 'seed'>): string => {
  const off = c.mansu ? (['circuit', 'fisher', 'nullSpace', 'floor'] as const).filter((k) => !c.mansu![k]) : [];
  const method = c.mansu ? `mansu (${c.mansu.objective}${off.map((k) => `, no ${k}`).join('')}${c.mansu.retainGuard ? ', retain guard' : ''})` : c.method;
  return `${method} · ${c.modelId} · ${c.forgetTopic} · ${c.steps} steps`;
};

/** MANSU's four properties over seeds, one row per configuration of the session's runs (mean ± sd, worst margin). */
export function SeedSummaryTable({ results }: { results: readonly UnlearnJobResult[] }) {
  const groups = useMemo(() => seedGroups(results), [results]);
  return (
    <table className="table" data-testid="seed-summary" data-groups={groups.length}>
      <thead><tr><th>configuration</th><th>seeds</th><th>forgetting</th><th>retain drop</th><th>PTQ gap (NF4)</th><th>CAD</th><th>all four</th></tr></thead>
      <tbody>
        {groups.map((g, i) => (
          <tr key={i} data-seeds={g.seeds.length}>
            <td>{configLabel(g.config)}</td><td>{g.seeds.join(', ')}</td>
            <SummaryCell s={g.summary.forgetting} /><SummaryCell s={g.summary.retain} /><SummaryCell s={g.summary.ptqGap} /><SummaryCell s={g.summary.structural} />
            <td>{g.summary.allPass} / {g.summary.seeds}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
