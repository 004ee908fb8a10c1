// The experiment envelope bound to the workbench's module specs: golden envelopes (fixtures/experiments.json) keep
// decoding, bad ones are refused by kind, today's share links (fixtures/links.json) and history entries wrap into
// experiments unchanged, and the runner registry covers every module exactly once (registered or listed as not yet).
import { describe, expect, it } from 'vitest';
import { decodeExperiment, makeExperiment, parseExperimentText, serialiseExperiment, withSeed } from '../core/experiments/envelope';
import { UNREGISTERED_MODULES } from '../core/experiments/runners';
import { createEnsemblesEngine } from '../core/ensembles/api';
import { ensembleLinkDigest } from '../core/experiments/runners/ensembles';
import { reportDigest } from '../features/ensembles/useEnsemblesRun';
import { SPEC_CATALOGUE, experimentFromEntry, experimentFromLink, workbenchRunners } from './experiments';
import { parseHistoryFile } from './historyFormat';
import { encodeLink } from './linkCodec';
import { MODULE_IDS } from './modules';
import { modulesWithSpecs, specFor } from './specs';
import links from './fixtures/links.json';
import golden from './fixtures/experiments.json';
import { refusal } from './experimentTestKit';


describe('experiment envelope', () => {
  it.each(golden.decodes)('golden envelope "$name" decodes', ({ raw, expected }) => {
    const experiment = decodeExperiment(raw, SPEC_CATALOGUE);
    expect(experiment).toMatchObject(expected);
    // decoding is idempotent: a decoded experiment decodes to itself
    expect(decodeExperiment(experiment, SPEC_CATALOGUE)).toEqual(experiment);
  });

  it.each(golden.refusals)('golden refusal "$name" is refused as $kind', ({ raw, kind, message }) => {
    const e = refusal(() => decodeExperiment(raw, SPEC_CATALOGUE));
    expect(e.kind).toBe(kind);
    expect(e.message).toContain(message);
    expect(e.remedy.length).toBeGreaterThan(20);
  });

  it.each(modulesWithSpecs())('round-trips the default %s spec through text, and a new seed reaches the module spec', (module) => {
    const def = specFor(module)!;
    const experiment = makeExperiment(module, def.clamp(def.schema.parse({})), SPEC_CATALOGUE, 'defaults');
    expect(parseExperimentText(serialiseExperiment(experiment), SPEC_CATALOGUE)).toEqual(experiment);
    const reseeded = withSeed(experiment, 99, SPEC_CATALOGUE);
    expect(reseeded.seed).toBe(99);
    if ('seed' in experiment.spec) expect(reseeded.spec.seed).toBe(99);
  });

  it('refuses text that is not JSON, and a non-object', () => {
    expect(refusal(() => parseExperimentText('{nope', SPEC_CATALOGUE)).kind).toBe('invalid-spec');
    expect(refusal(() => decodeExperiment([1, 2], SPEC_CATALOGUE)).kind).toBe('invalid-spec');
  });
});

describe("today's links and history entries as experiments", () => {
  it.each(links.fixtures)('golden link "$name" wraps into an experiment with the same spec', ({ hash, expected }) => {
    const wrapped = experimentFromLink(hash)!;
    expect(wrapped.experiment.spec).toEqual(expected);
    expect(wrapped.experiment.seed).toBe((expected as { seed?: number }).seed ?? 1234);
    // and back: the experiment's spec encodes to a link that decodes to it again
    expect(experimentFromLink(encodeLink(wrapped.experiment.module as 'tabular', wrapped.experiment.spec))!.experiment).toEqual({ ...wrapped.experiment });
  });

  it('keeps a link digest beside the experiment, and plain navigation is no experiment', () => {
    const spec = specFor('ensembles')!.schema.parse({ seed: 9 });
    expect(experimentFromLink(encodeLink('ensembles', spec, 'a'.repeat(64)))).toMatchObject({ digest: 'a'.repeat(64), experiment: { seed: 9 } });
    expect(experimentFromLink('#/ensembles')).toBeUndefined();
  });

  it('an old history entry (spec version 0, no record) opens as an experiment', () => {
    const old = { id: 'o', module: 'ensembles', specVersion: 0, spec: { metric: 'log_loss', seed: 4 }, title: 'old', createdAt: '2025-05-01T00:00:00Z' };
    const [entry] = parseHistoryFile(JSON.stringify({ format: 'workbench-history', version: 1, entries: [old] }));
    expect(entry.record).toBeUndefined();
    expect(experimentFromEntry(entry)).toMatchObject({ module: 'ensembles', seed: 4, title: 'old', spec: { metric: 'logloss' } });
  });
});

describe('runner registry', () => {
  it('every module is either registered or listed as not yet registered, never both', () => {
    const registered = workbenchRunners().modules();
    expect(registered).toEqual(['alignbeam', 'circuits', 'ensembles', 'tabular']);
    expect([...registered, ...UNREGISTERED_MODULES].sort()).toEqual([...MODULE_IDS].sort());
    const e = refusal(() => workbenchRunners().get('edits'));
    expect(e.kind).toBe('no-runner');
    expect(e.message).toContain('registered: alignbeam, circuits, ensembles, tabular');
  });

  it("the ensembles runner's link digest is the panel's (so a record checks a share link's digest)", async () => {
    const engine = createEnsemblesEngine();
    await engine.loadSyntheticPool({ datasets: 4, rowsOof: 60, rowsTest: 60, seed: 2 });
    const report = await engine.analyse({ strategies: ['best-single', 'avg-uniform', 'caruana'] });
    expect(ensembleLinkDigest(report)).toBe(await reportDigest(report));
  });
});
