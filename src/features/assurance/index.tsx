// Assurance module: the evidence ledger of every run (stored in this browser), the audit-gap report against the
// governance-instrument inventory, its exports and the Annex IV-style section. The core is src/core/assurance.
import type { FeatureModule } from '../../app/featureTypes';
import { AssurancePanel } from './AssurancePanel';

export const feature: FeatureModule = {
  id: 'assurance',
  title: 'Assurance',
  summary: 'Evidence ledger of every run, audit-gap report (required vs achieved access per property, fragile claims, next evidence) against a governance-instrument inventory; Markdown/JSON/print/Annex IV exports',
  order: 100,
  Panel: AssurancePanel,
};
