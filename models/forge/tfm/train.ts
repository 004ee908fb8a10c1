// Forge for the embedded `tfm` (DESIGN.md "Embedded models"): fits the PFN of src/core/tabular/tfm on synthetic
// tasks from prior.ts with AdamW (core/lab), warmup + cosine LR, cross-entropy on query rows; logs the loss
// curve, evaluates on held-out synthetic tasks, writes models/tfm/{config.json, model.safetensors, forge.json}
// at every checkpoint and then exports and checks the ONNX graph (export.ts).
//
//   npx tsx models/forge/tfm/train.ts                 # the committed model (~1 h on 2 shared CPU cores)
//   npx tsx models/forge/tfm/train.ts --tiny          # whole pipeline in seconds (CI), into a temp folder
//   flags: --steps N --seed S --lr X --warmup N --max-minutes M --out DIR --models-dir DIR --no-manifest --no-export
//          --init FILE.safetensors [--init-note TEXT] (warm start: fresh optimiser and schedule over earlier weights)
//          --prior 1|2|3 (prior.ts version; default 1) --eval-prior 1|2|3 (held-out tasks' version; default the
//          training prior's, but 2 when training on 3, so a v3 fine-tune is judged on the tasks v2 models were)
//          --query-copy-tasks P (prior 3: share of tasks with exact query copies, default 0.5; above 0.5 the
//          copied share of their queries rises too, to 0.3–0.9 at P = 1) --layers N (grow the --init weights to N layers: grow.ts)
//          --long-context (adds a 2,048-row context bucket, so the model meets contexts beyond 1,024 rows)
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { DEFAULT_ADAMW, initEngine, release, type AdamWConfig, type ArrRecord } from '../../../src/core/lab';
import { readF32 } from '../../../src/core/lab';
import { makeRng } from '../../../src/core/tabular/data/rng';
import { priorBatch } from '../../../src/core/tabular/tfm/batch';
import { DEFAULT_TFM_CONFIG, tfmParamCount, type HostParams, type TfmConfig } from '../../../src/core/tabular/tfm/config';
import { configFromJson, decodeTfmWeights, encodeTfmWeights } from '../../../src/core/tabular/tfm/io';
import { initTfmParams, toEngineParams } from '../../../src/core/tabular/tfm/model';
import { disposeTfmTrainState, initTfmTrainState, makeTfmPredict, makeTfmTrainStep } from '../../../src/core/tabular/tfm/trainStep';
import { evalSynthetic, syntheticBaselines, type SyntheticEval } from './evalSynthetic';
import { growTfmDepth } from './grow';
import { TFM_LIMITS } from '../../../src/core/tabular/teachers/teacher';
import { V3_QUERY_COPIES, type QueryCopyRates } from '../../../src/core/tabular/tfm/priorV3';
import { PRIOR_DESCRIPTION, PRIOR_V2_DESCRIPTION, PRIOR_V3_DESCRIPTION } from './recipe';

interface Bucket { B: number; Nc: number; Nq: number; p: number }

function args(): Record<string, string | true> {
  const out: Record<string, string | true> = {};
  const a = process.argv.slice(2);
  for (let i = 0; i < a.length; i++) {
    if (!a[i].startsWith('--')) continue;
    const next = a[i + 1];
    if (next !== undefined && !next.startsWith('--')) { out[a[i].slice(2)] = next; i++; } else out[a[i].slice(2)] = true;
  }
  return out;
}

const flags = args();
const tiny = flags.tiny === true;
const num = (k: string, d: number): number => (typeof flags[k] === 'string' ? Number(flags[k]) : d);

const baseConfig: TfmConfig = tiny ? { ...DEFAULT_TFM_CONFIG, dModel: 16, nHead: 2, nLayer: 1, dMlp: 32 } : { ...DEFAULT_TFM_CONFIG, dModel: 64, nHead: 4, nLayer: 3, dMlp: 128 };
const asVersion = (v: number): 1 | 2 | 3 => (v === 3 ? 3 : v === 2 ? 2 : 1);
const priorVersion = asVersion(num('prior', 1));
const queryCopyTasks = num('query-copy-tasks', V3_QUERY_COPIES.taskShare);
const queryCopies: QueryCopyRates = queryCopyTasks > V3_QUERY_COPIES.taskShare ? { taskShare: queryCopyTasks, minShare: 0.3, maxShare: 0.9 } : { ...V3_QUERY_COPIES, taskShare: queryCopyTasks };
const evalPriorVersion = asVersion(num('eval-prior', priorVersion === 3 ? 2 : priorVersion));
const longContext = flags['long-context'] === true;
/** Batch shapes (jit compiles one program each): ~2k rows per step, context sizes 64 … 960 (… 2,048). */
const BUCKETS: Bucket[] = tiny
  ? [{ B: 2, Nc: 16, Nq: 8, p: 1 }]
  : longContext
    ? [{ B: 16, Nc: 64, Nq: 64, p: 0.28 }, { B: 8, Nc: 192, Nq: 64, p: 0.32 }, { B: 4, Nc: 448, Nq: 64, p: 0.23 }, { B: 2, Nc: 960, Nq: 64, p: 0.12 }, { B: 1, Nc: 1984, Nq: 64, p: 0.05 }]
    : [{ B: 16, Nc: 64, Nq: 64, p: 0.3 }, { B: 8, Nc: 192, Nq: 64, p: 0.35 }, { B: 4, Nc: 448, Nq: 64, p: 0.25 }, { B: 2, Nc: 960, Nq: 64, p: 0.1 }];
const seed = num('seed', 0);
const steps = num('steps', tiny ? 6 : 5000);
const optim: AdamWConfig = { ...DEFAULT_ADAMW, lr: num('lr', 2e-3), beta2: 0.99, weightDecay: 0.01, warmupSteps: num('warmup', tiny ? 2 : 200), totalSteps: steps, minLrRatio: 0.05 };
const maxMinutes = num('max-minutes', tiny ? 5 : 80);
const evalEvery = tiny ? 3 : 500;
const outDir = resolve(typeof flags.out === 'string' ? flags.out : tiny ? join(tmpdir(), `tfm-tiny-${process.pid}`, 'tfm') : 'models/tfm');
const modelsDir = resolve(typeof flags['models-dir'] === 'string' ? flags['models-dir'] : join(outDir, '..'));
const evalTasks = tiny ? 4 : 48;
const initFile = typeof flags.init === 'string' ? resolve(flags.init) : null;
const initBytes = initFile ? new Uint8Array(readFileSync(initFile)) : null;
// forge.json records the start weights relative to its own folder: an absolute path would name one machine's checkout
const init = initFile && initBytes ? { file: relative(outDir, initFile), sha256: createHash('sha256').update(initBytes).digest('hex'), note: typeof flags['init-note'] === 'string' ? flags['init-note'] : '' } : null;
// --layers grows the start weights' depth (function-preserving, grow.ts); their config.json sits beside them
const startConfig: TfmConfig = initFile ? configFromJson(JSON.parse(readFileSync(join(dirname(initFile), 'config.json'), 'utf8'))) : baseConfig;
const config: TfmConfig = { ...startConfig, nLayer: num('layers', startConfig.nLayer) };
const grown = initBytes !== null && config.nLayer !== startConfig.nLayer;

function hostParams(params: ArrRecord): HostParams {
  return new Map(Object.entries(params).map(([k, a]) => [k, { data: readF32(a), shape: [...a.shape] }]));
}

interface CurvePoint { step: number; loss: number; lr: number; gradNorm: number; seconds: number }

async function main(): Promise<void> {
  const engine = await initEngine();
  mkdirSync(outDir, { recursive: true });
  console.log(`tfm forge: ${tfmParamCount(config)} params, ${steps} steps, out ${outDir}, engine ${engine.device}`);
  const baselines = await syntheticBaselines(evalTasks, tiny, evalPriorVersion);
  console.log('held-out synthetic baselines', JSON.stringify(baselines));
  const start = initBytes ? decodeTfmWeights(initBytes) : initTfmParams(config, seed);
  const state = initTfmTrainState(toEngineParams(config, grown ? growTfmDepth(startConfig, start, config, seed) : start));
  const step = makeTfmTrainStep(config, optim);
  const predict = makeTfmPredict(config);
  const rng = makeRng(seed + 17);
  const curve: CurvePoint[] = [];
  const evals: (SyntheticEval & { step: number })[] = [];
  const t0 = performance.now();
  let acc = { loss: 0, grad: 0, n: 0 };
  let stopped = 'completed';

  const checkpoint = (final: boolean): void => {
    writeFileSync(join(outDir, 'model.safetensors'), encodeTfmWeights(config, hostParams(state.params)));
    writeFileSync(join(outDir, 'config.json'), `${JSON.stringify(configJson(config), null, 2)}\n`);
    writeFileSync(join(outDir, 'forge.json'), `${JSON.stringify({
      id: 'tfm', final, recipe: { config, optimizer: optim, buckets: BUCKETS, steps, stepsDone: state.step, seed, priorVersion, queryCopies: priorVersion === 3 ? queryCopies : undefined, evalPriorVersion, taskSeeds: 'step·64 + b + 1 + seed·1,000,003 (train), 3e9 + i (held-out)', init, grownFromLayers: grown ? startConfig.nLayer : undefined, stopped },
      prior: priorVersion === 3 ? PRIOR_V3_DESCRIPTION : priorVersion === 2 ? PRIOR_V2_DESCRIPTION : PRIOR_DESCRIPTION,
      training: { seconds: Math.round((performance.now() - t0) / 1000), machine: { cpu: cpus()[0]?.model ?? 'unknown', cores: cpus().length, node: process.version, engine: `@jax-js/jax ${engine.device} (single thread)` }, lossCurve: curve },
      evaluation: { heldOutSynthetic: { tasks: evalTasks, baselines, model: evals } },
    }, null, 1)}\n`);
  };

  for (let s = 0; s < steps; s++) {
    let u = rng.next();
    const bucket = BUCKETS.find((b) => (u -= b.p) < 0) ?? BUCKETS[BUCKETS.length - 1];
    const batch = priorBatch(s * 64 + 1 + seed * 1_000_003, bucket.B, bucket.Nc, bucket.Nq, config.maxFeatures, config.maxClasses, priorVersion, priorVersion === 3 ? queryCopies : undefined);
    const st = step.run(state, batch);
    if (!Number.isFinite(st.loss)) throw new Error(`loss became ${st.loss} at step ${s}`);
    acc = { loss: acc.loss + st.loss, grad: acc.grad + st.gradNorm, n: acc.n + 1 };
    const seconds = (performance.now() - t0) / 1000;
    if ((s + 1) % 25 === 0 || s === steps - 1) {
      curve.push({ step: s + 1, loss: +(acc.loss / acc.n).toFixed(5), lr: +st.lr.toExponential(3), gradNorm: +(acc.grad / acc.n).toFixed(4), seconds: Math.round(seconds) });
      console.log(`step ${s + 1}/${steps} loss ${(acc.loss / acc.n).toFixed(4)} |g| ${(acc.grad / acc.n).toFixed(3)} lr ${st.lr.toExponential(2)} ${seconds.toFixed(0)} s`);
      acc = { loss: 0, grad: 0, n: 0 };
    }
    const outOfTime = seconds > maxMinutes * 60;
    if ((s + 1) % evalEvery === 0 || s === steps - 1 || outOfTime) {
      const e = evalSynthetic((b) => predict.run(state.params, b), evalTasks, tiny, evalPriorVersion);
      evals.push({ step: s + 1, ...e });
      console.log(`eval @${s + 1}: ${JSON.stringify(e)}`);
      checkpoint(false);
    }
    if (outOfTime) { stopped = `time limit (${maxMinutes} min) at step ${s + 1}`; break; }
  }
  checkpoint(true);
  step.dispose();
  predict.dispose();
  disposeTfmTrainState(state);
  release(null);
  if (flags['no-export'] === true) return; // weights only (e.g. runs on a machine without onnxruntime-node)
  const { exportTfm } = await import('./export');
  await exportTfm({ dir: outDir, modelsDir, updateManifestFile: flags['no-manifest'] !== true && !tiny });
}

/** config.json: the TfmConfig plus the ONNX contract a loader needs without reading the graph. */
function configJson(c: TfmConfig): Record<string, unknown> {
  return {
    model_type: 'workbench-tfm', architectures: ['PriorFittedNetwork'], ...c,
    onnx: {
      file: 'onnx/model.onnx',
      inputs: { x_context: 'float32 [1, n_ctx, n_feat]', y_context: 'int64 [1, n_ctx] class ids 0..9', x_query: 'float32 [1, n_query, n_feat]' },
      outputs: { probs: 'float32 [1, n_query, 10]' },
      limits: { maxContext: TFM_LIMITS.maxContext, maxFeatures: c.maxFeatures, maxClasses: c.maxClasses },
      rules: [
        'n_ctx, n_query and n_feat (1..32) are dynamic; features are not padded by the caller: the graph uses the first n_feat rows of its input projections, which equals zero-padding to 32 slots',
        'NaN marks a missing value: the graph standardises each feature by the mean/sd of the observed context values, sets missing entries to 0 and feeds a missing indicator',
        'classes absent from y_context get probability 0 (masking rule; no num_classes input): a caller with k classes reads columns 0..k-1, which sum to 1',
        'inputs need no standardisation (the graph does it per task from the context); rows are exchangeable: no positional information',
      ],
    },
  };
}

main().catch((e: unknown) => { console.error(e); process.exit(1); });
