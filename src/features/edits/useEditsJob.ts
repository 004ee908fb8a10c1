// One sidecar job at a time from this panel: start, follow the NDJSON progress stream, cancel through the
// sidecar's cancel endpoint, then fetch the manifest and compute the result digest.
import { useCallback, useRef, useState } from 'react';
import { asSidecarError } from './connection';
import { resultDigest } from './digest';
import type { SidecarClient, SidecarError } from './sidecarClient';
import type { EditManifest, JobKind } from './sidecarTypes';

export type JobRun =
  | { status: 'idle' }
  | { status: 'running'; kind: JobKind; jobId?: string; phase: string; fraction: number }
  | { status: 'done'; kind: JobKind; jobId: string; manifest: EditManifest; digest: string }
  | { status: 'cancelled'; kind: JobKind }
  | { status: 'error'; kind: JobKind; error: SidecarError | { kind: 'job'; message: string } };

export function useEditsJob() {
  const [run, setRun] = useState<JobRun>({ status: 'idle' });
  const current = useRef<{ client: SidecarClient; jobId?: string } | undefined>(undefined);

  const start = useCallback(async (client: SidecarClient, kind: JobKind, body: Record<string, unknown>) => {
    current.current = { client };
    setRun({ status: 'running', kind, phase: 'starting', fraction: 0 });
    try {
      const job = await client.startJob(kind, body);
      current.current = { client, jobId: job.id };
      const end = await client.events(job.id, (e) => {
        if (e.type === 'progress') setRun({ status: 'running', kind, jobId: job.id, phase: e.phase, fraction: e.fraction });
      });
      if (end.type === 'cancelled') return setRun({ status: 'cancelled', kind });
      if (end.type === 'error') return setRun({ status: 'error', kind, error: { kind: 'job', message: `${end.name}: ${end.error}` } });
      const got = await client.manifest(job.id);
      // the panel starts one strength per C-Δθ job, so an array has exactly one manifest
      const manifest = Array.isArray(got) ? got[0] : got;
      setRun({ status: 'done', kind, jobId: job.id, manifest, digest: await resultDigest(manifest) });
    } catch (e) {
      setRun({ status: 'error', kind, error: asSidecarError(e) });
    } finally {
      current.current = undefined;
    }
  }, []);

  const cancel = useCallback(async () => {
    const c = current.current;
    if (!c?.jobId) return;
    try {
      await c.client.cancel(c.jobId);
    } catch (e) {
      const error = asSidecarError(e);
      setRun((r) => (r.status === 'running' ? { status: 'error', kind: r.kind, error } : r));
    }
  }, []);

  return { run, start, cancel };
}
