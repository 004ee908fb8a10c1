// Opens a module: decodes its share link (if any), keeps the URL mirroring the spec, and offers share + save.
// A refused link renders only the error: the module's panel is not mounted, so nothing from the link runs.
import { useEffect, useRef, useState } from 'react';
import { decodeLink, encodeLink } from '../state/linkCodec';
import { LinkError } from '../state/linkErrors';
import { specFor, type AnySpec } from '../state/specs';
import { useAppStore } from '../state/appStore';
import type { FeatureModule, RunResult } from './featureTypes';
import { historyStore } from './historyContext';
import { replaceHash } from './useHashRoute';
import { LinkErrorView } from './pages/LinkErrorView';

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
        // an oversize spec simply stays out of the URL; "Copy link" reports the error
      }
    }
  };

  const shareLink = () => `${window.location.origin}${window.location.pathname}${encodeLink(feature.id, current, result?.digest)}`;
  const onResult = (r: RunResult) => {
    setResult(r);
    setDigest(feature.id, r.digest);
    if (hasSpec && r.digest) mirror(encodeLink(feature.id, current, r.digest));
  };

  const save = async () => {
    const entry = await historyStore().add(feature.id, current, `${feature.title} ${new Date().toLocaleTimeString()}`, result?.summary ?? {}, result?.digest);
    setSaved(entry.id);
  };

  return (
    <section data-testid={`module-${feature.id}`} data-state="ready">
      <header className="module-header">
        <h1>{feature.title}</h1>
        {hasSpec && (
          <div className="toolbar">
            <button data-testid="copy-link" onClick={() => void navigator.clipboard?.writeText(shareLink()).catch(() => undefined)}>Copy share link</button>
            <button data-testid="save-history" onClick={() => void save()}>Save to history</button>
            {saved && <span className="ok" data-testid="saved-note">Saved.</span>}
          </div>
        )}
      </header>
      <feature.Panel spec={current} onSpecChange={onSpecChange} onResult={onResult} expectedDigest={opened.digest} />
    </section>
  );
}
