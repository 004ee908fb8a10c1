// Small display helpers shared by the tabular result views: number formatting and the reproduction note.
export const fmt = (v: number | null | undefined, digits = 3): string => (v === null || v === undefined || !Number.isFinite(v) ? '—' : v.toFixed(digits));

/** Says whether a re-run matched the digest a share link carried; then the digest itself. */
export function DigestNote({ digest, expected }: { digest: string; expected?: string }) {
  return (
    <>
      {expected && (
        <p data-testid="reproduction" className={expected === digest ? 'ok' : 'error'}>
          {expected === digest ? 'Reproduced: the result digest matches the link.' : `Not reproduced: digest ${digest.slice(0, 12)}… differs from the link's ${expected.slice(0, 12)}…`}
        </p>
      )}
      <p className="muted" data-testid="result-digest">result digest {digest}</p>
    </>
  );
}

export function SkippedNote({ skipped }: { skipped: { teacher: string; reason: string }[] }) {
  return <>{skipped.map((s) => <p key={s.teacher} className="muted" data-testid="skipped-teacher">Skipped {s.teacher}: {s.reason}</p>)}</>;
}
