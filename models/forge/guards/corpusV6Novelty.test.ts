// The guard between corpus v6's new edgy items and every evaluation-only suite: no prompt wording of a new v6 item
// (train or held-out family) shares a run of 6 words with a hand-written prompt (models/forge/handwritten) or with
// an external suite's prompt (AdvBench, HarmBench val, XSTest in data/llm). The new items were written from general
// knowledge by people who did not read those files; a failure prints OUR sentence (never the suite's wording), so
// whoever rewords it still does not see the suite. Shorter shared runs are counted and printed for the record.
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { HANDWRITTEN_SUITES, parseCsvSuite } from '../../../src/core/alignbeam/suites';
import { NEW_EDGY_V6 } from '../corpus/v6/generateV6';
import { EDGY_ITEMS_V5 } from '../corpus/v5/generateV5';

const ROOT = resolve(__dirname, '..', '..', '..');
const words = (text: string): string[] => text.toLowerCase().match(/[a-z0-9]+/g) ?? [];
const grams = (w: readonly string[], n: number): string[] => w.slice(0, Math.max(0, w.length - n + 1)).map((_, i) => w.slice(i, i + n).join(' '));

const handwritten = HANDWRITTEN_SUITES.flatMap((name) =>
  readFileSync(join(ROOT, 'models/forge/handwritten', `${name}.jsonl`), 'utf8').split('\n').filter((l) => l.trim() !== '').map((l) => (JSON.parse(l) as { prompt: string }).prompt));
const external = ['advbench_harmful_behaviors.csv', 'harmbench_behaviors_text_val.csv', 'xstest_prompts.csv'].flatMap((f) =>
  parseCsvSuite(f, readFileSync(join(ROOT, 'data/llm', f), 'utf8')).suite.items.map((it) => it.prompt));
const wordings = NEW_EDGY_V6.flatMap((item) => Object.values(item.families).flatMap((fams) => Object.values(fams).flat()));

describe('corpus v6 new edgy items vs the evaluation-only suites', () => {
  it('at least 60 new items, keys unique and new, each with 3 train families and a held-out one', () => {
    expect(NEW_EDGY_V6.length).toBeGreaterThanOrEqual(60);
    // (v5 itself has one key twice, `overdose-signs`: a v4 item and a v5 one; its draws are pinned, so it stays)
    const keys = NEW_EDGY_V6.map((i) => i.key);
    const v5Keys = new Set(EDGY_ITEMS_V5.map((i) => i.key));
    expect(new Set(keys).size).toBe(keys.length);
    expect(keys.filter((k) => v5Keys.has(k))).toEqual([]);
    for (const item of NEW_EDGY_V6) {
      expect(Object.keys(item.families.train).length, item.key).toBeGreaterThanOrEqual(3);
      expect(Object.keys(item.families.heldout).length, item.key).toBeGreaterThanOrEqual(1);
      const train = new Set(Object.values(item.families.train).flat());
      for (const w of Object.values(item.families.heldout).flat()) expect(train.has(w), `${item.key}: a held-out wording is also a train one`).toBe(false);
    }
  });

  for (const [name, suite] of [['hand-written', handwritten], ['external (AdvBench, HarmBench val, XSTest)', external]] as const) {
    it(`no new v6 wording shares a 6-word run with the ${name} suite`, () => {
      expect(suite.length).toBeGreaterThan(100);
      const suiteGrams = (n: number) => new Set(suite.flatMap((p) => grams(words(p), n)));
      const shared = (n: number) => { const g = suiteGrams(n); return wordings.filter((w) => grams(words(w), n).some((x) => g.has(x))); };
      console.log(`v6 new edgy wordings (${wordings.length}) sharing a run with the ${name} suite: 6 words ${shared(6).length}, 5 words ${shared(5).length}, 4 words ${shared(4).length}`);
      expect(shared(6), 'reword these v6 sentences (written by us)').toEqual([]);
    });
  }
});
