// Digests of alignbeam results: what a share link carries so that a re-run can say "reproduced". Decoding is greedy /
// beam search, so texts, choices and rates repeat exactly; wall times and tokens/s never do, so they are left out.
// Judge scores and log-probabilities are rounded (float sums may differ in the last bits across backends).
// Shared by the alignbeam panel (features/alignbeam/digest.ts re-exports it) and the experiment runner (alignbeam.ts),
// whose record's moduleDigest is the digest a share link of the same run carries.
import type { BridgeReport, EvalMetrics, EvalResult, PlaygroundResult, SweepResult } from '../../alignbeam/types';
import { sha256Hex } from '../../runtime/loaders';

const round = (v: number, digits: number): number | null => (Number.isFinite(v) ? Number(v.toFixed(digits)) : null);

/** The metrics that do not depend on timing. */
export function qualityOf(m: EvalMetrics) {
  return {
    refusalRate: round(m.refusalRate, 9), overRefusal: round(m.overRefusal, 9), taskAccuracy: round(m.taskAccuracy, 9),
    judgeUnsafeRate: round(m.judgeUnsafeRate, 9), judgeParseErrors: m.judgeParseErrors, n: m.n, skipped: m.skipped,
  };
}

async function digestOf(payload: unknown): Promise<string> {
  return sha256Hex(new TextEncoder().encode(JSON.stringify(payload)));
}

export function playgroundDigest(r: PlaygroundResult): Promise<string> {
  const gen = (g: PlaygroundResult['targetOnly']) => ({
    text: g.text, chosen: g.chosen, tokens: g.tokens.map((t) => [t.id, round(t.shift, 4), t.mixed]),
    candidates: g.candidates.map((c) => [c.text, round(c.judgeUnsafe, 4), round(c.logProb, 3)]),
  });
  return digestOf({ targetOnly: gen(r.targetOnly), alignbeam: gen(r.alignbeam) });
}

export function bridgeDigest(r: BridgeReport): Promise<string> {
  const cov = (c: BridgeReport['vocabCoverage'] | null) => c && {
    exact: round(c.exactMass, 6), approx: round(c.approxMass, 6), lost: round(c.lostMass, 6), tokens: [c.exactTokens, c.approxTokens, c.lostTokens],
  };
  return digestOf({
    kind: r.kind, vocab: [r.anchorVocab, r.targetVocab], vocabCoverage: cov(r.vocabCoverage), promptCoverage: cov(r.promptCoverage),
    examples: r.examples.map((e) => [e.anchorId, e.targetId, e.match]),
  });
}

export function sweepDigest(r: SweepResult, baselines: readonly EvalResult[]): Promise<string> {
  return digestOf({
    suites: r.suites, limit: r.limit, targetOnly: qualityOf(r.targetOnly),
    baselines: baselines.map((b) => [b.method, qualityOf(b.metrics)]),
    rows: r.rows.map((row) => [row.alpha, row.K, row.m, qualityOf(row.metrics)]),
  });
}
