// The workbench's modules: ids, titles and one-line purposes. Pure data so links, history and the shell agree.

export const MODULE_IDS = ['alignbeam', 'tabular', 'ensembles', 'circuits', 'edits', 'curation', 'experiments', 'assurance'] as const;
export type ModuleId = (typeof MODULE_IDS)[number];

export function isModuleId(value: string): value is ModuleId {
  return (MODULE_IDS as readonly string[]).includes(value);
}
