// C-Δθ at neuron granularity (issue #20 item 5): is the < 5 % failure on `target` a granularity artefact?
// On `target` (GPT-2 layout, d = 128) one MLP is 13 % of the parameters, so the head/MLP `budget` cut of
// bench/cdelta-behaviour.ts is two heads (3.5 %) and transfers nothing, while EAP-IG's `topn` circuit (52.6 %)
// transfers the `unowned` copy's refusal selectively. Here, on the SAME aligned copy (the `unowned` arm: 300 steps of
// `refusal_sft` at lr 1e-2, seed 0, the tensors no node owns frozen; tuned once and kept in .cdelta-cache/, or
// CDELTA_COPY=<folder>), three masks of the same size are compared, all < 5 % of the parameters:
//   neuron   heads AND single MLP neurons (neuronCircuit.ts), scored by grad × activation of their outputs for
//            mean log p(refusal) − mean log p(compliance) on the topic's train prompts (16 of each), on the copy,
//            kept by |score| while the mask stays ≤ 5 % (a circuit; our cut, not the paper's);
//   magnitude the same number of entries with the largest |W_copy − W_target| (not a circuit: upper reference);
//   random    the same number of entries drawn uniformly from the tensors the copy could change (lower reference);
// each at s = 1, 2, 4 (W_target + s·(W_copy − W_target) on the mask, in process: the sidecar reads EAP-IG Graph JSON,
// which has no neuron nodes), scored by the selectivity matrix of bench/cdelta-behaviour.ts (same held-out prompts:
// 10 per harm topic + 10 trained poison prompts, 16 benign, 16 tasks, 16 new tokens, greedy), each column also
// after NF4 (block 64) where CDELTA_NF4 allows it (default: every column). Results are written after every column
// (a cut-short run keeps what it measured) to bench/results/cdelta-neuron.json.
//   nice npx tsx bench/cdelta-neuron.ts [topic=poison] [steps=300] [lr=1e-2] [strengths=1,2,4] [copy-only]
// Environment: CDELTA_COPY=<folder> (the aligned copy; default .cdelta-cache/…, tuned when absent), CDELTA_BUDGET=0.05,
// CDELTA_SCORE=activation|delta|dnorm (dnorm: ‖Δθ‖² per unit, a diagnostic), CDELTA_MAGNITUDE_SHARES=0.1,… (larger
// magnitude masks), CDELTA_ONLY=<mask kinds,target,aligned>, CDELTA_ORDER=<column names first>, CDELTA_NF4=all|none|<names>,
// CDELTA_PROMPTS=10,16,16, CDELTA_TAG=<tag> (→ cdelta-neuron-<tag>.json).
// Another target, as bench/cdelta-behaviour.ts: CDELTA_TARGET=target-v4 (a folder under models/; default `target`,
// unchanged). The corpus is the target's own (forge.json `recipe.corpus`: v4 → corpus v4's generator, records with an
// earlier turn left out), task replies get CDELTA_TASK_MAX_NEW tokens (v4: 40, as there), the copy is cached as
// .cdelta-cache/<target>-unowned-… and results go to cdelta-neuron-<target without "target-">[-<tag>].json. Units come
// from the family table (neuronCircuit.ts): Llama's query heads (GQA: a head's k/v group slice), gate/up rows + down
// column per neuron; RMSNorm gains are owned by no unit. CDELTA_NF4=best decodes NF4 for the edit column with the
// largest targeted-refusal gain only, after every full-precision column.
import { execSync } from 'node:child_process';
import { cp, mkdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { cpus } from 'node:os';
import { basename, join, relative, resolve } from 'node:path';
import { maskForTensor, resolveArch } from '../src/core/edits/archMap';
import { decodeColumn, selectivityMatrix, type SelectivityColumn } from '../src/core/edits/selectivity';
import { magnitudeMask, maskedCDelta, maskSize, randomMask, type ElementMasks } from '../src/core/edits/unlearn/deltaMasks';
import { ownableTensors } from '../src/core/edits/unlearn/freeze';
import { cdeltaLab } from '../src/core/edits/unlearn/cdeltaLab';
import { circuitMasks } from '../src/core/edits/unlearn/model';
import { mlpWidth, neuronBudgetCut, unitName, unitScores, unitSelection, type ScoredUnit } from '../src/core/edits/unlearn/neuronCircuit';
import { quantizedParams, touched } from '../src/core/edits/unlearn/quantEval';
import { heldoutBehaviourPrompts } from '../src/core/edits/unlearn/refusalSplit';
import { encode } from '../src/core/edits/unlearn/trainer';
import { Pcg32, readF32, release, type ArrRecord } from '../src/core/lab';
import { DEFAULT_CORPUS_OPTIONS, generateCorpus } from '../models/forge/corpus/generate';
import { DEFAULT_CORPUS_OPTIONS_V4 } from '../models/forge/corpus/v4/generateV4';
import { freezeTrainable } from '../src/core/edits/unlearn/freeze';
import { refusalSplit, refusalSplitRecord } from '../src/core/edits/unlearn/refusalSplit';
import { folderSink, lastCheckpoint, loadUnlearnModelFolder } from '../src/core/edits/unlearn/runNode';
import { runUnlearning } from '../src/core/edits/unlearn/trainer';
import { tmpWorkspace } from '../sidecar/testkit';

const ROOT = new URL('..', import.meta.url).pathname;
const TARGET = resolve(ROOT, 'models', process.env.CDELTA_TARGET ?? 'target');
const TARGET_ID = basename(TARGET);
const IS_TARGET = TARGET_ID === 'target';
const topic = process.argv[2] ?? 'poison';
const steps = Number(process.argv[3] ?? 300);
const lr = Number(process.argv[4] ?? 1e-2);
const strengths = (process.argv[5] ?? '1,2,4').split(',').map(Number);
// the circuits' parameter budget (the paper's < 5 %); CDELTA_BUDGET=0.3 asks whether a larger heads+neurons circuit carries it
const BUDGET = Number(process.env.CDELTA_BUDGET ?? 0.05);
const SCORE_PAIRS = 16;
const [perTopic, benign, tasks] = (process.env.CDELTA_PROMPTS ?? '10,16,16').split(',').map(Number);
const PROMPTS = { perTopic, benign, tasks };
const MAX_NEW = 16;
let TASK_MAX_NEW = MAX_NEW;
const NF4 = { type: 'nf4', doubleQuant: false, blocksize: 64 } as const;
// which columns are also decoded after NF4: all | none | a comma list of column names
const NF4_COLUMNS = process.env.CDELTA_NF4 ?? 'all';
const OUT = join(ROOT, 'bench/results', `cdelta-neuron${IS_TARGET ? '' : `-${TARGET_ID.replace(/^target-/, '')}`}${process.env.CDELTA_TAG ? `-${process.env.CDELTA_TAG}` : ''}.json`);
const SEED = 0;
const COPY = resolve(process.env.CDELTA_COPY ?? join(ROOT, `.cdelta-cache/${IS_TARGET ? '' : `${TARGET_ID}-`}unowned-${topic}-${steps}-${lr}-seed${SEED}`));
const uptime = () => execSync('uptime').toString().trim();

/** The corpus the target was trained on (forge.json recipe.corpus; v3 when absent), one-turn records only. */
async function targetCorpus() {
  const recipe = (JSON.parse(await readFile(join(TARGET, 'forge.json'), 'utf8').catch(() => '{}')) as { recipe?: { corpus?: string } }).recipe;
  const v4 = recipe?.corpus === 'v4';
  const generated = generateCorpus(v4 ? DEFAULT_CORPUS_OPTIONS_V4 : DEFAULT_CORPUS_OPTIONS);
  // as bench/cdelta-behaviour.ts: records with an earlier turn left out (none on corpus v3)
  const corpus = { ...generated, examples: generated.examples.filter((e) => !(e as { history?: unknown }).history) };
  const source = `forge corpus ${v4 ? 'v4' : 'v3'} seed ${corpus.options.seed}, sha256 ${corpus.hash}${v4 ? `; ${generated.examples.length - corpus.examples.length} records with an earlier turn left out` : ''}`;
  return { v4, corpus, source };
}

/** The `unowned` arm's aligned copy (bench/cdelta-behaviour.ts … unowned: same split, steps, lr, seed, freeze), tuned once and kept. */
async function alignedCopy(): Promise<string> {
  if (await stat(join(COPY, 'model.safetensors')).then(() => true, () => false)) return COPY;
  const model = await loadUnlearnModelFolder(TARGET);
  const { corpus, source } = await targetCorpus();
  const { data, retainCategories } = refusalSplit(corpus.examples, { topic, refusalSize: null, retainSize: 400, seed: SEED });
  const split = await refusalSplitRecord(data, { source, topic, retainCategories });
  const ws = await tmpWorkspace('cdelta-neuron-');
  const t0 = Date.now();
  console.log('fine-tune start', uptime());
  await runUnlearning(model, data, { method: 'refusal_sft', steps, lr, seed: SEED, checkpointEvery: steps, trainable: freezeTrainable(model, 'unowned')! }, { split, sink: folderSink(join(ws, 'run'), TARGET, model.configJson) });
  console.log(`fine-tune ${(Date.now() - t0) / 1000} s`, uptime());
  await mkdir(resolve(COPY, '..'), { recursive: true });
  await cp((await lastCheckpoint(join(ws, 'run')))!, `${COPY}.tmp`, { recursive: true });
  await rename(`${COPY}.tmp`, COPY);
  await rm(ws, { recursive: true, force: true });
  return COPY;
}

/** ‖W_copy − W_target‖² over the weights each head / neuron owns (archMap masks). */
function unitDeltaNorms(model: Awaited<ReturnType<typeof loadUnlearnModelFolder>>, aligned: ArrRecord): ScoredUnit[] {
  const names = ownableTensors(model);
  const units: ScoredUnit[] = [];
  for (let l = 0; l < model.nLayers; l++) {
    for (let h = 0; h < model.nHeads; h++) units.push({ kind: 'head', layer: l, index: h, score: 0 });
    for (let j = 0; j < mlpWidth(model, l); j++) units.push({ kind: 'neuron', layer: l, index: j, score: 0 });
  }
  const specs = Object.keys(model.params).map((n) => ({ name: model.fileName(n), dtype: 'F32' as const, shape: [...model.params[n].shape] }));
  const arch = resolveArch(specs, { config: model.configJson });
  for (const n of names) {
    const t = readF32(model.params[n]);
    const a = readF32(aligned[n]);
    const spec = specs.find((x) => x.name === model.fileName(n))!;
    for (const u of units) {
      const m = maskForTensor(spec, unitSelection([u]), arch);
      if (!m) continue;
      for (const [r0, r1] of m.rowRanges) for (let r = r0; r < r1; r++) for (const [c0, c1] of m.colRanges) for (let i = r * m.cols + c0; i < r * m.cols + c1; i++) u.score += (a[i] - t[i]) ** 2;
    }
  }
  return units;
}

/** Share of ‖Δ‖² inside a per-element mask (how much of the copy's change the mask carries). */
function deltaShare(target: ArrRecord, aligned: ArrRecord, masks: ElementMasks): number {
  let inside = 0;
  let all = 0;
  for (const n of Object.keys(target)) {
    const t = readF32(target[n]);
    const a = readF32(aligned[n]);
    const m = masks.get(n);
    for (let i = 0; i < t.length; i++) {
      const d = (a[i] - t[i]) ** 2;
      all += d;
      if (m?.[i]) inside += d;
    }
  }
  return all ? inside / all : 0;
}

async function main(): Promise<void> {
  const copy = await alignedCopy();
  const copyRecord = JSON.parse(await readFile(join(copy, 'unlearn.json'), 'utf8').catch(() => '{}')) as { metrics?: unknown; config?: unknown };
  console.log('copy', copy, JSON.stringify(copyRecord.metrics ?? ''));
  if (process.argv[6] === 'copy-only') return;
  const loadBefore = uptime();
  const tAll = Date.now();
  const model = await loadUnlearnModelFolder(TARGET);
  const aligned = (await loadUnlearnModelFolder(copy)).params;
  const { v4, corpus, source } = await targetCorpus();
  TASK_MAX_NEW = Number(process.env.CDELTA_TASK_MAX_NEW ?? (v4 ? 40 : MAX_NEW));
  console.log(`${TARGET_ID}: ${source}; prompts ${JSON.stringify(PROMPTS)}, ${MAX_NEW} new tokens (tasks ${TASK_MAX_NEW})`);
  const { data } = refusalSplit(corpus.examples, { topic, refusalSize: null, retainSize: 400, seed: SEED });

  // 1. unit scores on the copy: the topic's train refusals vs its train compliances (same prompts where the corpus
  // has both), SCORE_PAIRS of each, seeded
  const train = corpus.examples.filter((e) => e.split === 'train' && e.category === 'harmful' && e.topic === topic);
  const rng = new Pcg32(SEED, 37);
  const refusalRecs = rng.shuffle(train.filter((e) => e.responseKind === 'refusal')).slice(0, SCORE_PAIRS);
  const compliances = train.filter((e) => e.responseKind === 'compliance');
  const complianceRecs = refusalRecs.map((r, i) => compliances.find((c) => c.prompt === r.prompt) ?? compliances[i % compliances.length]);
  const pair = (e: (typeof train)[number]) => ({ id: e.id, prompt: e.prompt, response: e.response });
  let t = Date.now();
  // CDELTA_SCORE=delta: the variant scoring each unit by Σ (W_copy − W_target)·∂m/∂W over the weights it owns
  const SCORE = process.env.CDELTA_SCORE ?? 'activation';
  // CDELTA_SCORE=dnorm (a diagnostic, not attribution): each unit scored by ‖Δθ‖² over the weights it owns, to tell
  // whether unit-shaped masks can carry the change at all when chosen by where the copy moved
  const scored = SCORE === 'dnorm' ? unitDeltaNorms(model, aligned) : unitScores(model, aligned, encode(model, refusalRecs.map(pair)), encode(model, complianceRecs.map(pair)), 8, SCORE === 'delta' ? model.params : undefined);
  const scoreSeconds = (Date.now() - t) / 1000;
  t = Date.now();
  const cut = neuronBudgetCut(model, scored, BUDGET);
  const cutSeconds = (Date.now() - t) / 1000;
  // variant: units ranked by |score| per owned parameter (neurons before heads unless a head is as dense)
  const dense = neuronBudgetCut(model, scored, BUDGET, 'density');
  const composition = (c: typeof cut) => ({ units: c.kept.length, heads: c.selection.heads, neuronsPerLayer: Array.from({ length: model.nLayers }, (_, l) => c.kept.filter((u) => u.kind === 'neuron' && u.layer === l).length), paramsMasked: c.masked, share: c.masked / c.total });
  console.log('density cut', JSON.stringify(composition(dense)));
  const perLayer = Array.from({ length: model.nLayers }, (_, l) => ({ layer: l, heads: cut.kept.filter((u) => u.kind === 'head' && u.layer === l).map((u) => u.index), neurons: cut.kept.filter((u) => u.kind === 'neuron' && u.layer === l).length }));
  console.log(`neuron circuit: ${cut.kept.length} units, ${(cut.masked / cut.total * 100).toFixed(2)} % of parameters; ${JSON.stringify(perLayer)}; top ${cut.kept.slice(0, 8).map((u) => `${unitName(u)} ${u.score.toFixed(3)}`).join(', ')}`);

  // 2. the three masks, the same number of entries
  const neuronMasks: ElementMasks = new Map([...circuitMasks(model, cut.selection, Object.keys(model.params))].map(([n, m]) => [n, Uint8Array.from(m)]));
  const count = cut.masked;
  const masks: Record<string, ElementMasks> = {
    neuron: neuronMasks,
    'neuron-density': new Map([...circuitMasks(model, dense.selection, Object.keys(model.params))].map(([n, m]) => [n, Uint8Array.from(m)])),
    magnitude: magnitudeMask(model.params, aligned, count),
    random: randomMask(model.params, ownableTensors(model), count, SEED),
  };
  // CDELTA_MAGNITUDE_SHARES=0.1,0.2,…: larger magnitude masks (share of all parameters), to find the size at which
  // ANY mask starts to carry the refusal (decode them with CDELTA_ONLY=magnitude-10%,…)
  for (const share of (process.env.CDELTA_MAGNITUDE_SHARES ?? '').split(',').filter(Boolean).map(Number)) {
    masks[`magnitude-${Math.round(share * 100)}%`] = magnitudeMask(model.params, aligned, Math.round(share * cut.total));
  }
  const maskInfo = Object.fromEntries(Object.entries(masks).map(([k, m]) => [k, { entries: maskSize(m), share: maskSize(m) / cut.total, deltaNormShare: deltaShare(model.params, aligned, m), tensors: m.size }]));
  console.log('masks', JSON.stringify(maskInfo));
  // the neuron mask through cdeltaLab (archMap's row/column masks) and through the element mask agree bit for bit
  const viaLab = cdeltaLab(model, model.params, aligned, cut.selection, [1]);
  const viaMask = maskedCDelta(model.params, aligned, neuronMasks, [1]);
  const labMatchesMask = Object.keys(model.params).every((n) => Buffer.from(readF32(viaLab.params[0][n]).buffer).equals(Buffer.from(readF32(viaMask[0][n]).buffer)));
  viaLab.params.forEach(release);
  viaMask.forEach(release);

  // 3. columns, most informative first; the file is rewritten after each
  const prompts = heldoutBehaviourPrompts(corpus.examples, PROMPTS);
  const others = Object.keys(prompts.harmful).filter((k) => k !== topic);
  prompts.harmful[`${topic} (trained prompts)`] = data.forget.slice(0, PROMPTS.perTopic).map((p) => p.prompt);
  const columns: SelectivityColumn[] = [];
  const touchedOf: Record<string, { changed: number; total: number }> = {};
  const columnSeconds: Record<string, number> = {};
  const wantNf4 = (name: string) => NF4_COLUMNS === 'all' || (NF4_COLUMNS !== 'best' && NF4_COLUMNS.split(',').includes(name));
  const all: { name: string; params: () => ArrRecord; nf4: boolean }[] = [];
  const edit = (kind: string, s: number) => ({ name: `${kind} s=${s}`, params: () => maskedCDelta(model.params, aligned, masks[kind], [s])[0], nf4: false });
  // CDELTA_ONLY=<kinds>: decode only these masks' columns (target and the copy only when listed too)
  const only = process.env.CDELTA_ONLY?.split(',');
  for (const s of strengths) for (const kind of Object.keys(masks)) if (!only || only.includes(kind)) all.push(edit(kind, s));
  if (!only || only.includes('target')) all.push({ name: 'target', params: () => model.params, nf4: false });
  if (!only || only.includes('aligned')) all.push({ name: 'aligned', params: () => aligned, nf4: false });
  for (const p of [...all]) if (wantNf4(p.name)) all.push({ ...p, name: `${p.name} NF4`, nf4: true });
  // most informative first (target and the copy were measured by the `unowned` arm on the same prompts; the copy's
  // NLLs are compared with that run's), so a run cut short by the machine's load still answers the question;
  // CDELTA_ORDER (comma list) overrides, the rest follow in the order above
  const PRIORITY = (process.env.CDELTA_ORDER ?? 'neuron s=1,magnitude s=1,random s=1,neuron-density s=1,neuron s=2,magnitude s=2,neuron s=4,magnitude s=4,neuron s=1 NF4,magnitude s=1 NF4,neuron-density s=1 NF4,random s=2,random s=4,neuron-density s=2,target,aligned,target NF4,aligned NF4').split(',');
  const rankOf = (n: string) => (PRIORITY.includes(n) ? PRIORITY.indexOf(n) : PRIORITY.length);
  const plan = all.map((p, i) => ({ p, i })).sort((a, b) => rankOf(a.p.name) - rankOf(b.p.name) || a.i - b.i).map((x) => x.p);
  const write = async (done: boolean) => {
    const fp = columns.filter((c) => !c.name.endsWith(' NF4'));
    const q = columns.filter((c) => c.name.endsWith(' NF4'));
    const out = {
      date: new Date().toISOString(), complete: done, machine: `${cpus().length} cores; uptime before: ${loadBefore}; now: ${uptime()}`, node: process.version,
      command: `${IS_TARGET ? '' : `CDELTA_TARGET=${TARGET_ID} `}nice npx tsx bench/cdelta-neuron.ts ${topic} ${steps} ${lr} ${strengths.join(',')}`,
      env: Object.fromEntries(Object.entries(process.env).filter(([k]) => k.startsWith('CDELTA_'))),
      model: `${TARGET_ID} (${relative(ROOT, TARGET)}, ${model.family}, corpus ${v4 ? 'v4' : 'v3'})`, topic, seed: SEED,
      copy: { folder: relative(ROOT, copy), arm: 'unowned (bench/cdelta-behaviour.ts): refusal_sft, tensors no node owns frozen', steps, lr, config: copyRecord.config ?? null, metrics: copyRecord.metrics ?? null, touched: touched(model, model.params, aligned) },
      scores: { method: SCORE === 'dnorm' ? '‖Δθ‖² over the weights each head / neuron owns (diagnostic, not attribution)' : SCORE === 'delta' ? 'Σ (W_copy − W_target)·∂m/∂W over the weights each head / neuron owns (variant)' : 'grad × activation of each head / neuron output (from output-projection gradients)', metric: 'mean log p(refusal) − mean log p(compliance), sequence log-probs of the response tokens', pairs: refusalRecs.length, samePromptPairs: complianceRecs.filter((c, i) => c.prompt === refusalRecs[i].prompt).length, seconds: scoreSeconds,
        top: [...scored].sort((a, b) => Math.abs(b.score) - Math.abs(a.score)).slice(0, 20).map((u) => ({ unit: unitName(u), score: u.score })),
        headScores: scored.filter((u) => u.kind === 'head').map((u) => ({ unit: unitName(u), score: u.score })) },
      circuit: { budget: BUDGET, ranking: '|score|', units: cut.kept.length, heads: cut.selection.heads, neuronsPerLayer: perLayer, neurons: cut.selection.neurons, paramsMasked: cut.masked, paramsTotal: cut.total, share: cut.masked / cut.total, cutSeconds, cdeltaLabMatchesElementMask: labMatchesMask },
      circuitDensity: { budget: BUDGET, ranking: '|score| per owned parameter', ...composition(dense), neurons: dense.selection.neurons },
      masks: maskInfo,
      prompts: { ...PROMPTS, maxNewTokens: MAX_NEW, taskMaxNewTokens: TASK_MAX_NEW, source: `${source}: held-out split + ${PROMPTS.perTopic} trained ${topic} prompts`, nf4: 'bitsandbytes NF4, block 64, no double quant; Linear/Conv1D projections of the blocks' },
      touched: touchedOf, columnSeconds,
      selectivity: fp.some((c) => c.name === 'target') ? selectivityMatrix(fp, topic, { reference: 'target', others }) : null,
      columns: columns.map((c) => ({ name: c.name, refusal: c.refusal, benignRefusal: c.benignRefusal, taskAccuracy: c.taskAccuracy, n: c.n })),
      selectivityNf4: q.some((c) => c.name === 'target NF4') ? selectivityMatrix(q, topic, { reference: 'target NF4', others }) : null,
      selectivityNf4VsTargetFp: q.length && fp.some((c) => c.name === 'target') ? selectivityMatrix([fp.find((c) => c.name === 'target')!, ...q], topic, { others }) : null,
      examples: Object.fromEntries(columns.map((c) => [c.name, c.examples])),
      totalSeconds: (Date.now() - tAll) / 1000,
    };
    await writeFile(OUT, JSON.stringify(out, null, 2) + '\n');
  };
  const runColumn = async (p: (typeof all)[number]) => {
    const t0 = Date.now();
    const params = p.params();
    const owned = params !== model.params && params !== aligned;
    if (!p.nf4) touchedOf[p.name] = touched(model, model.params, params);
    const run = p.nf4 ? quantizedParams(model, params, NF4) : params;
    columns.push(decodeColumn(model, run, p.name, prompts, MAX_NEW, TASK_MAX_NEW));
    if (p.nf4) release(run);
    if (owned) release(params);
    columnSeconds[p.name] = (Date.now() - t0) / 1000;
    const c = columns[columns.length - 1];
    console.log(`${p.name}: ${columnSeconds[p.name]} s`, JSON.stringify(c.refusal), 'benign', c.benignRefusal, 'tasks', c.taskAccuracy, uptime());
    await write(false);
  };
  for (const p of plan) await runColumn(p);
  if (NF4_COLUMNS === 'best') {
    // the edit column (not target / aligned) with the largest refusal gain on the targeted topic's held-out prompts
    const base = columns.find((c) => c.name === 'target')?.refusal[topic] ?? 0;
    const edits = all.filter((p) => p.name !== 'target' && p.name !== 'aligned');
    const gain = (n: string) => (columns.find((c) => c.name === n)?.refusal[topic] ?? -Infinity) - base;
    const best = edits.sort((a, b) => gain(b.name) - gain(a.name))[0];
    if (best) await runColumn({ ...best, name: `${best.name} NF4`, nf4: true });
  }
  await write(true);
  release(aligned);
}

main().catch((e: Error) => {
  console.error(`${e.name}: ${e.message}`);
  process.exit(1);
});
