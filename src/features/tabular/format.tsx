// Small display helpers shared by the tabular result views: number formatting and the reproduction note.
export const fmt = (v: number | null | undefined, digits = 3): string => (v === null || v === undefined || !Number.isFinite(v) ? '—' : v.toFixed(digits));

export { DigestNote } from '../../viz/DigestNote';

export function SkippedNote({ skipped }: { skipped: { teacher: string; reason: string }[] }) {
  return <>{skipped.map((s) => <p key={s.teacher} className="muted" data-testid="skipped-teacher">Skipped {s.teacher}: {s.reason}</p>)}</>;
}
