// One measurement of bench/lab-scale.ts, shared by its Node half and its browser worker (no Node or DOM imports):
// a family decoder at real width with random weights (SmolLM2-135M or Qwen2.5-0.5B config.json keys), built in
// engine memory, then the three programs an EAP / EAP-IG run is made of, each jitted as circuits' runner does:
//   acts   the clean (and corrupted) forward keeping every source output of the EAP graph, stacked [nF,B,T,d]
//          (embedding, each head's write, each MLP's write), and the last-position logits;
//   grad   one forward+backward of the logit-difference metric w.r.t. zero deltas on every destination input
//          (per-query-head q/k/v inputs [B,T,H,d] of every layer, every MLP input, the logits input) at given
//          embeddings, then the score product diff[nF,BTd] · G[nB,BTd]ᵀ → [nF,nB] (runner.ts `scores`).
// EAP-IG(m) = 2 acts + m grad calls per batch. jax-js's wasm allocator never gives memory back to the system and
// reuses a freed block only for a request of the same size class, so the wasm memory size after a call is that
// call's high-water mark; `memory()` reads it.
// Measured on decoderForward's per-head hooks (src/core/lab/decoder.ts), which compute the same model as
// circuits' graph forward with no edge patched; unlike the runner it unembeds every position (B·T·V logits).
import { blockUntilReady, grad, jit, numpy as np } from '@jax-js/jax';
import { graphConfigForLm, nBackward, nForward } from '../src/core/circuits/graph';
import { normalizeConfig, type NormalizedLmConfig } from '../src/core/lm/families';
import { atPositions, fromF32, fromI32, initEngine, keep, matmul, oneHot, takeF32, type Arr, type ArrRecord } from '../src/core/lab';
import { decoderForward } from '../src/core/lab/decoder';
import { decoderParamCount, decoderParamSpecs } from '../src/core/lab/decoderParams';
import type { HookName } from '../src/core/lab/hooks';
import { Pcg32 } from '../src/core/lab/rng';
import { SCALE_CONFIGS, type MemoryProbe } from './labScaleConfigs';

export interface ScaleStage {
  stage: 'params' | 'acts' | 'grad';
  /** wall ms of the first call (trace + compile + run) and of the second (run only); params: build time */
  firstMs: number;
  ms?: number;
  /** engine (wasm) memory size after the stage: the high-water mark so far */
  memoryBytes: number | null;
  /** process resident set after the stage (Node only) */
  rssBytes?: number | null;
  /** CPU ms of the second call (Node only; the dev machine is shared, CPU time is the steadier figure) */
  cpuMs?: number;
}

/**
 * Which code runs the two calls: `decoder` = decoderForward's per-head hooks (this file), `runner` = circuits'
 * own CircuitRunner on a family CircuitModel (graphForward: unembeds one position, `take` embedding in acts).
 */
export type ScaleEngine = 'decoder' | 'runner';

export interface ScaleCaseResult {
  config: string;
  engine: ScaleEngine;
  /** set when the case ran fewer layers than the real config (a probe of a slow device) */
  layers?: number;
  B: number;
  T: number;
  device: string;
  why: string;
  paramCount: number;
  stages: ScaleStage[];
  /** set when a stage failed (e.g. the 4 GiB wasm32 limit): the stage, and the engine's message */
  failed?: { stage: ScaleStage['stage']; message: string; stackTop?: string[] };
}

/** What the host can measure: engine memory always, RSS and process CPU time where the host has them. */
export interface ScaleProbes {
  memory: MemoryProbe;
  rss?: () => number;
  cpuMs?: () => number;
}

/**
 * Random weights at the config's real shapes (norm gains 1, biases 0), one tensor at a time. Drawing 0.5 G
 * normals one by one takes minutes in JS, so each tensor is tiled from a pool of 2^20 N(0, 0.02) draws in
 * blocks of 2^12 taken at random offsets: random enough for time and memory figures, seconds to build.
 */
function randomParams(c: NormalizedLmConfig, seed: number): ArrRecord {
  const rng = new Pcg32(seed);
  const POOL = 1 << 20;
  const BLOCK = 1 << 12;
  const pool = Float32Array.from({ length: POOL }, () => rng.normal() * 0.02);
  const out: ArrRecord = {};
  for (const s of decoderParamSpecs(c)) {
    const data = new Float32Array(s.shape.reduce((a, b) => a * b, 1));
    if (s.init === 'norm') data.fill(c.block.norm === 'rmsnorm-1p' ? 0 : 1);
    else if (s.init !== 'zeros') {
      for (let i = 0; i < data.length; i += BLOCK) {
        const at = rng.int(POOL - BLOCK);
        data.set(pool.subarray(at, at + Math.min(BLOCK, data.length - i)), i);
      }
    }
    out[s.name] = np.array(data, { shape: s.shape }); // not fromF32: its defensive copy doubles a 0.5 GB build
  }
  return out;
}

/** Hooks of every EAP source output, in the graph's forward order after the embedding. */
const sourceHooks = (c: NormalizedLmConfig): HookName[] =>
  Array.from({ length: c.numLayers }, (_, l) => [`blocks.${l}.attn.hook_head_out`, `blocks.${l}.hook_mlp_out`] as HookName[]).flat();

/** Zero deltas on every destination input: per-head q/k/v [B,T,H,d], MLP input [B,T,d], the logits input [B,T,d]. */
function zeroDeltas(c: NormalizedLmConfig, B: number, T: number): Record<string, Arr> {
  const d = c.hiddenSize;
  const H = c.numHeads;
  const out: Record<string, Arr> = {};
  for (let l = 0; l < c.numLayers; l++) {
    for (const x of ['q', 'k', 'v']) out[`blocks.${l}.attn.hook_${x}_input`] = np.zeros([B, T, H, d]);
    out[`blocks.${l}.hook_mlp_in`] = np.zeros([B, T, d]);
  }
  out[`blocks.${c.numLayers - 1}.hook_resid_post`] = np.zeros([B, T, d]); // what ln_f reads: the logits node's input
  return out;
}

/** Logit difference at each row's masked position, summed over rows (mask-multiply-sum: jit(grad)-safe). */
function logitDiff(logits: Arr, posMask: Arr, plus: Arr, minus: Arr): Arr {
  const vh = logits.shape[2];
  const last = atPositions(logits, posMask); // [B,V]
  return last.ref.mul(oneHot(plus, vh)).sum().sub(last.mul(oneHot(minus, vh)).sum()); // scalar
}

/** The two calls of an EAP / EAP-IG batch: acts of a run [nF,B,T,d] (caller owns), and the score matrix at `embed`. */
interface CasePrograms {
  acts(tokens: Int32Array): Promise<Arr>;
  /** consumes embed and diff; returns the [nF, nB] scores (host) */
  grad(tokens: Int32Array, embed: Arr, diff: Arr): Promise<Float32Array>;
  dispose(): void;
}

function decoderPrograms(c: NormalizedLmConfig, params: ArrRecord, B: number, T: number, mask: Float32Array, plusIds: Int32Array, minusIds: Int32Array): CasePrograms {
  const d = c.hiddenSize;
  const nF = nForward(graphConfigForLm(c));
  const nB = nBackward(graphConfigForLm(c));
  const hooks = sourceHooks(c);
  const acts = jit((p: ArrRecord, tokens: Arr, posMask: Arr): [Arr, Arr] => {
    const { logits, cache } = decoderForward(c, p, tokens, { cache: ['hook_embed', ...hooks] });
    const rows: Arr[] = [cache.hook_embed!.reshape([1, B, T, d])];
    for (let l = 0; l < c.numLayers; l++) {
      rows.push(cache[`blocks.${l}.attn.hook_head_out` as HookName]!.transpose([2, 0, 1, 3])); // [B,T,H,d] → [H,B,T,d]
      rows.push(cache[`blocks.${l}.hook_mlp_out` as HookName]!.reshape([1, B, T, d]));
    }
    return [atPositions(logits, posMask), np.concatenate(rows, 0)]; // [B,V], [nF,B,T,d]
  });
  const scores = jit((p: ArrRecord, tokens: Arr, embed: Arr, diff: Arr, posMask: Arr, plus: Arr, minus: Arr): Arr => {
    const f = (delta: Record<string, Arr>, prm: ArrRecord, tok: Arr, emb: Arr, pm: Arr, pl: Arr, mi: Arr): Arr =>
      logitDiff(decoderForward(c, prm, tok, { embed: emb, delta }).logits, pm, pl, mi);
    const g = grad(f)(zeroDeltas(c, B, T), p, tokens, embed, posMask, plus, minus) as Record<string, Arr>;
    const rows: Arr[] = [];
    for (let l = 0; l < c.numLayers; l++) {
      for (const x of ['q', 'k', 'v']) rows.push(g[`blocks.${l}.attn.hook_${x}_input`].transpose([2, 0, 1, 3])); // [H,B,T,d]
      rows.push(g[`blocks.${l}.hook_mlp_in`].reshape([1, B, T, d]));
    }
    rows.push(g[`blocks.${c.numLayers - 1}.hook_resid_post`].reshape([1, B, T, d]));
    const G = np.concatenate(rows, 0).reshape([nB, B * T * d]); // [nB, BTd]
    return matmul(diff.reshape([nF, B * T * d]), G.transpose()); // [nF,BTd]@[BTd,nB] → [nF,nB]
  });
  return {
    acts: async (tokens) => {
      const [last, a] = await blockUntilReady(acts(keep(params), fromI32(tokens, [B, T]), fromF32(mask, [B, T])));
      takeF32(last);
      return a;
    },
    grad: async (tokens, embed, diff) => takeF32(await blockUntilReady(scores(keep(params), fromI32(tokens, [B, T]), embed, diff,
      fromF32(mask, [B, T]), fromI32(plusIds, [B]), fromI32(minusIds, [B])))),
    dispose: () => {
      acts.dispose();
      scores.dispose();
    },
  };
}

/** The same two calls through circuits' CircuitRunner (what attribute() runs) on a family model of these weights. */
async function runnerPrograms(c: NormalizedLmConfig, params: ArrRecord, B: number, T: number, plusIds: Int32Array, minusIds: Int32Array): Promise<CasePrograms> {
  const { CircuitRunner } = await import('../src/core/circuits/runner');
  const { familyDims } = await import('../src/core/circuits/model');
  const runner = new CircuitRunner({ cfg: familyDims(c), lm: c, graphCfg: graphConfigForLm(c), params }, 'logit_diff');
  const V = c.vocabSize;
  const pos = Array<number>(B).fill(T - 1);
  const plus = new Float32Array(B * V);
  const minus = new Float32Array(B * V);
  for (let b = 0; b < B; b++) {
    plus[b * V + plusIds[b]] = 1;
    minus[b * V + minusIds[b]] = 1;
  }
  const metric = { pos, plus, minus, refLogp: null, weight: new Float32Array(B).fill(1) };
  return {
    acts: async (tokens) => runner.acts(tokens, pos, T).acts, // reads the last logits to host: the call has run
    grad: async (_tokens, embed, diff) => runner.scores(embed, diff, metric),
    dispose: () => runner.dispose(),
  };
}

/**
 * Runs one case (`layers`: only that many of the config's layers, real width): build, acts ×2 (clean, corrupted: each a first and a second call), grad ×2 at the clean
 * embeddings. Stops at the first stage that throws and reports it (the 4 GiB wasm32 limit surfaces here as a
 * RangeError from the allocator).
 */
export async function runScaleCase(name: string, B: number, T: number, probes: ScaleProbes, log: (s: string) => void = () => {},
  layers?: number, engine: ScaleEngine = 'decoder'): Promise<ScaleCaseResult> {
  const info = await initEngine();
  const c = normalizeConfig({ ...SCALE_CONFIGS[name], ...(layers ? { num_hidden_layers: layers } : {}) });
  const r: ScaleCaseResult = { config: name, engine, layers, B, T, device: info.device, why: info.why, paramCount: decoderParamCount(c), stages: [] };
  const d = c.hiddenSize;
  const nF = nForward(graphConfigForLm(c)); // the EAP-IG graph's sources and destinations (circuits/graph.ts)
  const nB = nBackward(graphConfigForLm(c));
  let stage: ScaleStage['stage'] = 'params';
  const rng = new Pcg32(7);
  const ids = () => Int32Array.from({ length: B * T }, () => rng.int(c.vocabSize));
  const mask = new Float32Array(B * T);
  for (let b = 0; b < B; b++) mask[b * T + T - 1] = 1;
  const plusIds = Int32Array.from({ length: B }, (_, b) => (11 * b + 3) % c.vocabSize);
  const minusIds = Int32Array.from({ length: B }, (_, b) => (17 * b + 5) % c.vocabSize);
  const memory = probes.memory;
  const rss = () => probes.rss?.() ?? null;
  /** Wall and CPU ms of `f`. */
  const timed = async <R>(f: () => Promise<R>): Promise<{ out: R; ms: number; cpuMs?: number }> => {
    const c0 = probes.cpuMs?.();
    const t = performance.now();
    const out = await f();
    const ms = performance.now() - t;
    return { out, ms, cpuMs: c0 === undefined ? undefined : probes.cpuMs!() - c0 };
  };
  try {
    const t0 = performance.now();
    const params = randomParams(c, 1);
    r.stages.push({ stage, firstMs: performance.now() - t0, memoryBytes: memory(), rssBytes: rss() });
    log(`${name} B${B} T${T}: params built (${r.stages[0].firstMs.toFixed(0)} ms)`);

    stage = 'acts';
    const progs = engine === 'runner'
      ? await runnerPrograms(c, params, B, T, plusIds, minusIds)
      : decoderPrograms(c, params, B, T, mask, plusIds, minusIds);
    const runActs = progs.acts;
    const clean = ids();
    const first = await timed(() => runActs(clean));
    first.out.dispose();
    const second = await timed(() => runActs(clean));
    const A = second.out;
    const C = await runActs(ids()); // the corrupted run: both stay alive, as preparePairs keeps them
    r.stages.push({ stage, firstMs: first.ms, ms: second.ms, cpuMs: second.cpuMs, memoryBytes: memory(), rssBytes: rss() });
    log(`${name} B${B} T${T}: acts ${first.ms.toFixed(0)} / ${second.ms.toFixed(0)} ms`);

    stage = 'grad';
    const embed = (): Arr => {
      const [head, rest] = np.split(A.ref, [1], 0);
      rest.dispose();
      return head.reshape([B, T, d]); // the clean embeddings (EAP-IG passes interpolated ones: same shape)
    };
    const diff = A.ref.sub(C.ref);
    const runGrad = async (): Promise<void> => {
      const s = await progs.grad(clean, embed(), diff.ref);
      if (s.length !== nF * nB) throw new Error(`scores have ${s.length} entries, not ${nF} × ${nB}`);
    };
    const g1 = await timed(runGrad);
    const g2 = await timed(runGrad);
    r.stages.push({ stage, firstMs: g1.ms, ms: g2.ms, cpuMs: g2.cpuMs, memoryBytes: memory(), rssBytes: rss() });
    log(`${name} B${B} T${T}: grad ${g1.ms.toFixed(0)} / ${g2.ms.toFixed(0)} ms`);
    for (const a of [A, C, diff, ...Object.values(params)]) a.dispose();
    progs.dispose();
  } catch (e) {
    r.failed = { stage, message: (e as Error).message, stackTop: (e as Error).stack?.split('\n').slice(1, 9).map((l) => l.trim()) };
    r.stages.push({ stage, firstMs: NaN, memoryBytes: memory(), rssBytes: rss() });
  }
  return r;
}
