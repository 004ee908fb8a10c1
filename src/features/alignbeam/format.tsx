// Small shared pieces of the alignbeam views: number formatting and the digest / reproduction note.
import { DigestNote as SharedDigestNote } from '../../viz/DigestNote';

export { fixed as fmt, percent as pct } from '../../viz/numberFormat';

/** The shared digest note; a cancelled sweep has no digest and says so. */
export function DigestNote({ digest, expected }: { digest: string | null; expected?: string }) {
  return <SharedDigestNote digest={digest} expected={expected} absent="no digest (the run was cancelled: partial results)" />;
}
