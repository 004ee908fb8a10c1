// The reproduction line every module shows after re-running a share link: whether the result digest matches the
// one the link carried, then the digest itself. One component so every module words and marks it the same way
// (e2e tests read `data-testid="reproduction"` and `"result-digest"`).

/** "Reproduced" or "Not reproduced" when the link carried a digest; nothing otherwise. */
export function ReproductionNote({ digest, expected }: { digest: string; expected?: string }) {
  if (!expected) return null;
  return (
    <p data-testid="reproduction" className={expected === digest ? 'ok' : 'error'}>
      {expected === digest ? 'Reproduced: the result digest matches the link.' : `Not reproduced: digest ${digest.slice(0, 12)}… differs from the link's ${expected.slice(0, 12)}…`}
    </p>
  );
}

/** The reproduction line and the digest; without a digest, `absent` (if given) says why. */
export function DigestNote({ digest, expected, absent }: { digest: string | null | undefined; expected?: string; absent?: string }) {
  if (!digest) return absent ? <p className="muted" data-testid="result-digest">{absent}</p> : null;
  return (
    <>
      <ReproductionNote digest={digest} expected={expected} />
      <p className="muted" data-testid="result-digest">result digest {digest}</p>
    </>
  );
}
