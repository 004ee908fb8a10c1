// ALIGNBEAM ablations (`npx tsx bench/alignbeam-ablations.ts`), issue #19 item 2: the paper's rule (the default: K
// anchor-mixed beams, the judge keeps the safest) against our two additions, alone and together — the target's own
// greedy answer as an extra candidate (`extraTargetCandidate`) and ranking the judge-safe candidates by the target's
// likelihood (`selection: 'target-likelihood'`) — for the cross-vocabulary pair (target + anchor) and the
// same-vocabulary one (target + anchor-same), in one run with target-only as the reference on the same items.
// Suites: the forge's generated held-out suites (harmful, benign, edgy, tasks; evenly spread samples), and the
// hand-written novel-phrasing suite (models/forge/handwritten/*.jsonl) when it is in the tree. Per arm: refusal on
// harmful items, task accuracy, over-refusal on safe items, judge-unsafe rate, judge-input truncations, skipped
// items, with every denominator; plus sample outputs (the same items across arms, failures included).
// Env: ALIGNBEAM_ABLATION_LIMIT (items per suite, default 40). Writes bench/results/alignbeam-ablations.json.
// ALIGNBEAM_MODELS=v4 runs the forge v4 set (target-v4, anchor-v4, anchor-same-v6, judge-v4) with corpus v4's
// held-out split as the generated group (multi-turn items left out: suites hold single prompts) and writes
// alignbeam-ablations-v4[-<pairs>].json; ALIGNBEAM_PAIRS=cross|same keeps one pair (to run them apart);
// ALIGNBEAM_GROUPS=generated,hand-written,external picks groups (named in the file: runs of other groups do not overwrite it;
// files written before 7 Dec 08:10 UTC lack that suffix). The external group (AdvBench, HarmBench val,
// XSTest samples: data/llm) runs target-only, anchor-only and the paper default only. Every group also reports
// anchor-only (the safe model alone) beside target-only.
// `npx tsx bench/alignbeam-ablations.ts judge-fit`: the judge-context check (judgeFit below), written to
// bench/results/alignbeam-judge-fit.json. The suites and the per-arm summary are bench/alignbeamSuites.ts (shared
// with bench/dpo-vs-alignbeam.ts).
import { execSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { loadCausalLMFolder } from '../src/core/lm/causalLmNode';
import type { CausalLM } from '../src/core/lm/causalLm';
import { ContextFullError } from '../src/core/alignbeam/errors';
import { evaluateMethods, referenceOf } from '../src/core/alignbeam/evaluate';
import { spreadSample } from '../src/core/alignbeam/headline';
import { fitJudgeInput, judgePrompt } from '../src/core/alignbeam/judge';
import { AlignbeamPair } from '../src/core/alignbeam/pair';
import { parseCsvSuite } from '../src/core/alignbeam/suites';
import { DEFAULT_ALIGNBEAM_SETTINGS, type AlignbeamSettings, type EvalResult } from '../src/core/alignbeam/types';
import { suiteGroups, summary } from './alignbeamSuites';

const ROOT = new URL('..', import.meta.url).pathname;
const MODELS = join(ROOT, 'models');
const RESULTS = join(ROOT, 'bench/results');
const LIMIT = Number(process.env.ALIGNBEAM_ABLATION_LIMIT ?? 40);
const uptime = () => execSync('uptime').toString().trim();

const VARIANTS: Array<{ name: string; change: Partial<AlignbeamSettings> }> = [
  { name: 'paper (default)', change: { selection: 'safest', extraTargetCandidate: false } },
  { name: '+ target candidate', change: { selection: 'safest', extraTargetCandidate: true } },
  { name: '+ likelihood ranking', change: { selection: 'target-likelihood', extraTargetCandidate: false } },
  { name: '+ both (v1 defaults)', change: { selection: 'target-likelihood', extraTargetCandidate: true } },
];

const MODEL_SET = process.env.ALIGNBEAM_MODELS ?? 'v3';
if (MODEL_SET !== 'v3' && MODEL_SET !== 'v4') throw new Error(`ALIGNBEAM_MODELS=${MODEL_SET}: expected v3 or v4`);
const SUITE_SET = MODEL_SET as 'v3' | 'v4';
// ALIGNBEAM_ANCHOR=<model id> / ALIGNBEAM_ANCHOR_SAME=<model id> swap the cross- / same-vocabulary anchor (e.g. the
// v5 anchors beside the v4 target and judge); the output name then carries `-<id>` for each swap.
const ANCHOR = process.env.ALIGNBEAM_ANCHOR ?? null;
const ANCHOR_SAME = process.env.ALIGNBEAM_ANCHOR_SAME ?? null;
const SWAPS: Record<string, string | null> = { anchor: ANCHOR, 'anchor-same': ANCHOR_SAME };
// anchor-same-v4 and anchor-same-v5 are no longer committed (the 40 MB budget for all embedded models,
// models.test.ts): the v4 set's same-vocabulary anchor is anchor-same-v6 (adopted by the rule in
// models/forge/README.md) unless ALIGNBEAM_ANCHOR_SAME names another (rebuild the older ones with
// `npm run forge -- --only anchor-same-v4` or the dump/train route there to rerun the README's earlier tables).
const V4_SET: Record<string, string> = { target: 'target-v4', anchor: 'anchor-v4', 'anchor-same': 'anchor-same-v6', judge: 'judge-v4' };
const MODEL_IDS = ['target', 'anchor', 'anchor-same', 'judge'].map((m) => SWAPS[m] ?? (MODEL_SET === 'v4' ? V4_SET[m] : m));
const PAIRS = (process.env.ALIGNBEAM_PAIRS ?? 'cross,same').split(',') as Array<'cross' | 'same'>;
const GROUPS = (process.env.ALIGNBEAM_GROUPS ?? (MODEL_SET === 'v4' ? 'generated,hand-written,external' : 'generated,hand-written')).split(',');

/** The same items across arms: the first harmful and task items, and the harmful items the paper default did not
 *  refuse / the task items it got wrong (its failures). */
function samples(arms: Array<{ arm: string; result: EvalResult }>, base: EvalResult, perKind = 3) {
  const paper = arms[0].result;
  const ids = new Set<string>();
  const pick = (xs: typeof paper.items) => xs.slice(0, perKind).forEach((i) => ids.add(`${i.suite}/${i.id}`));
  pick(paper.items.filter((i) => i.harmful));
  pick(paper.items.filter((i) => i.correct !== null));
  pick(paper.items.filter((i) => i.harmful && !i.refused));
  pick(paper.items.filter((i) => i.correct === false));
  pick(paper.items.filter((i) => !i.harmful && i.correct === null && i.refused));
  const find = (r: EvalResult, key: string) => r.items.find((i) => `${i.suite}/${i.id}` === key);
  return [...ids].map((key) => {
    const b = find(base, key)!;
    return {
      item: key, prompt: b.prompt, harmful: b.harmful, targetOnly: b.response,
      arms: Object.fromEntries(arms.map(({ arm, result }) => {
        const i = find(result, key);
        return [arm, i ? { response: i.response, refused: i.refused, correct: i.correct, judgeUnsafe: Math.round(i.judgeUnsafe * 1e4) / 1e4 } : null];
      })),
    };
  });
}

/** v1's fit, kept here as the baseline: the response was cut first (to nothing on a long prompt), then the prompt. */
function v1Fit(lm: CausalLM, prompt: string, response: string): { ids: number[]; response: string } {
  let p = prompt;
  let r = response;
  for (;;) {
    const ids = lm.tokenizer.applyChatTemplate(judgePrompt(p, r));
    if (ids.length < lm.nPositions || (r === '' && p === '')) return { ids, response: r };
    if (r.length > 0) r = r.slice(0, Math.floor(r.length * 0.8));
    else p = p.slice(0, Math.floor(p.length * 0.8));
  }
}

/**
 * `judge-fit`: what the judge's 128-position context does to real inputs — every suite's prompts (the held-out and
 * hand-written suites, AdvBench, HarmBench val with its contexts, XSTest; up to ALIGNBEAM_FIT_LIMIT each) with the
 * target's own greedy reply: how many inputs must be cut, and how many replies the v1 fit dropped or cut against
 * the current one (the reply whole unless it alone overflows).
 */
async function judgeFit(pair: AlignbeamPair): Promise<Record<string, unknown>> {
  const limit = Number(process.env.ALIGNBEAM_FIT_LIMIT ?? 60);
  const judge = pair.models.judge;
  const csv = (f: string) => parseCsvSuite(f, readFileSync(join(ROOT, 'data/llm', f), 'utf8')).suite;
  const suites = [...suiteGroups(SUITE_SET, GROUPS, LIMIT).flatMap((g) => g.suites),
    csv('advbench_harmful_behaviors.csv'), csv('harmbench_behaviors_text_val.csv'), csv('xstest_prompts.csv')].map((s) => spreadSample(s, limit));
  const rows = [];
  for (const suite of suites) {
    const t = { suite: suite.name, items: 0, overContext: 0, contextFullSkipped: 0, v1ReplyDropped: 0, v1ReplyCut: 0, nowPromptCut: 0, nowReplyCut: 0 };
    for (const item of suite.items) {
      let reply: string;
      try {
        reply = (await pair.generate('target-only', item.prompt, DEFAULT_ALIGNBEAM_SETTINGS)).text;
      } catch (e) {
        if (!(e instanceof ContextFullError)) throw e;
        t.contextFullSkipped++;
        continue;
      }
      t.items++;
      const now = fitJudgeInput(judge, judgePrompt, item.prompt, reply, 1);
      if (!now.truncated) continue;
      t.overContext++;
      const old = v1Fit(judge, item.prompt, reply);
      if (old.response.trim() === '' && reply.trim() !== '') t.v1ReplyDropped++;
      else if (old.response !== reply) t.v1ReplyCut++;
      if (now.truncated.prompt) t.nowPromptCut++;
      if (now.truncated.response) t.nowReplyCut++;
    }
    console.log(JSON.stringify(t));
    rows.push(t);
  }
  return { judgeContext: judge.nPositions, limitPerSuite: limit, suites: rows };
}

async function main(): Promise<void> {
  mkdirSync(RESULTS, { recursive: true });
  const loadBefore = uptime();
  const t0 = performance.now();
  const [target, anchor, anchorSame, judge] = await Promise.all(MODEL_IDS.map((m) => loadCausalLMFolder(join(MODELS, m))));
  const pair = new AlignbeamPair({ target, anchor, judge, anchorSame });
  if (process.argv[2] === 'judge-fit') {
    const fit = await judgeFit(pair);
    writeFileSync(join(RESULTS, 'alignbeam-judge-fit.json'), `${JSON.stringify({ bench: 'alignbeam-judge-fit', date: new Date().toISOString(), loadBefore, loadAfter: uptime(), ...fit }, null, 2)}\n`);
    for (const lm of [target, anchor, anchorSame, judge]) await lm.dispose();
    return;
  }
  const groups = [];
  for (const { group, suites, files } of suiteGroups(SUITE_SET, GROUPS, LIMIT)) {
    console.log(`\n== ${group}: ${suites.map((s) => `${s.name} ${s.items.length}`).join(', ')}`);
    const [base, anchorOnly] = await evaluateMethods(pair, ['target-only', 'anchor-only'], suites, LIMIT, DEFAULT_ALIGNBEAM_SETTINGS);
    console.log(`${'anchor-only'.padEnd(32)} ${JSON.stringify(summary(anchorOnly.metrics))}`);
    const arms: Array<{ arm: string; pair: 'cross' | 'same'; variant: string; settings: AlignbeamSettings; result: EvalResult }> = [];
    const methods = PAIRS.map((p) => (p === 'cross' ? 'alignbeam' : 'alignbeam-same') as 'alignbeam' | 'alignbeam-same');
    for (const v of group === 'external' ? VARIANTS.slice(0, 1) : VARIANTS) {
      const settings = { ...DEFAULT_ALIGNBEAM_SETTINGS, ...v.change };
      const res = await evaluateMethods(pair, methods, suites, LIMIT, settings, {}, referenceOf(base));
      for (const r of res) {
        const p = r.method === 'alignbeam' ? 'cross' : 'same';
        arms.push({ arm: `${p}: ${v.name}`, pair: p, variant: v.name, settings, result: r });
        console.log(`${`${p}: ${v.name}`.padEnd(32)} ${JSON.stringify(summary(r.metrics))}`);
      }
    }
    console.log(`${'target-only'.padEnd(32)} ${JSON.stringify(summary(base.metrics))}`);
    groups.push({
      group, suites: suites.map((s) => ({ name: s.name, items: s.items.length })), files,
      targetOnly: { all: summary(base.metrics), bySuite: Object.fromEntries(Object.entries(base.bySuite).map(([k, m]) => [k, summary(m)])) },
      anchorOnly: { all: summary(anchorOnly.metrics), bySuite: Object.fromEntries(Object.entries(anchorOnly.bySuite).map(([k, m]) => [k, summary(m)])) },
      arms: arms.map((a) => ({
        arm: a.arm, pair: a.pair, variant: a.variant, selection: a.settings.selection, extraTargetCandidate: a.settings.extraTargetCandidate,
        all: summary(a.result.metrics), bySuite: Object.fromEntries(Object.entries(a.result.bySuite).map(([k, m]) => [k, summary(m)])),
        skippedItems: a.result.skippedItems,
      })),
      samples: {
        ...(PAIRS.includes('cross') ? { cross: samples(arms.filter((a) => a.pair === 'cross'), base) } : {}),
        ...(PAIRS.includes('same') ? { same: samples(arms.filter((a) => a.pair === 'same'), base) } : {}),
      },
    });
  }
  const report = {
    bench: 'alignbeam-ablations', date: new Date().toISOString(), node: process.version, cores: cpus().length,
    loadBefore, loadAfter: uptime(), seconds: Math.round((performance.now() - t0) / 100) / 10, limitPerSuite: LIMIT,
    judgeContext: judge.nPositions, base: DEFAULT_ALIGNBEAM_SETTINGS, models: MODEL_IDS, pairs: PAIRS, groups,
  };
  const out = `${MODEL_SET === 'v4' ? `alignbeam-ablations-v4${process.env.ALIGNBEAM_PAIRS ? `-${PAIRS.join('-')}` : ''}` : 'alignbeam-ablations'}${ANCHOR ? `-${ANCHOR}` : ''}${ANCHOR_SAME ? `-${ANCHOR_SAME}` : ''}${process.env.ALIGNBEAM_GROUPS ? `-${GROUPS.join('-')}` : ''}.json`;
  writeFileSync(join(RESULTS, out), `${JSON.stringify(report, null, 2)}\n`);
  console.log(`\nwrote bench/results/${out} (${report.seconds} s; ${report.loadAfter})`);
  for (const lm of [target, anchor, anchorSame, judge]) await lm.dispose();
}

await main();
