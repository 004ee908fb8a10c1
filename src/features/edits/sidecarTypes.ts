// Shapes of the edits sidecar's JSON answers (sidecar/README.md, "Endpoints"), as the panel reads them.
// Only the fields the UI shows are typed; the full manifests are downloaded as they come.

export interface FileDigest {
  name: string;
  bytes: number;
  sha256: string;
}

export interface CheckpointEntry {
  path: string;
  kind: 'file' | 'folder' | 'sharded';
  bytes: number;
}

export interface TensorInfo {
  name: string;
  dtype: string;
  shape: number[];
  bytes: number;
  file: string;
}

export interface InspectResult {
  path: string;
  kind: CheckpointEntry['kind'];
  /** The family whose tensor names fit (src/core/edits/archMap.ts detectFamily), null when none does. */
  arch: string | null;
  files: { name: string; bytes: number }[];
  params: number;
  tensors: TensorInfo[];
}

export type JobKind = 'cdelta' | 'survival' | 'mansu';
export type JobState = 'running' | 'done' | 'error' | 'cancelled';

export type JobEvent =
  | { jobId: string; type: 'progress'; phase: string; done: number; total: number; fraction: number }
  | { jobId: string; type: 'done'; result: unknown }
  | { jobId: string; type: 'error'; error: string; name: string }
  | { jobId: string; type: 'cancelled' };

export interface StartedJob {
  id: string;
  kind: JobKind;
  state: JobState;
  outputs: string[];
  events: string;
}

// The sidecar's JSON carries core's own records: import the types rather than restating them.
import type { SurvivalSummary } from '../../core/edits/survival';
import type { CDeltaTensorStats } from '../../core/edits/cdelta';

export type { SurvivalSummary, CDeltaTensorStats };

/** The manifest's `onnx` (sidecar/tasks/output.ts): the decoder written for the edited weights, or why there is none. */
export type OnnxOutcome =
  | { written: true; file: string; dtype: 'fp32'; family: string; params: number; bytes: number; sha256: string }
  | { written: false; reason: string; sourceHasOnnx: boolean };

export interface CDeltaManifest {
  kind: 'c-delta-theta';
  strength: number;
  mask: { arch: { family: string; familyFrom: 'config.json' | 'tensor names'; nHeads: number; nKvHeads: number; headDim: number; dModel: number }; heads: string[]; mlps: string[]; tensorsTouched: number; paramsMasked: number; paramsTotal: number; percentMasked: number };
  paramsChanged: number;
  percentChanged: number;
  /** Valid output, probably not what was meant (empty circuit, unchanged copy, NaN/±Inf); absent before 0.1.x manifests had it. */
  warnings?: string[];
  tensors: CDeltaTensorStats[];
  output: { path: string; files: FileDigest[] };
  /** Absent in manifests written before the sidecar exported ONNX. */
  onnx?: OnnxOutcome;
}

export interface SurvivalReport {
  kind: 'survival';
  quant: { type: string; blocksize: number };
  ratioBinLowerEdges: number[];
  overall: SurvivalSummary;
  tensors: (SurvivalSummary & { name: string })[];
}

export interface MansuManifest {
  kind: 'mansu';
  quant: { type: string; blocksize: number };
  ratioBinLowerEdges: number[];
  overall: { before: SurvivalSummary; after: SurvivalSummary; floor: { kept: number; floored: number; saturated: number; failed: number } };
  warnings?: string[];
  tensors: { name: string; nonzeroUpdate: number; maskedOut: number; survivalBefore: SurvivalSummary; survivalAfter: SurvivalSummary }[];
  output: { path: string; files: FileDigest[] };
  onnx?: OnnxOutcome;
}

export type EditManifest = CDeltaManifest | SurvivalReport | MansuManifest;
