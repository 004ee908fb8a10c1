// The runners this workbench registers, and the extension point for the others. A module joins by writing a thin
// adapter `Runner<ItsRunSpec>` over its core API (see tabular.ts / ensembles.ts: read inputs via ctx.loadInput,
// return deterministic results and put timings in measurements) and exporting it here; src/state/experiments.ts
// registers it (workbenchRunners) and checks at compile time that the module's spec type satisfies the runner's spec type.
// Registered: tabular, ensembles (both run in Node and in a worker without a browser API).
// Not yet: alignbeam, circuits (need an LM session / lab engine through the backend factory, issue #21 item 2),
// edits (runs in the sidecar), curation, experiments, assurance (no spec yet).
export { ensemblesRunner, type EnsemblesRunSpec } from './ensembles';
export { tabularRunner, type TabularRunSpec } from './tabular';

export const UNREGISTERED_MODULES = ['alignbeam', 'circuits', 'edits', 'curation', 'experiments', 'assurance'] as const;
