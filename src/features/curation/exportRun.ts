// A finished run as the export files of src/core/curation/export.ts (Alpaca / ShareGPT / messages / DPO JSONL,
// rejected.jsonl, the dataset card, manifest.json, SHA256SUMS), with the models' weight hashes from
// models/manifest.json and the corpus files' hashes; the accepted samples as training data for #/experiments; and
// the result digest a share link carries.
import { exportDataset, type ExportFile } from '../../core/curation/export';
import { sha256HexSync } from '../../core/numeric/sha256';
import type { PipelineResult } from '../../core/curation/pipeline';
import type { CurationRun } from './useCurationEngine';

/** Embedded model id → sha256 of its ONNX graph (from models/manifest.json). */
export type ModelHashes = Record<string, string>;

export function exportRun(run: CurationRun, hashes: ModelHashes, corpusName: string): ExportFile[] {
  const data = [...new Map(run.documents.map((d) => [`${d.id.split('#')[0]}|${d.sourceSha256}`, { id: d.id.split('#')[0], sha256: d.sourceSha256 }])).values()];
  return exportDataset({
    run: run.result, metrics: run.metrics, config: run.spec as unknown as Record<string, unknown>,
    models: run.models.map((m) => ({ id: m.id, role: m.role, sha256: hashes[m.id] ?? 'unknown' })),
    data, name: `curated from ${corpusName}`,
  });
}

/**
 * The accepted samples as the training panel's data (the export's alpaca.jsonl, one Alpaca row with provenance per
 * line); null when the run accepted nothing, since the trainer refuses an empty file.
 */
export function curatedTrainData(files: readonly ExportFile[], corpusName: string): { name: string; text: string } | null {
  const alpaca = files.find((f) => f.path === 'alpaca.jsonl');
  if (!alpaca || alpaca.text.trim() === '') return null;
  return { name: `curated-${corpusName.replace(/\.[^.]+$/, '').replace(/[^\w-]+/g, '-')}-alpaca.jsonl`, text: alpaca.text };
}

/**
 * Digest of what a run decided: per sample its status, attempts' actions and verdict outcomes and the accepted
 * text, plus the injection labels. A re-run of the same link and build reproduces it.
 */
export function runDigest(run: Pick<PipelineResult, 'traces' | 'labels' | 'cancelled'>): string {
  const payload = {
    cancelled: run.cancelled,
    labels: run.labels.map((l) => [l.sampleId, l.mode, l.detail]),
    traces: run.traces.map((t) => [t.id, t.status, t.attempts.map((a) => [a.action, a.verdicts.map((v) => v.outcome)]), t.final ? [t.final.instruction, t.final.response] : null]),
  };
  return sha256HexSync(JSON.stringify(payload));
}
