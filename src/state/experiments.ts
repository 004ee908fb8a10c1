// The experiments layer bound to this workbench's module specs: the SpecCatalogue that decodes experiment
// envelopes through the same migrate → defaults → clamp path as share links (linkCodec.restoreSpec), today's links
// and history entries wrapped as experiments, and the registered runners with a compile-time check that each
// module's spec type carries every field its runner reads.
import { DEFAULT_SEED, EXPERIMENT_FORMAT, EXPERIMENT_VERSION, decodeExperiment, makeExperiment, type ExperimentSpec, type SpecCatalogue } from '../core/experiments/envelope';
import { ExperimentError } from '../core/experiments/errors';
import { RunnerRegistry, type Runner } from '../core/experiments/runner';
import {
  alignbeamRunner, circuitsRunner, ensemblesRunner, tabularRunner, type AlignbeamRunSpec, type CircuitsRunSpec, type EnsemblesRunSpec, type TabularRunSpec,
} from '../core/experiments/runners';
import type { HistoryEntry } from './historyFormat';
import { decodeLink, restoreSpec } from './linkCodec';
import { LinkError } from './linkErrors';
import { isModuleId } from './modules';
import { modulesWithSpecs, specFor } from './specs';
import type { AlignbeamSpec } from './specs/alignbeam';
import type { CircuitsSpec } from './specs/circuits';
import type { EnsemblesSpec } from './specs/ensembles';
import type { TabularSpec } from './specs/tabular';

export const SPEC_CATALOGUE: SpecCatalogue = {
  version: (module) => (isModuleId(module) ? specFor(module)?.version : undefined),
  modules: () => modulesWithSpecs(),
  restore: (module, spec, fromVersion) => {
    if (!isModuleId(module)) throw new ExperimentError('unknown-module', `"${module}" is not a workbench module`);
    try {
      return restoreSpec(module, spec, fromVersion);
    } catch (e) {
      if (!(e instanceof LinkError)) throw e;
      const kind = e.kind === 'future-version' ? 'future-version' : e.kind === 'unknown-module' ? 'unknown-module' : 'invalid-spec';
      throw new ExperimentError(kind, `spec.${e.message.replace(/^Share link refused \([^)]*\): /, '')}`, { cause: e });
    }
  },
};

/** A share link as an experiment (undefined for plain navigation); `digest` is the result digest the link carries. */
export function experimentFromLink(hash: string): { experiment: ExperimentSpec; digest?: string } | undefined {
  const link = decodeLink(hash);
  if (!link) return undefined;
  return { experiment: makeExperiment(link.module, link.spec, SPEC_CATALOGUE), ...(link.digest ? { digest: link.digest } : {}) };
}

/** A history entry (any entry ever stored, record or not) as an experiment. */
export function experimentFromEntry(entry: HistoryEntry): ExperimentSpec {
  return decodeExperiment({ format: EXPERIMENT_FORMAT, version: EXPERIMENT_VERSION, module: entry.module, specVersion: entry.specVersion, spec: entry.spec,
    seed: typeof entry.spec.seed === 'number' ? entry.spec.seed : DEFAULT_SEED, title: entry.title.slice(0, 300) }, SPEC_CATALOGUE);
}

/** `Spec extends Run`: a spec type that lost or retyped a field its runner reads fails to compile here. */
function bind<Spec extends Run, Run>(runner: Runner<Run>): Runner<Spec> {
  return runner as unknown as Runner<Spec>;
}

/** The runners of this workbench (src/core/experiments/runners/index.ts lists the modules without one). */
export function workbenchRunners(): RunnerRegistry {
  return new RunnerRegistry()
    .register(bind<TabularSpec, TabularRunSpec>(tabularRunner))
    .register(bind<EnsemblesSpec, EnsemblesRunSpec>(ensemblesRunner))
    .register(bind<AlignbeamSpec, AlignbeamRunSpec>(alignbeamRunner))
    .register(bind<CircuitsSpec, CircuitsRunSpec>(circuitsRunner));
}
