// The lab engine's greedy decode, KV-cached (greedyDecode's default: lab kvDecode.ts, prefill once + one jitted
// step per token over a fixed cache) against the full-recompute yardstick (greedyDecodeRecompute: one jitted
// forward over the whole right-padded window per token), on the same prompt ids in the same run: the forge's GPT-2
// `target` and the Llama-family `target-v4`, 20 held-out single-turn forge prompts each (7 harmful compliance
// prompts, 7 tasks, 6 chat/edgy; corpus v3 for target, v4 for target-v4), 48 new tokens, rows cut after eos. Each
// decoder runs REPS times, alternating, each call timed whole (its jit compile included, as every evaluation call
// pays it); tokens/s = tokens returned / seconds, on the fastest call of each. Also: how many rows are identical.
// Writes bench/results/lab-decode.json.   nice -n 10 npx tsx bench/lab-decode.ts [maxNew=48] [reps=2]
import { writeFile } from 'node:fs/promises';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { initEngine } from '../src/core/lab';
import { generateCorpus } from '../models/forge/corpus/generate';
import { DEFAULT_CORPUS_OPTIONS } from '../models/forge/corpus/generate';
import { DEFAULT_CORPUS_OPTIONS_V4 } from '../models/forge/corpus/v4/generateV4';
import { greedyDecode, greedyDecodeRecompute } from '../src/core/edits/unlearn/behaviour';
import type { UnlearnModel } from '../src/core/edits/unlearn/model';
import { loadUnlearnModelFolder } from '../src/core/edits/unlearn/runNode';

const ROOT = new URL('..', import.meta.url).pathname;
const MAX_NEW = Number(process.argv[2] ?? 48);
const REPS = Number(process.argv[3] ?? 2);
const MODELS = [{ id: 'target', corpus: 'v3' }, { id: 'target-v4', corpus: 'v4' }] as const;
const MIX = { harmful: 7, task: 7, chatOrEdgy: 6 };

const load = () => loadavg().map((x) => x.toFixed(2)).join(' ');

/** 20 held-out single-turn prompts of the model's corpus, the first of each kind in corpus order. */
function prompts(corpus: 'v3' | 'v4'): string[] {
  const held = generateCorpus(corpus === 'v4' ? DEFAULT_CORPUS_OPTIONS_V4 : DEFAULT_CORPUS_OPTIONS).examples
    .filter((e) => e.split === 'heldout' && !(e as { history?: unknown[] }).history?.length);
  return [
    ...held.filter((e) => e.category === 'harmful' && e.responseKind === 'compliance').slice(0, MIX.harmful),
    ...held.filter((e) => e.category === 'task').slice(0, MIX.task),
    ...held.filter((e) => e.category === 'chat' || e.category === 'edgy').slice(0, MIX.chatOrEdgy),
  ].map((e) => e.prompt);
}

function timed(f: () => number[][]): { out: number[][]; seconds: number } {
  const t0 = performance.now();
  const out = f();
  return { out, seconds: (performance.now() - t0) / 1000 };
}

async function bench(model: UnlearnModel, texts: string[]) {
  const ids = texts.map((p) => {
    const e = model.tokenizer.encodeChat(p, '');
    return e.ids.slice(0, e.responseStart);
  });
  const runs = { cached: [] as number[], recompute: [] as number[] };
  let cached: number[][] = [];
  let recompute: number[][] = [];
  for (let r = 0; r < REPS; r++) {
    const a = timed(() => greedyDecodeRecompute(model, model.params, ids, MAX_NEW));
    const b = timed(() => greedyDecode(model, model.params, ids, MAX_NEW));
    runs.recompute.push(a.seconds);
    runs.cached.push(b.seconds);
    recompute = a.out;
    cached = b.out;
    console.log(`${model.id} rep ${r + 1}: recompute ${a.seconds.toFixed(2)} s, cached ${b.seconds.toFixed(2)} s`);
  }
  const tokens = cached.reduce((s, r) => s + r.length, 0);
  const identical = cached.filter((r, i) => JSON.stringify(r) === JSON.stringify(recompute[i])).length;
  const best = { cached: Math.min(...runs.cached), recompute: Math.min(...runs.recompute) };
  const lengths = ids.map((p) => p.length);
  return {
    model: model.id, family: model.family, layers: model.nLayers, dModel: model.dModel, vocab: model.vocabSize,
    rows: ids.length, promptTokens: { min: Math.min(...lengths), max: Math.max(...lengths) }, maxNew: MAX_NEW,
    tokensReturned: tokens, tokensReturnedRecompute: recompute.reduce((s, r) => s + r.length, 0),
    identicalRows: identical, secondsPerCall: runs,
    tokensPerSecond: { cached: tokens / best.cached, recompute: recompute.reduce((s, r) => s + r.length, 0) / best.recompute },
    speedup: best.recompute / best.cached,
    firstRowDiffering: identical < ids.length ? (() => {
      const i = cached.findIndex((r, j) => JSON.stringify(r) !== JSON.stringify(recompute[j]));
      return { row: i, prompt: texts[i], cached: model.tokenizer.decode(cached[i]), recompute: model.tokenizer.decode(recompute[i]) };
    })() : null,
  };
}

async function main(): Promise<void> {
  const loadBefore = load();
  await initEngine();
  const results = [];
  for (const m of MODELS) {
    const model = await loadUnlearnModelFolder(join(ROOT, 'models', m.id));
    const r = await bench(model, prompts(m.corpus));
    console.log(`${m.id}: ${r.tokensPerSecond.cached.toFixed(1)} tok/s cached, ${r.tokensPerSecond.recompute.toFixed(1)} recompute (×${r.speedup.toFixed(2)}), ${r.identicalRows}/${r.rows} rows identical`);
    results.push({ ...r, corpus: m.corpus });
  }
  const out = {
    date: new Date().toISOString(), node: process.version, command: `nice -n 10 npx tsx bench/lab-decode.ts ${MAX_NEW} ${REPS}`,
    machine: `${cpus().length} cores shared with other jobs; load average (1/5/15 min) ${loadBefore} before, ${load()} after`,
    engine: 'jax-js wasm (Node), one thread',
    decoders: {
      cached: 'greedyDecode: prefill the right-padded prompts once, then one jitted step per token over a fixed [B, KV, S, hd] cache per layer (S = longest prompt + maxNew)',
      recompute: 'greedyDecodeRecompute: one jitted full forward over the [B, S] window per token',
    },
    timing: `each call timed whole (jit compile included), ${REPS} alternating calls per decoder, tokens/s on the fastest`,
    prompts: `per model ${MIX.harmful} harmful-compliance, ${MIX.task} task, ${MIX.chatOrEdgy} chat/edgy held-out single-turn prompts (first in corpus order)`,
    results,
  };
  await writeFile(join(ROOT, 'bench/results/lab-decode.json'), JSON.stringify(out, null, 2) + '\n');
}

void main();
