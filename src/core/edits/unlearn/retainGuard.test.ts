// MANSU's retain guard (mansuPipeline.ts `retainGuard`, trainer.ts `retainGuard`) on the embedded `target`: an
// update that raises the guard pairs' NLL past the bound is undone and the learning rate backs off, so the run ends
// within the bound where the same run without the guard does not; the floor halves its keep share until the
// floored edit is within the bound (or its tries run out); the guard pairs are spread over the retain set, apart
// from the training pairs; bad guard options are named errors.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { release } from '../../lab';
import { unlearnLrAt, resolveUnlearnConfig } from './config';
import { UnlearnConfigError } from './errors';
import { resolveMansuOptions, retainGuardSplit, runMansu } from './mansuPipeline';
import type { UnlearnModel } from './model';
import { forgeUnlearnData, loadUnlearnModelFolder } from './runNode';
import type { UnlearnData } from './splits';
import { encode, makeEvaluator, runUnlearning } from './trainer';

const ROOT = join(__dirname, '../../../..');
let model: UnlearnModel;
let data: UnlearnData;
let guard: UnlearnData['retain'];
let train: UnlearnData;

beforeAll(async () => {
  model = await loadUnlearnModelFolder(join(ROOT, 'models/target'));
  const s = await forgeUnlearnData({ forgetTopic: 'forgery', forgetSize: 24, retainSize: 64, seed: 0 });
  const ok = (ps: UnlearnData['forget']) => ps.filter((p) => model.tokenizer.encodeChat(p.prompt, p.response).ids.length <= 52);
  data = { forget: ok(s.data.forget), retain: ok(s.data.retain), evalForget: ok(s.data.evalForget).slice(0, 4), evalRetain: ok(s.data.evalRetain).slice(0, 4) };
  const split = retainGuardSplit(data.retain, 8);
  guard = split.guard;
  train = { ...data, retain: split.train };
}, 120_000);
// one evaluator of the guard pairs for the file (built on first use), not one per measurement
let guardEval: { ev: ReturnType<typeof makeEvaluator>; ex: ReturnType<typeof encode> } | undefined;
afterAll(() => {
  guardEval?.ev.dispose();
  release(model?.params);
});

/** The guard pairs' token-mean NLL under `params` (the trainer's evaluator). */
function guardNll(params: Parameters<ReturnType<typeof makeEvaluator>>[0]): number {
  if (!guardEval) {
    const ex = encode(model, guard);
    guardEval = { ex, ev: makeEvaluator(model, Math.min(model.maxPositions, Math.max(...ex.map((e) => e.tokens.length)) - 1), model.tokenizer.padId ?? 0) };
  }
  return guardEval.ev(params, guardEval.ex);
}
/** The base model's guard NLL: measured once (the base params do not change), compared against by three tests. */
let baseGuard: number | undefined;
const baseGuardNll = () => (baseGuard ??= guardNll(model.params));

const config = { method: 'grad_ascent' as const, steps: 5, batchSize: 4, lr: 1e-2, evalSize: 4, checkpointEvery: 5, seed: 0 };

describe('retain guard', () => {
  it('undoes updates that raise the guard NLL past the bound and backs the learning rate off; without it the run goes past', async () => {
    const base = baseGuardNll();
    const maxRise = 0.02;
    const plain = await runUnlearning(model, train, config);
    const plainRise = guardNll(plain.params) - base;
    release(plain.params);
    expect(plainRise).toBeGreaterThan(maxRise); // the run the guard has to stop

    const r = await runUnlearning(model, train, config, { retainGuard: { examples: guard, maxRise, backoff: 0.5 } });
    try {
      expect(guardNll(r.params) - base).toBeLessThanOrEqual(maxRise + 1e-5);
      const logs = r.manifest.losses;
      expect(logs.every((l) => typeof l.guardNll === 'number')).toBe(true);
      expect(logs.some((l) => l.rejected)).toBe(true);
      // each rejection halves the learning rate of every later step
      const c = resolveUnlearnConfig(config);
      let scale = 1;
      for (let i = 0; i < logs.length; i++) {
        expect(logs[i].lr).toBeCloseTo(unlearnLrAt(c, i) * scale, 12);
        if (logs[i].rejected) scale *= 0.5;
        else expect(logs[i].guardNll! - base).toBeLessThanOrEqual(maxRise + 1e-5);
      }
    } finally {
      release(r.params);
    }
  }, 240_000);

  it('backoff 0 stops at the last accepted update: the model equals the base when the first update is rejected', async () => {
    const r = await runUnlearning(model, train, { ...config, lr: 1e-1 }, { retainGuard: { examples: guard, maxRise: 0, backoff: 0 } });
    try {
      expect(r.manifest.losses.length).toBe(1);
      expect(r.manifest.losses[0].rejected).toBe(true);
      expect(guardNll(r.params)).toBeCloseTo(baseGuardNll(), 6);
    } finally {
      release(r.params);
    }
  }, 120_000);

  it('a base NLL handed in (MANSU measures it once, before training) is the one compared against, not measured again', async () => {
    // the run above rejects its first update against the measured base; against a base of 1e9 nats nothing is a rise.
    // 2 steps, not 5: with backoff 0 a rejection ends the run at that step, so a second step logged already shows the
    // first update (the one the measured base rejects) was accepted, and each later step is the same comparison
    const steps = 2;
    const r = await runUnlearning(model, train, { ...config, steps, checkpointEvery: steps, lr: 1e-1 }, { retainGuard: { examples: guard, maxRise: 0, backoff: 0, baseNll: 1e9 } });
    try {
      expect(r.manifest.losses.length).toBe(steps);
      expect(r.manifest.losses.some((l) => l.rejected)).toBe(false);
    } finally {
      release(r.params);
    }
  }, 120_000);

  it('MANSU: the floor halves its keep share while the floored edit raises the guard NLL past the bound', async () => {
    const maxRise = 0.01;
    const r = await runMansu(model, data, {
      objective: { method: 'grad_ascent', steps: 3, batchSize: 4, evalSize: 4, checkpointEvery: 3, lr: 1e-2 },
      circuit: { edges: 12, pairs: 4, igSteps: 2 }, fisher: { examples: 8 }, nullSpace: { examples: 16 },
      // keep 1: every trained change grown past its NF4 midpoint, far more than the guarded training moved
      floor: { keep: 1 }, retainGuard: { enabled: true, holdout: 8, maxRise, floorTries: 3 },
    });
    try {
      const g = r.report.retainGuard!;
      expect(g.holdout).toBe(8);
      expect(g.baseNll).toBeCloseTo(baseGuardNll(), 6);
      const tries = g.floorTries;
      expect(tries.length).toBeGreaterThan(1); // the first floor went past the bound: it backed off
      expect(tries.map((t) => t.keep)).toEqual([1, 0.5, 0.25].slice(0, tries.length));
      for (const t of tries.slice(0, -1)) expect(t.rise).toBeGreaterThan(maxRise);
      const last = tries[tries.length - 1];
      expect(last.rise <= maxRise || tries.length === 3).toBe(true);
      // the result is the last try's edit
      expect(last.rise).toBeCloseTo(guardNll(r.params) - g.baseNll, 6);
      expect(r.report.floor!.zeroed).toBe(r.report.floor!.candidates - Math.ceil(last.keep * r.report.floor!.candidates));
    } finally {
      release(r.params);
    }
  }, 240_000);

  it('guard pairs are spread over the retain set, disjoint from the training pairs; bad options are named errors', () => {
    const xs = Array.from({ length: 100 }, (_, i) => i);
    const s = retainGuardSplit(xs, 10);
    expect(s.guard).toEqual([5, 15, 25, 35, 45, 55, 65, 75, 85, 95]);
    expect(s.train.length).toBe(90);
    expect(s.train.some((x) => s.guard.includes(x))).toBe(false);
    expect(() => retainGuardSplit(xs, 100)).toThrow(UnlearnConfigError);
    expect(resolveMansuOptions().retainGuard.maxRise).toBeGreaterThan(0);
    expect(() => resolveMansuOptions({ retainGuard: { backoff: 1 } })).toThrow(/backoff/);
    expect(() => resolveMansuOptions({ retainGuard: { holdout: 0 } })).toThrow(/holdout/);
    expect(() => resolveMansuOptions({ retainGuard: { maxRise: -1 } })).toThrow(/maxRise/);
    expect(() => resolveMansuOptions({ retainGuard: { floorTries: 0 } })).toThrow(/floorTries/);
    expect(() => resolveMansuOptions({ retainGuard: { holdOut: 8 } as never })).toThrow(/unknown retainGuard option/);
  });
});
