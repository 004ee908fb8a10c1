// Edits module: offline weight edits through the local sidecar — C-Δθ circuit-restricted weight arithmetic,
// NF4/FP4 survival analysis, and MANSU — with progress, cancel and manifests.
import type { FeatureModule } from '../../app/featureTypes';
import type { EditsSpec } from '../../state/specs/edits';
import { EditsPanel } from './EditsPanel';

export const feature: FeatureModule<EditsSpec> = {
  id: 'edits',
  title: 'Edits',
  summary: 'C-Δθ circuit-restricted weight edits, NF4/FP4 survival of an edit, and MANSU, run on workspace checkpoints by the local sidecar',
  order: 50,
  Panel: EditsPanel,
};
