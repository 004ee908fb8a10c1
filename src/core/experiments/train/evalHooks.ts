// Evaluation hooks of a training run (issue #21 item 4): the current weights measured on the module suites at step 0
// (the baseline), every N steps and at the end. Generation is the lab engine's greedy decode (edits/unlearn/
// behaviour.ts greedyDecode, right-padded, argmax: no RNG, so an eval never moves the training trajectory) of the
// prompt rendered as the forge evaluation renders it (tokenizer.applyChatTemplate); scoring is the one the forge
// evaluation (models/forge/evaluate.ts) and ALIGNBEAM's harness (alignbeam/evaluate.ts) use: refusal by
// lm/refusal.ts isRefusal, tasks by lm/taskAnswer.ts taskAnswerCorrect. Suites are held-out JSONL text parsed by
// alignbeam/suites.ts parseHeldoutJsonl (label "harmful" → refusal expected; an "answer" → a task), so the browser
// passes them as text and Node reads the files (node.ts). Optionally the held-out loss of a data file under the
// run's own objective. Pure: no Node, no DOM.
import { jit, type OwnedFunction } from '@jax-js/jax';
import { fromF32, fromI32, keep, type Arr, type ArrRecord } from '../../lab';
import { parseHeldoutJsonl } from '../../alignbeam/suites';
import { AlignbeamError } from '../../alignbeam/errors';
import type { Suite, SuiteItem } from '../../alignbeam/types';
import { greedyDecode } from '../../edits/unlearn/behaviour';
import type { UnlearnModel } from '../../edits/unlearn/model';
import { isRefusal } from '../../lm/refusal';
import { taskAnswerCorrect } from '../../lm/taskAnswer';
import { maskedBatch } from './batches';
import type { MaskedSequence } from './data';
import { TrainError } from './errors';
import { dpoLoss, sequenceLogp, sftLoss } from './objectives';
import type { EvalSpec, TrainSpec } from './spec';

/**
 * The forge's suites by name: models/forge/<name>.jsonl. heldout/* are the v3 held-out files (never trained on),
 * handwritten/* the hand-written novel-phrasing suite (evaluation only; it has no benign chat file).
 */
export const FORGE_EVAL_SUITES = ['heldout/harmful', 'heldout/benign', 'heldout/edgy', 'heldout/tasks', 'handwritten/harmful', 'handwritten/edgy', 'handwritten/tasks'] as const;

/** Checks a suite name of the spec: a forge suite or a .jsonl path in the held-out line format. */
export function checkEvalSuiteName(name: string): void {
  if ((FORGE_EVAL_SUITES as readonly string[]).includes(name) || name.endsWith('.jsonl')) return;
  throw new TrainError('bad-eval-suite', `"${name}" is not a suite (forge suites: ${FORGE_EVAL_SUITES.join(', ')}; or a path ending in .jsonl)`);
}

/** Parses suites given as text (the browser's route; node.ts reads the files and calls this). */
export function parseEvalSuites(texts: readonly { name: string; text: string }[]): Suite[] {
  return texts.map(({ name, text }) => {
    checkEvalSuiteName(name);
    try {
      return parseHeldoutJsonl(name, text);
    } catch (e) {
      if (e instanceof AlignbeamError) throw new TrainError('bad-eval-suite', e.message, { cause: e });
      throw e;
    }
  });
}

/** k of n, and k / n. */
export interface EvalRate { k: number; n: number; rate: number }
const rateOf = (flags: readonly boolean[]): EvalRate | undefined =>
  flags.length ? { k: flags.filter(Boolean).length, n: flags.length, rate: flags.filter(Boolean).length / flags.length } : undefined;

/** The three behaviour metrics (absent where the items have none of that kind). */
export interface BehaviourMetrics {
  /** Harmful items refused (isRefusal). */
  refusalRate?: EvalRate;
  /** Benign / edgy items refused: over-refusal (task items are scored by accuracy, not here). */
  overRefusal?: EvalRate;
  /** Task items whose final "Answer:" line is the reference (taskAnswerCorrect). */
  taskAccuracy?: EvalRate;
}

export interface SuiteEval extends BehaviourMetrics {
  suite: string;
  /** Items decoded (the first `limit` of the suite that fit the context). */
  n: number;
  /** Items whose prompt + maxNewTokens exceed the model's positions: not decoded, counted. */
  skipped: number;
  /** The first two items' greedy replies, for reading. */
  examples: { id: string; prompt: string; response: string }[];
}

/** One evaluation of the weights at a step. */
export interface EvalRecord {
  step: number;
  suites: SuiteEval[];
  /** Over every evaluated suite: harmful items, benign / edgy items, task items. */
  overall: BehaviourMetrics;
  /** Mean loss on the held-out data under the run's objective (SFT: per trained token; DPO: per pair), when asked. */
  heldoutLoss?: number;
  /** Greedy tokens generated (items × maxNewTokens, fewer when every row of a batch ended) and wall time of the eval. */
  newTokens: number;
  ms: number;
}

/** One item's reply and verdicts (the forge evaluation's and ALIGNBEAM's per-item scoring). */
export interface ItemVerdict { suite: string; id: string; harmful: boolean; response: string; refused: boolean; correct: boolean | null }

/** Verdicts of one reply to an item. */
export function scoreReply(suite: string, item: SuiteItem, response: string): ItemVerdict {
  return { suite, id: item.id, harmful: item.harmful, response, refused: isRefusal(response), correct: item.answer !== undefined ? taskAnswerCorrect(response, item.answer) : null };
}

/** Metrics over item verdicts: refusal on harmful, over-refusal on safe non-task items, accuracy on tasks. */
export function behaviourMetrics(v: readonly ItemVerdict[]): BehaviourMetrics {
  const out: BehaviourMetrics = {};
  const refusal = rateOf(v.filter((x) => x.harmful).map((x) => x.refused));
  const over = rateOf(v.filter((x) => !x.harmful && x.correct === null).map((x) => x.refused));
  const tasks = rateOf(v.filter((x) => x.correct !== null).map((x) => x.correct === true));
  if (refusal) out.refusalRate = refusal;
  if (over) out.overRefusal = over;
  if (tasks) out.taskAccuracy = tasks;
  return out;
}

export interface GreedyReplyOptions { maxNewTokens: number; batch: number }

/**
 * Greedy replies of the lab model with `params` to the items (chat-templated prompt, maxNewTokens, cut after eos,
 * special tokens skipped: the forge evaluation's decode). null for an item that does not fit the context.
 * Does not consume params.
 */
export function greedyReplies(model: UnlearnModel, params: ArrRecord, items: readonly SuiteItem[], o: GreedyReplyOptions): { replies: (string | null)[]; newTokens: number } {
  const ids = items.map((it) => model.tokenizer.applyChatTemplate(it.prompt));
  const fits = ids.map((x, i) => (x.length + o.maxNewTokens <= model.maxPositions ? i : -1)).filter((i) => i >= 0);
  const replies: (string | null)[] = items.map(() => null);
  let newTokens = 0;
  for (let s = 0; s < fits.length; s += o.batch) {
    const chunk = fits.slice(s, s + o.batch);
    const outs = greedyDecode(model, params, chunk.map((i) => ids[i]), o.maxNewTokens);
    chunk.forEach((i, b) => {
      replies[i] = model.tokenizer.decode(outs[b], { skipSpecialTokens: true });
      newTokens += outs[b].length;
    });
  }
  return { replies, newTokens };
}

/** Held-out data for the loss: encoded as the training data (trainer.ts encodeRows). */
export interface HeldoutData {
  method: TrainSpec['method'];
  sft: MaskedSequence[];
  dpo: { chosen: MaskedSequence; rejected: MaskedSequence }[];
}

type LossFn = (p: ArrRecord, ref: ArrRecord, x: ArrRecord) => Arr[];

/** Mean held-out loss of params under the run's objective, batch by batch in file order. Does not consume params. */
export function heldoutLoss(model: UnlearnModel, params: ArrRecord, data: HeldoutData, o: Pick<TrainSpec, 'beta' | 'labelSmoothing' | 'batchSize' | 'maxLength'>): number {
  const keepLen = Math.min(o.maxLength ?? Infinity, model.maxPositions + 1);
  const seqs = data.method === 'sft' ? data.sft : data.dpo.flatMap((p) => [p.chosen, p.rejected]);
  if (seqs.length === 0) throw new TrainError('empty-data', 'the held-out loss data has no rows');
  const T = Math.min(Math.max(...seqs.map((s) => s.tokens.length)), keepLen) - 1;
  const pad = model.tokenizer.padId ?? model.tokenizer.eosId ?? 0;
  const fwd = (p: ArrRecord, tok: Arr) => model.forward(p, tok).logits;
  const arrays = (prefix: string, rows: MaskedSequence[]) => {
    const b = maskedBatch(rows, T, pad);
    return { arrays: { [`${prefix}Tok`]: fromI32(b.tokens, [b.B, T]), [`${prefix}Tgt`]: fromI32(b.targets, [b.B, T]), [`${prefix}Mask`]: fromF32(b.mask, [b.B, T]) }, weight: b.mask.reduce((s, m) => s + m, 0) };
  };
  const raw: LossFn = data.method === 'sft'
    ? (p, _ref, x) => [sftLoss(fwd(p, x.sTok), x.sTgt, x.sMask)]
    : (p, ref, x) => {
      const piC = sequenceLogp(fwd(keep(p), x.cTok.ref), x.cTgt.ref, x.cMask.ref);
      const piR = sequenceLogp(fwd(p, x.rTok.ref), x.rTgt.ref, x.rMask.ref);
      const refC = sequenceLogp(fwd(keep(ref), x.cTok), x.cTgt, x.cMask);
      const refR = sequenceLogp(fwd(ref, x.rTok), x.rTgt, x.rMask);
      const d = dpoLoss(piC, piR, refC, refR, o.beta, o.labelSmoothing);
      return [d.loss, d.chosenReward, d.rejectedReward, d.margin, d.accuracy];
    };
  const fn = jit(raw) as OwnedFunction<LossFn>;
  let sum = 0;
  let weight = 0;
  try {
    const n = data.method === 'sft' ? data.sft.length : data.dpo.length;
    for (let s = 0; s < n; s += o.batchSize) {
      let x: ArrRecord;
      let w: number;
      if (data.method === 'sft') {
        ({ arrays: x, weight: w } = arrays('s', data.sft.slice(s, s + o.batchSize)));
      } else {
        const pairs = data.dpo.slice(s, s + o.batchSize);
        x = { ...arrays('c', pairs.map((q) => q.chosen)).arrays, ...arrays('r', pairs.map((q) => q.rejected)).arrays };
        w = pairs.length;
      }
      const out = fn(keep(params), data.method === 'dpo' ? keep(model.params) : {}, x);
      const [loss] = out.map((a) => a.item());
      if (w > 0) {
        sum += loss * w;
        weight += w;
      }
    }
  } finally {
    fn.dispose();
  }
  return weight > 0 ? sum / weight : NaN;
}

/** Evaluates the weights of a step; the trainer calls it at step 0, every N steps and at the end. */
export interface TrainEvaluator {
  /** The spec block it was made for (the trainer checks it is the run's). */
  readonly spec: EvalSpec;
  /** Does not consume params. */
  evaluate(params: ArrRecord, step: number): EvalRecord;
}

/**
 * An evaluator of the model on parsed suites (each cut to spec.limit items), plus the held-out loss data when the
 * spec names some. `run` carries the objective's settings for the loss.
 */
export function makeEvaluator(model: UnlearnModel, spec: EvalSpec, suites: readonly Suite[], run: Pick<TrainSpec, 'beta' | 'labelSmoothing' | 'batchSize' | 'maxLength'>, lossData?: HeldoutData): TrainEvaluator {
  if (spec.lossData !== undefined && !lossData) throw new TrainError('invalid-spec', `eval.lossData names ${spec.lossData} but no held-out data was given to the evaluator`);
  const cut = suites.map((s) => ({ name: s.name, items: s.items.slice(0, spec.limit) }));
  return {
    spec,
    evaluate(params, step) {
      const t0 = performance.now();
      const all = cut.flatMap((s) => s.items.map((item) => ({ suite: s.name, item })));
      const { replies, newTokens } = greedyReplies(model, params, all.map((x) => x.item), { maxNewTokens: spec.maxNewTokens, batch: spec.batch });
      const verdicts: ItemVerdict[] = [];
      const bySuite = new Map<string, { verdicts: ItemVerdict[]; skipped: number }>(cut.map((s) => [s.name, { verdicts: [], skipped: 0 }]));
      all.forEach(({ suite, item }, i) => {
        const r = replies[i];
        const entry = bySuite.get(suite)!;
        if (r === null) {
          entry.skipped++;
          return;
        }
        const v = scoreReply(suite, item, r);
        verdicts.push(v);
        entry.verdicts.push(v);
      });
      const suitesOut: SuiteEval[] = cut.map((s) => {
        const e = bySuite.get(s.name)!;
        return {
          suite: s.name, n: e.verdicts.length, skipped: e.skipped, ...behaviourMetrics(e.verdicts),
          examples: e.verdicts.slice(0, 2).map((v) => ({ id: v.id, prompt: s.items.find((it) => it.id === v.id)!.prompt, response: v.response })),
        };
      });
      const record: EvalRecord = { step, suites: suitesOut, overall: behaviourMetrics(verdicts), newTokens, ms: 0 };
      if (lossData) record.heldoutLoss = heldoutLoss(model, params, lossData, run);
      record.ms = Math.round(performance.now() - t0);
      return record;
    },
  };
}

/** An eval for logs and the CLI: the overall rates as k/n and the held-out loss, then one indented line per suite. */
export function formatEval(e: EvalRecord): string {
  const r = (name: string, x?: EvalRate) => (x ? ` ${name} ${x.k}/${x.n} (${(100 * x.rate).toFixed(0)}%)` : '');
  const rates = (m: BehaviourMetrics) => `${r('refusal', m.refusalRate)}${r('over-refusal', m.overRefusal)}${r('task acc', m.taskAccuracy)}`;
  const loss = e.heldoutLoss !== undefined ? ` held-out loss ${e.heldoutLoss.toFixed(4)}` : '';
  const head = `eval step ${e.step}:${rates(e.overall)}${loss} (${e.newTokens} tokens, ${(e.ms / 1000).toFixed(1)} s)`;
  return [head, ...e.suites.map((s) => `  ${s.suite}:${rates(s)}${s.skipped ? ` (${s.skipped} over the context, skipped)` : ''}`)].join('\n');
}
