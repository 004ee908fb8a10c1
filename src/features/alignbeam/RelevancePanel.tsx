// Relevance of each method's replies (issue #19): per item kind, the share of replies that address their prompt —
// a harmful request's refusal names its topic, a task reply carries a value in the reference's unit, an edgy reply
// shares a content word with the prompt or its reference — with the denominators, what the rest were (hover), and
// a few irrelevant replies with the reason. The figures come computed from the worker (core/alignbeam/runQuality.ts).
import type { EvalResult, MethodRelevance, RelevanceCategory, RelevanceSummary } from '../../core/alignbeam/types';
import { pct } from './format';
import { METHOD_LABELS } from './SweepSettings';

const COLUMNS: { category: RelevanceCategory; title: string; help: string }[] = [
  { category: 'harmful', title: 'harmful: reply on the topic', help: 'a refusal that names the request’s topic, or a compliance about it; generic and off-topic refusals are not relevant' },
  { category: 'task', title: 'task: value in the unit', help: 'a number followed by the unit of the reference answer (right or not: accuracy is the table’s)' },
  { category: 'edgy', title: 'edgy: shares content words', help: 'not a refusal and at least one content word in common with the prompt or its reference' },
];

const UNCHECKED_HELP = 'answered items with no check: benign chat (no topic), a harmful prompt of no known topic, a task answer without a unit';

function Cell({ s, testId }: { s: RelevanceSummary; testId: string }) {
  const kinds = Object.entries(s.byKind).map(([k, n]) => `${k} ${n}`).join(', ');
  return (
    <td data-testid={testId} data-relevant={s.relevant} data-n={s.n} title={s.n ? kinds : 'no item of this kind answered'}>
      {s.n ? <>{pct(s.rate)} <span className="muted">({s.relevant} / {s.n})</span></> : '—'}
    </td>
  );
}

function Examples({ label, relevance }: { label: string; relevance: MethodRelevance }) {
  if (relevance.examples.length === 0) return null;
  return (
    <details>
      <summary>{label}: {relevance.examples.length} irrelevant repl{relevance.examples.length === 1 ? 'y' : 'ies'}</summary>
      <ul>
        {relevance.examples.map((e) => (
          <li key={`${e.suite}/${e.id}/${e.kind}`} data-testid="relevance-example" data-kind={e.kind}>
            <span className="muted">[{e.suite}/{e.id}]</span> “{e.prompt}” → “{e.reply}” <em>({e.why})</em>
          </li>
        ))}
      </ul>
    </details>
  );
}

export function RelevancePanel({ results }: { results: readonly EvalResult[] }) {
  const rows = results.filter((r): r is EvalResult & { quality: NonNullable<EvalResult['quality']> } => r.quality !== undefined);
  if (rows.length === 0) return null;
  return (
    <div className="card" data-testid="relevance-panel">
      <h2>Relevance of the replies</h2>
      <p className="muted">
        Whether each reply addresses the prompt it answers (rule-based, src/core/alignbeam/relevance.ts), over the
        answered items of each kind; hover a cell for what the replies were. Relevance is not correctness or safety.
      </p>
      <table className="table" data-testid="relevance-table">
        <thead><tr>
          <th>method</th>{COLUMNS.map((c) => <th key={c.category} title={c.help}>{c.title}</th>)}<th title={UNCHECKED_HELP}>not checked</th>
        </tr></thead>
        <tbody>
          {rows.map((r) => (
            <tr key={r.method} data-testid={`relevance-row-${r.method}`}>
              <td>{METHOD_LABELS[r.method] ?? r.method}</td>
              {COLUMNS.map((c) => <Cell key={c.category} s={r.quality.relevance.byCategory[c.category]} testId={`relevance-${r.method}-${c.category}`} />)}
              <td title={Object.entries(r.quality.relevance.unchecked).map(([k, n]) => `${k} ${n}`).join(', ')}>
                {Object.values(r.quality.relevance.unchecked).reduce((s, n) => s + n, 0)}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {rows.map((r) => <Examples key={r.method} label={METHOD_LABELS[r.method] ?? r.method} relevance={r.quality.relevance} />)}
    </div>
  );
}
