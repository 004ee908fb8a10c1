// Why a share link was refused. The shell shows `message` and `remedy` and loads nothing.

export type LinkErrorKind = 'oversize' | 'malformed' | 'tampered' | 'future-version' | 'unknown-module' | 'invalid-spec';

const remedies: Record<LinkErrorKind, string> = {
  oversize: 'Share links are limited to 8 KB. Save the experiment to history and export it as a JSON file instead.',
  malformed: 'The link is incomplete or not a workbench link. Ask for the full link (it may have been cut when pasted).',
  tampered: 'The link was altered after it was made (its checksum does not match). Ask for the original link.',
  'future-version': 'The link was made by a newer version of the workbench. Update the workbench, then open it again.',
  'unknown-module': 'The link names a module this workbench does not have.',
  'invalid-spec': 'The link decodes but its settings are not valid for this module. Ask for a new link.',
};

export class LinkError extends Error {
  readonly kind: LinkErrorKind;
  readonly remedy: string;
  constructor(kind: LinkErrorKind, detail: string) {
    super(`Share link refused (${kind}): ${detail}`);
    this.name = 'LinkError';
    this.kind = kind;
    this.remedy = remedies[kind];
  }
}
