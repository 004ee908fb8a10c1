// Small shared pieces of the alignbeam views: number formatting and the digest / reproduction note.

export const fmt = (v: number | null | undefined, digits = 3): string =>
  v === null || v === undefined || !Number.isFinite(v) ? '—' : v.toFixed(digits);

export const pct = (v: number | null | undefined): string => (v === null || v === undefined || !Number.isFinite(v) ? '—' : `${(100 * v).toFixed(1)} %`);

/** The result digest, and whether it matches the one the opened link carried. */
export function DigestNote({ digest, expected }: { digest: string | null; expected?: string }) {
  return (
    <>
      {expected && digest && (
        <p data-testid="reproduction" className={expected === digest ? 'ok' : 'error'}>
          {expected === digest ? 'Reproduced: the result digest matches the link.' : `Not reproduced: digest ${digest.slice(0, 12)}… differs from the link's ${expected.slice(0, 12)}…`}
        </p>
      )}
      {digest ? <p className="muted" data-testid="result-digest">result digest {digest}</p>
        : <p className="muted" data-testid="result-digest">no digest (the run was cancelled: partial results)</p>}
    </>
  );
}
