// Experiments module: compare recorded runs (specs side by side, metrics and curves), export/import run bundles,
// and reproduce a record in this browser. The experiment layer itself is src/core/experiments.
import type { FeatureModule } from '../../app/featureTypes';
import { ExperimentsPanel } from './ExperimentsPanel';

export const feature: FeatureModule = {
  id: 'experiments',
  title: 'Experiments',
  summary: 'Compare recorded runs side by side (differing spec fields, inputs, digests, metrics, curves); export, import and reproduce run bundles',
  order: 90,
  Panel: ExperimentsPanel,
};
