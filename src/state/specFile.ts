// A spec as a file: the same envelope a share link carries, as readable JSON, with no size limit. It is what the
// workbench offers when a spec is over the 8 KB a link may hold (circuits with many long edited pairs), and it is
// opened with the same checks as a link (versions, module, migrations, schema, clamping).
import { decodeEnvelope, linkEnvelope, type DecodedLink } from './linkCodec';
import { LinkError } from './linkErrors';
import type { ModuleId } from './modules';
import type { AnySpec } from './specs';

export const SPEC_FILE_FORMAT = 'workbench-spec';

/** A spec file that cannot be opened here; the message says why and what to do. */
export class SpecFileError extends Error {
  constructor(detail: string, readonly remedy: string) {
    super(`Spec file refused: ${detail}`);
    this.name = 'SpecFileError';
  }
}

export function specFileName(module: ModuleId): string {
  return `${module}-spec.json`;
}

export function encodeSpecFile(module: ModuleId, spec: AnySpec, digest?: string): string {
  return `${JSON.stringify({ format: SPEC_FILE_FORMAT, ...linkEnvelope(module, spec, digest) }, null, 2)}\n`;
}

/** Decodes a spec file for `module` (the page it is opened on). */
export function decodeSpecFile(text: string, module: ModuleId): DecodedLink {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new SpecFileError('it is not JSON', `Choose a file saved with "Download spec" (${specFileName(module)}).`);
  }
  const file = parsed as { format?: unknown; m?: unknown } | null;
  if (typeof file !== 'object' || file === null || file.format !== SPEC_FILE_FORMAT) {
    throw new SpecFileError(`it is not a workbench spec (no "format": "${SPEC_FILE_FORMAT}")`, `Choose a file saved with "Download spec" (${specFileName(module)}).`);
  }
  if (file.m !== module) {
    throw new SpecFileError(`it holds a spec of "${String(file.m)}", not of ${module}`, `Open it from the ${String(file.m)} page.`);
  }
  try {
    return decodeEnvelope(file, module);
  } catch (e) {
    if (e instanceof LinkError) throw new SpecFileError(e.message.replace(/^Share link refused /, ''), e.remedy.replace(/\blink\b/g, 'file'));
    throw e;
  }
}
