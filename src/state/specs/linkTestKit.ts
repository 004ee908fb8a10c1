// Test helpers for module specs: a link whose envelope holds a spec verbatim (as a hand-edited link would, no parse
// on the way in), and the LinkError a refused link throws.
import { strToU8, zlibSync } from 'fflate';
import { base64UrlEncode, decodeLink } from '../linkCodec';
import { LinkError } from '../linkErrors';
import type { ModuleId } from '../modules';

export function rawLink(module: ModuleId, s: unknown): string {
  return `#/${module}?s=${base64UrlEncode(zlibSync(strToU8(JSON.stringify({ v: 1, m: module, sv: 1, s }))))}`;
}

/** The LinkError decoding `hash` throws; fails when it decodes or throws anything else. */
export function linkRefusal(hash: string): LinkError {
  try {
    decodeLink(hash);
  } catch (e) {
    if (e instanceof LinkError) return e;
    throw e;
  }
  throw new Error('expected a LinkError');
}
