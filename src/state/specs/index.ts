// Registry of module specs: the only place the link codec and the history store look specs up.
import type { ModuleId } from '../modules';
import { alignbeamSpec } from './alignbeam';
import { circuitsSpec } from './circuits';
import { curationSpec } from './curation';
import { editsSpec } from './edits';
import { ensemblesSpec } from './ensembles';
import { tabularSpec } from './tabular';
import type { SpecDefinition } from './types';

export type AnySpec = Record<string, unknown>;

const registry: Partial<Record<ModuleId, SpecDefinition<AnySpec>>> = {
  ensembles: ensemblesSpec as unknown as SpecDefinition<AnySpec>,
  tabular: tabularSpec as unknown as SpecDefinition<AnySpec>,
  edits: editsSpec as unknown as SpecDefinition<AnySpec>,
  alignbeam: alignbeamSpec as unknown as SpecDefinition<AnySpec>,
  circuits: circuitsSpec as unknown as SpecDefinition<AnySpec>,
  curation: curationSpec as unknown as SpecDefinition<AnySpec>,
};

export function specFor(module: ModuleId): SpecDefinition<AnySpec> | undefined {
  return registry[module];
}

export function modulesWithSpecs(): ModuleId[] {
  return Object.keys(registry) as ModuleId[];
}
