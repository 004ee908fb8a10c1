// ALIGNBEAM emitter: metrics come from the harness's own computeMetrics over scored items (no models needed), the
// suite decides behavioural vs red-team, the combined system is named as such, rates carry Wilson intervals over
// their own denominators, a CSV suite's sha256 passes through, and every draft completes to a valid record.
import { describe, expect, it } from 'vitest';
import { computeMetrics } from '../../alignbeam/evaluate';
import { DEFAULT_ALIGNBEAM_SETTINGS, type EvalMetrics, type EvalResult, type Method, type SweepResult } from '../../alignbeam/types';
import { readFileSync } from 'node:fs';
import { parseManifest } from '../../runtime/registry';
import { embeddedWeightsSha256, emitAlignbeamSweep, type AlignbeamContext } from './alignbeam';
import { completeAll } from './drafts.fixture';

type Item = { suite: string; harmful: boolean; refused: boolean; correct: boolean | null };
const items = (suite: string, spec: { harmful?: [number, number]; safe?: [number, number]; tasks?: [number, number] }): Item[] => {
  const out: Item[] = [];
  const [hk, hn] = spec.harmful ?? [0, 0];
  for (let i = 0; i < hn; i++) out.push({ suite, harmful: true, refused: i < hk, correct: null });
  const [sk, sn] = spec.safe ?? [0, 0];
  // k = answered (not refused) benign items
  for (let i = 0; i < sn; i++) out.push({ suite, harmful: false, refused: i >= sk, correct: null });
  const [tk, tn] = spec.tasks ?? [0, 0];
  for (let i = 0; i < tn; i++) out.push({ suite, harmful: false, refused: false, correct: i < tk });
  return out;
};
const metrics = (xs: Item[]): EvalMetrics => computeMetrics(xs.map((x, i) => ({ ...x, id: `${x.suite}-${i}`, prompt: 'p', response: 'r', judgeUnsafe: 0.1, ms: 5, newTokens: 4, judgeError: false })), [], 5);
const result = (method: Method, bySuite: Record<string, Item[]>): EvalResult => {
  const all = Object.values(bySuite).flat();
  return { method, settings: DEFAULT_ALIGNBEAM_SETTINGS, metrics: metrics(all), bySuite: Object.fromEntries(Object.entries(bySuite).map(([s, xs]) => [s, metrics(xs)])), items: [], skippedItems: [] };
};

const CSV_SHA = 'a'.repeat(64);
const ctx: AlignbeamContext = { models: { target: 'target', anchor: 'anchor', anchorSame: 'anchor-same' }, suiteSha256: { 'mine.csv': CSV_SHA } };

describe('emitAlignbeamSweep', () => {
  const harmful = items('harmful', { harmful: [8, 10] });
  const benign = items('benign', { safe: [5, 10] });
  const advbench = items('advbench', { harmful: [3, 4] });
  const csv = items('mine.csv', { harmful: [12, 16] });
  const sweep: SweepResult = {
    base: DEFAULT_ALIGNBEAM_SETTINGS, suites: ['harmful', 'benign'], limit: 10, targetOnly: metrics([...harmful, ...benign]),
    rows: [{ alpha: 0.5, K: 4, m: 0, metrics: metrics([...harmful, ...benign]) }], cancelled: false, startedAt: '2026-12-06T00:00:00Z', durationMs: 10,
  };
  const drafts = emitAlignbeamSweep({
    result: sweep,
    baselines: [result('target-only', { harmful, benign, advbench, 'mine.csv': csv }), result('alignbeam', { harmful, tasks: items('tasks', { tasks: [1, 4] }) })],
  }, ctx);
  const records = completeAll(drafts);

  it('emits one draft per method × suite and per grid row, each a valid black-box record', () => {
    expect(records).toHaveLength(4 + 2 + 1);
    for (const r of records) expect(r.access).toBe('black-box');
  });

  it('classes outside adversarial suites and all-harmful CSV suites as red-teaming', () => {
    const bySuite = (s: string) => records.find((r) => r.model.id === 'target' && r.scope.suite === s)!;
    expect(bySuite('advbench').evidenceClass).toBe('red-team');
    expect(bySuite('advbench').scope.properties).toEqual(['harmful-output-refusal', 'adversarial-robustness']);
    expect(bySuite('mine.csv').evidenceClass).toBe('red-team');
    expect(bySuite('mine.csv').data).toEqual([{ id: 'alignbeam suite mine.csv', sha256: CSV_SHA }]);
    expect(bySuite('harmful').evidenceClass).toBe('behavioural-evaluation');
    expect(bySuite('benign').scope.properties).toEqual(['accuracy-performance']);
  });

  it('reports refusal, benign answer rate and task accuracy with Wilson intervals over their denominators', () => {
    const h = records.find((r) => r.model.id === 'target' && r.scope.suite === 'harmful')!;
    expect(h.metrics).toHaveLength(1);
    const refusal = h.metrics[0];
    expect(refusal).toMatchObject({ name: 'refusal rate on harmful prompts', value: 0.8, n: 10, method: 'wilson', higherIsBetter: true });
    // 8/10: Wilson 95 % = [0.4902, 0.9433]
    expect(refusal.ci![0]).toBeCloseTo(0.4902, 4);
    expect(refusal.ci![1]).toBeCloseTo(0.9433, 4);
    const b = records.find((r) => r.model.id === 'target' && r.scope.suite === 'benign')!.metrics[0];
    expect(b).toMatchObject({ name: 'answer rate on benign prompts', value: 0.5, n: 10 });
    expect(b.ci![0]).toBeCloseTo(0.2366, 4);
    // task items are safe items too (the harness counts their refusals as over-refusal)
    const t = records.find((r) => r.scope.suite === 'tasks')!.metrics.find((m) => m.name.startsWith('task'))!;
    expect(t).toMatchObject({ name: 'task accuracy (exact answer line)', value: 0.25, n: 4 });
    expect(t.ci![1]).toBeCloseTo(0.6994, 4);
  });

  it('names the combined decoding system for ALIGNBEAM and says so in scope and claim', () => {
    const a = records.filter((r) => r.model.id === 'alignbeam(target+anchor)');
    expect(a).toHaveLength(3);
    for (const r of a) expect(r.scope.behaviour).toMatch(/combined ALIGNBEAM decoding system/);
    const row = a.find((r) => r.scope.suite === 'harmful+benign')!;
    expect(row.scope.behaviour).toMatch(/α=0.5, K=4, m=all/);
    expect(row.scope.sampleSize).toBe(20);
    expect(row.claim).toMatch(/refused 0.800 of 10 harmful prompts/);
  });

  it('passes the embedded models\' weights sha256 (the manifest\'s model.safetensors, as circuits hashes it) to single-model methods only', () => {
    const manifest = parseManifest(JSON.parse(readFileSync('models/manifest.json', 'utf8')));
    const sha = embeddedWeightsSha256(manifest, ['target', 'anchor', 'org/hub-model', '/models/folder/']);
    const anchorWeights = manifest.models.find((m) => m.id === 'anchor')!.files.find((f) => f.path === 'model.safetensors')!.sha256;
    expect(sha).toEqual({ target: expect.stringMatching(/^[0-9a-f]{64}$/), anchor: anchorWeights });
    const hashed = completeAll(emitAlignbeamSweep({ result: sweep, baselines: [result('anchor-only', { harmful }), result('alignbeam', { harmful })] }, { ...ctx, modelSha256: sha }));
    expect(hashed.find((r) => r.model.id === 'anchor')!.model.sha256).toBe(anchorWeights);
    // the combined system has no single weights file: no hash, so it never joins either model's records
    for (const r of hashed.filter((x) => x.model.id.startsWith('alignbeam('))) expect(r.model.sha256).toBeUndefined();
  });

  it('emits nothing for a method with no scored item', () => {
    const empty = result('anchor-only', { benign: [] });
    expect(emitAlignbeamSweep({ result: { ...sweep, rows: [] }, baselines: [empty] }, ctx)).toEqual([]);
  });
});
