// Tabular module: load a table, cross-validate in-context teachers, sweep context strategies for imbalanced data,
// and distil the teacher into fast students with out-of-fold labels.
import type { FeatureModule } from '../../app/featureTypes';
import type { TabularSpec } from '../../state/specs/tabular';
import { TabularPanel } from './TabularPanel';

export const feature: FeatureModule<TabularSpec> = {
  id: 'tabular',
  title: 'Tabular',
  summary: 'in-context teachers with k-fold AUC, seven context strategies × sizes for imbalanced data, and OOF distillation into GBDT / MLP / logistic students',
  order: 20,
  Panel: TabularPanel,
};
