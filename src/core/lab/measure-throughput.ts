// Prints train-step throughput (tokens/s) of the jitted GPT train step for the FACTS.md forge config, so the
// forge can plan its budgets. A measurement, not a test: run `npx tsx src/core/lab/measure-throughput.ts [steps]`.
// Also times one jitted forward with every per-head hook cached (the EAP path) against the plain forward.
import { blockUntilReady, jit } from '@jax-js/jax';
import { loadavg } from 'node:os';
import { DEFAULT_GPT_CONFIG } from './config';
import { fromI32, initEngine, keep, release, type Arr } from './engine';
import { gptForward } from './gpt';
import { hookShapes, type HookName } from './hooks';
import { DEFAULT_ADAMW } from './optim';
import { initParams, paramCount, type GptParams } from './params';
import { Pcg32 } from './rng';
import { disposeTrainState, initTrainState, makeBatch, makeTrainStep } from './train';

const steps = Number(process.argv[2] ?? 10);
const B = 16;
const c = DEFAULT_GPT_CONFIG;
const T = c.nCtx;
const info = await initEngine();
const rng = new Pcg32(1);
const batch = () => makeBatch(Array.from({ length: B }, () => ({ tokens: Array.from({ length: T + 1 }, () => rng.int(c.vocabSize)) })), T);

const state = initTrainState(initParams(c, 0));
const step = makeTrainStep(c, { ...DEFAULT_ADAMW, totalSteps: steps + 1 });
let t0 = performance.now();
step.run(state, batch());
const firstMs = performance.now() - t0;
t0 = performance.now();
const cpu0 = process.cpuUsage();
for (let i = 0; i < steps; i++) step.run(state, batch());
const stepMs = (performance.now() - t0) / steps;
// CPU time of this (single-threaded) process: what a quiet machine's wall time would be, near enough, when
// other jobs share the cores
const cpu = process.cpuUsage(cpu0);
const cpuStepMs = (cpu.user + cpu.system) / 1000 / steps;
step.dispose();

const timeForward = async (hooks: HookName[]): Promise<number> => {
  const f = jit((p: GptParams, t: Arr) => {
    const r = gptForward(c, p, t, { cache: hooks });
    return [r.logits, ...hooks.map((h) => r.cache[h]!)];
  });
  // jax-js dispatches lazily: wait for the outputs, or disposing them would skip the work being timed
  const run = async () => release(await blockUntilReady(f(keep(state.params), fromI32(batch().tokens, [B, T]))));
  await run();
  const s = performance.now();
  for (let i = 0; i < 3; i++) await run();
  f.dispose();
  return (performance.now() - s) / 3;
};
const eapHooks = [...hookShapes(c, B, T).keys()].filter((h) => /hook_(q|k|v)_input|hook_head_out|hook_mlp_(in|out)/.test(h));
const plainMs = await timeForward([]);
const eapMs = await timeForward(eapHooks);
disposeTrainState(state);

console.log(JSON.stringify({
  device: info.device, host: info.host, node: process.version, loadavg1m: loadavg()[0],
  config: { vocab: c.vocabSize, ctx: T, d: c.dModel, heads: c.nHead, layers: c.nLayer, params: paramCount(c), batch: B },
  firstStepMs: Math.round(firstMs), stepMs: Math.round(stepMs), trainTokensPerSec: Math.round((B * T) / (stepMs / 1000)),
  cpuStepMs: Math.round(cpuStepMs), trainTokensPerCpuSec: Math.round((B * T) / (cpuStepMs / 1000)),
  forwardMs: Math.round(plainMs), forwardAllEapHooksMs: Math.round(eapMs),
}, null, 2));
