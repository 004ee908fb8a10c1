// Shown instead of a module when its share link is refused: the reason and the remedy, and nothing else loads.
import type { LinkError } from '../../state/linkErrors';

export function LinkErrorView({ error }: { error: LinkError }) {
  return (
    <section className="card error" data-testid="link-error" data-state="error" role="alert">
      <h2>This link cannot be opened</h2>
      <p data-testid="link-error-kind"><strong>{error.kind}</strong>: {error.message}</p>
      <p>{error.remedy}</p>
      <p><a href="#/">Back to the overview</a> (nothing from this link was loaded).</p>
    </section>
  );
}
