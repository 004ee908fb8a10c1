// Every field of every registered module's spec reaches the plan its runner hands to the core (or is declared
// presentation-only with a reason): each leaf of the zod schema is perturbed, decoded like a link, and the plan
// must change at the declared path. A plan that drops a field — as the public TRL wrappers dropped GRPO's
// `beta` — fails here by name. The registered runners and the field maps must cover the same modules.
import { describe, expect, it } from 'vitest';
import { checkFieldRoutes, schemaLeaves } from '../core/experiments/specFields';
import { tabularPlan } from '../core/experiments/runners/tabularPlan';
import { ensemblesPlan } from '../core/experiments/runners/ensemblesPlan';
import { alignbeamPlan } from '../core/experiments/runners/alignbeamPlan';
import { DEFAULT_REFUSAL_PAIRS } from '../core/experiments/runners/circuitsPlan';
import { MODULE_FIELDS } from './experimentFields';
import { workbenchRunners } from './experiments';
import { alignbeamSpec } from './specs/alignbeam';
import { circuitsSpec } from './specs/circuits';
import { ensemblesSpec } from './specs/ensembles';
import { tabularSpec } from './specs/tabular';

describe('spec field routes', () => {
  it('cover exactly the modules that have a runner', () => {
    expect(Object.keys(MODULE_FIELDS).sort()).toEqual(workbenchRunners().modules());
  });

  for (const base of ['teacher', 'study', 'distill'] as const) {
    it(`tabular (${base} view): every field reaches the run options, the dataset or the task`, () => {
      const spec = tabularSpec.schema.parse({ view: base });
      expect(checkFieldRoutes(MODULE_FIELDS.tabular, spec)).toEqual([]);
    });
  }

  it('ensembles: every field reaches the pool or the analysis options, demo and file pools', () => {
    expect(checkFieldRoutes(MODULE_FIELDS.ensembles, ensemblesSpec.schema.parse({}))).toEqual([]);
  });

  for (const tab of ['playground', 'bridge', 'sweep'] as const) {
    it(`alignbeam (${tab} tab): every field reaches the pair, the settings or the tab's job`, () => {
      expect(checkFieldRoutes(MODULE_FIELDS.alignbeam, alignbeamSpec.schema.parse({ tab }))).toEqual([]);
    });
  }

  for (const tab of ['graph', 'refusal', 'attention', 'lens', 'probes'] as const) {
    it(`circuits (${tab} tab): every field reaches the model, the pairs or the tab's job`, () => {
      expect(checkFieldRoutes(MODULE_FIELDS.circuits, circuitsSpec.schema.parse({ tab }))).toEqual([]);
    });
  }

  it("the circuits plan's refusal pair count for custom pairs is the spec's default held-out count", () => {
    const def = circuitsSpec.schema.parse({}).pairs;
    expect(def.source === 'heldout' ? def.n : NaN).toBe(DEFAULT_REFUSAL_PAIRS);
  });

  it('walks every leaf of the schema, nested objects and union branches included', () => {
    const tabular = [...schemaLeaves(tabularSpec.schema).keys()];
    expect(tabular).toEqual(expect.arrayContaining(['seed', 'backend', 'distill.temperature', 'cutoff.onnxTeachers', 'userTeacher.sha256', 'dataset.id']));
    expect(tabular).toHaveLength(Object.keys(MODULE_FIELDS.tabular.routes).length);
    expect([...schemaLeaves(ensemblesSpec.schema).keys()]).toEqual(expect.arrayContaining(['pool.kind', 'pool.rows', 'pool.sha256', 'statistics.control']));
  });

  it('catches a plan that silently drops a field (the GRPO beta bug), a stale declaration and an unrouted field', () => {
    const dropsTemperature = { ...MODULE_FIELDS.tabular, plan: (s: Parameters<typeof tabularPlan>[0]) => tabularPlan({ ...s, distill: { ...s.distill, temperature: 1 } }) };
    expect(checkFieldRoutes(dropsTemperature, tabularSpec.schema.parse({}))).toEqual([
      expect.objectContaining({ field: 'distill.temperature', problem: expect.stringMatching(/reaches plan\.run\.options\.temperature: it is dropped/) }),
    ]);
    // (without the casts the compiler refuses this map: FieldRoutes<EnsemblesSpec, …> requires a route for `metric`)
    const { metric: _metric, ...unrouted } = MODULE_FIELDS.ensembles.routes;
    const routes = { ...unrouted, selectionMetric: { notPassed: 'claimed to be presentation only, wrongly' }, removedField: { to: 'analyse.alpha' } };
    const problems = checkFieldRoutes({ ...MODULE_FIELDS.ensembles, routes: routes as unknown as typeof MODULE_FIELDS.ensembles.routes }, ensemblesSpec.schema.parse({}));
    expect(problems.map((p) => p.field).sort()).toEqual(['metric', 'removedField', 'selectionMetric']);
    // the seed of a demo pool is the seed of the analysis: dropping it would make every seed run the same pool
    const dropsSeed = { ...MODULE_FIELDS.ensembles, plan: (s: Parameters<typeof ensemblesPlan>[0]) => ensemblesPlan({ ...s, seed: 1 }) };
    expect(checkFieldRoutes(dropsSeed, ensemblesSpec.schema.parse({})).map((p) => p.field)).toEqual(['seed']);
    // an alignbeam plan that kept the core's default candidate selection would run the paper's rule whatever a link asks
    const dropsSelection = { ...MODULE_FIELDS.alignbeam, plan: (s: Parameters<typeof alignbeamPlan>[0]) => alignbeamPlan({ ...s, settings: { ...s.settings, selection: 'safest' } }) };
    expect(checkFieldRoutes(dropsSelection, alignbeamSpec.schema.parse({})).map((p) => p.field)).toEqual(['settings.selection']);
  });
});
