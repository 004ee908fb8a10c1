// The module header's sharing controls: copy the share link (saying "copied", or why not), download the spec as a
// file, and open such a file. A spec over the 8 KB link limit (circuits with many long edited pairs) cannot be a
// link: the note says so and points at the file, which carries the same envelope with no size limit.
import { useMemo, useRef, useState } from 'react';
import { encodeLink } from '../state/linkCodec';
import { LinkError } from '../state/linkErrors';
import type { ModuleId } from '../state/modules';
import { decodeSpecFile, encodeSpecFile, specFileName, SpecFileError } from '../state/specFile';
import type { AnySpec } from '../state/specs';
import type { DecodedLink } from '../state/linkCodec';
import { downloadFile } from '../viz/download';

/** A note answers one action on one spec: once the spec changes it no longer applies and is hidden. */
type Note = { ok: boolean; text: string; spec: AnySpec };

const explain = (e: unknown) => (e instanceof LinkError || e instanceof SpecFileError ? `${e.message}. ${e.remedy}` : e instanceof Error ? e.message : String(e));

export function ShareControls({ module, spec, digest, onOpenFile }: {
  module: ModuleId;
  spec: AnySpec;
  digest?: string;
  onOpenFile: (decoded: DecodedLink) => void;
}) {
  const [noteState, setNote] = useState<Note>();
  const note = noteState?.spec === spec ? noteState : undefined;
  const fileInput = useRef<HTMLInputElement>(null);
  // Said up front, not only on "Copy share link": past the limit the address stops following the spec.
  const tooLarge = useMemo(() => {
    try {
      encodeLink(module, spec, digest);
      return undefined;
    } catch (e) {
      return e instanceof LinkError && e.kind === 'oversize' ? e : undefined;
    }
  }, [module, spec, digest]);

  const copyLink = async () => {
    let link: string;
    try {
      link = `${window.location.origin}${window.location.pathname}${encodeLink(module, spec, digest)}`;
    } catch (e) {
      const oversize = e instanceof LinkError && e.kind === 'oversize';
      setNote({ spec, ok: false, text: oversize ? `No link: ${e.message.replace(/^Share link refused \(oversize\): /, '')}. Use "Download spec" and share the file instead.` : explain(e) });
      return;
    }
    try {
      if (!navigator.clipboard) throw new Error('this page has no clipboard access (it needs a secure context)');
      await navigator.clipboard.writeText(link);
      setNote({ spec, ok: true, text: 'Link copied.' });
    } catch (e) {
      setNote({ spec, ok: false, text: `The link could not be copied: ${explain(e)}. It is in the address bar.` });
    }
  };

  const openFile = async (file: File | undefined) => {
    if (!file) return;
    try {
      const decoded = decodeSpecFile(await file.text(), module);
      onOpenFile(decoded);
      setNote({ spec: decoded.spec, ok: true, text: `Opened ${file.name}.` });
    } catch (e) {
      setNote({ spec, ok: false, text: explain(e) });
    } finally {
      if (fileInput.current) fileInput.current.value = '';
    }
  };

  return (
    <>
      <button data-testid="copy-link" onClick={() => void copyLink()}>Copy share link</button>
      <button data-testid="download-spec" onClick={() => downloadFile(encodeSpecFile(module, spec, digest), specFileName(module), 'application/json')}>Download spec</button>
      <button data-testid="open-spec" onClick={() => fileInput.current?.click()}>Open spec file</button>
      <input ref={fileInput} type="file" accept="application/json,.json" hidden data-testid="open-spec-file" onChange={(e) => void openFile(e.target.files?.[0])} />
      {tooLarge && !note && <span className="muted" data-testid="share-too-large">Too large for a share link: use "Download spec" to keep or share it.</span>}
      {note && <span className={note.ok ? 'ok' : 'error'} role={note.ok ? 'status' : 'alert'} data-testid="share-note">{note.text}</span>}
    </>
  );
}
