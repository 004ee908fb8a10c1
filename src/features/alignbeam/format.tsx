// Small shared pieces of the alignbeam views: number formatting and the digest / reproduction note.
import { DigestNote as SharedDigestNote } from '../../viz/DigestNote';

export const fmt = (v: number | null | undefined, digits = 3): string =>
  v === null || v === undefined || !Number.isFinite(v) ? '—' : v.toFixed(digits);

export const pct = (v: number | null | undefined): string => (v === null || v === undefined || !Number.isFinite(v) ? '—' : `${(100 * v).toFixed(1)} %`);

/** The shared digest note; a cancelled sweep has no digest and says so. */
export function DigestNote({ digest, expected }: { digest: string | null; expected?: string }) {
  return <SharedDigestNote digest={digest} expected={expected} absent="no digest (the run was cancelled: partial results)" />;
}
