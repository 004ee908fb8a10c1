// The runners this workbench registers, and the extension point for the others. A module joins by writing a thin
// adapter `Runner<ItsRunSpec>` over its core API (see tabular.ts / ensembles.ts: read inputs via ctx.loadInput,
// return deterministic results and put timings in measurements) and exporting it here; src/state/experiments.ts
// registers it (workbenchRunners) and checks at compile time that the module's spec type satisfies the runner's spec type.
// Registered: tabular, ensembles, alignbeam, circuits (all run in Node and in a worker without a browser API;
// alignbeam's model pair loads through ctx.loadInput onto the backend factory's ORT build, circuits runs on jax-js).
// Each module's spec → core-call mapping is a pure `…Plan(spec)` the runner executes and the panel shares; every
// spec field's route into it is declared in src/state/experimentFields.ts (and tested field by field).
// Not yet: edits (runs in the sidecar), curation, experiments, assurance (no spec yet).
export { alignbeamRunner, makeAlignbeamRunner, suiteInputId, type AlignbeamRunSpec } from './alignbeam';
export { alignbeamPlan, type AlignbeamPlan } from './alignbeamPlan';
export { circuitsRunner, makeCircuitsRunner, type CircuitsRunSpec } from './circuits';
export { circuitsPlan, type CircuitsPlan } from './circuitsPlan';
export { ensemblesRunner, makeEnsemblesRunner, type EnsemblesRunSpec } from './ensembles';
export { ensemblesPlan, type EnsemblesPlan } from './ensemblesPlan';
export { makeTabularRunner, tabularRunner, type TabularRunSpec } from './tabular';
export { tabularPlan, type TabularPlan } from './tabularPlan';

export const UNREGISTERED_MODULES = ['edits', 'curation', 'experiments', 'assurance'] as const;
