// Run bundles: one JSON file that carries a run record and the input artefacts it names that this browser has
// (bytes as base64), so another browser can import the run and reproduce it. No zip: a bundle is plain JSON,
// at most 20 MB of text (MAX_BUNDLE_BYTES, as history exports), so artefacts of ~15 MB in all fit.
//   { format: 'workbench-run-bundle', version: 1, exportedAt, title, record, artefacts: [{ role, id, sha256, size, base64 }],
//     missing: [{ role, id, sha256 }] }   // inputs the record names whose bytes the exporter did not have
// Reading checks everything before anything is stored: the bundle's version, the record with its own reader
// (version, schema, results vs digest), every artefact's bytes against its sha256 and against the record's inputs.
// A bad bundle is a BundleError with a stable kind and a remedy; nothing half-read is returned.
import { ExperimentError } from '../../core/experiments/errors';
import { parseRunRecord, type InputRecord, type RunRecord } from '../../core/experiments/record';
import type { InputLoader } from '../../core/experiments/runner';
import { sha256HexSync } from '../../core/numeric/sha256';

export const BUNDLE_FORMAT = 'workbench-run-bundle';
export const BUNDLE_VERSION = 1;
export const MAX_BUNDLE_BYTES = 20 * 1024 * 1024;

export type BundleErrorKind = 'not-a-bundle' | 'unknown-version' | 'future-version' | 'too-large' | 'invalid-record' | 'tampered-record' | 'artefact-mismatch';

const remedies: Record<BundleErrorKind, string> = {
  'not-a-bundle': 'Choose a file saved with "Export bundle" on the Experiments page.',
  'unknown-version': 'This bundle version was never written by a workbench: export the run again.',
  'future-version': 'A newer workbench wrote it: update this workbench, then import it again.',
  'too-large': 'Export the run without its largest artefacts (provide those files separately), or share the record alone.',
  'invalid-record': 'The run record inside is incomplete: export the run again from the workbench that ran it.',
  'tampered-record': 'The results no longer match the digest they were saved with: use the original bundle or re-run the experiment.',
  'artefact-mismatch': 'An artefact does not match the sha256 the record names: use the original bundle or provide the original file.',
};

export class BundleError extends Error {
  override readonly name = 'BundleError';
  readonly remedy: string;
  constructor(readonly kind: BundleErrorKind, detail: string, options?: { cause?: unknown }) {
    super(`Bundle refused (${kind}): ${detail}. Nothing was imported.`, options);
    this.remedy = remedies[kind];
  }
}

export interface BundleArtefact { role: InputRecord['role']; id: string; sha256: string; bytes: Uint8Array }
export interface RunBundle { title: string; record: RunRecord; artefacts: BundleArtefact[]; missing: Omit<InputRecord, 'size'>[] }

function toBase64(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(s);
}

function fromBase64(text: string): Uint8Array {
  const s = atob(text);
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i);
  return out;
}

/** The bundle text of `record` with the artefacts `have` returns (by sha256); inputs without bytes are listed as missing. */
export function serialiseBundle(record: RunRecord, title: string, have: (input: InputRecord) => Uint8Array | undefined): string {
  const artefacts: { role: string; id: string; sha256: string; size: number; base64: string }[] = [];
  const missing: { role: string; id: string; sha256: string }[] = [];
  for (const input of record.inputs) {
    const bytes = have(input);
    if (bytes && sha256HexSync(bytes) === input.sha256) artefacts.push({ role: input.role, id: input.id, sha256: input.sha256, size: bytes.byteLength, base64: toBase64(bytes) });
    else missing.push({ role: input.role, id: input.id, sha256: input.sha256 });
  }
  const text = `${JSON.stringify({ format: BUNDLE_FORMAT, version: BUNDLE_VERSION, exportedAt: new Date().toISOString(), title, record, artefacts, missing }, null, 1)}\n`;
  if (text.length > MAX_BUNDLE_BYTES) throw new BundleError('too-large', `the bundle would be ${(text.length / 1e6).toFixed(1)} MB, over the ${MAX_BUNDLE_BYTES / 1024 / 1024} MB limit`);
  return text;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Reads and checks a bundle; throws a BundleError naming the first problem. */
export function parseBundle(text: string): RunBundle {
  if (text.length > MAX_BUNDLE_BYTES) throw new BundleError('too-large', `the file is ${(text.length / 1e6).toFixed(1)} MB, over the ${MAX_BUNDLE_BYTES / 1024 / 1024} MB limit`);
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new BundleError('not-a-bundle', `it is not JSON (${e instanceof Error ? e.message : String(e)})`);
  }
  if (!isObject(raw) || raw.format !== BUNDLE_FORMAT) throw new BundleError('not-a-bundle', `it has no "format": "${BUNDLE_FORMAT}"`);
  const version = raw.version;
  if (typeof version !== 'number' || !Number.isInteger(version) || version < 1) throw new BundleError('unknown-version', `bundle version ${JSON.stringify(version)} does not exist`);
  if (version > BUNDLE_VERSION) throw new BundleError('future-version', `bundle version ${version} is newer than this workbench's ${BUNDLE_VERSION}`);
  let record: RunRecord;
  try {
    record = parseRunRecord(raw.record);
  } catch (e) {
    if (!(e instanceof ExperimentError)) throw e;
    const kind: BundleErrorKind = e.kind === 'tampered-record' ? 'tampered-record' : e.kind === 'future-version' ? 'future-version' : e.kind === 'unknown-version' ? 'unknown-version' : 'invalid-record';
    throw new BundleError(kind, `run record: ${e.message.replace(/^Experiment refused \([^)]*\): /, '')}`, { cause: e });
  }
  const named = new Map(record.inputs.map((i) => [`${i.role}:${i.id}`, i]));
  const artefacts: BundleArtefact[] = (Array.isArray(raw.artefacts) ? raw.artefacts : []).map((a: unknown, i: number) => {
    if (!isObject(a) || typeof a.base64 !== 'string' || (a.role !== 'data' && a.role !== 'model') || typeof a.id !== 'string') {
      throw new BundleError('not-a-bundle', `artefacts[${i}] is not { role, id, sha256, size, base64 }`);
    }
    const input = named.get(`${a.role}:${a.id}`);
    if (!input) throw new BundleError('artefact-mismatch', `artefacts[${i}] (${a.role} "${a.id}") is not an input of the record`);
    let bytes: Uint8Array;
    try {
      bytes = fromBase64(a.base64);
    } catch {
      throw new BundleError('artefact-mismatch', `artefacts[${i}] (${a.id}) is not base64`);
    }
    const actual = sha256HexSync(bytes);
    if (actual !== input.sha256) throw new BundleError('artefact-mismatch', `${a.role} "${a.id}" hashes to ${actual.slice(0, 12)}…, the record says ${input.sha256.slice(0, 12)}…`);
    return { role: input.role, id: input.id, sha256: input.sha256, bytes };
  });
  const have = new Set(artefacts.map((a) => `${a.role}:${a.id}`));
  const missing = record.inputs.filter((i) => !have.has(`${i.role}:${i.id}`)).map(({ role, id, sha256 }) => ({ role, id, sha256 }));
  return { title: typeof raw.title === 'string' ? raw.title.slice(0, 300) : record.experiment.module, record, artefacts, missing };
}

// ---------------------------------------------------------------------------------------------------------------
// Artefacts this page session holds (bytes by sha256): panels put the inputs of their runs here, imported bundles
// add theirs; exports read from it and "Reproduce" loads inputs from it. In memory only: a reload forgets them
// (the record keeps the sha256, so the file can be provided again).

const artefactsBySha = new Map<string, Uint8Array>();

export function rememberArtefact(bytes: Uint8Array, sha256 = sha256HexSync(bytes)): string {
  artefactsBySha.set(sha256, bytes);
  return sha256;
}

export function artefactFor(input: { sha256: string }): Uint8Array | undefined {
  return artefactsBySha.get(input.sha256);
}

/** An InputLoader over the remembered artefacts: by the pinned sha256, else by the id a record names. */
export function artefactLoader(record: RunRecord): InputLoader {
  return async (ref) => {
    const pinned = ref.sha256 ?? record.inputs.find((i) => i.role === ref.role && i.id === ref.id)?.sha256;
    const bytes = pinned ? artefactsBySha.get(pinned) : undefined;
    if (!bytes) throw new Error(`this browser does not hold ${ref.role} "${ref.id}"${pinned ? ` (sha256 ${pinned.slice(0, 12)}…)` : ''}: import a bundle that carries it or run the module with that file`);
    return bytes;
  };
}
