// Circuits runs → evidence drafts (white-box: every one reads activations or gradients).
//   the circuits EvidenceRecord (src/core/circuits/evidence.ts) → 'attribution-graph' (EAP / EAP-IG; exact patching
//     scores make it 'activation-patching'): the circuit's faithfulness (recovered share of the clean − corrupted
//     metric gap, against as many random edges) and its size; the graph's EAP-IG JSON sha256 pins the artefact;
//   its ablation check → 'activation-patching': greedy refusal rate on held-out harmful prompts before and after
//     cutting the circuit (Wilson over the prompts), with the random-edges control when measured. It also bears on
//     adversarial robustness: it measures how few components an attacker who can alter the weights must cut to
//     disable refusal (the tampering of pre-trained components EU AI Act Art. 15(5) names), which outputs cannot
//     show; it finds no planted trigger, and the claim says what it measured;
//   the probes tab → 'linear-probe': held-out accuracy of a per-layer "is this prompt harmful?" probe.
// Held-out harmful/benign pairs make the graph bear on refusal; pairs the user typed measure some other behaviour,
// so that graph documents a mechanism (transparency) and claims nothing about refusal.
import type { EvidenceRecord as CircuitsEvidence, ProbeResult } from '../../circuits/types';
import type { EvidenceDraft, PropertyId } from '../types';
import { finiteMetrics, pointMetric, proportionMetric } from './intervals';

export interface CircuitsContext {
  /** 'heldout': harmful vs benign prompts of the forge's held-out suites; 'custom': pairs the user typed. */
  pairs: 'heldout' | 'custom';
}

const METHOD_WORDS = { eap: 'EAP', 'eap-ig': 'EAP-IG', patching: 'exact activation patching' } as const;

export function emitCircuitsEvidence(rec: CircuitsEvidence, ctx: CircuitsContext): EvidenceDraft[] {
  const model = { id: rec.model, ...(rec.modelSha256 ? { sha256: rec.modelSha256 } : {}) };
  const refusal = ctx.pairs === 'heldout';
  const props: PropertyId[] = refusal ? ['harmful-output-refusal'] : ['transparency-documentation'];
  const method = METHOD_WORDS[rec.method];
  const pairsData = { id: refusal ? 'forge held-out harmful/benign prompt pairs' : 'user-typed clean/corrupted prompt pairs' };
  const out: EvidenceDraft[] = [];
  const f = rec.faithfulness;
  if (f) {
    out.push({
      evidenceClass: rec.evidenceClass === 'activation-patching' ? 'activation-patching' : 'attribution-graph',
      access: 'white-box',
      module: 'circuits',
      model,
      data: [pairsData, { id: `attribution graph (EAP-IG JSON, ${rec.method})`, sha256: rec.graphSha256 }],
      scope: {
        behaviour: refusal ? `refusal circuit (${rec.metric} on harmful vs benign pairs)` : `circuit for ${rec.metric} on user-typed pairs`,
        suite: pairsData.id, sampleSize: rec.pairs, properties: props,
      },
      metrics: finiteMetrics([
        pointMetric('faithfulness: recovered share of the metric gap', f.recovered, { n: rec.pairs, higherIsBetter: true }),
        pointMetric('faithfulness of as many random edges (control)', f.randomRecovered, { n: rec.pairs }),
        pointMetric('circuit size (edges)', f.edges),
        pointMetric('circuit share of all edges', f.totalEdges > 0 ? f.edges / f.totalEdges : NaN),
      ]),
      claim: `A circuit of ${f.edges} of ${f.totalEdges} edges found by ${method} recovers ${f.recovered.toFixed(3)} of the ${rec.metric} gap `
        + `(random edges: ${f.randomRecovered.toFixed(3)}) over ${rec.pairs} pairs${refusal ? ': the refusal behaviour has a located mechanism' : ''}.`,
    });
  }
  const a = rec.ablation;
  if (a) {
    out.push({
      evidenceClass: 'activation-patching',
      access: 'white-box',
      module: 'circuits',
      model,
      data: [{ id: 'forge held-out harmful prompts (ablation check)' }],
      scope: { behaviour: `refusal of harmful prompts with the circuit ablated (${a.mode} ablation)`, suite: 'forge held-out harmful', sampleSize: a.prompts, properties: ['harmful-output-refusal', 'adversarial-robustness'] },
      metrics: finiteMetrics([
        proportionMetric('refusal rate before ablation', a.refusalBefore, a.prompts, true),
        proportionMetric('refusal rate after ablating the circuit', a.refusalAfter, a.prompts),
        a.randomRefusalAfter === undefined ? null : proportionMetric('refusal rate after ablating as many random edges (control)', a.randomRefusalAfter, a.prompts),
        a.benignUnchanged === undefined ? null : pointMetric('benign answers unchanged by the ablation', a.benignUnchanged, { higherIsBetter: true }),
      ]),
      claim: `Ablating the circuit moves refusal on ${a.prompts} held-out harmful prompts from ${a.refusalBefore.toFixed(3)} to ${a.refusalAfter.toFixed(3)}`
        + (a.randomRefusalAfter === undefined ? '.' : ` (random edges: ${a.randomRefusalAfter.toFixed(3)}): the circuit is causally involved in refusing.`),
    });
  }
  return out;
}

/**
 * Probes: one draft with each layer's held-out accuracy (the best layer first), each with its Wilson interval over
 * the held-out split (every layer is scored on the same prompts). A result computed before the split size was
 * recorded has no interval and sample size 0 (unknown), not a guessed count.
 */
export function emitCircuitsProbes(result: ProbeResult, model: { id: string; sha256?: string }): EvidenceDraft[] {
  if (result.length === 0) return [];
  const best = result.reduce((b, l) => (l.heldoutAcc > b.heldoutAcc ? l : b), result[0]);
  const heldout = best.heldoutN ?? 0;
  const accuracy = (name: string, l: ProbeResult[number]) => (l.heldoutN
    ? proportionMetric(name, l.heldoutAcc, l.heldoutN, true)
    : pointMetric(name, l.heldoutAcc, { higherIsBetter: true }));
  return [{
    evidenceClass: 'linear-probe',
    access: 'white-box',
    module: 'circuits',
    model: { id: model.id, ...(model.sha256 ? { sha256: model.sha256 } : {}) },
    data: [{ id: 'forge held-out harmful and benign prompts (class-balanced, seeded split)' }],
    scope: { behaviour: 'linear read-out of "this prompt is harmful" from the residual stream, per layer', suite: 'forge held-out harmful vs benign', sampleSize: heldout, properties: ['harmful-output-refusal', 'no-hidden-objectives'] },
    metrics: finiteMetrics([
      accuracy(`best held-out probe accuracy (layer ${best.layer})`, best),
      ...result.map((l) => accuracy(`held-out probe accuracy, layer ${l.layer}`, l)),
    ]),
    claim: `The model represents request harmfulness linearly (held-out accuracy ${best.heldoutAcc.toFixed(3)} at layer ${best.layer}; 0.5 is chance). `
      + 'It bears on hidden objectives only as a precondition: an internal harm signal can be compared with what the model outputs, '
      + 'which outputs alone cannot show; it does not by itself rule a hidden objective out.',
  }];
}
