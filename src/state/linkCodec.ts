// Share links: `#/<module>?s=<base64url(zlib(JSON envelope))>`.
// Decode = size check → base64url → inflate + checksum → JSON → envelope version → spec migrations → defaults →
// clamp. Any failure is a LinkError and nothing loads. fflate does not verify the zlib Adler-32 trailer, so we do:
// that is what turns a flipped character into "tampered" rather than a silently different experiment.
// Version history (golden fixtures in fixtures/links.json keep old links decoding):
//   v0  `?p=<base64url(JSON spec)>`, uncompressed, spec version 0 (first draft of the workbench)
//   v1  `?s=...` as above, envelope {v:1, m, sv, s, d?}
import { strFromU8, strToU8, unzlibSync, zlibSync } from 'fflate';
import { isModuleId, type ModuleId } from './modules';
import { linkSafeSpec } from './persistence';
import { specFor, type AnySpec } from './specs';
import { LinkError } from './linkErrors';

export const LINK_VERSION = 1;
export const MAX_LINK_PAYLOAD = 8 * 1024;

export interface DecodedLink {
  module: ModuleId;
  spec: AnySpec;
  /** digest of the results when the link was made; re-running must reproduce it */
  digest?: string;
  /** envelope version the link was written with */
  linkVersion: number;
}

export function base64UrlEncode(bytes: Uint8Array): string {
  let bin = '';
  for (let i = 0; i < bytes.length; i++) bin += String.fromCharCode(bytes[i]);
  return btoa(bin).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

export function base64UrlDecode(text: string): Uint8Array {
  if (!/^[A-Za-z0-9_-]*$/.test(text)) throw new LinkError('malformed', 'the payload contains characters that are not base64url');
  if (text.length % 4 === 1) throw new LinkError('malformed', 'the payload length is impossible for base64url (truncated?)');
  const bin = atob(text.replace(/-/g, '+').replace(/_/g, '/') + '='.repeat((4 - (text.length % 4)) % 4));
  return Uint8Array.from(bin, (c) => c.charCodeAt(0));
}

function adler32(data: Uint8Array): number {
  let a = 1;
  let b = 0;
  for (let i = 0; i < data.length; i++) {
    a = (a + data[i]) % 65521;
    b = (b + a) % 65521;
  }
  return ((b << 16) | a) >>> 0;
}

function inflateChecked(bytes: Uint8Array): string {
  if (bytes.length < 6) throw new LinkError('malformed', 'the payload is too short to be a workbench link');
  let raw: Uint8Array;
  try {
    raw = unzlibSync(bytes);
  } catch (e) {
    const msg = e instanceof Error ? e.message : String(e);
    throw new LinkError(/EOF/i.test(msg) ? 'malformed' : 'tampered', `the compressed payload cannot be read (${msg})`);
  }
  const n = bytes.length;
  const trailer = ((bytes[n - 4] << 24) | (bytes[n - 3] << 16) | (bytes[n - 2] << 8) | bytes[n - 1]) >>> 0;
  if (trailer !== adler32(raw)) throw new LinkError('tampered', 'checksum mismatch');
  return strFromU8(raw);
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new LinkError('tampered', 'the payload is not valid JSON');
  }
}

/** Runs the spec through migrations (from `fromVersion`), schema defaults and clamping. */
export function restoreSpec(module: ModuleId, rawSpec: unknown, fromVersion: number): AnySpec {
  const def = specFor(module);
  if (!def) throw new LinkError('unknown-module', `"${module}" has no experiment spec`);
  if (fromVersion > def.version) {
    throw new LinkError('future-version', `spec version ${fromVersion} is newer than this workbench's ${def.version} for ${module}`);
  }
  if (typeof rawSpec !== 'object' || rawSpec === null || Array.isArray(rawSpec)) throw new LinkError('invalid-spec', 'the spec is not an object');
  let spec = rawSpec as Record<string, unknown>;
  for (let v = fromVersion; v < def.version; v++) {
    const migrate = def.migrations[v];
    if (migrate) spec = migrate(spec);
  }
  const parsed = def.schema.safeParse(spec);
  if (!parsed.success) {
    const first = parsed.error.issues[0];
    throw new LinkError('invalid-spec', `${first.path.join('.') || '(root)'}: ${first.message}`);
  }
  return def.clamp(parsed.data);
}

/** What a link (compressed) or a spec file (as JSON) carries: versions, module, the link-safe spec, the digest. */
export interface LinkEnvelope { v: number; m: ModuleId; sv: number; s: unknown; d?: string }

export function linkEnvelope(module: ModuleId, spec: AnySpec, digest?: string): LinkEnvelope {
  const def = specFor(module);
  if (!def) throw new LinkError('unknown-module', `"${module}" has no experiment spec`);
  const valid = def.schema.safeParse(spec);
  if (!valid.success) {
    const first = valid.error.issues[0];
    throw new LinkError('invalid-spec', `${first.path.join('.') || '(root)'}: ${first.message}`);
  }
  return { v: LINK_VERSION, m: module, sv: def.version, s: linkSafeSpec(module, valid.data), ...(digest ? { d: digest } : {}) };
}

export function encodeLink(module: ModuleId, spec: AnySpec, digest?: string): string {
  const payload = base64UrlEncode(zlibSync(strToU8(JSON.stringify(linkEnvelope(module, spec, digest))), { level: 9 }));
  if (payload.length > MAX_LINK_PAYLOAD) {
    throw new LinkError('oversize', `the encoded spec is ${payload.length} bytes, over the ${MAX_LINK_PAYLOAD / 1024} KB limit of a share link`);
  }
  return `#/${module}?s=${payload}`;
}

export interface ParsedRoute {
  module: string;
  params: URLSearchParams;
}

/** Splits `#/<module>?query` (leading `#` optional). */
export function parseRoute(hash: string): ParsedRoute {
  const h = hash.replace(/^#/, '');
  const [path, query = ''] = h.split('?', 2) as [string, string?];
  return { module: path.replace(/^\/+/, '').split('/')[0] ?? '', params: new URLSearchParams(query) };
}

/** Decodes a share link hash. Returns undefined when the hash carries no spec (plain navigation). */
export function decodeLink(hash: string): DecodedLink | undefined {
  if (hash.length > MAX_LINK_PAYLOAD + 512) throw new LinkError('oversize', `the link is ${hash.length} characters`);
  const { module } = parseRoute(hash);
  const h = hash.replace(/^#/, '');
  const query = h.includes('?') ? h.slice(h.indexOf('?') + 1) : '';
  if (query === '') return undefined;
  // Exactly one `s=` (or v0 `p=`) and nothing else: a mangled query must not fall back to the defaults unnoticed.
  const param = /^([sp])=([^&?=]*)$/.exec(query);
  if (!param) {
    const shown = query.length > 40 ? `${query.slice(0, 40)}…` : query;
    throw new LinkError('malformed', `the address's query "?${shown}" is not "?s=<link>"`);
  }
  if (!isModuleId(module)) throw new LinkError('unknown-module', `"${module}" is not a workbench module`);
  const [, key, payload] = param;
  if (payload.length > MAX_LINK_PAYLOAD) throw new LinkError('oversize', `the payload is ${payload.length} bytes`);
  if (key === 'p') {
    // v0: uncompressed JSON spec, spec version 0
    return { module, spec: restoreSpec(module, parseJson(strFromU8(base64UrlDecode(payload))), 0), linkVersion: 0 };
  }
  return decodeEnvelope(parseJson(inflateChecked(base64UrlDecode(payload))), module);
}

/** Checks an envelope (from a link or a spec file) against the module it is opened in, then restores its spec. */
export function decodeEnvelope(envelope: unknown, module: ModuleId): DecodedLink {
  if (typeof envelope !== 'object' || envelope === null) throw new LinkError('tampered', 'the envelope is not an object');
  const env = envelope as { v?: unknown; m?: unknown; sv?: unknown; s?: unknown; d?: unknown };
  if (typeof env.v !== 'number' || !Number.isInteger(env.v)) throw new LinkError('malformed', 'the link has no version');
  if (env.v < 1) throw new LinkError('malformed', `link version ${env.v} does not exist (versions start at 1; version 0 links use "?p=")`);
  if (env.v > LINK_VERSION) throw new LinkError('future-version', `link version ${env.v} is newer than this workbench's ${LINK_VERSION}`);
  if (env.m !== module) throw new LinkError('tampered', `the link's module (${String(env.m)}) does not match its address (${module})`);
  const specVersion = typeof env.sv === 'number' ? env.sv : 0;
  const digest = typeof env.d === 'string' ? env.d : undefined;
  return { module, spec: restoreSpec(module, env.s, specVersion), digest, linkVersion: env.v };
}
