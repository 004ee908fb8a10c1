// Turns a report's "next evidence" item into the link that opens its module, pre-filled when the item carries a
// partial spec. The partial goes through the same migrate → defaults → clamp path as a share link, so a stale or
// out-of-range partial still opens something valid; a partial the module's schema refuses opens the module plain
// (the button then says so in its title rather than failing).
import type { NextEvidence } from '../../core/assurance/types';
import { encodeLink, restoreSpec } from '../../state/linkCodec';
import { isModuleId } from '../../state/modules';
import { specFor } from '../../state/specs';

export interface NextLink {
  href: string;
  /** true when the link carries the item's spec, false when it only opens the module */
  prefilled: boolean;
  why?: string;
}

export function nextEvidenceLink(item: NextEvidence): NextLink {
  const plain = `#/${item.module}`;
  if (!item.spec) return { href: plain, prefilled: false };
  if (!isModuleId(item.module)) return { href: plain, prefilled: false, why: `"${item.module}" is not a module of this build` };
  const def = specFor(item.module);
  if (!def) return { href: plain, prefilled: false, why: `${item.module} has no spec to pre-fill` };
  try {
    return { href: encodeLink(item.module, restoreSpec(item.module, item.spec, def.version)), prefilled: true };
  } catch (e) {
    return { href: plain, prefilled: false, why: e instanceof Error ? e.message : String(e) };
  }
}
