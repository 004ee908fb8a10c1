// ONNX external data (CONVENTIONS #17): an .onnx file may keep its initializers in side files next to it
// (`model.onnx_data`, `model.onnx_data_1`…), named by each initializer's `location`. Which side files a model needs
// is read from the graph itself, not guessed from a naming pattern or a config hint, and every loader (a hub id on
// the Models page, ALIGNBEAM's causal LMs from a hub, a folder URL, a Node folder) resolves them here: the paths
// to fetch next to the .onnx, and a named ExternalDataMissingError that names the file when one is absent.
import { CorruptModelError, ExternalDataMissingError, ModelNotFoundError } from './errors';
import { parseOnnxModel } from './onnx/parse';
import type { ExternalDataFile } from './session';

/** The folder part of a path or URL, with its trailing '/' ('' for a bare file name). */
const folderOf = (path: string) => path.slice(0, path.lastIndexOf('/') + 1);

/**
 * The side files `onnx`'s initializers name, as `{ location, path }`: `location` as the graph spells it (ORT's
 * externalData option wants that), `path` next to `onnxPath` (same folder). A location that climbs out of the
 * folder or is absolute is refused: a downloaded graph does not get to choose other files of the hub or disk.
 */
export function externalDataRefs(onnx: Uint8Array, onnxPath: string): { location: string; path: string }[] {
  const { externalDataFiles } = parseOnnxModel(onnx, onnxPath);
  return externalDataFiles.map((location) => {
    if (!location || location.startsWith('/') || location.includes('\\') || location.split('/').includes('..') || /^[a-z]+:/i.test(location)) {
      throw new CorruptModelError(onnxPath, `an initializer's external data location "${location}" is not a file next to the .onnx`);
    }
    return { location, path: `${folderOf(onnxPath)}${location}` };
  });
}

/**
 * The external data of `onnx` from files the caller already has (`get(path)` is undefined when absent). Absent
 * files → ExternalDataMissingError naming every one of them.
 */
export function collectExternalData(label: string, onnxPath: string, onnx: Uint8Array, get: (path: string) => Uint8Array | undefined): ExternalDataFile[] {
  const refs = externalDataRefs(onnx, onnxPath);
  const found = refs.map((r) => ({ ...r, data: get(r.path) }));
  const missing = found.filter((f) => !f.data).map((f) => f.location);
  if (missing.length > 0) throw new ExternalDataMissingError(label, missing, `not found next to ${onnxPath}`);
  return found.map((f) => ({ path: f.location, data: f.data! }));
}

/** Fetches files by path (keys of the result are those paths); a 404 is ModelNotFoundError. */
export type SideFileFetcher = (paths: readonly string[]) => Promise<Map<string, Uint8Array>>;

/**
 * For a source that is fetched (a hub repo, a folder URL): fetches, in one download, the side files the graph of
 * `onnx` names and `have` lacks, next to it; returns them by path (empty for a model without external data, with
 * no request). A 404 for one of them is ExternalDataMissingError naming it, with the URL in the detail.
 * `collectExternalData` then turns `have` plus these into ORT's option.
 */
export async function fetchExternalDataFiles(label: string, onnxPath: string, onnx: Uint8Array, fetchFiles: SideFileFetcher,
  have: ReadonlyMap<string, Uint8Array> = new Map()): Promise<Map<string, Uint8Array>> {
  const wanted = externalDataRefs(onnx, onnxPath).filter((r) => !have.has(r.path));
  if (wanted.length === 0) return new Map();
  try {
    return await fetchFiles(wanted.map((r) => r.path));
  } catch (e) {
    if (!(e instanceof ModelNotFoundError)) throw e;
    const missing = wanted.filter((r) => e.url.endsWith(r.path)).map((r) => r.location);
    throw new ExternalDataMissingError(label, missing.length > 0 ? missing : wanted.map((r) => r.location), e.message, { cause: e });
  }
}
