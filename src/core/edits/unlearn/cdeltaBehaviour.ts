// C-Δθ with behaviour in one process (issue #20 items 5–6): the loop bench/cdelta-behaviour.ts runs in Node, here on
// a model already loaded in the lab engine so the browser's lab worker can run it (api.ts runCDelta):
//   1. aligned copy: a short `refusal_sft` fine-tune of a copy of the model on ONE harm topic (refusalSplit.ts);
//   2. circuit: EAP-IG (m = 5, logit_diff "refusal token vs the benign answer's opening") on the ALIGNED copy,
//      clean = the topic's train prompts, corrupted = length-matched benign train prompts (chat + tasks), cut either
//      as the top-n edges by |score| (pruned) or node by node under a parameter budget (heads / MLPs by |node
//      score|, each kept while the mask stays under the budget), exported as EAP-IG Graph JSON;
//   3. C-Δθ W_out = W_target + s·(W_aligned − W_target) on the circuit's mask at each strength s (cdeltaLab.ts,
//      the sidecar's arithmetic);
//   4. the selectivity matrix (selectivity.ts) over held-out prompts: target, the aligned copy, each C-Δθ output,
//      each also after bitsandbytes NF4 (block 64, no double quant), with deltas vs target and parameters touched.
// The budget cut is the bench's (bench/ is a script, not a library, so it is restated here). Pure: no Node, no DOM.
import { exportGraphJson } from '../../circuits/json';
import { extract, nodeScores } from '../../circuits/extract';
import { cloneGraph } from '../../circuits/graph';
import type { CircuitGraph } from '../../circuits/types';
import { release, type ArrRecord } from '../../lab';
import { CancelledError } from '../../runtime/errors';
import { parseCircuit, type CircuitSelection } from '../circuit';
import { decodeColumn, selectivityMatrix, type SelectivityColumn, type SelectivityMatrix } from '../selectivity';
import { cdeltaLab, circuitParamCount } from './cdeltaLab';
import { UnlearnConfigError } from './errors';
import { FREEZE_MODES, freezeTrainable, type FreezeMode } from './freeze';
import { forgetAttribution, forgetTokenPairs } from './forgetCircuit';
import type { UnlearnMetrics } from './manifest';
import type { UnlearnModel } from './model';
import { quantizedParams, touched } from './quantEval';
import { heldoutBehaviourPrompts, refusalSplit, refusalSplitRecord } from './refusalSplit';
import type { CorpusRecord, SplitRecord } from './splits';
import { runUnlearning, type UnlearnProgress } from './trainer';

/** How the circuit is cut from the aligned copy's attribution graph. */
export type CDeltaCircuitCut = { mode: 'topn'; edges: number } | { mode: 'budget'; percent: number };

export interface CDeltaBehaviourRequest {
  modelId: string;
  /** Harm topic the copy learns to refuse (forge HARM_TOPICS). */
  topic: string;
  /** refusal_sft steps, batch size, peak learning rate and the retain set size of the copy's fine-tune. */
  steps: number;
  batchSize: number;
  lr: number;
  retainSize: number;
  seed: number;
  /**
   * Which tensors the copy's fine-tune leaves frozen (freeze.ts): 'none' (absent: every tensor trains, the runs
   * before this option) or 'unowned' (the embeddings, norms and biases no circuit node owns stay at the target's,
   * so the copy's delta lives where a circuit can carry it).
   */
  freeze?: FreezeMode;
  /** Clean/corrupted pairs attributed (EAP-IG, m = 5) on the aligned copy. */
  pairs: number;
  cut: CDeltaCircuitCut;
  strengths: number[];
  /** Held-out prompts per row: each harm topic, benign (edgy + chat), tasks. */
  prompts: { perTopic: number; benign: number; tasks: number };
  maxNewTokens: number;
  /** Adds each column after NF4 (block 64). */
  nf4: boolean;
}

export type CDeltaPhase = 'split' | 'train' | 'circuit' | 'cdelta' | 'evaluate';

/** One bar of 100: split 0–2, fine-tune 2–50, circuit 50–58, C-Δθ 58–60, selectivity columns 60–100. */
export interface CDeltaProgress {
  phase: CDeltaPhase;
  done: number;
  total: 100;
  label: string;
}

export interface CDeltaColumnInfo {
  name: string;
  /** 'target' | 'aligned' | 'cdelta'; strength for C-Δθ outputs; nf4 for the quantized twin. */
  kind: 'target' | 'aligned' | 'cdelta';
  strength: number | null;
  nf4: boolean;
  /** Parameters differing from the target's (full precision; null for target itself). */
  changed: number | null;
  total: number;
}

export interface CDeltaBehaviourReport {
  split: SplitRecord;
  fineTune: { steps: number; /** absent in reports made before the option: 'none' */ freeze?: FreezeMode; trainableTensors?: number; metrics: UnlearnMetrics[]; stepsPerSecond: number | null };
  circuit: { json: string; heads: [number, number][]; mlps: number[]; edges: number; masked: number; total: number; pairs: number };
  matrix: SelectivityMatrix;
  columns: CDeltaColumnInfo[];
  /** The first prompt of each suite with its continuation, per column. */
  examples: Record<string, SelectivityColumn['examples']>;
  prompts: { perTopic: number; benign: number; tasks: number; maxNewTokens: number };
  seconds: { fineTune: number; circuit: number; evaluate: number };
}

export interface CDeltaBehaviourRun {
  report: CDeltaBehaviourReport;
  /** One parameter record per strength (request order); the caller releases them. */
  edited: ArrRecord[];
}

export interface CDeltaRunControl {
  emit: (p: CDeltaProgress) => void;
  /** Aborted when the run must stop; read after every training step and between phases. */
  signal: AbortSignal;
  /** Polls the caller's cancel flag (aborts `signal`); called after every progress event. */
  check: () => void;
}

/** Node-level cut: heads and MLPs by |node score|, each kept while the mask stays under `budget` of the parameters. */
export function budgetCut(g: CircuitGraph, model: UnlearnModel, budget: number): CircuitGraph {
  const out = cloneGraph(g);
  const kept = new Set<string>();
  const ranked = [...nodeScores(g).entries()].filter(([id]) => id !== 'input').sort((a, b) => Math.abs(b[1]) - Math.abs(a[1]));
  const selection = (ids: Set<string>): CircuitSelection => parseCircuit({ nodes: Object.fromEntries([...ids].map((id) => [id, true])) });
  for (const [id] of ranked) {
    const trial = new Set([...kept, id]);
    const c = circuitParamCount(model, selection(trial));
    if (c.masked / c.total <= budget) kept.add(id);
  }
  const alive = new Set([...kept, 'input', 'logits']);
  for (const n of out.nodes) n.inGraph = alive.has(n.id);
  for (const e of out.edges) e.inGraph = alive.has(e.from) && alive.has(e.to);
  return out;
}

/** Named errors for values a hand-edited request could carry past the spec's clamp. */
export function checkCDeltaRequest(r: CDeltaBehaviourRequest): void {
  if (!Number.isInteger(r.steps) || r.steps < 1) throw new UnlearnConfigError(`steps must be an integer ≥ 1, got ${String(r.steps)}`);
  if (r.strengths.length === 0 || r.strengths.some((s) => !Number.isFinite(s))) throw new UnlearnConfigError(`strengths must be finite numbers (at least one), got ${JSON.stringify(r.strengths)}`);
  if (r.cut.mode === 'topn' && (!Number.isInteger(r.cut.edges) || r.cut.edges < 1)) throw new UnlearnConfigError(`top-n circuit needs an integer edge count ≥ 1, got ${String(r.cut.edges)}`);
  if (r.cut.mode === 'budget' && !(r.cut.percent > 0 && r.cut.percent <= 100)) throw new UnlearnConfigError(`parameter budget must be in (0, 100] %, got ${String(r.cut.percent)}`);
  if (r.freeze !== undefined && !(FREEZE_MODES as readonly string[]).includes(r.freeze)) throw new UnlearnConfigError(`freeze must be one of ${FREEZE_MODES.join(', ')}, got ${JSON.stringify(r.freeze)}`);
  if (!Number.isInteger(r.pairs) || r.pairs < 1) throw new UnlearnConfigError(`attribution pairs must be an integer ≥ 1, got ${String(r.pairs)}`);
}

const share = (from: number, to: number, done: number, total: number) => from + ((to - from) * Math.min(total, Math.max(0, done))) / Math.max(1, total);
const NF4 = { type: 'nf4', doubleQuant: false, blocksize: 64 } as const;
const IG_STEPS = 5;

/** Runs the whole loop on `m` (its params are the target's and are not consumed). */
export async function runCDeltaBehaviour(m: UnlearnModel, records: readonly CorpusRecord[], source: string, req: CDeltaBehaviourRequest, c: CDeltaRunControl): Promise<CDeltaBehaviourRun> {
  checkCDeltaRequest(req);
  const stop = (where: string) => {
    c.check();
    if (c.signal.aborted) throw new CancelledError(`The C-Δθ run (${where})`);
  };
  c.emit({ phase: 'split', done: 0, total: 100, label: `refusal split of the forge corpus (topic: ${req.topic})` });
  const { data, retainCategories } = refusalSplit(records, { topic: req.topic, refusalSize: null, retainSize: req.retainSize, seed: req.seed });
  const split = await refusalSplitRecord(data, { source, topic: req.topic, retainCategories });
  stop('before the fine-tune');

  // 1. the aligned copy
  let t = Date.now();
  const onTrain = (p: UnlearnProgress) => {
    if (p.kind === 'step') c.emit({ phase: 'train', done: share(2, 50, p.step, p.total), total: 100, label: `refusal_sft step ${p.step} / ${p.total}` });
    else if (p.kind === 'prepare') c.emit({ phase: 'train', done: 2, total: 100, label: p.message });
    c.check();
  };
  const freeze = req.freeze ?? 'none';
  const trainable = freezeTrainable(m, freeze);
  const run = await runUnlearning(m, data, { method: 'refusal_sft', steps: req.steps, batchSize: req.batchSize, lr: req.lr, seed: req.seed, checkpointEvery: req.steps, evalSize: 4, ...(trainable ? { trainable } : {}) },
    { split, signal: c.signal, onProgress: onTrain });
  const aligned = run.params;
  const fineTuneSeconds = (Date.now() - t) / 1000;
  const edited: ArrRecord[] = [];
  try {
    if (run.status === 'cancelled') throw new CancelledError(`The C-Δθ run (stopped after fine-tune step ${run.step})`);

    // 2. the circuit on the aligned copy
    t = Date.now();
    const benign = [...new Set(records.filter((r) => r.split === 'train' && (r.category === 'chat' || r.category === 'task')).map((r) => r.prompt))];
    const pairs = forgetTokenPairs(m, data.forget, benign, req.pairs, req.seed);
    c.emit({ phase: 'circuit', done: 50, total: 100, label: `EAP-IG on the aligned copy (${pairs.length} pairs, m = ${IG_STEPS})` });
    stop('before attribution');
    const scored = await forgetAttribution(m, aligned, pairs, IG_STEPS);
    const graph = req.cut.mode === 'topn' ? extract(scored, { mode: 'topn', n: req.cut.edges, absolute: true, prune: true }) : budgetCut(scored, m, req.cut.percent / 100);
    const json = exportGraphJson(graph);
    const selection = parseCircuit(JSON.parse(json));
    const count = circuitParamCount(m, selection);
    const circuitSeconds = (Date.now() - t) / 1000;
    stop('after attribution');

    // 3. C-Δθ at each strength
    c.emit({ phase: 'cdelta', done: 58, total: 100, label: `C-Δθ at s = ${req.strengths.join(', ')}` });
    edited.push(...cdeltaLab(m, m.params, aligned, selection, req.strengths).params);

    // 4. the selectivity matrix
    t = Date.now();
    const prompts = heldoutBehaviourPrompts(records, req.prompts, req.seed);
    const models: { info: Omit<CDeltaColumnInfo, 'nf4' | 'name'>; name: string; params: ArrRecord }[] = [
      { name: 'target', params: m.params, info: { kind: 'target', strength: null, changed: null, total: count.total } },
      { name: 'aligned', params: aligned, info: { kind: 'aligned', strength: null, changed: touched(m, m.params, aligned).changed, total: count.total } },
      ...req.strengths.map((s, k) => ({ name: `C-Δθ s=${s}`, params: edited[k], info: { kind: 'cdelta' as const, strength: s, changed: touched(m, m.params, edited[k]).changed, total: count.total } })),
    ];
    const columns: SelectivityColumn[] = [];
    const infos: CDeltaColumnInfo[] = [];
    const todo = models.length * (req.nf4 ? 2 : 1);
    for (const x of models) {
      for (const q of req.nf4 ? [false, true] : [false]) {
        const name = q ? `${x.name} NF4` : x.name;
        c.emit({ phase: 'evaluate', done: share(60, 100, infos.length, todo), total: 100, label: `greedy decoding: ${name} (${infos.length + 1} of ${todo})` });
        stop(`before decoding ${name}`);
        const p = q ? quantizedParams(m, x.params, NF4) : x.params;
        try {
          columns.push(decodeColumn(m, p, name, prompts, req.maxNewTokens));
        } finally {
          if (q) release(p);
        }
        infos.push({ ...x.info, name, nf4: q });
      }
    }
    const matrix = selectivityMatrix(columns, req.topic);
    c.emit({ phase: 'evaluate', done: 100, total: 100, label: 'done' });
    return {
      report: {
        split,
        fineTune: { steps: run.step, freeze, trainableTensors: run.manifest.effective.trainable.length, metrics: run.manifest.metrics, stepsPerSecond: run.stepsPerSecond },
        circuit: { json, heads: selection.heads, mlps: selection.mlps, edges: graph.edges.filter((e) => e.inGraph).length, masked: count.masked, total: count.total, pairs: pairs.length },
        matrix, columns: infos, examples: Object.fromEntries(columns.map((col) => [col.name, col.examples])),
        prompts: { perTopic: req.prompts.perTopic, benign: prompts.benign.length, tasks: prompts.tasks.length, maxNewTokens: req.maxNewTokens },
        seconds: { fineTune: fineTuneSeconds, circuit: circuitSeconds, evaluate: (Date.now() - t) / 1000 },
      },
      edited,
    };
  } catch (e) {
    edited.forEach(release);
    throw e;
  } finally {
    release(aligned);
  }
}
