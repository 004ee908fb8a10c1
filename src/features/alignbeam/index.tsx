// Alignbeam module: inference-time alignment of a domain specialist by a safe anchor model with another vocabulary
// (bridged token by token), mixed over the first m tokens, K beam candidates, and a judge that picks the safest.
import type { FeatureModule } from '../../app/featureTypes';
import type { AlignbeamSpec } from '../../state/specs/alignbeam';
import { AlignbeamPanel } from './AlignbeamPanel';

export const feature: FeatureModule<AlignbeamSpec> = {
  id: 'alignbeam',
  title: 'ALIGNBEAM',
  summary: 'target-only vs anchor-mixed beam decoding side by side, the cross-vocabulary bridge, and α × K × m sweeps of refusal vs task accuracy vs overhead',
  order: 10,
  Panel: AlignbeamPanel,
};
