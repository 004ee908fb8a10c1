// File sizes from a hub's folder listing (the Hugging Face API's `api/models/{id}/tree/{revision}/{folder}`), so
// the Models page's one bar over an .onnx and its external-data files knows its byte total before the first byte
// (ProgressChain's `expectedTotal`) instead of growing once the side files become known. Which side files a model
// needs is still read from its graph (externalData.ts) and nothing is fetched because of this listing: before the
// .onnx is in, the files named like its external data (`model.onnx_data`, `model.onnx_data_1`, `model.onnx.data`)
// are the guess; once it is in, the files the graph names, sized by the same listing, correct it. Any failure (a
// hub or mirror without the API, offline, a file missing from the listing) means no expectation: today's bar.
import type { FetchLike } from './loaders';

/** Repo path (e.g. `onnx/model.onnx`) → bytes. */
export type HubListing = ReadonlyMap<string, number>;

interface TreeEntry { type?: unknown; path?: unknown; size?: unknown; lfs?: { size?: unknown } }

const isSize = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v >= 0;

/** The listing's files and sizes (an LFS file's real size, not its pointer's); undefined when it is not a listing. */
export function parseHubTree(json: unknown): HubListing | undefined {
  if (!Array.isArray(json)) return undefined;
  const sizes = new Map<string, number>();
  for (const entry of json as TreeEntry[]) {
    if (!entry || typeof entry !== 'object' || entry.type !== 'file' || typeof entry.path !== 'string') continue;
    const size = isSize(entry.lfs?.size) ? entry.lfs.size : entry.size;
    if (isSize(size)) sizes.set(entry.path, size);
  }
  return sizes;
}

/** GETs and parses a listing; undefined on any failure (the caller then runs without an expected total). */
export async function fetchHubListing(url: string, fetch: FetchLike, signal?: AbortSignal): Promise<HubListing | undefined> {
  try {
    const res = await fetch(url, { signal });
    if (!res.ok) {
      void res.body?.cancel().catch(() => undefined);
      return undefined;
    }
    return parseHubTree(JSON.parse(new TextDecoder().decode(await res.arrayBuffer())));
  } catch (e) {
    if (signal?.aborted) throw e;
    return undefined;
  }
}

const folderOf = (path: string) => path.slice(0, path.lastIndexOf('/') + 1);

/** Side files next to `onnxPath` named as exporters name external data: `<name>_data[_<n>]`, `<name>.data`. */
export function likelySideFiles(listing: HubListing, onnxPath: string): string[] {
  const folder = folderOf(onnxPath);
  const name = onnxPath.slice(folder.length);
  const escaped = name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const pattern = new RegExp(`^${escaped}(_data(_\\d+)?|\\.data)$`);
  return [...listing.keys()].filter((p) => p.startsWith(folder) && pattern.test(p.slice(folder.length)));
}

/** Before the .onnx is in: its size plus the likely side files' (undefined when the listing lacks the .onnx). */
export function guessedChainTotal(listing: HubListing, onnxPath: string): number | undefined {
  const onnx = listing.get(onnxPath);
  if (onnx === undefined) return undefined;
  return likelySideFiles(listing, onnxPath).reduce((sum, p) => sum + listing.get(p)!, onnx);
}

/** Once the graph named its side files (repo paths): the exact total, or undefined when one is not listed. */
export function exactChainTotal(listing: HubListing, onnxPath: string, sidePaths: readonly string[]): number | undefined {
  let total = listing.get(onnxPath);
  for (const p of sidePaths) {
    const size = listing.get(p);
    if (total === undefined || size === undefined) return undefined;
    total += size;
  }
  return total;
}
