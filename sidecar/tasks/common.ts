// Pieces shared by the job runners: opening inputs with readable labels, n_heads discovery, circuit
// masks per tensor, and the input section of a manifest.

import { maskForTensor, resolveArch, type ArchInfo, type RowColMask } from '../../src/core/edits/archMap';
import type { CircuitSelection } from '../../src/core/edits/circuit';
import { isFloatDtype } from '../../src/core/edits/dtypes';
import { MaskMappingError } from '../../src/core/edits/errors';
import { closeCheckpoint, hashCheckpoint, openCheckpoint, type Checkpoint, type FileDigest } from '../checkpoint';

export interface InputRef {
  /** Workspace-relative path, as the user gave it. */
  rel: string;
  abs: string;
}

export class Inputs {
  readonly list: { role: string; ref: InputRef; ck: Checkpoint }[] = [];

  async open(role: string, ref: InputRef): Promise<Checkpoint> {
    const same = this.list.find((x) => x.ref.abs === ref.abs);
    const ck = same ? same.ck : await openCheckpoint(ref.abs, ref.rel);
    // Hashed on threads of their own while the job computes (digests() collects the results).
    if (!same) await Promise.all(ck.files.map((f) => f.source.hashAside()));
    this.list.push({ role, ref, ck });
    return ck;
  }

  /** sha256 of each distinct input file (hashed aside while the edit pass ran; see HashingFileSource.hashAside). */
  async digests(onBytes?: (n: number) => void): Promise<Record<string, { path: string; files: FileDigest[] }>> {
    const out: Record<string, { path: string; files: FileDigest[] }> = {};
    const done = new Map<Checkpoint, FileDigest[]>();
    for (const x of this.list) {
      const d = done.get(x.ck) ?? (await hashCheckpoint(x.ck, onBytes));
      done.set(x.ck, d);
      out[x.role] = { path: x.ref.rel, files: d };
    }
    return out;
  }

  async close(): Promise<void> {
    await Promise.all([...new Set(this.list.map((x) => x.ck))].map(closeCheckpoint));
  }
}

/**
 * The family and head geometry of a checkpoint (src/core/edits/archMap.ts): family from config.json's model_type or
 * the tensor names, n_heads from the request, else config.json, else the circuit's cfg (which must agree).
 */
export function resolveHeads(ck: Checkpoint, sel: CircuitSelection, given?: number): ArchInfo {
  return resolveArch(ck.tensors, { nHeads: given, config: ck.config, circuit: sel });
}

/** Masks of every float tensor, checking that each circuit node maps onto at least one weight. */
export function buildMasks(ck: Checkpoint, sel: CircuitSelection, arch: ArchInfo): Map<string, RowColMask> {
  const masks = new Map<string, RowColMask>();
  for (const t of ck.tensors) {
    const m = maskForTensor(t, sel, arch);
    if (m && isFloatDtype(t.dtype)) masks.set(t.name, m);
  }
  const names = [...masks.keys()];
  const layerHit = (l: number, what: RegExp) => names.some((n) => new RegExp(`(?:^|\\.)(?:h|layers)\\.${l}\\.${what.source}`).test(n));
  for (const [l, h] of sel.heads) if (!layerHit(l, /(?:attn|self_attn)\./)) throw new MaskMappingError(`circuit head a${l}.h${h} has no attention weights in this checkpoint (layer ${l} missing?)`);
  for (const l of sel.mlps) if (!layerHit(l, /mlp\./)) throw new MaskMappingError(`circuit node m${l} has no MLP weights in this checkpoint (layer ${l} missing?)`);
  return masks;
}

/**
 * Warnings an edit's result and manifest carry: outputs that are valid files but probably not what was
 * meant (nothing changed, or values that will poison every forward pass).
 */
export function unchangedWarning(what: string): string {
  return `no parameter changed: the output is an unchanged copy of ${what}`;
}

export function nonFiniteWarning(perTensor: readonly { name: string; nonFinite: number }[]): string[] {
  const hit = perTensor.filter((t) => t.nonFinite > 0);
  if (hit.length === 0) return [];
  const n = hit.reduce((a, t) => a + t.nonFinite, 0);
  const names = hit.slice(0, 3).map((t) => t.name).join(', ') + (hit.length > 3 ? ` and ${hit.length - 3} more` : '');
  return [`${n} parameter(s) were written as NaN or ±Inf (in ${names}): the edit overflows the tensor's dtype (f16 tops out at 65504) or an input holds non-finite values; lower the strength or check the inputs`];
}
