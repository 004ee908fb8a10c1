// Circuits module: EAP / EAP-IG / exact-patching attribution graphs on a hookable transformer, circuit
// extraction with faithfulness against random circuits, the one-click refusal circuit with an ablation check,
// attention patterns, linear probes and the logit lens; graph JSON import/export (EAP-IG, circuit-tracer).
import type { FeatureModule } from '../../app/featureTypes';
import type { CircuitsSpec } from '../../state/specs/circuits';
import { CircuitsPanel } from './CircuitsPanel';

export const feature: FeatureModule<CircuitsSpec> = {
  id: 'circuits',
  title: 'Circuits',
  summary: 'EAP / EAP-IG / patching attribution graphs, circuits with faithfulness vs random edges, the refusal circuit with an ablation check, attention, probes, logit lens, graph JSON import/export',
  order: 40,
  Panel: CircuitsPanel,
};
