// Discovers the modules that exist: every `src/features/<id>/index.tsx` exporting `feature`.
// Only those appear in the navigation (no placeholders for modules that are not built).
import type { FeatureModule } from './featureTypes';
import type { ModuleId } from '../state/modules';

const found = import.meta.glob<{ feature: FeatureModule }>('../features/*/index.tsx', { eager: true });

export const FEATURES: FeatureModule[] = Object.values(found)
  .map((m) => m.feature)
  .filter((f): f is FeatureModule => Boolean(f))
  .sort((a, b) => a.order - b.order);

export function featureById(id: string): FeatureModule | undefined {
  return FEATURES.find((f) => f.id === (id as ModuleId));
}
