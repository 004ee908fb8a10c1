// Evidence files of the sidecar's jobs, for #/assurance's **Import ledger** (a ledger file, as the training CLI's
// evidence.json): a survival report and a MANSU manifest become the 'quantization-survival' record the Edits page
// emits for the same report (src/core/assurance/emit/edits.ts emitSidecarSurvival), with the inputs' sha256 filled in
// from the job's own digests: the edited model (survival) or MANSU's output weights by their model.safetensors, the
// base model in `data`. Where the evidence goes: a MANSU output folder holds `evidence.json` (published with the
// folder); a survival report `x.json` has `x.evidence.json` beside it (an output of the job like the report).
// A C-Δθ job writes none: it edits weights and measures nothing (its outputs' behaviour is measured on the Edits
// page, whose evidence names each strength's checkpoint by the same sha256).
import { emitSidecarSurvival } from '../../src/core/assurance/emit/edits';
import { completeEvidence, serialiseLedger } from '../../src/core/assurance/ledger';
import type { EvidenceDraft } from '../../src/core/assurance/types';
import type { FileDigest } from '../checkpoint';

export const EVIDENCE_FILE = 'evidence.json';

/** The evidence file of a survival report: `x.json` → `x.evidence.json` (workspace-relative or absolute). */
export const survivalEvidencePath = (reportPath: string): string => `${reportPath.replace(/\.json$/, '')}.evidence.json`;

type Digest = { path: string; files: FileDigest[] };
type Manifest = Parameters<typeof emitSidecarSurvival>[0] & { inputs: Record<string, Digest | undefined> };

/** A checkpoint's weights hash as the rest of the workbench names models: its one .safetensors file; none when sharded. */
function weightsSha256(files: readonly Pick<FileDigest, 'name' | 'sha256'>[]): string | undefined {
  const weights = files.filter((f) => f.name.endsWith('.safetensors'));
  return weights.length === 1 ? weights[0].sha256 : undefined;
}

/** The ledger text of a finished survival or MANSU job, or null when its report has no metric (nothing changed). */
export function jobEvidenceLedger(m: Manifest, now = new Date()): string | null {
  const { base, edited } = m.inputs;
  if (!base || !edited) throw new Error(`a ${m.kind} manifest without its base and edited inputs`);
  const baseSha = weightsSha256(base.files);
  const editedSha = m.kind === 'survival' ? weightsSha256(edited.files) : undefined;
  const drafts: EvidenceDraft[] = emitSidecarSurvival(m, { base: base.path, target: edited.path }).map((d) => ({
    ...d,
    model: { ...d.model, ...(editedSha && !d.model.sha256 ? { sha256: editedSha } : {}) },
    data: d.data.map((x) => (x.id === `base model ${base.path}` && baseSha ? { ...x, sha256: baseSha } : x)),
  }));
  if (drafts.length === 0) return null;
  return serialiseLedger(drafts.map((d) => completeEvidence(d, { module: 'edits' }, now)), now);
}
