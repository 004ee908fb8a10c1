// Curation module (issue #22): synthetic instruction data from a corpus with provenance, injected failures with
// ground truth kept apart, rule and model gates, adaptive recovery, metrics and dataset export.
import type { FeatureModule } from '../../app/featureTypes';
import type { CurationSpec } from '../../state/specs/curation';
import { CurationPanel } from './CurationPanel';

export const feature: FeatureModule<CurationSpec> = {
  id: 'curation',
  title: 'Curation',
  summary: 'Synthetic instruction data from a corpus with provenance: injected failures, lexical / format / dedup / grounding-model gates, adaptive recovery, a flow view, sample inspector, metrics and dataset export',
  order: 55,
  Panel: CurationPanel,
};
