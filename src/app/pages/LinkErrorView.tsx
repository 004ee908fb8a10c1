// Shown instead of a module when its share link is refused: the reason and the remedy, and nothing else loads.
// A mistyped page address (no link in it) is not a refused link: UnknownPageView says so and lists the pages.
import type { LinkError } from '../../state/linkErrors';

export function LinkErrorView({ error }: { error: LinkError }) {
  return (
    <section className="card error" data-testid="link-error" data-state="error" data-kind={error.kind} role="alert">
      <h2>This link cannot be opened</h2>
      <p data-testid="link-error-message">{error.message}</p>
      <p>{error.remedy}</p>
      <p><a href="#/">Back to the overview</a> (nothing from this link was loaded).</p>
    </section>
  );
}

export function UnknownPageView({ page, pages }: { page: string; pages: readonly { id: string; title: string }[] }) {
  return (
    <section className="card error" data-testid="unknown-page" data-state="error" role="alert">
      <h2>Unknown page</h2>
      <p>This workbench has no page <code>#/{page}</code>. Pages: {pages.map((p, i) => (
        <span key={p.id}>{i > 0 && ', '}<a href={`#/${p.id}`}>{p.title}</a></span>
      ))}.</p>
    </section>
  );
}
