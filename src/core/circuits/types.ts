// Public types of the circuits module: the computational graph of a GPT-2-style transformer in the convention of
// the public EAP-IG library (hannamw/EAP-IG, `eap/graph.py`), attribution requests and results, circuit
// extraction, faithfulness, probes, logit lens, attention patterns, the mechanistic evidence record, and the
// worker API (`CircuitsApi`) that the circuits panel calls in-thread or through workers/lab.worker.ts.
//
// Naming (EAP-IG): nodes `input`, `a{l}.h{h}` (attention head h of layer l), `m{l}` (MLP of layer l), `logits`.
// Edges `{from}->{to}`, and into an attention head one edge per q/k/v input: `input->a1.h0<q>`, `a0.h1->m3`,
// `m2->logits`. Sequential (non-parallel) blocks: head a{l}.h{h} reads input, every head and MLP of layers < l;
// m{l} reads those plus the heads of layer l; logits read everything.

/** What a node is in the EAP-IG graph. Imported circuit-tracer graphs map embeddings → input, logit → logits,
 * transcoder features and error nodes → mlp. */
export type NodeKind = 'input' | 'attn' | 'mlp' | 'logits';
export type Qkv = 'q' | 'k' | 'v';

export interface CircuitNode {
  /** EAP-IG name: `input`, `a0.h1`, `m2`, `logits` (imported circuit-tracer graphs keep their node_id). */
  id: string;
  /** Layer index; input is 0 (as in EAP-IG), logits nLayers − 1 (EAP-IG) — use `kind` to order them. */
  layer: number;
  kind: NodeKind;
  /** Head index for kind 'attn'. */
  head?: number;
  inGraph: boolean;
  /** Node-level attribution score (node patching / summed edge scores), when computed. */
  score?: number;
  /** Display label (circuit-tracer `clerp`, or the token of an embedding/logit node). */
  label?: string;
  /** Token position (circuit-tracer nodes are per position; EAP-IG nodes span all positions). */
  ctxIdx?: number;
  /** Neuron-level EAP-IG graphs: which of the node's d_model output neurons are in the circuit. */
  neurons?: boolean[];
  /** Neuron-level EAP-IG graphs: one score per neuron; NaN = not scored (EAP-IG keeps those in the graph). */
  neuronsScores?: number[];
  /** Fields of an imported node that this type does not model (kept so export writes them back). */
  raw?: Record<string, unknown>;
}

export interface CircuitEdge {
  /** `{from}->{to}` or `{from}->{to}<q|k|v>` */
  id: string;
  from: string;
  to: string;
  /** Which input of the destination attention head the edge feeds. */
  qkv?: Qkv;
  /**
   * Attribution score: the (estimated or exact) change of the metric when this edge alone is patched to its
   * corrupted value, i.e. metric(patched) − metric(clean). Negative = the edge carries the clean behaviour.
   */
  score: number;
  inGraph: boolean;
}

/**
 * The EAP-IG `cfg` block (also what `Graph.to_json` writes). GQA models use the library's "ungrouped" convention
 * (TransformerLens `ungroup_grouped_query_attention`): one node per query head, each with its own q/k/v inputs;
 * head h's k and v inputs feed KV head ⌊h / (nHeads / nKvHeads)⌋, so the topology depends on nHeads only and the
 * optional fields below are provenance that lets a reader (the edits sidecar, a Python user) map heads to weights.
 */
export interface GraphConfig {
  nLayers: number;
  /** Query heads per layer (`num_attention_heads`). */
  nHeads: number;
  dModel: number;
  /** Parallel attention+MLP blocks (GPT-J style). The lab GPT is sequential: false. */
  parallelAttnMlp: boolean;
  /** KV heads per layer when fewer than nHeads (GQA; `n_key_value_heads` in the JSON). Absent = no GQA. */
  nKvHeads?: number;
  /** Head width when it is not dModel / nHeads (Qwen3, Gemma 2/3; `d_head` in the JSON). */
  dHead?: number;
  /** Hugging Face `model_type` of the model the graph was built for (`model_type` in the JSON). */
  modelType?: string;
}

export type { AcdcOptions, AcdcResult } from './acdc';
import type { AcdcOptions, AcdcResult } from './acdc';

export type Metric = 'logit_diff' | 'refusal_prob' | 'kl';
export type AttributionMethod = 'eap' | 'eap-ig' | 'patching';
export type IgGrid = 'left' | 'right' | 'midpoint';

/** Where a graph came from and how it was scored (kept in exports, needed by evidence records). */
export interface GraphMeta {
  model?: string;
  method?: AttributionMethod;
  metric?: Metric;
  /** Number of clean/corrupted pairs the scores average over. */
  pairs?: number;
  /** EAP-IG interpolation steps. */
  steps?: number;
  /** EAP-IG's α grid when not the default 'left'. */
  igGrid?: IgGrid;
  /** ACDC threshold τ when the circuit was found by ACDC (method 'patching'; scores = metric change on removal). */
  acdcTau?: number;
  /** metric on the clean run and on the corrupted run (mean over pairs). */
  cleanMetric?: number;
  corruptedMetric?: number;
  /** Origin when imported: 'eap-ig-json' | 'circuit-tracer-json'. */
  source?: 'computed' | 'eap-ig-json' | 'circuit-tracer-json';
  /** circuit-tracer metadata.prompt, when imported. */
  prompt?: string;
  /** Top-level fields of an imported file this type does not model (circuit-tracer metadata, qParams). */
  raw?: Record<string, unknown>;
}

export interface CircuitGraph {
  cfg: GraphConfig;
  /** In forward order: input, a0.h0…a0.h{H−1}, m0, a1.h0, …, logits. */
  nodes: CircuitNode[];
  /** In EAP-IG construction order. */
  edges: CircuitEdge[];
  meta: GraphMeta;
}

/** One clean/corrupted prompt pair. Prompts are user messages; the model's chat template wraps them. */
export interface PromptPair {
  clean: string;
  corrupted: string;
  /** logit_diff: the token whose logit should be high on the clean run (default: the refusal opening token). */
  positive?: string;
  /** logit_diff: the competing token (default: the top non-refusal token of the corrupted run). */
  negative?: string;
}

export interface AttributionRequest {
  /** Embedded model id (`anchor`, `target`, …) as loaded by `loadModel`. */
  modelId: string;
  pairs: PromptPair[];
  method: AttributionMethod;
  metric: Metric;
  /** EAP-IG interpolation steps m (default 5); ignored by the other methods. */
  steps?: number;
  /**
   * EAP-IG's α grid (default 'left', the EAP-IG library's get_scores_eap_ig: α = k/m, k = 0..m−1, corrupted end
   * in, clean end out); 'right' k = 1..m (clean end in), 'midpoint' (k + ½)/m. See the README's agreement study.
   */
  igGrid?: IgGrid;
  /** Pairs per forward/backward batch (default 16). */
  batchSize?: number;
  /** Wrap prompts in the model's chat template (default true). */
  chatTemplate?: boolean;
}

export type ExtractMode = 'topn' | 'threshold' | 'greedy';

export interface ExtractOptions {
  mode: ExtractMode;
  /** topn / greedy: number of edges. */
  n?: number;
  /** threshold: keep edges with |score| ≥ threshold. */
  threshold?: number;
  /** Rank by |score| (default true), as EAP-IG. */
  absolute?: boolean;
  /** Remove dangling nodes and their edges afterwards (default true). */
  prune?: boolean;
}

export interface FaithfulnessPoint {
  /** Circuit size in edges (after pruning). */
  size: number;
  /** (metric(circuit) − metric(empty)) / (metric(full) − metric(empty)); 1 for the full graph, 0 for the empty. */
  recovered: number;
  /** Same for random circuits of the same size (mean over seeds). */
  randomRecovered: number;
}

export interface FaithfulnessCurve {
  points: FaithfulnessPoint[];
  /** Edges in the full graph. */
  totalEdges: number;
  /** metric of the full (clean) and empty (corrupted) graph, mean over pairs. */
  fullMetric: number;
  emptyMetric: number;
  metric: Metric;
}

export interface FaithfulnessOptions {
  /** Circuit sizes (edges) to evaluate; default a log-spaced ladder up to all edges. */
  sizes?: number[];
  /** How circuits of each size are chosen from the scored graph (default 'topn'). */
  mode?: ExtractMode;
  /** Random-edge baselines per size (default 3). */
  randomSeeds?: number;
  seed?: number;
}

/**
 * The circuits tab's attribution job as one run (CircuitsApi.attributeCircuit): score the graph, cut the circuit,
 * measure it against random circuits and draw the faithfulness curve, on one set of prepared pairs.
 */
export interface AttributeCircuitRequest extends Omit<AttributionRequest, 'method'> {
  /** 'acdc' finds its own circuit (τ below) instead of cutting one from scores. */
  method: AttributionMethod | 'acdc';
  /** ACDC threshold τ (method 'acdc'; default acdc.ts DEFAULT_ACDC_TAU). */
  tau?: number;
  /** How the circuit is cut from the scores (not used by ACDC). */
  extract: ExtractOptions;
  /** The curve's sizes and ranking; the cut circuit is measured with the same mode and seed. */
  faithfulness: FaithfulnessOptions;
}

export interface AttributeCircuitResult {
  /** Every edge with its score (ACDC: its circuit, scores = metric change on removal). */
  scored: CircuitGraph;
  /** The circuit marked inGraph. */
  graph: CircuitGraph;
  /** Faithfulness of that circuit, random circuits of its size beside it. */
  circuit: FaithfulnessPoint | null;
  faithfulness: FaithfulnessCurve;
}

export interface ProbeRequest {
  modelId: string;
  /** Default: held-out harmful vs benign prompts of the forge (read from models/forge/heldout). */
  harmful?: string[];
  benign?: string[];
  /** Held-out fraction (default 0.3), split with a seeded shuffle. */
  heldoutFraction?: number;
  /** L2 penalty of the logistic regression (default 1e-2). */
  l2?: number;
  seed?: number;
}

/** One linear probe per residual-stream point: layer 0 = embeddings, layer l = after block l−1. */
export interface ProbeLayer {
  layer: number;
  trainAcc: number;
  heldoutAcc: number;
  /** prompts in the held-out split (both classes); absent in results computed before it was recorded */
  heldoutN?: number;
}
export type ProbeResult = ProbeLayer[];

export interface LensToken {
  id: number;
  text: string;
  prob: number;
}

/** Logit lens at one position: the residual after `layer` blocks (0 = embeddings) unembedded through ln_f. */
export interface LogitLensRow {
  layer: number;
  position: number;
  top: LensToken[];
  /** Probability of `LogitLensRequest.target` (default: the refusal opening token), when given. */
  targetProb?: number;
}

export interface LogitLensRequest {
  modelId: string;
  prompt: string;
  /** Positions to lens (default: the last one). */
  positions?: number[];
  topK?: number;
  target?: string;
  chatTemplate?: boolean;
}

/** One head's attention on one prompt; `weights[dest][src]` (query row, key column; rows sum to 1). */
export interface AttentionPattern {
  layer: number;
  head: number;
  tokens: string[];
  weights: number[][];
}

export interface AttentionRequest {
  modelId: string;
  prompt: string;
  chatTemplate?: boolean;
}

/** Mechanistic evidence for the assurance module (DESIGN.md assurance: "attribution graph" evidence class). */
export interface EvidenceRecord {
  kind: 'mechanistic';
  /** Evidence class in the assurance inventory. */
  evidenceClass: 'attribution-graph' | 'activation-patching' | 'linear-probe';
  model: string;
  /** sha256 of the model weights file the evidence was computed on (model.safetensors). */
  modelSha256?: string;
  method: AttributionMethod;
  metric: Metric;
  pairs: number;
  /** Faithfulness of the reported circuit (recovered fraction and its size). */
  faithfulness: { edges: number; totalEdges: number; recovered: number; randomRecovered: number } | null;
  /** Refusal rates before/after ablating the circuit, when measured. */
  ablation?: AblationResult;
  /** How the circuit was found from the graph's scores, or by ACDC (one-click refusal circuit), when known. */
  extraction?: RefusalCircuitResult['extraction'];
  /** sha256 of `exportGraphJson(graph)` (EAP-IG format). */
  graphSha256: string;
  createdAt: string;
}

export interface AblationResult {
  /** Refusal rate (src/core/lm/refusal.ts on greedy generations) on held-out harmful prompts. */
  refusalBefore: number;
  refusalAfter: number;
  prompts: number;
  /**
   * 'corrupt': each circuit edge u→v carries u's output on a length-matched benign prompt (followed by the same
   * generated tokens) — the intervention faithfulness measures; 'mean': u's mean output over benign prompts.
   */
  mode: 'corrupt' | 'mean';
  /** Control: refusal rate with as many random edges ablated the same way (mean over seeds). */
  randomRefusalAfter?: number;
  /**
   * Control ('mean' mode): fraction of benign prompts whose greedy answer the ablation leaves unchanged — low
   * values say the circuit is not refusal-specific (ablating it breaks the model).
   */
  benignUnchanged?: number;
}

export interface RefusalCircuitOptions {
  /** Prompt pairs (default 32). */
  pairs?: number;
  method?: Exclude<AttributionMethod, 'patching'>;
  steps?: number;
  /** Circuit size as a fraction of all edges (default 0.05). */
  edgeFraction?: number;
  /** Held-out harmful prompts for the ablation check (default 24). */
  ablationPrompts?: number;
  /** Greedy tokens generated per prompt for the refusal check (default 24). */
  maxNewTokens?: number;
  /** How the circuit is ablated for the refusal check (default 'corrupt'). */
  ablation?: AblationResult['mode'];
  seed?: number;
  /**
   * Also discover the circuit with ACDC (patching each edge in turn, τ fitted to the edge budget) and keep it when
   * it is more faithful than the top-n/greedy circuits from the attribution scores (default true; costs a few
   * hundred patched forwards).
   */
  acdc?: boolean;
}

export interface RefusalCircuitResult {
  /** Scored full graph with the extracted circuit marked inGraph. */
  graph: CircuitGraph;
  faithfulness: FaithfulnessCurve;
  /** Faithfulness of the extracted circuit itself. */
  circuit: FaithfulnessPoint;
  /**
   * How the circuit was found: top-n or greedy extraction from the attribution scores, or ACDC at threshold `tau`
   * (`evaluations` patched forwards). The graph's edge scores are the attribution scores in every case.
   */
  extraction: { mode: ExtractMode | 'acdc'; tau?: number; evaluations?: number };
  ablation: AblationResult;
  evidence: EvidenceRecord;
  /** The refusal opening token(s) used by the metric, read from the tokenizer. */
  refusalTokens: LensToken[];
}

export interface LoadedCircuitModel {
  id: string;
  /** Hugging Face model_type (gpt2, llama, qwen2, gemma3_text...). */
  family: string;
  nLayers: number;
  nHeads: number;
  /** Key/value heads (< nHeads under grouped-query attention). */
  nKvHeads: number;
  dModel: number;
  nCtx: number;
  vocabSize: number;
  nNodes: number;
  nEdges: number;
  /** Tokens the refusal metric counts as a refusal opening (e.g. "I"), read from the tokenizer. */
  refusalTokens: LensToken[];
  weightsSha256: string;
}

export type CircuitsPhase = 'load' | 'attribute' | 'patch' | 'faithfulness' | 'probes' | 'ablation' | 'lens';

/**
 * Monotone `done` against a `total` fixed for the run (same shape as the tabular engine's progress); `phase` labels
 * the current stage. A multi-stage run (the one-click refusal circuit) counts the whole run, never one phase.
 */
export interface CircuitsProgress {
  phase: CircuitsPhase;
  done: number;
  total: number;
  label: string;
}
export type CircuitsProgressCallback = (p: CircuitsProgress) => void;

/**
 * The circuits engine (CONVENTIONS #1): the same object in-thread (tests) and over comlink
 * (workers/lab.worker.ts). Runs go one at a time; progress is a trailing callback (comlink proxies it);
 * `cancel()` aborts the run in flight — an AbortSignal cannot cross postMessage, so in-thread callers that
 * want a signal use the core functions (attribute.ts etc.) directly.
 */
export interface CircuitsApi {
  /** Loads models/<id>/{config.json, tokenizer.json, tokenizer_config.json, model.safetensors}. */
  loadModel(id: string, onProgress?: CircuitsProgressCallback): Promise<LoadedCircuitModel>;
  /**
   * `n` harmful/benign pairs from the forge's held-out suites with equal chat-token length for this model's
   * tokenizer (clean = harmful, corrupted = benign), in a seeded order: the refusal circuit's prompt pairs.
   */
  heldoutPairs(modelId: string, n: number, seed?: number): Promise<PromptPair[]>;
  /** EAP / EAP-IG / exact edge patching scores for every edge of the model's graph (all edges inGraph). */
  attribute(req: AttributionRequest, onProgress?: CircuitsProgressCallback): Promise<CircuitGraph>;
  /** Exact activation patching: edge scores, plus node scores (patching each node's output). */
  patchExact(req: Omit<AttributionRequest, 'method' | 'steps'>, onProgress?: CircuitsProgressCallback): Promise<CircuitGraph>;
  /**
   * ACDC: discovers a circuit by patching edges one at a time from the logits backwards, dropping each edge whose
   * removal costs less than τ of the clean/corrupted metric gap (src/core/circuits/acdc.ts).
   */
  acdc(req: Omit<AttributionRequest, 'method' | 'steps'>, opts?: AcdcOptions, onProgress?: CircuitsProgressCallback): Promise<AcdcResult>;
  /**
   * The attribution job in one run, with one progress total for all of it (scoring, the circuit's faithfulness,
   * the curve) planned before the first pass, the phase as the label.
   */
  attributeCircuit(req: AttributeCircuitRequest, onProgress?: CircuitsProgressCallback): Promise<AttributeCircuitResult>;
  /** Marks a circuit inGraph (pure; also exported from src/core/circuits/extract.ts). */
  extract(graph: CircuitGraph, opts: ExtractOptions): Promise<CircuitGraph>;
  /** Recovered metric vs circuit size for `graph`'s scores, against random circuits of the same size. */
  faithfulness(graph: CircuitGraph, req: Omit<AttributionRequest, 'method' | 'steps'>, opts?: FaithfulnessOptions,
    onProgress?: CircuitsProgressCallback): Promise<FaithfulnessCurve>;
  probes(req: ProbeRequest, onProgress?: CircuitsProgressCallback): Promise<ProbeResult>;
  logitLens(req: LogitLensRequest): Promise<LogitLensRow[]>;
  attention(req: AttentionRequest): Promise<AttentionPattern[]>;
  /** One click: pairs from the held-out data, attribution, ≤ 5 % circuit, faithfulness, ablation, evidence. */
  refusalCircuit(modelId: string, opts?: RefusalCircuitOptions, onProgress?: CircuitsProgressCallback): Promise<RefusalCircuitResult>;
  /** EAP-IG `Graph.to_json` text or circuit-tracer / Neuronpedia graph JSON → graph. */
  importGraphJson(text: string): Promise<CircuitGraph>;
  /** EAP-IG `Graph.to_json` text (circuit-tracer graphs: their own format back). */
  exportGraphJson(graph: CircuitGraph): Promise<string>;
  evidence(graph: CircuitGraph, faithfulness: FaithfulnessCurve | null, ablation?: AblationResult): Promise<EvidenceRecord>;
  cancel(): Promise<void>;
}
