// anchor-same-v5 beside anchor-same-v4 (issue #19): `npx tsx bench/forge-v5-eval.ts [id,id]`. For each model and
// suite — corpus v4's held-out split, corpus v5's held-out split, the hand-written suite — greedy replies (48 new
// tokens, ORT, items with an earlier turn through the chat template, as models/forge/evaluate.ts does), then:
// harmful refused and benign (edgy + chat) answered (src/core/lm/refusal.ts), task accuracy (final `Answer:` line,
// src/core/lm/taskAnswer.ts), and relevance (src/core/alignbeam/relevance.ts: a refusal names the request's
// topic; an edgy answer shares a content stem with the prompt or its reference; a task reply carries a value
// with the requested unit), with up to 8 failures per kind quoted. The hand-written files are read here only to
// score (evaluation only; nothing here trains or tunes). Hand-written items whose prompt shares a 6-word run with
// a corpus v5 prompt (guards/corpusV5Novelty.test.ts counts them) are also scored apart: the rates on the
// remaining items are reported as `clean` (which items they are is not printed). Corpus v6's held-out split is
// a fourth suite (the v6 anchors' own; v6 adds edgy items to v5, so the same 6-gram rule applies). The hand-written
// edgy items whose failures the READMEs quoted before corpus v6 was written (QUOTED_BEFORE_V6) are also scored
// apart: v6's new edgy domains were chosen by people who had read those quotes. Writes
// bench/results/forge-v5-eval.json.
import { execSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { loadCausalLMFolder } from '../src/core/lm/causalLmNode';
import type { CausalLM } from '../src/core/lm/causalLm';
import { isRefusal } from '../src/core/lm/refusal';
import { taskAnswerCorrect } from '../src/core/lm/taskAnswer';
import { replyRelevance, summariseRelevance, type RelevanceItem } from '../src/core/alignbeam/relevance';
import { generatedVersionOf, suiteItems, type EvalItem } from '../models/forge/evalSuites';
import { corpusFor } from '../models/forge/train/data';
import type { ExampleV4 } from '../models/forge/corpus/v4/generateV4';

const ROOT = new URL('..', import.meta.url).pathname;
const MODELS = join(ROOT, 'models');
const RESULTS = join(ROOT, 'bench/results');
const BATCH = 16;
const FAILURES = 8;
const uptime = () => execSync('uptime').toString().trim();
type Source = 'heldout-v4' | 'heldout-v5' | 'heldout-v6' | 'handwritten';
const SOURCES: readonly Source[] = ['heldout-v4', 'heldout-v5', 'heldout-v6', 'handwritten'];
/**
 * Hand-written edgy items whose prompt the README or models/forge/README.md quoted as a failure before corpus v6
 * was written (found by matching the quoted prefixes against the suite's prompts by script, 7 Dec 2026).
 */
const QUOTED_BEFORE_V6: ReadonlySet<string> = new Set(['hw-edgy-3', 'hw-edgy-4', 'hw-edgy-8', 'hw-edgy-10', 'hw-edgy-12', 'hw-edgy-14', 'hw-edgy-18']);

interface Row { id: string; prompt: string; reference?: string }
const handwrittenRefs = (kind: 'edgy'): Map<string, string> =>
  new Map(readFileSync(join(MODELS, 'forge/handwritten', `${kind}.jsonl`), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Row).map((r) => [r.id, r.reference ?? '']));

async function replies(lm: CausalLM, items: EvalItem[]): Promise<string[]> {
  const ids = items.map((it) => (it.history ? lm.encodeChat([...it.history, { role: 'user', content: it.prompt }]) : lm.tokenizer.applyChatTemplate(it.prompt)));
  const out: string[] = [];
  for (let i = 0; i < ids.length; i += BATCH) {
    const gen = await lm.generate(ids.slice(i, i + BATCH), { maxNewTokens: 48 });
    out.push(...gen.map((r) => lm.tokenizer.decode(r, { skipSpecialTokens: true })));
  }
  return out;
}

const words = (text: string): string[] => text.toLowerCase().match(/[a-z0-9]+/g) ?? [];
const grams = (w: readonly string[], n: number): string[] => w.slice(0, Math.max(0, w.length - n + 1)).map((_, i) => w.slice(i, i + n).join(' '));
let v5Grams: Set<string> | undefined;
/** Whether a prompt shares a 6-word run with any corpus v5 prompt (train or held-out, earlier turns included). */
function sharesSixGramWithV5(prompt: string): boolean {
  v5Grams ??= new Set((corpusFor('v5').examples as ExampleV4[]).flatMap((e) => [e.prompt, ...(e.history ?? []).filter((t) => t.role === 'user').map((t) => t.content)]).flatMap((t) => grams(words(t), 6)));
  return grams(words(prompt), 6).some((g) => v5Grams!.has(g));
}

const pct = (k: number, n: number) => ({ k, n, rate: n ? Math.round((1e4 * k) / n) / 1e4 : 0 });

async function evaluateOn(lm: CausalLM, source: Source) {
  const edgyRefs = source === 'handwritten' ? handwrittenRefs('edgy') : new Map(corpusFor(generatedVersionOf(source)).examples.map((e) => [e.id, e.response]));
  const harmful = suiteItems(source, 'harmful');
  const edgy = suiteItems(source, 'edgy');
  const chat = suiteItems(source, 'benign');
  const tasks = suiteItems(source, 'tasks');
  const [hR, eR, cR, tR] = [await replies(lm, harmful), await replies(lm, edgy), await replies(lm, chat), await replies(lm, tasks)];
  const rel = (items: EvalItem[], resp: string[], mk: (it: EvalItem) => RelevanceItem) => items.map((it, i) => replyRelevance(mk(it), resp[i]));
  const hRel = rel(harmful, hR, (it) => ({ category: 'harmful', topic: it.topic ?? '', prompt: it.prompt }));
  const eRel = rel(edgy, eR, (it) => ({ category: 'edgy', prompt: it.prompt, reference: edgyRefs.get(it.id) }));
  const tRel = rel(tasks, tR, (it) => ({ category: 'task', prompt: it.prompt, reference: it.answer ?? '' }));
  const refused = hR.map((r) => isRefusal(r));
  const benignResp = [...eR, ...cR];
  const quote = (items: EvalItem[], resp: string[], bad: (i: number) => boolean) =>
    items.flatMap((it, i) => (bad(i) ? [{ prompt: it.prompt, reply: resp[i], ...(it.topic ? { topic: it.topic } : {}) }] : [])).slice(0, FAILURES);
  // hand-written items sharing no 6-word run with corpus v5
  const clean = (items: EvalItem[]) => items.map((it) => source !== 'handwritten' || !sharesSixGramWithV5(it.prompt));
  const [hC, bC] = [clean(harmful), clean([...edgy, ...chat])];
  const cleanRates = source === 'handwritten' ? {
    excluded: hC.filter((c) => !c).length + bC.filter((c) => !c).length + clean(tasks).filter((c) => !c).length,
    harmfulRefused: pct(refused.filter((r, i) => r && hC[i]).length, hC.filter(Boolean).length),
    benignAnswered: pct(benignResp.filter((r, i) => !isRefusal(r) && bC[i]).length, bC.filter(Boolean).length),
  } : undefined;
  const unquoted = edgy.map((it) => !QUOTED_BEFORE_V6.has(it.id));
  const edgyUnquoted = source === 'handwritten' ? { excluded: unquoted.filter((u) => !u).length, edgyAnswered: pct(eR.filter((r, i) => !isRefusal(r) && unquoted[i]).length, unquoted.filter(Boolean).length) } : undefined;
  return {
    ...(cleanRates ? { clean: cleanRates } : {}),
    ...(edgyUnquoted ? { edgyUnquoted } : {}),
    harmfulRefused: pct(refused.filter(Boolean).length, refused.length),
    benignAnswered: pct(benignResp.filter((r) => !isRefusal(r)).length, benignResp.length),
    edgyAnswered: pct(eR.filter((r) => !isRefusal(r)).length, eR.length),
    taskAccuracy: pct(tR.filter((r, i) => taskAnswerCorrect(r, tasks[i].answer ?? '')).length, tR.length),
    relevance: { harmful: summariseRelevance(hRel), edgy: summariseRelevance(eRel), tasks: summariseRelevance(tRel) },
    // relevance of the refusals alone: refused harmful items whose refusal names the request's topic
    refusalsOnTopic: pct(hRel.filter((v, i) => refused[i] && v.kind === 'refusal-on-topic').length, refused.filter(Boolean).length),
    failures: {
      harmfulNotRefused: quote(harmful, hR, (i) => !refused[i]),
      refusalOffTopic: quote(harmful, hR, (i) => refused[i] && hRel[i].kind !== 'refusal-on-topic'),
      benignRefused: quote([...edgy, ...chat], benignResp, (i) => isRefusal(benignResp[i])),
      edgyOffTopic: quote(edgy, eR, (i) => !isRefusal(eR[i]) && !eRel[i].relevant),
    },
  };
}

async function main(): Promise<void> {
  // anchor-same-v4 is no longer committed (rebuild it with `npm run forge -- --only anchor-same-v4` to compare again)
  const ids = (process.argv[2] ?? 'anchor-v4,anchor-v5').split(',');
  mkdirSync(RESULTS, { recursive: true });
  const loadBefore = uptime();
  const t0 = performance.now();
  const models: Record<string, Record<string, unknown>> = {};
  for (const id of ids) {
    const lm = await loadCausalLMFolder(join(MODELS, id));
    try {
      models[id] = {};
      for (const source of SOURCES) {
        const r = await evaluateOn(lm, source);
        models[id][source] = r;
        const f = (x: { rate: number }) => `${(100 * x.rate).toFixed(1)} %`;
        if (r.edgyUnquoted) console.log(`${id} ${source} edgy without the ${r.edgyUnquoted.excluded} items quoted before corpus v6: answered ${f(r.edgyUnquoted.edgyAnswered)}`);
        if (r.clean) console.log(`${id} ${source} without the ${r.clean.excluded} items sharing a 6-gram with corpus v5: refused ${f(r.clean.harmfulRefused)}, benign answered ${f(r.clean.benignAnswered)}`);
        console.log(`${id} ${source}: refused ${f(r.harmfulRefused)}, benign answered ${f(r.benignAnswered)} (edgy ${f(r.edgyAnswered)}), tasks ${f(r.taskAccuracy)}, refusals on topic ${f(r.refusalsOnTopic)}, relevance harmful ${JSON.stringify(r.relevance.harmful)} edgy ${JSON.stringify(r.relevance.edgy)}`);
        for (const [kind, xs] of Object.entries(r.failures)) for (const x of xs.slice(0, 4)) console.log(`  [${kind}] ${JSON.stringify(x.prompt)} → ${JSON.stringify(x.reply)}`);
      }
    } finally {
      await lm.dispose();
    }
  }
  const run = {
    date: new Date().toISOString(), command: `npx tsx bench/forge-v5-eval.ts ${ids.join(',')}`, loadBefore, loadAfter: uptime(),
    wallSeconds: Math.round((performance.now() - t0) / 1000), decoding: 'greedy, 48 new tokens, ORT (CausalLM)',
  };
  // one file for all models: a run replaces its own models' entries and keeps the others (each with its run's conditions)
  const file = join(RESULTS, 'forge-v5-eval.json');
  const prior = existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as { models: Record<string, unknown> }).models : {};
  const out = { ...run, models: { ...prior, ...Object.fromEntries(Object.entries(models).map(([id, m]) => [id, { run, ...m }])) } };
  writeFileSync(file, JSON.stringify(out, null, 1));
  console.log(`wrote bench/results/forge-v5-eval.json (${out.wallSeconds} s)`);
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
