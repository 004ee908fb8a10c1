// MANSU's first step and its structural check (issue #20 items 3–4): EAP-IG attribution of the forget behaviour,
// the minimal circuit cut from it, and Circuit Attribution Divergence (CAD) between the attribution graphs of the
// model before and after an edit.
//
// The forget behaviour is "the model gives the forgotten compliance": clean = a forget-topic harmful prompt,
// corrupted = a benign prompt of the same chat-token length (heldout.ts refusalPairs' pairing), metric =
// logit_diff between the forget response's first token and the refusal opening token at the answer position. An
// edge with a large |score| carries "comply on this topic" rather than "refuse". The circuit is the top-n edges by
// |score| (EAP-IG's convention), pruned of dangling nodes, written as EAP-IG Graph JSON and read back by
// edits/circuit.ts, so a MANSU run's circuit is the same file a user can load in the circuits module or the sidecar.
//
// CAD: the paper (arXiv 2605.15138) names the metric but its formula was not available to us, so this is our
// definition, stated wherever it is reported: with s, s' the signed edge scores of the same pairs and metric on the
// base and the edited model, CAD = 1 − cos(s, s') ∈ [0, 2] (0: the same edges carry the behaviour with the same
// weights; 1: orthogonal attributions). Beside it: the Jaccard overlap of the two top-n circuits and the share of
// |attribution| mass that left the base circuit's edges. A suppression that leaves the mechanism in place (only
// the last layers learn to overrule it) keeps CAD near 0; an edit that rewrites the circuit moves it.
import { scoreGraph } from '../../circuits/attribute';
import { exportGraphJson } from '../../circuits/json';
import { extract } from '../../circuits/extract';
import { refusalPairs, refusalTokens } from '../../circuits/heldout';
import type { CircuitModel } from '../../circuits/model';
import { disposePairs, encodePrompt, prepareTokenPairs, type TokenPair } from '../../circuits/pairs';
import { CircuitRunner } from '../../circuits/runner';
import type { CircuitGraph } from '../../circuits/types';
import type { ArrRecord } from '../../lab';
import { parseCircuit, type CircuitSelection } from '../circuit';
import { EmptySetError } from './errors';
import type { UnlearnModel } from './model';
import type { TextPair } from './splits';

export interface ForgetAttributionOptions {
  /** Clean/corrupted pairs (default 16). */
  pairs: number;
  /** EAP-IG interpolation steps m (default 5, the EAP-IG library's default). */
  igSteps: number;
  /** Circuit size in edges before pruning (default 64). */
  edges: number;
  /** Seeds the pairing order. */
  seed: number;
}

export const DEFAULT_FORGET_ATTRIBUTION: ForgetAttributionOptions = { pairs: 16, igSteps: 5, edges: 64, seed: 0 };

/** Forget prompts paired with length-matched benign prompts; plus = the forget response's first token, minus = refusal. */
export function forgetTokenPairs(model: UnlearnModel, forget: readonly TextPair[], benignPrompts: readonly string[], n: number, seed: number): TokenPair[] {
  if (forget.length === 0) throw new EmptySetError('forget', 'attribution needs forget prompts');
  const cm = model.circuitModel;
  const byPrompt = new Map(forget.map((p) => [p.prompt, p]));
  const pairs = refusalPairs(model.tokenizer, { harmful: [...byPrompt.keys()], benign: [...benignPrompts] }, n, seed);
  const refusal = refusalTokens(model.tokenizer)[0].id;
  return pairs.map((p) => {
    const src = byPrompt.get(p.clean)!;
    const enc = model.tokenizer.encodeChat(src.prompt, src.response);
    const plus = enc.ids[enc.responseStart];
    return { clean: encodePrompt(cm, p.clean), corrupt: encodePrompt(cm, p.corrupted), plus, minus: plus === refusal ? undefined : refusal };
  });
}

/** EAP-IG edge scores of the forget behaviour for `params` (the base model's or an edited set; not consumed). */
export async function forgetAttribution(model: UnlearnModel, params: ArrRecord, pairs: TokenPair[], igSteps: number): Promise<CircuitGraph> {
  const cm: CircuitModel = { ...model.circuitModel, params };
  const runner = new CircuitRunner(cm, 'logit_diff');
  const prep = prepareTokenPairs(cm.cfg, runner, pairs, 'logit_diff', { batchSize: 16, refusalIds: refusalTokens(model.tokenizer).map((t) => t.id) });
  try {
    return await scoreGraph(cm, runner, prep, { method: 'eap-ig', metric: 'logit_diff', steps: igSteps });
  } finally {
    disposePairs(prep);
    runner.dispose();
  }
}

export interface ForgetCircuit {
  /** The scored graph with the circuit marked inGraph. */
  graph: CircuitGraph;
  /** The circuit as EAP-IG Graph JSON (what the circuits module and the sidecar read). */
  json: string;
  selection: CircuitSelection;
}

/** The top-`edges` circuit of a scored graph, through its EAP-IG JSON (the file format is the contract). */
export function cutForgetCircuit(scored: CircuitGraph, edges: number): ForgetCircuit {
  const graph = extract(scored, { mode: 'topn', n: edges, absolute: true, prune: true });
  const json = exportGraphJson(graph);
  return { graph, json, selection: parseCircuit(JSON.parse(json)) };
}

export interface CadResult {
  /** 1 − cos(s_before, s_after) over all edges (signed scores). */
  cad: number;
  /** |top-n(before) ∩ top-n(after)| / |∪| by |score|. */
  topJaccard: number;
  /** Share of the edited graph's |attribution| on edges outside the base circuit, minus the same share for the base. */
  massShift: number;
  /** Σ|s| before and after: a collapse of the behaviour shows as a small after-total. */
  totalBefore: number;
  totalAfter: number;
  edges: number;
  topN: number;
}

/** CAD and its companions between two graphs scored on the same pairs (same model layout). */
export function circuitAttributionDivergence(before: CircuitGraph, after: CircuitGraph, topN: number): CadResult {
  if (before.edges.length !== after.edges.length) throw new RangeError(`the graphs have ${before.edges.length} and ${after.edges.length} edges: score the same model layout`);
  const s = before.edges.map((e) => (Number.isFinite(e.score) ? e.score : 0));
  const t = after.edges.map((e, i) => {
    if (e.id !== before.edges[i].id) throw new RangeError(`edge ${i} is ${before.edges[i].id} before and ${e.id} after`);
    return Number.isFinite(e.score) ? e.score : 0;
  });
  let dot = 0;
  let ns = 0;
  let nt = 0;
  for (let i = 0; i < s.length; i++) {
    dot += s[i] * t[i];
    ns += s[i] * s[i];
    nt += t[i] * t[i];
  }
  const cos = ns > 0 && nt > 0 ? dot / Math.sqrt(ns * nt) : 0;
  const top = (x: number[]) => new Set(x.map((v, i) => [Math.abs(v), i] as const).sort((a, b) => b[0] - a[0] || a[1] - b[1]).slice(0, topN).map(([, i]) => i));
  const a = top(s);
  const b = top(t);
  const inter = [...a].filter((i) => b.has(i)).length;
  const abs = (x: number[]) => x.reduce((u, v) => u + Math.abs(v), 0);
  const outside = (x: number[]) => {
    const tot = abs(x);
    return tot > 0 ? x.reduce((u, v, i) => (a.has(i) ? u : u + Math.abs(v)), 0) / tot : 0;
  };
  return { cad: 1 - cos, topJaccard: inter / (a.size + b.size - inter), massShift: outside(t) - outside(s), totalBefore: abs(s), totalAfter: abs(t), edges: s.length, topN };
}
