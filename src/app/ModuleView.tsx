// Opens a module: decodes its share link (if any), keeps the URL mirroring the spec, and offers share + save.
// A refused link renders only the error: the module's panel is not mounted, so nothing from the link runs.
import { useEffect, useRef, useState } from 'react';
import { decodeLink, encodeLink, type DecodedLink } from '../state/linkCodec';
import { LinkError } from '../state/linkErrors';
import { specFor, type AnySpec } from '../state/specs';
import { useAppStore } from '../state/appStore';
import type { FeatureModule, RunResult } from './featureTypes';
import { historyStore } from './historyContext';
import { evidenceStore } from '../state/evidenceStoreContext';
import { replaceHash } from './useHashRoute';
import { LinkErrorView } from './pages/LinkErrorView';
import { ShareControls } from './ShareControls';

type Opened = { ok: true; spec: AnySpec; digest?: string } | { ok: false; error: LinkError };

function open(feature: FeatureModule, hash: string): Opened {
  try {
    const decoded = decodeLink(hash);
    if (decoded) return { ok: true, spec: decoded.spec, digest: decoded.digest };
    const def = specFor(feature.id);
    return { ok: true, spec: def ? def.clamp(def.schema.parse({})) : {} };
  } catch (e) {
    if (e instanceof LinkError) return { ok: false, error: e };
    return { ok: false, error: new LinkError('malformed', e instanceof Error ? e.message : String(e)) };
  }
}

export function ModuleView({ feature, hash }: { feature: FeatureModule; hash: string }) {
  // Decode only hashes the user navigated to: the URL mirrors edits and results through replaceHash, and those
  // writes must not re-open the module (that would reset the expected digest and the panel's inputs).
  const written = useRef<string | undefined>(undefined);
  const [opened, setOpened] = useState<Opened>(() => open(feature, hash));
  useEffect(() => {
    if (hash !== written.current) setOpened(open(feature, hash));
  }, [feature, hash]);
  const mirror = (h: string) => {
    written.current = h;
    replaceHash(h);
  };
  const spec = useAppStore((s) => s.specs[feature.id]);
  const setSpec = useAppStore((s) => s.setSpec);
  const setDigest = useAppStore((s) => s.setDigest);
  const [result, setResult] = useState<RunResult>();
  const [saved, setSaved] = useState<string>();
  // The run's evidence goes to the ledger as soon as the run reports it (saved or not); saving then links it to the
  // history entry. The pending write is kept so a quick "Save to history" waits for the records it must link.
  const [evidence, setEvidence] = useState<{ ids: string[] } | { error: string }>();
  const evidenceWrite = useRef<{ drafts: RunResult['evidence']; ids: Promise<string[]> }>(undefined);
  // A spec file replaces the panel's spec wholesale: remount the panel so no input keeps the previous spec's text.
  const [openedFiles, setOpenedFiles] = useState(0);

  useEffect(() => {
    if (opened.ok) {
      setSpec(feature.id, opened.spec);
      setDigest(feature.id, opened.digest);
      setResult(undefined);
    }
  }, [opened, feature.id, setSpec, setDigest]);

  if (!opened.ok) return <LinkErrorView error={opened.error} />;
  const current = spec ?? opened.spec;
  const hasSpec = Boolean(specFor(feature.id));

  const onSpecChange = (next: AnySpec) => {
    setSpec(feature.id, next);
    setResult(undefined);
    setDigest(feature.id, undefined);
    if (hasSpec) {
      try {
        mirror(encodeLink(feature.id, next));
      } catch {
        // Over the link limit: the address must not keep claiming the previous spec. "Copy share link" says why
        // and offers the spec as a file.
        mirror(`#/${feature.id}`);
      }
    }
  };

  const openSpecFile = (decoded: DecodedLink) => {
    setSpec(feature.id, decoded.spec);
    setDigest(feature.id, decoded.digest);
    setOpened({ ok: true, spec: decoded.spec, digest: decoded.digest });
    setOpenedFiles((n) => n + 1);
    try {
      mirror(encodeLink(feature.id, decoded.spec, decoded.digest));
    } catch {
      mirror(`#/${feature.id}`);
    }
  };
  const writeEvidence = (r: RunResult) => {
    // a panel re-reporting the same result (same drafts) must not write its evidence twice; when it re-reports to
    // add its run record (tabular does), the records get the record's digest
    if (!r.evidence?.length) return;
    const pending = evidenceWrite.current;
    if (pending?.drafts === r.evidence) {
      const recordDigest = r.record?.digest;
      if (recordDigest) void pending.ids.then((ids) => evidenceStore().updateRun(ids, { recordDigest })).catch(() => undefined);
      return;
    }
    let link = `#/${feature.id}`;
    try {
      if (hasSpec) link = encodeLink(feature.id, current, r.digest);
    } catch {
      // over the link limit: the record links to the module, its digest still identifies the run
    }
    const run = { module: feature.id, link, ...(r.digest ? { digest: r.digest } : {}), ...(r.record?.digest ? { recordDigest: r.record.digest } : {}) };
    const ids = evidenceStore().add(r.evidence, run).then((records) => records.map((e) => e.id));
    evidenceWrite.current = { drafts: r.evidence, ids: ids.catch(() => []) };
    ids.then((written) => setEvidence({ ids: written }), (e: unknown) => setEvidence({ error: e instanceof Error ? e.message : String(e) }));
  };
  const onResult = (r: RunResult) => {
    setResult(r);
    setDigest(feature.id, r.digest);
    if (hasSpec && r.digest) mirror(encodeLink(feature.id, current, r.digest));
    writeEvidence(r);
  };

  const save = async () => {
    const title = `${feature.title} ${new Date().toLocaleTimeString()}`;
    // a run record (when the panel wrote one) is stored with the entry, so #/experiments can compare and reproduce it
    const entry = result?.record
      ? await historyStore().addRecord(result.record, title, result.summary)
      : await historyStore().add(feature.id, current, title, result?.summary ?? {}, result?.digest);
    setSaved(entry.id);
    const ids = result?.evidence && evidenceWrite.current?.drafts === result.evidence ? await evidenceWrite.current.ids : [];
    if (ids.length) await evidenceStore().setHistoryId(ids, entry.id);
  };

  return (
    <section data-testid={`module-${feature.id}`} data-state="ready">
      <header className="module-header">
        <h1>{feature.title}</h1>
        {hasSpec && (
          <div className="toolbar">
            <ShareControls module={feature.id} spec={current} digest={result?.digest} onOpenFile={openSpecFile} />
            <button data-testid="save-history" data-record={result?.record ? 'yes' : 'no'} onClick={() => void save()}>Save to history</button>
            {saved && <span className="ok" data-testid="saved-note" data-entry-id={saved}>Saved.</span>}
          </div>
        )}
        {evidence && 'ids' in evidence && evidence.ids.length > 0 && (
          <a href="#/assurance" className="muted" data-testid="evidence-note" data-count={evidence.ids.length}>
            {evidence.ids.length} evidence record{evidence.ids.length === 1 ? '' : 's'} → Assurance
          </a>
        )}
        {evidence && 'error' in evidence && <span className="error" role="alert" data-testid="evidence-error">Evidence not recorded: {evidence.error}</span>}
      </header>
      <feature.Panel key={openedFiles} spec={current} onSpecChange={onSpecChange} onResult={onResult} expectedDigest={opened.digest} />
    </section>
  );
}
