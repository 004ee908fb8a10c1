// Clean/corrupted prompt pairs: by default n length-matched harmful/benign pairs drawn (seeded) from the forge's
// held-out suites; "Edit" turns the drawn pairs into custom text the user can change (one pair per line).
// Within a pair both prompts must tokenize to the same length: the engine says which pair breaks that.
import { useState } from 'react';
import type { PromptPair } from '../../core/circuits/types';
import { CIRCUIT_LIMITS, type CircuitsSpec } from '../../state/specs/circuits';
import { CommitNumber } from './format';
import { pairsToText, parsePairsText } from './requests';

export interface PairsCardProps {
  spec: CircuitsSpec;
  set: (p: Partial<CircuitsSpec>) => void;
  /** held-out pairs drawn for the current model/n/seed, once shown */
  drawn: PromptPair[] | null;
  onShow: () => void;
  busy: boolean;
}

export function PairsCard({ spec, set, drawn, onShow, busy }: PairsCardProps) {
  const custom = spec.pairs.source === 'custom' ? spec.pairs.items : null;
  const [text, setText] = useState<string | null>(null);
  const [error, setError] = useState<string>();
  const editing = text !== null;

  const startEdit = () => {
    setError(undefined);
    setText(pairsToText(custom ?? drawn ?? []));
  };
  const save = () => {
    try {
      const items = parsePairsText(text ?? '');
      if (items.length === 0) throw new Error('give at least one pair');
      if (items.length > CIRCUIT_LIMITS.customPairs) throw new Error(`at most ${CIRCUIT_LIMITS.customPairs} custom pairs (links carry them)`);
      set({ pairs: { source: 'custom', items } });
      setText(null);
      setError(undefined);
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    }
  };
  const shown = custom ?? drawn;

  return (
    <div className="card" data-testid="pairs-card">
      <h2>Prompt pairs</h2>
      <div className="toolbar">
        <label><input type="radio" checked={spec.pairs.source === 'heldout'} data-testid="pairs-heldout" onChange={() => set({ pairs: { source: 'heldout', n: 8 } })} /> held-out harmful vs benign</label>
        {spec.pairs.source === 'heldout' && (
          <>
            <label>pairs <CommitNumber value={spec.pairs.n} min={1} max={CIRCUIT_LIMITS.pairs.max} testId="pairs-n" onCommit={(n) => set({ pairs: { source: 'heldout', n } })} width={60} /></label>
            <label>seed <CommitNumber value={spec.seed} min={0} testId="circuits-seed" onCommit={(seed) => set({ seed })} /></label>
            <button data-testid="pairs-show" disabled={busy} onClick={onShow}>Show pairs</button>
          </>
        )}
        <label><input type="radio" checked={spec.pairs.source === 'custom'} data-testid="pairs-custom" onChange={startEdit} /> custom</label>
        {!editing && <button data-testid="pairs-edit" disabled={busy} onClick={startEdit}>Edit pairs</button>}
      </div>
      {editing ? (
        <>
          <p className="muted">One pair per line: <code>clean prompt || corrupted prompt</code>. The two prompts of a pair must have the same token length.</p>
          <textarea data-testid="pairs-text" rows={8} style={{ width: '100%', fontFamily: 'ui-monospace, monospace' }} value={text} onChange={(e) => setText(e.target.value)} />
          <div className="toolbar">
            <button data-testid="pairs-save" onClick={save}>Use these pairs</button>
            <button onClick={() => { setText(null); setError(undefined); }}>Discard</button>
            {error && <span className="error" role="alert" data-testid="pairs-error">{error}</span>}
          </div>
        </>
      ) : shown && (
        <table className="table" data-testid="pairs-table">
          <thead><tr><th>#</th><th>clean (harmful)</th><th>corrupted (benign)</th></tr></thead>
          <tbody>{shown.map((p, i) => <tr key={i}><td>{i + 1}</td><td>{p.clean}</td><td>{p.corrupted}</td></tr>)}</tbody>
        </table>
      )}
    </div>
  );
}
