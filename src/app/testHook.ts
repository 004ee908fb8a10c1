// `window.__workbench`: the typed hook Playwright specs and scripted demos drive (tldraw-style), so e2e never
// scrapes internals or sleeps. Everything here is also reachable through the UI.
import type { ModuleId } from '../state/modules';
import type { AnySpec } from '../state/specs';
import { decodeLink, encodeLink, type DecodedLink } from '../state/linkCodec';
import { shownBackend, useAppStore, type BackendStatus } from '../state/appStore';
import type { HistoryStore } from '../state/historyStore';
import { FEATURES } from './featureRegistry';
import { historyStore } from './historyContext';
import type { EvidenceStore } from '../state/evidenceStore';
import { evidenceStore } from '../state/evidenceStoreContext';
import * as runtime from './runtime/runtimeClient';

export interface WorkbenchTestHook {
  version: string;
  /** modules present in this build */
  modules(): ModuleId[];
  /** the spec currently open for a module */
  spec(module: ModuleId): AnySpec | undefined;
  /** the share link (hash) for the open spec of a module */
  shareLink(module: ModuleId): string;
  /** decodes a link hash; throws LinkError like the shell does */
  decode(hash: string): DecodedLink | undefined;
  /** what the status bar shows: the loaded models' providers, else the probe's choice */
  backend(): BackendStatus;
  history: HistoryStore;
  /** the assurance evidence ledger (IndexedDB workbench-evidence): list, add, import/export */
  evidence: EvidenceStore;
  /** the runtime engine (llm worker): loads, parity, latency, cache, kill */
  runtime: typeof runtime;
}

declare global {
  interface Window {
    __workbench?: WorkbenchTestHook;
  }
}

export function installTestHook(): void {
  window.__workbench = {
    version: '0.1.0',
    modules: () => FEATURES.map((f) => f.id),
    spec: (module) => useAppStore.getState().specs[module],
    shareLink: (module) => encodeLink(module, useAppStore.getState().specs[module] ?? {}, useAppStore.getState().digests[module]),
    decode: (hash) => decodeLink(hash),
    backend: () => shownBackend(useAppStore.getState()),
    history: historyStore(),
    evidence: evidenceStore(),
    runtime,
  };
}
