// The curation models' data (issue #22) and, when committed, the models themselves: the fact sheets are seeded
// and keep held-out names and phrasings out of train; every generator target parses and copies the chunk's
// numbers; grounding pairs are balanced and their labels hold by construction (a changed number is absent from the
// evidence, an abstain pair's evidence never names the claim's entity); every sequence fits the context; and each
// committed model re-runs its held-out sample from the committed files and must reproduce forge.json's counts.
// A warm-started run's initFrom (train.ts --init) survives export into forge.json.
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseGeneratorOutput } from '../../../src/core/curation/prompts';
import { loadCausalLMFolder } from '../../../src/core/lm/causalLmNode';
import { readManifest } from '../../../src/core/runtime/registryNode';
import { loadFamilyTokenizer, MODELS_DIR } from '../train/data';
import { FOOD_SENTENCES, generateSheets, SENTENCES, type FactSheet } from './factSheets';
import { evaluateGenerator, evaluateGrounding, heldoutGenerator, heldoutGrounding, lexicalFaithfulness } from './evaluate';
import { writeSafetensors } from '../safetensors';
import { CURATION_SAMPLE_LIMIT, curationForgeRecord, type CurationTrainMeta } from './export';
import { CURATION_MODEL_IDS, CURATION_RECIPES } from './recipes';
import { generatorExamples, groundingExamples, QUESTIONS } from './trainingData';
import { curationTrainingData, initFromRecord } from './train';

const small = { seed: 2201, train: 300, heldout: 60 };

describe('fact sheets', () => {
  const a = generateSheets(small);
  it('are seeded: same options → same sheets, another seed → other sheets', () => {
    expect(generateSheets(small)).toEqual(a);
    expect(generateSheets({ ...small, seed: 9 }).train.map((s) => s.text)).not.toEqual(a.train.map((s) => s.text));
  });
  it('keep held-out entity names and the held-out sentence shape of each kind out of train', () => {
    const trainNames = new Set(a.train.map((s) => s.entity));
    expect(a.heldout.filter((s) => trainNames.has(s.entity))).toEqual([]);
    // the last template of each kind, with a marker entity, must never be how a train sentence was written
    const heldShapes = [...Object.values(SENTENCES), FOOD_SENTENCES.with, FOOD_SENTENCES.without].map((tpls) => tpls[tpls.length - 1]);
    const trainFacts = a.train.flatMap((s) => s.facts);
    for (const f of trainFacts) for (const shape of heldShapes) expect(f.sentence).not.toBe(shape(f.entity, f.values));
    const heldSentences = a.heldout.flatMap((s) => s.facts).filter((f) => heldShapes.some((shape) => f.sentence === shape(f.entity, f.values)));
    expect(heldSentences.length).toBeGreaterThan(0);
  });
  it('state every fact inside the chunk text', () => {
    for (const s of [...a.train, ...a.heldout]) for (const f of s.facts) expect(s.text).toContain(f.sentence);
  });
});

const numbers = (s: string) => s.match(/\d+/g) ?? [];

describe('generator data', () => {
  const { train } = generateSheets(small);
  const ex = generatorExamples(train, 1, 2);
  it('targets parse and answer from the chunk (numbers, entity, one fact)', () => {
    expect(ex.length).toBeGreaterThan(train.length);
    for (const e of ex) {
      const p = parseGeneratorOutput(e.target);
      expect(p.ok).toBe(true);
      const sheet = train.find((s) => s.id === e.sheetId) as FactSheet;
      if (!p.ok) continue;
      const c = lexicalFaithfulness(sheet.text, sheet.facts, sheet.entity, p.instruction, p.response);
      expect(c, `${e.target} / ${sheet.text}`).toEqual({ numbersInChunk: true, wordsInChunk: true, questionNamesEntity: true, answersOneFact: true });
    }
  });
  it('train questions never use the held-out question shape', () => {
    for (const e of ex) expect(e.question).not.toBe(QUESTIONS[e.fact.kind][QUESTIONS[e.fact.kind].length - 1](e.fact.entity, e.fact.values, e.fact.withFood));
  });
});

describe('grounding data', () => {
  const { train } = generateSheets(small);
  const ex = groundingExamples(train, 2, 3);
  it('is balanced over the three labels, with number changes the largest share of unsupported', () => {
    const count = (f: (e: (typeof ex)[number]) => boolean) => ex.filter(f).length;
    expect([count((e) => e.label === 'supported'), count((e) => e.label === 'unsupported'), count((e) => e.label === 'abstain')]).toEqual([300, 300, 300]);
    expect(count((e) => e.how === 'number')).toBeGreaterThan(count((e) => e.label === 'unsupported') * 0.4);
    for (const how of ['absent', 'fabricated', 'contradiction', 'other-sheet', 'none']) expect(count((e) => e.how === how), how).toBeGreaterThan(5);
  });
  it('labels hold by construction', () => {
    for (const e of ex) {
      const evNums = new Set(numbers(e.evidence));
      if (e.how.startsWith('supported')) expect(numbers(e.claim).every((n) => evNums.has(n)), e.claim).toBe(true);
      if (e.how === 'number') expect(numbers(e.claim).some((n) => !evNums.has(n)), e.claim).toBe(true);
      const sheet = train.find((s) => s.id === e.sheetId) as FactSheet;
      if (e.label === 'abstain') expect(e.evidence.includes(sheet.entity)).toBe(false);
      else expect(e.evidence).toBe(sheet.text);
    }
  });
});

describe('sequences fit the recipes', () => {
  it.each(['curation-grounding', 'curation-gen-s'] as const)('%s: every training sequence ≤ nCtx, prompt-only loss', async (id) => {
    const r = CURATION_RECIPES[id];
    const tok = await loadFamilyTokenizer(r.family);
    const d = curationTrainingData(r, tok);
    expect(Math.max(...d.sequences.map((s) => s.ids.length))).toBeLessThanOrEqual(r.shape.nCtx);
    expect(d.sequences.every((s) => s.responseStart > 0 && s.responseStart < s.ids.length)).toBe(true);
    // held-out items fit too (their phrasings can be longer)
    const held = r.role === 'grounding' ? heldoutGrounding().map((e) => tok.encodeChat(e.prompt, e.label)) : heldoutGenerator().map((e) => tok.encodeChat(e.prompt, e.target));
    expect(Math.max(...held.map((s) => s.ids.length))).toBeLessThanOrEqual(r.shape.nCtx);
  }, 60_000);
});

for (const id of CURATION_MODEL_IDS) {
  const dir = join(MODELS_DIR, id);
  const present = existsSync(join(dir, 'forge.json'));
  if (!present) console.warn(`SKIP models/${id}: not trained yet (models/forge/curation/train.ts, then export.ts)`);
  describe.skipIf(!present)(`committed curation model ${id}`, () => {
    it('is registered with its files, ≤ 8 MB of weights, and re-runs its held-out sample exactly', async () => {
      const forge = JSON.parse(readFileSync(join(dir, 'forge.json'), 'utf8')) as {
        sizes: { onnxBytes: number; safetensorsBytes: number }; recipe: { role: string }; parity: { greedyEqual: boolean; logitsMaxAbsDiff: number };
        evaluation: { sample: Record<string, unknown> & { limit: number } };
      };
      expect(forge.sizes.safetensorsBytes).toBeLessThanOrEqual(8 * 1024 * 1024);
      expect(forge.parity.greedyEqual).toBe(true);
      expect(forge.parity.logitsMaxAbsDiff).toBeLessThan(1e-4);
      const manifest = await readManifest(join(MODELS_DIR, 'manifest.json'));
      expect(manifest.models.find((m) => m.id === id)?.files.map((f) => f.path)).toEqual(expect.arrayContaining(['model.safetensors', 'onnx/model.onnx', 'tokenizer.json', 'forge.json']));
      const lm = await loadCausalLMFolder(dir);
      try {
        const { examples: _e, ...sample } = forge.recipe.role === 'grounding'
          ? await evaluateGrounding(lm, heldoutGrounding(CURATION_SAMPLE_LIMIT))
          : await evaluateGenerator(lm, heldoutGenerator(CURATION_SAMPLE_LIMIT));
        expect(forge.evaluation.sample.limit).toBe(CURATION_SAMPLE_LIMIT);
        const { limit: _l, ...recorded } = forge.evaluation.sample;
        expect(JSON.parse(JSON.stringify(sample))).toEqual(recorded);
      } finally {
        await lm.dispose();
      }
    }, 120_000);
  });
}

describe.skipIf(!existsSync(join(MODELS_DIR, 'curation-grounding', 'forge.json')))('the grounding model records its warm start', () => {
  it('forge.json names curation-gen-l, whose committed shape is the grounding model\'s and whose weights hash it quotes', async () => {
    const forge = JSON.parse(readFileSync(join(MODELS_DIR, 'curation-grounding', 'forge.json'), 'utf8')) as {
      training: { initFrom?: { model: string; weights: string; command: string } }; config: Record<string, unknown>;
    };
    const init = forge.training.initFrom;
    expect(init?.model).toBe('curation-gen-l');
    expect(init!.command).toMatch(/--init \S*curation-gen-l\.safetensors --arch-of curation-gen-l/);
    const genl = JSON.parse(readFileSync(join(MODELS_DIR, 'curation-gen-l', 'config.json'), 'utf8')) as Record<string, unknown>;
    for (const k of ['hidden_size', 'intermediate_size', 'num_hidden_layers', 'num_attention_heads', 'num_key_value_heads', 'head_dim', 'vocab_size', 'tie_word_embeddings']) {
      expect(forge.config[k], k).toEqual(genl[k]);
    }
    const manifest = await readManifest(join(MODELS_DIR, 'manifest.json'));
    const weights = manifest.models.find((m) => m.id === 'curation-gen-l')!.files.find((f) => f.path === 'model.safetensors')!;
    expect(init!.weights).toContain(weights.sha256);
  });
});

describe('export keeps a warm start', () => {
  // a train.json as train.ts writes it for `train.ts curation-grounding --steps 3 --init <dir>/curation-gen-l.safetensors
  // --arch-of curation-gen-l` (a real two-tensor safetensors file stands in for gen-l's weights; no model is trained)
  const cr = CURATION_RECIPES['curation-grounding'];
  const data = { hash: 'h', examples: 2, sequences: [{ ids: [1, 2], responseStart: 1 }, { ids: [1, 3], responseStart: 1 }] };
  const trainJson = (initFrom: unknown): CurationTrainMeta => JSON.parse(JSON.stringify({
    recipe: { ...cr, steps: 3, initFrom }, dataHash: 'h', examples: 2, steps: 3, tokensSeen: 48, wallSeconds: 1, cpuSeconds: 1, machine: 'test', curve: [{ step: 1, loss: 7 }],
  })) as CurationTrainMeta;
  const training = (meta: CurationTrainMeta) => curationForgeRecord('curation-grounding', cr, {}, data, meta).training as Record<string, unknown>;

  it('writes forge.json training.initFrom naming the source model, its weights hash and the command', () => {
    const dir = mkdtempSync(join(tmpdir(), 'curation-init-'));
    try {
      const path = join(dir, 'curation-gen-l.safetensors');
      const bytes = writeSafetensors(new Map([['a', { data: new Float32Array([1, 2]), shape: [2] }], ['b', { data: new Float32Array([3]), shape: [1] }]]));
      writeFileSync(path, bytes);
      const args = ['curation-grounding', '--steps', '3', '--init', path, '--arch-of', 'curation-gen-l'];
      const init = initFromRecord(path, new Uint8Array(readFileSync(path)), args);
      const t = training(trainJson(init));
      expect(t.initFrom).toEqual(init);
      const sha = createHash('sha256').update(bytes).digest('hex');
      expect(t.initFrom).toMatchObject({ model: 'curation-gen-l', sha256: sha, archOf: 'curation-gen-l' });
      expect((t.initFrom as { weights: string }).weights).toContain(sha);
      // the same command shape the committed grounding model's hand-added record has
      expect((t.initFrom as { command: string }).command).toMatch(/train\.ts curation-grounding .*--init \S*curation-gen-l\.safetensors --arch-of curation-gen-l/);
      expect(Object.keys(t).slice(0, 2)).toEqual(['steps', 'initFrom']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
  it('a run from scratch records no initFrom; a bare path from an older train.json is kept as the weights', () => {
    expect(training(trainJson(null))).not.toHaveProperty('initFrom');
    expect(training(trainJson('/tmp/w/curation-gen-l.safetensors')).initFrom).toMatchObject({ weights: '/tmp/w/curation-gen-l.safetensors' });
  });
});
