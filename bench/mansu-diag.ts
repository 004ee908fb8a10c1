// Diagnostic for MANSU's retain drop across seeds (issue #20): per seed, MANSU's training with the floor off, then
// the floor applied to that same trained update in variants, each scored by held-out forget / retain NLL. Prints
// the per-step losses. Not a bench of record: it writes /tmp/mansu-diag-<seeds>.json.
//   nice npx tsx bench/mansu-diag.ts [seeds=0,1,2]
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fromF32, readF32, release, type ArrRecord } from '../src/core/lab';
import { DEFAULT_CORPUS_OPTIONS, generateCorpus } from '../models/forge/corpus/generate';
import { DEFAULT_MANSU_OPTIONS, floorUpdate, runMansu } from '../src/core/edits/unlearn/mansuPipeline';
import { bnbLinearWeights } from '../src/core/edits/unlearn/quantEval';
import { forgeUnlearnData, loadUnlearnModelFolder } from '../src/core/edits/unlearn/runNode';
import { encode, makeEvaluator } from '../src/core/edits/unlearn/trainer';

const ROOT = new URL('..', import.meta.url).pathname;
const seeds = (process.argv[2] ?? '0,1,2').split(',').map(Number);
// 'floor': the floor variants on the unguarded training; 'guard[:maxRise[:backoff]]': MANSU with the retain guard
const mode = process.argv[3] ?? 'floor';

async function main(): Promise<void> {
  const model = await loadUnlearnModelFolder(join(ROOT, 'models/target'));
  const { data } = await forgeUnlearnData({ forgetTopic: 'poison', forgetSize: 64, retainSize: 256, seed: 0 });
  const benignPrompts = generateCorpus(DEFAULT_CORPUS_OPTIONS).examples.filter((e) => e.split === 'train' && (e.category === 'task' || e.category === 'chat')).map((e) => e.prompt);
  const ev = { forget: encode(model, data.evalForget), retain: encode(model, data.evalRetain), trainRetain: encode(model, data.retain.slice(-48)) };
  const T = Math.min(model.maxPositions, Math.max(...Object.values(ev).flat().map((e) => e.tokens.length)) - 1);
  const evalFn = makeEvaluator(model, T, model.tokenizer.padId ?? 0);
  const nll = (p: ArrRecord) => ({ f: evalFn(p, ev.forget), r: evalFn(p, ev.retain), tr: evalFn(p, ev.trainRetain) });
  const base = nll(model.params);
  console.log('base', base);
  const linear = new Set(bnbLinearWeights(model));
  const out: unknown[] = [];
  for (const seed of seeds) {
    if (mode.startsWith('guard')) {
      const [, maxRise, backoff] = mode.split(':');
      const retainGuard = { enabled: true, ...(maxRise ? { maxRise: Number(maxRise) } : {}), ...(backoff ? { backoff: Number(backoff) } : {}) };
      const r = await runMansu(model, data, { objective: { ...DEFAULT_MANSU_OPTIONS.objective, seed, batchSize: 8, checkpointEvery: 20 }, retainGuard }, { benignPrompts });
      const s = nll(r.params);
      release(r.params);
      const losses = r.report.train.losses.map((l) => `${l.forget.toFixed(2)}/${l.retain.toFixed(3)}/${(l.guardNll ?? 0).toFixed(3)}${l.rejected ? 'x' : ''}`).join(' ');
      console.log(`seed ${seed} ${mode} steps forget/retain/guard: ${losses}`);
      console.log(`seed ${seed} ${mode}: forget ${s.f.toFixed(2)} retain ${s.r.toFixed(3)} trainRetain ${s.tr.toFixed(3)} | guard ${JSON.stringify(r.report.retainGuard)} floor ${r.report.floor?.kept}`);
      out.push({ seed, mode, ...s, report: { ...r.report, circuit: null } });
      continue;
    }
    const r = await runMansu(model, data, { objective: { ...DEFAULT_MANSU_OPTIONS.objective, seed, batchSize: 8, checkpointEvery: 20 }, floor: { enabled: false } }, { benignPrompts });
    const losses = r.report.train.losses.map((l) => `${l.forget.toFixed(2)}/${l.retain.toFixed(3)}`).join(' ');
    console.log(`seed ${seed} steps forget/retain: ${losses}`);
    const delta = new Map<string, Float64Array>();
    for (const n of r.report.train.effective.trainable) {
      const e = readF32(r.params[n]);
      const b = readF32(model.params[n]);
      delta.set(n, Float64Array.from(e, (v, i) => v - b[i]));
    }
    const trained = nll(r.params);
    release(r.params);
    const names = [...delta.keys()].filter((n) => linear.has(n));
    const variant = (label: string, keep: number) => {
      const fl = floorUpdate(model, delta, names, { ...DEFAULT_MANSU_OPTIONS.floor, keep });
      const p: ArrRecord = {};
      for (const n of Object.keys(model.params)) {
        const t = fl.tensors.get(n);
        const d = delta.get(n);
        if (t) p[n] = fromF32(t, [...model.params[n].shape]);
        else if (d) p[n] = fromF32(Float32Array.from(readF32(model.params[n]), (v, i) => Math.fround(v + d[i])), [...model.params[n].shape]);
        else p[n] = model.params[n].ref;
      }
      const s = nll(p);
      release(p);
      console.log(`seed ${seed} ${label}: forget ${s.f.toFixed(2)} retain ${s.r.toFixed(3)} trainRetain ${s.tr.toFixed(3)} | floored ${fl.stats.floored}`);
      return { label, ...s, stats: fl.stats };
    };
    console.log(`seed ${seed} trained (no floor): forget ${trained.f.toFixed(2)} retain ${trained.r.toFixed(3)} trainRetain ${trained.tr.toFixed(3)}`);
    out.push({ seed, losses: r.report.train.losses, metrics: r.report.train.metrics, trained, variants: [variant('keep 0.3', 0.3), variant('keep 0.1', 0.1), variant('keep 1', 1)] });
  }
  evalFn.dispose();
  await writeFile(`/tmp/mansu-diag-${seeds.join('')}-${mode}.json`, JSON.stringify({ base, out }, null, 1));
}
main().catch((e: Error) => {
  console.error(`${e.name}: ${e.message}`);
  process.exit(1);
});
