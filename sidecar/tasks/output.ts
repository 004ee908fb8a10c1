// An output model folder built under a temp name next to its final path and published by one rename once
// every shard, the index, the side files, onnx/model.onnx, the manifest and (for jobs that measure something)
// evidence.json are written and fsynced. Until then nothing exists under the final name; a cancel or error removes
// the temp folder, a crash leaves it for the start-up sweep.
//
// onnx/model.onnx: the workbench runs models through ORT from an ONNX decoder, so an edited folder that only had
// safetensors would not load there, and the source's own onnx/ would hold the old weights. So the written weights
// are read back from the temp folder (what is exported is exactly what was written), decoded to f32 and exported by
// src/core/edits/onnxExport.ts whenever the family table knows the config and the weights fit in memory; otherwise
// the folder is still written, without ONNX, and the manifest's `onnx` says why.

import { lstat, mkdir, rm, stat, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { decodeToF32, isFloatDtype } from '../../src/core/edits/dtypes';
import { OnnxExportError, OutputVerificationError } from '../../src/core/edits/errors';
import { numel } from '../../src/core/edits/safetensors';
import { LmConfigError, normalizeConfig, type NormalizedLmConfig } from '../../src/core/lm/families';
import { CheckpointWriter, closeCheckpoint, openCheckpoint, readTensor, type Checkpoint, type FileDigest, type TensorRef } from '../checkpoint';
import { fsyncPath, HashingFileWriter, partialPath, publish } from '../fileio';
import { EVIDENCE_FILE } from './evidence';
import { checkAborted } from './stream';

export const MANIFEST_FILE = 'edit-manifest.json';
export const ONNX_FILE = 'onnx/model.onnx';
/**
 * In-memory ONNX export limit, on the f32 weights (4 bytes per float parameter, whatever the checkpoint dtype):
 * 1 GiB, about 268 M parameters (SmolLM2-135M fits; Qwen3-0.6B, 2.4 GB as f32, is skipped). The export holds the
 * decoded weights, the graph and its encoded bytes at once, so the job thread peaks near 3× this.
 */
export const ONNX_EXPORT_MAX_F32_BYTES = 2 ** 30;

/** What the manifest's `onnx` says: the file written, or why there is none. */
export type OnnxOutcome =
  | { written: true; file: typeof ONNX_FILE; dtype: 'fp32'; family: string; params: number; bytes: number; sha256: string }
  | { written: false; reason: string; sourceHasOnnx: boolean };

/** A warning when the source folder had an onnx/ folder but the edit has none (the user expects a loadable model). */
export function onnxWarnings(onnx: OnnxOutcome): string[] {
  return !onnx.written && onnx.sourceHasOnnx ? [`no ${ONNX_FILE} was written although the source folder has onnx/ (its files hold the unedited weights and are not copied): ${onnx.reason}`] : [];
}

export interface CommitOptions {
  /** The job's cancel signal (checked between tensors of the export). */
  signal?: AbortSignal;
  /** Export onnx/model.onnx when possible (the request's `onnx`; default true). */
  onnx?: boolean;
  /** Called once per output before its export starts (a progress phase for the UI). */
  onExport?: () => void;
  /** The job's evidence ledger from the manifest (null: none), written as evidence.json in the folder before it is published. */
  evidence?: (manifest: unknown) => string | null;
}

export interface Committed {
  files: FileDigest[];
  manifest: unknown;
  onnx: OnnxOutcome;
  /** whether evidence.json was written */
  evidence: boolean;
}

/**
 * Why a checkpoint with this layout and config cannot be exported in memory, or null when it can: no config.json
 * (a bare .safetensors input), a config the family table refuses (its named error), or f32 weights over the limit.
 */
export function onnxSkipReason(primary: Pick<Checkpoint, 'kind' | 'config' | 'tensors'>, maxF32Bytes = ONNX_EXPORT_MAX_F32_BYTES): { reason: string } | { config: NormalizedLmConfig; params: number } {
  if (primary.kind === 'file') return { reason: 'the input is a bare .safetensors file: without its folder\'s config.json the model family is unknown' };
  if (!primary.config) return { reason: 'the input folder has no readable config.json: the model family is unknown' };
  let config: NormalizedLmConfig;
  try {
    config = normalizeConfig(primary.config);
  } catch (e) {
    if (!(e instanceof LmConfigError)) throw e;
    return { reason: `${e.name}: ${e.message}` };
  }
  const params = primary.tensors.reduce((s, t) => s + (isFloatDtype(t.dtype) ? numel(t.shape) : 0), 0);
  if (params * 4 > maxF32Bytes) {
    const gib = (b: number) => `${(b / 2 ** 30).toFixed(2)} GiB`;
    return { reason: `${params} float parameters are ${gib(params * 4)} as f32, over the sidecar's in-memory export limit of ${gib(maxF32Bytes)} (ONNX_EXPORT_MAX_F32_BYTES); export this folder with optimum (external data) instead` };
  }
  return { config, params };
}

export class OutputFolder {
  private constructor(readonly finalPath: string, readonly tempPath: string, readonly label: string, readonly primary: Checkpoint, readonly writer: CheckpointWriter) {}

  /** `label`: the output's workspace-relative path, for messages. */
  static async create(primary: Checkpoint, finalPath: string, jobId: string, metadata: Record<string, string>, label = basename(finalPath)): Promise<OutputFolder> {
    const tempPath = partialPath(finalPath, jobId);
    return new OutputFolder(finalPath, tempPath, label, primary, await CheckpointWriter.create(primary, tempPath, metadata));
  }

  /** Finishes the weights, exports the ONNX decoder, writes the manifest built from their digests, and publishes the folder. */
  async commit(manifest: (files: FileDigest[], onnx: OnnxOutcome) => unknown, o: CommitOptions = {}): Promise<Committed> {
    const files = await this.writer.finish();
    const onnx = (o.onnx ?? true) ? await this.exportOnnx(o) : { written: false as const, reason: 'not requested (onnx: false)', sourceHasOnnx: false };
    if (onnx.written) files.push({ name: ONNX_FILE, bytes: onnx.bytes, sha256: onnx.sha256 });
    if (o.signal) checkAborted(o.signal);
    const m = manifest(files, onnx);
    const mp = join(this.tempPath, MANIFEST_FILE);
    await writeFile(mp, JSON.stringify(m, null, 2));
    await fsyncPath(mp);
    const ledger = o.evidence?.(m) ?? null;
    if (ledger !== null) {
      const ep = join(this.tempPath, EVIDENCE_FILE);
      await writeFile(ep, ledger);
      await fsyncPath(ep);
    }
    await fsyncPath(this.tempPath);
    await publish(this.tempPath, this.finalPath);
    return { files, manifest: m, onnx, evidence: ledger !== null };
  }

  /**
   * Reads the written weights back, decodes them to f32 and writes onnx/model.onnx. A config the table refuses or a
   * checkpoint the exporter cannot map (OnnxExportError: a tensor missing, shapes not the config's) is a reason, not
   * a failure: the safetensors folder is still a valid edit. Anything else fails the job (nothing is published).
   */
  private async exportOnnx(o: CommitOptions): Promise<OnnxOutcome> {
    const plan = onnxSkipReason(this.primary);
    const skipped = async (reason: string): Promise<OnnxOutcome> => ({ written: false, reason, sourceHasOnnx: await this.sourceHasOnnx() });
    if ('reason' in plan) return skipped(plan.reason);
    o.onExport?.();
    const ck = await openCheckpoint(this.tempPath, this.label);
    let bytes: Uint8Array;
    try {
      const tensors = new Map<string, { data: Float32Array; shape: number[] }>();
      for (const t of ck.tensors) {
        if (o.signal) checkAborted(o.signal);
        if (isFloatDtype(t.dtype)) tensors.set(t.name, { data: await readF32(ck, t), shape: [...t.shape] });
      }
      const { exportCheckpointOnnx } = await import('../../src/core/edits/onnxExport');
      if (o.signal) checkAborted(o.signal);
      try {
        bytes = exportCheckpointOnnx(this.primary.config, tensors);
      } catch (e) {
        if (e instanceof OnnxExportError || e instanceof LmConfigError) return skipped(`${e.name}: ${e.message}`);
        throw e;
      }
    } finally {
      await closeCheckpoint(ck);
    }
    if (o.signal) checkAborted(o.signal);
    await mkdir(join(this.tempPath, 'onnx'));
    const path = join(this.tempPath, ONNX_FILE);
    const w = await HashingFileWriter.create(path);
    let digest: { bytes: number; sha256: string };
    try {
      await w.write(bytes);
      digest = await w.finish();
    } catch (e) {
      await w.abort();
      throw e;
    }
    const onDisk = (await stat(path)).size;
    if (digest.bytes !== bytes.byteLength || onDisk !== bytes.byteLength) {
      throw new OutputVerificationError(`${this.label}/${ONNX_FILE}`, `${onDisk} bytes on disk, ${bytes.byteLength} exported`);
    }
    await fsyncPath(join(this.tempPath, 'onnx'));
    return { written: true, file: ONNX_FILE, dtype: 'fp32', family: plan.config.family, params: plan.params, ...digest };
  }

  private async sourceHasOnnx(): Promise<boolean> {
    if (this.primary.kind === 'file') return false;
    return (await lstat(join(this.primary.path, 'onnx')).catch(() => null))?.isDirectory() ?? false;
  }

  async discard(): Promise<void> {
    await this.writer.abort();
    await rm(this.tempPath, { recursive: true, force: true });
  }
}

async function readF32(ck: Checkpoint, t: TensorRef): Promise<Float32Array> {
  return decodeToF32(t.dtype, await readTensor(ck, t, 0, numel(t.shape)));
}
