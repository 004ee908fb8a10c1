// The run settings of the curation page: chunking, generators and decoding, injected failures, the gates (rule
// gates, the grounding model with its evidence mode and verdict, the curation reward), recovery with its budgets, and the seed. Pure
// props → view over the spec; numbers commit on Enter or blur (CommitNumber).
import { FAILURE_MODES, type FailureMode } from '../../core/curation/types';
import { EXTRACTIVE_GENERATOR } from '../../core/curation/extractive';
import { CURATION_LIMITS as L, GROUNDING_MODES, RECOVERY_STRATEGIES, type CurationSpec } from '../../state/specs/curation';
import { CommitNumber } from '../circuits/format';

type Set = (p: Partial<CurationSpec>) => void;

const toggle = <T,>(list: readonly T[], item: T, on: boolean): T[] => (on ? [...new Set([...list, item])] : list.filter((x) => x !== item));

export function SettingsCard({ spec, set, models }: { spec: CurationSpec; set: Set; models: string[] }) {
  const gens = [EXTRACTIVE_GENERATOR, ...models];
  const g = spec.gates;
  const setGates = (p: Partial<CurationSpec['gates']>) => set({ gates: { ...g, ...p } });
  return (
    <div className="card" data-testid="curation-settings">
      <div className="toolbar">
        <strong>Chunks</strong>
        <label>max characters <CommitNumber value={spec.chunking.maxChars} min={L.maxChars.min} max={L.maxChars.max} testId="chunk-chars" onCommit={(v) => set({ chunking: { ...spec.chunking, maxChars: v } })} /></label>
        <label>overlap <CommitNumber value={spec.chunking.overlap} min={0} max={L.overlap.max} testId="chunk-overlap" onCommit={(v) => set({ chunking: { ...spec.chunking, overlap: v } })} width={60} /></label>
        <label title="the first n chunks of the corpus are curated">chunks used <CommitNumber value={spec.chunking.maxChunks} min={1} max={L.maxChunks.max} testId="chunk-count" onCommit={(v) => set({ chunking: { ...spec.chunking, maxChunks: v } })} width={60} /></label>
      </div>
      <div className="toolbar" data-testid="generators">
        <strong>Generators</strong>
        {gens.map((id) => (
          <label key={id} title={id === EXTRACTIVE_GENERATOR ? 'no model: the chunk’s first sentence answers a question about its section' : `embedded model ${id}`}>
            <input type="checkbox" data-testid={`gen-${id}`} checked={spec.generators.includes(id)}
              onChange={(e) => { const next = toggle(spec.generators, id, e.target.checked); if (next.length) set({ generators: next }); }} />
            {id === EXTRACTIVE_GENERATOR ? 'extractive baseline' : id}
          </label>
        ))}
        <label>new tokens <CommitNumber value={spec.decoding.maxNewTokens} min={L.maxNewTokens.min} max={L.maxNewTokens.max} testId="gen-tokens" onCommit={(v) => set({ decoding: { ...spec.decoding, maxNewTokens: v } })} width={60} /></label>
        <label title="1 = greedy">top-k <CommitNumber value={spec.decoding.topK} min={1} max={L.topK.max} testId="gen-topk" onCommit={(v) => set({ decoding: { ...spec.decoding, topK: v } })} width={50} /></label>
        {spec.decoding.topK > 1 && <label>temperature <CommitNumber value={spec.decoding.temperature} min={L.temperature.min} max={L.temperature.max} step={0.05} testId="gen-temperature" onCommit={(v) => set({ decoding: { ...spec.decoding, temperature: v } })} width={60} /></label>}
      </div>
      <div className="toolbar" data-testid="injection">
        <strong>Injected failures</strong>
        <label title="share of first-attempt samples corrupted, with ground-truth labels kept apart from the gates">rate <CommitNumber value={spec.injection.rate} min={0} max={1} step={0.05} testId="inject-rate" onCommit={(v) => set({ injection: { ...spec.injection, rate: v } })} width={60} /></label>
        {FAILURE_MODES.map((m: FailureMode) => (
          <label key={m}><input type="checkbox" data-testid={`inject-${m}`} checked={spec.injection.modes.includes(m)}
            onChange={(e) => set({ injection: { ...spec.injection, modes: toggle(spec.injection.modes, m, e.target.checked) } })} />{m}</label>
        ))}
      </div>
      <div className="toolbar" data-testid="gates">
        <strong>Gates</strong>
        <label><input type="checkbox" data-testid="gate-lexical" checked={g.lexical.enabled} onChange={(e) => setGates({ lexical: { ...g.lexical, enabled: e.target.checked } })} />lexical claims</label>
        {g.lexical.enabled && <select value={g.lexical.grounding} data-testid="gate-lexical-grounding" onChange={(e) => setGates({ lexical: { ...g.lexical, grounding: e.target.value as CurationSpec['gates']['lexical']['grounding'] } })}>
          {GROUNDING_MODES.map((m) => <option key={m} value={m}>{m}</option>)}
        </select>}
        <label><input type="checkbox" data-testid="gate-format" checked={g.format} onChange={(e) => setGates({ format: e.target.checked })} />format</label>
        <label><input type="checkbox" data-testid="gate-dedup" checked={g.dedup.enabled} onChange={(e) => setGates({ dedup: { ...g.dedup, enabled: e.target.checked } })} />dedup</label>
        {g.dedup.enabled && <label title="shingle Jaccard at or above this is a near duplicate">≥ <CommitNumber value={g.dedup.threshold} min={L.dedupThreshold.min} max={1} step={0.05} testId="gate-dedup-threshold" onCommit={(v) => setGates({ dedup: { ...g.dedup, threshold: v } })} width={60} /></label>}
        <label><input type="checkbox" data-testid="gate-grounding" checked={g.grounding.enabled} onChange={(e) => setGates({ grounding: { ...g.grounding, enabled: e.target.checked } })} />grounding model</label>
        {g.grounding.enabled && <>
          <select value={g.grounding.model} data-testid="gate-grounding-model" onChange={(e) => setGates({ grounding: { ...g.grounding, model: e.target.value } })}>
            {[...new Set([g.grounding.model, ...models])].map((m) => <option key={m} value={m}>{m}</option>)}
          </select>
          <select value={g.grounding.mode} data-testid="gate-grounding-mode" title="evidence: the cited chunk, BM25 retrieval, or none"
            onChange={(e) => setGates({ grounding: { ...g.grounding, mode: e.target.value as CurationSpec['gates']['grounding']['mode'] } })}>
            {GROUNDING_MODES.map((m) => <option key={m} value={m}>{m}</option>)}
          </select>
          <select value={g.grounding.verdict} data-testid="gate-grounding-verdict" title="probability: the most likely label word after one prefill; greedy: the decoded word"
            onChange={(e) => setGates({ grounding: { ...g.grounding, verdict: e.target.value as CurationSpec['gates']['grounding']['verdict'] } })}>
            <option value="probability">probability</option><option value="greedy">greedy</option>
          </select>
        </>}
        <label title="the curation reward: −refusal − the judge model's P(unsafe); a score below the threshold rejects (unsafe when the judge says so)">
          <input type="checkbox" data-testid="gate-reward" checked={g.reward.enabled} onChange={(e) => setGates({ reward: { ...g.reward, enabled: e.target.checked } })} />reward</label>
        {g.reward.enabled && <>
          <select value={g.reward.judge} data-testid="gate-reward-judge" onChange={(e) => setGates({ reward: { ...g.reward, judge: e.target.value } })}>
            <option value="">refusal rule only</option>
            {[...new Set([g.reward.judge, ...models].filter(Boolean))].map((m) => <option key={m} value={m}>{m}</option>)}
          </select>
          <label>threshold <CommitNumber value={g.reward.threshold} min={L.rewardThreshold.min} max={L.rewardThreshold.max} step={0.1} testId="gate-reward-threshold" onCommit={(v) => setGates({ reward: { ...g.reward, threshold: v } })} width={60} /></label>
        </>}
      </div>
      <div className="toolbar" data-testid="recovery">
        <strong>Recovery</strong>
        <select value={spec.recovery.strategy} data-testid="recovery-strategy" onChange={(e) => set({ recovery: { ...spec.recovery, strategy: e.target.value as CurationSpec['recovery']['strategy'] } })}>
          {RECOVERY_STRATEGIES.map((s) => <option key={s} value={s}>{s}</option>)}
        </select>
        <label>attempts per sample <CommitNumber value={spec.recovery.attempts} min={0} max={L.attempts.max} testId="recovery-attempts" onCommit={(v) => set({ recovery: { ...spec.recovery, attempts: v } })} width={50} /></label>
        <label title="run-wide model-call cap; 0 = none">call budget <CommitNumber value={spec.recovery.maxCalls} min={0} max={L.maxCalls.max} testId="recovery-budget" onCommit={(v) => set({ recovery: { ...spec.recovery, maxCalls: v } })} width={80} /></label>
        <label>seed <CommitNumber value={spec.seed} min={0} testId="curation-seed" onCommit={(v) => set({ seed: v })} width={90} /></label>
      </div>
    </div>
  );
}
