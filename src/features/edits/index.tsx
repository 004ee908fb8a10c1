// Edits module: offline weight edits through the local sidecar — C-Δθ circuit-restricted weight arithmetic,
// NF4/FP4 survival analysis, and MANSU — with progress, cancel and manifests; and unlearning of the embedded
// models in the browser (lab worker), scored at full precision and after NF4/FP4 quantization.
import type { FeatureModule } from '../../app/featureTypes';
import type { EditsSpec } from '../../state/specs/edits';
import { EditsPanel } from './EditsPanel';

export const feature: FeatureModule<EditsSpec> = {
  id: 'edits',
  title: 'Edits',
  summary: 'C-Δθ circuit-restricted weight edits, NF4/FP4 survival of an edit, and MANSU on workspace checkpoints (local sidecar); unlearning of the embedded models in the browser, before and after 4-bit quantization',
  order: 50,
  Panel: EditsPanel,
};
