// Outputs of a curation run in the formats the ecosystem reads (issue #22 item 7), as in-memory files (Node glue
// writes them: exportNode.ts; the UI offers them as downloads):
//   alpaca.jsonl     {instruction, input, output} + provenance (id, chunk_id, span)
//   sharegpt.jsonl   {conversations: [{from: human|gpt, value}]} + provenance
//   messages.jsonl   {messages: [{role, content}]} + provenance (the chat format TRL's SFTTrainer reads)
//   dpo.jsonl        {prompt, chosen, rejected}: chosen = the accepted answer, rejected = the latest rejected
//                    attempt of the same chunk and generator (rows only where there is one)
//   rejected.jsonl   every sample that did not end accepted: status, the stage that rejected it (gate name,
//                    'generation', 'citation' or 'recovery'), structured reasons, its last text or raw reply
//   manifest.json    config, models and data sha256s, counts per status and per gate, metrics, each file's sha256
//   README.md        the dataset card
//   SHA256SUMS       sha256 of every file above (sha256sum -c format)
// The SFT files load in the experiments trainer's reader (src/core/experiments/train/data.ts sftRow / dpoRow).
import { sha256HexSync } from '../numeric/sha256';
import type { RunMetrics } from './metrics';
import type { PipelineResult, SampleTrace } from './pipeline';
import type { CuratedSample, GateVerdict } from './types';

export interface ExportFile { path: string; text: string }

export interface ExportInput {
  run: PipelineResult;
  metrics: RunMetrics;
  /** The run's configuration, serialisable (model ids, gate names, strategy, rates, budgets, seed). */
  config: Record<string, unknown>;
  /** Models used (generators, judges) with the sha256 of their weights file. */
  models: readonly { id: string; role: string; sha256: string }[];
  /** Source documents with the sha256 of their bytes. */
  data: readonly { id: string; sha256: string }[];
  name?: string;
  /** ISO time stamp written to the manifest (the caller's clock; absent keeps the export byte-reproducible). */
  createdAt?: string;
}

export const EXPORT_VERSION = 1;

const jsonl = (rows: readonly unknown[]): string => rows.map((r) => JSON.stringify(r)).join('\n') + (rows.length ? '\n' : '');

const provenance = (s: CuratedSample) => ({ id: s.id, chunk_id: s.provenance.chunkId, span: [s.provenance.span.start, s.provenance.span.end], generator: s.generator });

/** The latest attempt with a sample that some gate rejected. */
function lastRejected(t: SampleTrace): CuratedSample | undefined {
  for (let i = t.attempts.length - 1; i >= 0; i--) if (t.attempts[i].sample && t.attempts[i].rejectedBy) return t.attempts[i].sample;
  return undefined;
}

/** Where a non-accepted sample stopped and why. */
export function rejectionRecord(t: SampleTrace) {
  const last = t.attempts[t.attempts.length - 1];
  const gated = [...t.attempts].reverse().find((a) => a.verdicts.length > 0);
  const reasons = (gated?.verdicts ?? []).filter((v) => v.outcome !== 'pass').map((v: GateVerdict) => ({ gate: v.gate, outcome: v.outcome, ...(v.mode ? { mode: v.mode } : {}), reason: v.reason }));
  const stage = t.status === 'dropped' ? 'recovery' : t.status === 'generation-failed' ? 'generation' : t.status === 'missing-chunk' ? 'citation'
    : t.status === 'cancelled' ? 'cancelled' : last?.rejectedBy ?? gated?.rejectedBy ?? 'unknown';
  const sample = [...t.attempts].reverse().find((a) => a.sample)?.sample;
  return {
    id: t.id, chunk_id: t.chunkId, generator: t.generator, status: t.status, stage, attempts: t.attempts.length, calls: t.calls, reasons,
    ...(last?.note ? { note: last.note } : {}),
    ...(sample ? { instruction: sample.instruction, response: sample.response } : {}),
    ...(last?.generationFailure ? { generation_failure: last.generationFailure } : {}),
    actions: t.attempts.map((a) => a.action),
  };
}

function card(i: ExportInput, counts: { sft: number; dpo: number; rejected: number }): string {
  const m = i.metrics;
  const pct = (x: number | null) => (x === null ? '—' : `${(100 * x).toFixed(1)} %`);
  const rows = m.gates.map((g) => `| ${g.gate} | ${g.counts.pass} | ${g.counts.reject} | ${g.counts.abstain} | ${g.counts['parse-failure']} | ${pct(g.injectionRecall)} | ${pct(g.injectionPrecision)} |`);
  return [
    `# ${i.name ?? 'Curated dataset'}`, '',
    'Synthetic instruction/answer pairs generated from a source corpus, each citing the chunk and span it came from, kept',
    'only when every gate passed it (after recovery where configured). Made by the workbench curation pipeline (issue #22).', '',
    '## Contents', '',
    `- ${counts.sft} accepted samples: \`alpaca.jsonl\`, \`sharegpt.jsonl\`, \`messages.jsonl\` (same rows, three formats; \`chunk_id\` and \`span\` give the provenance)`,
    `- ${counts.dpo} preference pairs: \`dpo.jsonl\` (chosen = accepted answer, rejected = a rejected attempt for the same chunk)`,
    `- ${counts.rejected} samples not kept: \`rejected.jsonl\` (stage and structured reasons)`,
    '- `manifest.json` (configuration, model and data hashes, counts), `SHA256SUMS`', '',
    '## Pipeline', '',
    '```json', JSON.stringify(i.config, null, 2), '```', '',
    `Models: ${i.models.map((x) => `${x.id} (${x.role}, sha256 ${x.sha256.slice(0, 12)}…)`).join(', ') || 'none'}.`,
    `Sources: ${i.data.map((d) => `${d.id} (sha256 ${d.sha256.slice(0, 12)}…)`).join(', ') || 'none'}.`, '',
    '## Measured', '',
    `Yield ${pct(m.yield)} (${m.statuses.accepted} of ${m.samples}); first-pass accepted ${m.firstPassAccepted}; recovery rate ${pct(m.recoveryRate)}`,
    `(${m.recovered} of ${m.failedFirst}); ${m.injected} injected failures, caught by any gate: recall ${pct(m.anyGate.injectionRecall)},`,
    `precision ${pct(m.anyGate.injectionPrecision)}; cost ${m.cost.calls} model calls (${m.cost.recovery} in recovery).`, '',
    '| gate | pass | reject | abstain | parse failure | injection recall | injection precision |', '| --- | --- | --- | --- | --- | --- | --- |', ...rows, '',
    '## Limitations', '',
    'Gates are judged by small models and rules; accepted samples can still be wrong. Injection labels measure what the',
    'gates catch of the injected failures only, not of failures the generator made on its own.', '',
  ].join('\n');
}

/** The export's files (paths relative to the output folder), SHA256SUMS last. */
export function exportDataset(i: ExportInput): ExportFile[] {
  const accepted = i.run.traces.filter((t) => t.status === 'accepted' && t.final).map((t) => ({ t, s: t.final! }));
  const alpaca = accepted.map(({ s }) => ({ instruction: s.instruction, input: '', output: s.response, ...provenance(s) }));
  const sharegpt = accepted.map(({ s }) => ({ conversations: [{ from: 'human', value: s.instruction }, { from: 'gpt', value: s.response }], ...provenance(s) }));
  const messages = accepted.map(({ s }) => ({ messages: [{ role: 'user', content: s.instruction }, { role: 'assistant', content: s.response }], ...provenance(s) }));
  const dpo = accepted.flatMap(({ t, s }) => {
    const r = lastRejected(t);
    return r && r.response !== s.response ? [{ prompt: s.instruction, chosen: s.response, rejected: r.response, id: s.id, chunk_id: s.provenance.chunkId, rejected_id: r.id }] : [];
  });
  const rejected = i.run.traces.filter((t) => t.status !== 'accepted').map(rejectionRecord);
  const files: ExportFile[] = [
    { path: 'alpaca.jsonl', text: jsonl(alpaca) },
    { path: 'sharegpt.jsonl', text: jsonl(sharegpt) },
    { path: 'messages.jsonl', text: jsonl(messages) },
    { path: 'dpo.jsonl', text: jsonl(dpo) },
    { path: 'rejected.jsonl', text: jsonl(rejected) },
    { path: 'README.md', text: card(i, { sft: accepted.length, dpo: dpo.length, rejected: rejected.length }) },
  ];
  const manifest = {
    version: EXPORT_VERSION, name: i.name ?? 'curated', ...(i.createdAt ? { createdAt: i.createdAt } : {}),
    config: i.config, models: i.models, data: i.data,
    counts: { samples: i.metrics.samples, statuses: i.metrics.statuses, sft: accepted.length, dpo: dpo.length, rejected: rejected.length, injected: i.metrics.injected,
      gates: Object.fromEntries(i.metrics.gates.map((g) => [g.gate, g.counts])), cancelled: i.run.cancelled },
    metrics: i.metrics,
    files: files.map((f) => ({ path: f.path, sha256: sha256HexSync(f.text), bytes: new TextEncoder().encode(f.text).length })),
  };
  files.push({ path: 'manifest.json', text: JSON.stringify(manifest, null, 2) + '\n' });
  files.push({ path: 'SHA256SUMS', text: files.map((f) => `${sha256HexSync(f.text)}  ${f.path}`).join('\n') + '\n' });
  return files;
}
