// Typed fetch wrapper for the edits sidecar (sidecar/README.md): bearer token on every call, named errors
// with the remedy the user needs, and the NDJSON progress stream read with fetch + ReadableStream.
// A browser cannot read a CORS-refused answer (the sidecar's 403 for a foreign origin carries no CORS
// headers), so a failed fetch is told apart by a no-cors probe: an opaque answer means the sidecar runs but
// refuses this origin; a second failure means nothing listens there.
import type { CheckpointEntry, EditManifest, InspectResult, JobEvent, StartedJob } from './sidecarTypes';

export const DEFAULT_SIDECAR_URL = 'http://127.0.0.1:8765';
export const START_HINT = 'Start the sidecar with `npm run sidecar -- --workspace <dir>` and paste the token it prints';

export type SidecarErrorKind = 'not-running' | 'bad-token' | 'origin' | 'exists' | 'too-large' | 'bad-request' | 'not-found' | 'unprocessable' | 'server';

export class SidecarError extends Error {
  override readonly name = 'SidecarError';
  constructor(readonly kind: SidecarErrorKind, message: string, readonly status?: number) {
    super(message);
  }
}

function describe(status: number, serverMessage: string, origin: string): SidecarError {
  switch (status) {
    case 401: return new SidecarError('bad-token', 'The sidecar refused the token (401). Paste the token printed in its SIDECAR_READY line; it changes at every start.', 401);
    case 403: return new SidecarError('origin', `The sidecar refused the request (403): ${serverMessage}. For this app start it with --origin ${origin}.`, 403);
    case 409: return new SidecarError('exists', `Conflict (409): ${serverMessage}. Outputs are never overwritten: choose a new output name.`, 409);
    case 413: return new SidecarError('too-large', `Request too large (413): ${serverMessage}`, 413);
    case 404: return new SidecarError('not-found', `Not found (404): ${serverMessage}`, 404);
    case 400: return new SidecarError('bad-request', `Bad request (400): ${serverMessage}`, 400);
    case 422: return new SidecarError('unprocessable', `The sidecar cannot use the input (422): ${serverMessage}`, 422);
    default: return new SidecarError('server', `Sidecar error (${status}): ${serverMessage}`, status);
  }
}

export class SidecarClient {
  readonly url: string;
  constructor(url: string, private readonly token: string, private readonly origin = globalThis.location?.origin ?? '') {
    this.url = url.replace(/\/+$/, '');
  }

  private async request(path: string, init: RequestInit = {}): Promise<Response> {
    const headers: Record<string, string> = { Authorization: `Bearer ${this.token}` };
    if (init.body) headers['Content-Type'] = 'application/json';
    let res: Response;
    try {
      res = await fetch(`${this.url}${path}`, { ...init, headers });
    } catch (e) {
      if (init.signal?.aborted) throw e;
      throw await this.unreachable();
    }
    if (!res.ok) {
      const text = await res.text().catch(() => '');
      let message = text || res.statusText;
      try {
        message = (JSON.parse(text) as { error?: string }).error ?? message;
      } catch {
        // not JSON: keep the raw text
      }
      throw describe(res.status, message, this.origin);
    }
    return res;
  }

  private async unreachable(): Promise<SidecarError> {
    try {
      await fetch(`${this.url}/api/health`, { mode: 'no-cors' });
      return new SidecarError('origin', `The sidecar at ${this.url} answers but refuses this page's origin (CORS). Restart it with --origin ${this.origin}.`);
    } catch {
      return new SidecarError('not-running', `No sidecar answers at ${this.url}. ${START_HINT}.`);
    }
  }

  private async json<T>(path: string, init?: RequestInit): Promise<T> {
    return (await (await this.request(path, init)).json()) as T;
  }

  health(): Promise<{ ok: boolean; tool: { name: string; version: string } }> {
    return this.json('/api/health');
  }

  async checkpoints(): Promise<CheckpointEntry[]> {
    return (await this.json<{ checkpoints: CheckpointEntry[] }>('/api/checkpoints')).checkpoints;
  }

  inspect(path: string): Promise<InspectResult> {
    return this.json(`/api/checkpoints/inspect?path=${encodeURIComponent(path)}`);
  }

  startJob(kind: StartedJob['kind'], body: object): Promise<StartedJob> {
    return this.json(`/api/jobs/${kind}`, { method: 'POST', body: JSON.stringify(body) });
  }

  cancel(id: string): Promise<{ id: string; cancelled: boolean; state: string }> {
    return this.json(`/api/jobs/${encodeURIComponent(id)}/cancel`, { method: 'POST' });
  }

  /** The job's manifest (C-Δθ with several strengths: an array). */
  manifest(id: string): Promise<EditManifest | EditManifest[]> {
    return this.json(`/api/jobs/${encodeURIComponent(id)}/manifest`);
  }

  /** Reads the NDJSON event stream, calling `on` per event; resolves with the terminal event. */
  async events(id: string, on: (e: JobEvent) => void, signal?: AbortSignal): Promise<JobEvent> {
    const res = await this.request(`/api/jobs/${encodeURIComponent(id)}/events`, { signal });
    if (!res.body) throw new SidecarError('server', 'the event stream has no body');
    const reader = res.body.getReader();
    const dec = new TextDecoder();
    let buf = '';
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      buf += dec.decode(value, { stream: true });
      let nl: number;
      while ((nl = buf.indexOf('\n')) >= 0) {
        const line = buf.slice(0, nl).trim();
        buf = buf.slice(nl + 1);
        if (!line) continue;
        const e = JSON.parse(line) as JobEvent;
        on(e);
        if (e.type !== 'progress') {
          await reader.cancel();
          return e;
        }
      }
    }
    throw new SidecarError('server', 'the event stream ended before the job finished (sidecar stopped?)');
  }
}
