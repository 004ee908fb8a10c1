// Overview: the modules that exist in this build, with one line each.
import { FEATURES } from '../featureRegistry';

export function HomePage() {
  return (
    <section data-testid="page-home" data-state="ready">
      <h1>Safety &amp; Tabular Workbench</h1>
      <p>Published methods for LLM safety and tabular foundation models, run in your browser (WebGPU, or WASM as the fallback).</p>
      {FEATURES.length === 0 ? (
        <p>No modules are built yet. See <a href="#/capabilities">Capabilities</a> and <a href="#/history">History</a>.</p>
      ) : (
        <ul className="module-list">
          {FEATURES.map((f) => (
            <li key={f.id}><a href={`#/${f.id}`}>{f.title}</a>: {f.summary}</li>
          ))}
        </ul>
      )}
    </section>
  );
}
