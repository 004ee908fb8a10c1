// Ensembles module: strategies over a pool of model predictions, diversity, and Demšar-style statistics.
import type { FeatureModule } from '../../app/featureTypes';
import type { EnsemblesSpec } from '../../state/specs/ensembles';
import { ALL_STRATEGIES } from '../../core/ensembles/analyse';
import { EnsemblesPanel } from './EnsemblesPanel';

export const feature: FeatureModule<EnsemblesSpec> = {
  id: 'ensembles',
  title: 'Ensembles',
  summary: `${ALL_STRATEGIES.length} ensemble strategies over a prediction pool, Yule's Q diversity, Friedman/Nemenyi statistics and CD diagrams`,
  order: 30,
  Panel: EnsemblesPanel,
};
