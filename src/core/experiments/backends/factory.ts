// The backend factory (issue #21 item 2): one interface over the places a module's work can run — onnxruntime-node
// ('node'), onnxruntime-web on WASM ('wasm') or WebGPU ('webgpu'), and the Node sidecar for jobs too big for a tab.
// `createBackend(preference, host)` picks the ORT build this host runs for the spec's backend setting; it does not
// resolve providers itself: the runtime does (backendChoice.ts via ortWeb.ts: auto never prefers a software
// WebGPU adapter over WASM; session.ts: WebGPU → WASM on a failed create or a lost device). The factory hands
// runners an `OrtBackend` that observes every session it creates, and reports what was requested, what was
// chosen, what actually ran and every fallback with its reason — so run records get them from here, not from
// each runner. Pure TypeScript (no DOM, no node:*): the host passes the ORT builds it has (nodeHost.ts in Node,
// the worker's onnxruntime-web in a browser).
import type { BackendPreference, ModelSession, OrtBackend, SessionOptions } from '../../runtime/session';
import type { HostInfo } from '../environment';

/** Where work runs: the ORT build plus provider the factory routes to, or the sidecar process. */
export type BackendKind = 'node' | 'wasm' | 'webgpu' | 'sidecar';

/** Which ONNX runtimes this host can load (each imported lazily, so a browser bundle never pulls in the Node one). */
export interface OrtHooks {
  /** onnxruntime-node (CPU provider): Node hosts */
  node?: () => Promise<OrtBackend>;
  /** onnxruntime-web (WASM, WebGPU): browsers and workers; Node runs its WASM build too */
  web?: () => Promise<OrtBackend>;
}

/** A running sidecar (`npm run sidecar`): where big jobs can be posted. */
export interface SidecarEndpoint { url: string; token: string }

/** A host the factory can route work on: the record's HostInfo plus the runtimes and sidecar it has. */
export interface BackendHost extends HostInfo {
  ort?: OrtHooks;
  sidecar?: SidecarEndpoint;
}

/** One step away from what was asked, with why: at resolution (host), session creation, or mid-run (device lost). */
export interface BackendFallback {
  from: string;
  to: string | null;
  stage: 'resolve' | 'create' | 'run';
  reason: string;
  /** the model file whose session fell back */
  file?: string;
}

export interface BackendReport {
  /** the spec's backend setting */
  requested: BackendPreference;
  /** what the factory routed to; for `auto` on onnxruntime-web, the runtime's resolution of the first session */
  chosen: string;
  /** what really computed: 'js' when no ONNX session ran, else each `runtime:provider` that ran one */
  used: string;
  fallbacks: BackendFallback[];
}

export interface ExperimentBackend {
  readonly requested: BackendPreference;
  readonly kind: BackendKind;
  /** the ORT build this backend routes to; every session it creates is observed for the report */
  ort(): Promise<OrtBackend>;
  /** the sidecar, when the factory chose it for a big job */
  sidecar(): SidecarEndpoint;
  /** Runs a module's work on this backend; sessions created during it are released when it ends. */
  run<T>(work: (backend: ExperimentBackend) => Promise<T>): Promise<T>;
  report(): BackendReport;
}

export class BackendUnavailableError extends Error {
  override readonly name = 'BackendUnavailableError';
}

export interface CreateBackendOptions {
  /** 'big': prefer the sidecar when the host has one (a checkpoint too big for a tab) */
  job?: 'in-host' | 'big';
}

interface Route { kind: BackendKind; runtime: 'node' | 'web' | null; fallbacks: BackendFallback[] }

/** Which ORT build runs `preference` on this host; what it cannot honour is a logged fallback, never silent. */
function route(preference: BackendPreference, host: BackendHost, options: CreateBackendOptions): Route {
  const fallbacks: BackendFallback[] = [];
  const hasNode = !!host.ort?.node;
  const hasWeb = !!host.ort?.web;
  const inHost = (): Omit<Route, 'fallbacks'> => {
    if (host.runtime !== 'node') return { kind: preference === 'webgpu' ? 'webgpu' : 'wasm', runtime: hasWeb ? 'web' : null };
    // Node: onnxruntime-node by default; the WASM build of onnxruntime-web when the spec names wasm (the same
    // kernels a browser runs); WebGPU does not exist in Node, so it goes to WASM (or CPU) with the reason logged.
    if (preference === 'auto') return hasNode ? { kind: 'node', runtime: 'node' } : { kind: 'wasm', runtime: hasWeb ? 'web' : null };
    if (preference === 'webgpu') {
      const to = hasWeb ? 'wasm' : 'node';
      fallbacks.push({ from: 'webgpu', to, stage: 'resolve', reason: 'Node has no WebGPU (navigator.gpu); run the experiment in a browser worker to use a GPU' });
      return hasWeb ? { kind: 'wasm', runtime: 'web' } : { kind: 'node', runtime: hasNode ? 'node' : null };
    }
    if (hasWeb) return { kind: 'wasm', runtime: 'web' };
    fallbacks.push({ from: 'wasm', to: 'node', stage: 'resolve', reason: 'this Node host has no onnxruntime-web hook (BackendHost.ort.web); onnxruntime-node (CPU) runs instead' });
    return { kind: 'node', runtime: hasNode ? 'node' : null };
  };
  if (options.job === 'big') {
    if (host.sidecar) return { kind: 'sidecar', runtime: null, fallbacks };
    const r = inHost();
    fallbacks.push({ from: 'sidecar', to: r.kind, stage: 'resolve', reason: 'no sidecar is connected (start one with `npm run sidecar -- --workspace DIR`); the job runs in this host' });
    return { ...r, fallbacks };
  }
  return { ...inHost(), fallbacks };
}

/** The backend a run of `preference` gets on `host`. */
export function createBackend(preference: BackendPreference, host: BackendHost, options: CreateBackendOptions = {}): ExperimentBackend {
  const { kind, runtime, fallbacks: resolved } = route(preference, host, options);
  const sessions: { runtime: 'node' | 'web'; file: string; session: ModelSession }[] = [];
  let ortBackend: Promise<OrtBackend> | undefined;

  const observed = (inner: OrtBackend, name: 'node' | 'web'): OrtBackend => ({
    name: inner.name,
    defaultProviders: inner.defaultProviders,
    async createSession(bytes: Uint8Array, sessionOptions: SessionOptions = {}) {
      const session = await inner.createSession(bytes, sessionOptions);
      sessions.push({ runtime: name, file: sessionOptions.file ?? 'model.onnx', session });
      return session;
    },
  });

  const backend: ExperimentBackend = {
    requested: preference,
    kind,
    ort() {
      if (!runtime) {
        const missing = kind === 'sidecar' ? 'the sidecar runs its own ONNX sessions; post the job to backend.sidecar()' : `this ${host.runtime} host has no ONNX runtime for "${kind}" (BackendHost.ort.${host.runtime === 'node' ? 'node' : 'web'} is missing)`;
        return Promise.reject(new BackendUnavailableError(`No ONNX runtime: ${missing}.`));
      }
      const hook = runtime === 'node' ? host.ort!.node! : host.ort!.web!;
      ortBackend ??= hook().then((inner) => observed(inner, runtime));
      return ortBackend;
    },
    sidecar() {
      if (kind !== 'sidecar' || !host.sidecar) throw new BackendUnavailableError(`No sidecar: this backend is "${kind}"; create it with { job: 'big' } on a host that has a sidecar endpoint.`);
      return host.sidecar;
    },
    async run(work) {
      try {
        return await work(backend);
      } finally {
        // the run's sessions end with it (a later run creates its own, as a reproduction would)
        await Promise.all(sessions.map((s) => s.session.dispose().catch(() => undefined)));
      }
    },
    report() {
      const fallbacks = [...resolved];
      for (const s of sessions) {
        const { choice, fallbacks: fb } = s.session.info;
        const first = choice?.providers[0] ?? null;
        for (const skip of choice?.skipped ?? []) fallbacks.push({ from: skip.provider, to: first, stage: 'resolve', reason: skip.reason, file: s.file });
        for (const f of fb) fallbacks.push({ from: f.from, to: f.to, stage: f.when, reason: `${f.code}: ${f.reason}`, file: s.file });
      }
      const ran = [...new Set(sessions.map((s) => `onnxruntime-${s.runtime}:${s.session.executionProvider}`))];
      const firstChoice = sessions.find((s) => s.session.info.choice)?.session.info.choice?.providers[0];
      const chosen = preference === 'auto' && runtime === 'web' ? (firstChoice ?? 'auto (no ONNX session was created, so the runtime did not resolve it)') : kind;
      return { requested: preference, chosen, used: ran.length ? ran.join(', ') : 'js', fallbacks: dedupe(fallbacks) };
    },
  };
  return backend;
}

/** The TFM creates one session per teacher instance: the same skip for the same file is logged once. */
function dedupe(list: BackendFallback[]): BackendFallback[] {
  const seen = new Set<string>();
  return list.filter((f) => {
    const key = JSON.stringify(f);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
