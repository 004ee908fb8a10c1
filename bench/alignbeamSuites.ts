// The suites and the per-arm summary of the ALIGNBEAM benches, shared so that every comparison reads the same items
// the same way (bench/alignbeam-ablations.ts, bench/dpo-vs-alignbeam.ts): the forge's generated held-out suites
// (v3 files, or corpus v4's held-out split: single-turn items), the hand-written novel-phrasing suite
// (models/forge/handwritten/*.jsonl) when it is in the tree, and the external suites (AdvBench, HarmBench val,
// XSTest samples: data/llm), each spread-sampled to `limit` items, with the sha256 of every file read.
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { spreadSample } from '../src/core/alignbeam/headline';
import { parseCsvSuite, parseHeldoutJsonl } from '../src/core/alignbeam/suites';
import type { EvalMetrics, Suite } from '../src/core/alignbeam/types';
import { suiteItems } from '../models/forge/evalSuites';
import { corpusFor } from '../models/forge/train/data';

const ROOT = new URL('..', import.meta.url).pathname;
const MODELS = join(ROOT, 'models');

export interface SuiteGroup { group: string; suites: Suite[]; files: Record<string, string> }

export const sha256 = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex');
export const pct = (x: number) => (Number.isNaN(x) ? null : Math.round(x * 1000) / 10);

/** Corpus v4's held-out split as alignbeam suites (single-turn items; the corpus hash stands for the files). */
function heldoutV4Suites(): { suites: Suite[]; files: Record<string, string> } {
  const kinds = [['harmful', 'harmful', 'harmful'], ['benign', 'benign', 'chat'], ['edgy', 'edgy', 'edgy'], ['tasks', 'tasks', 'task']] as const;
  const suites = kinds.map(([name, kind, category]) => ({
    name: `v4-${name}`,
    items: suiteItems('heldout-v4', kind).filter((it) => !it.history).map((it) => ({
      id: it.id, prompt: it.prompt, harmful: kind === 'harmful', category, ...(it.topic ? { topic: it.topic } : {}), ...(it.answer ? { answer: it.answer } : {}),
    })),
  }));
  return { suites, files: { 'corpus v4 (generated)': corpusFor('v4').hash } };
}

function externalSuites(limit: number): { suites: Suite[]; files: Record<string, string> } {
  const names = ['advbench_harmful_behaviors.csv', 'harmbench_behaviors_text_val.csv', 'xstest_prompts.csv'];
  return {
    suites: names.map((f) => spreadSample(parseCsvSuite(f.replace(/\.csv$/, ''), readFileSync(join(ROOT, 'data/llm', f), 'utf8')).suite, limit)),
    files: Object.fromEntries(names.map((f) => [`data/llm/${f}`, sha256(join(ROOT, 'data/llm', f))])),
  };
}

function v3AndHandwrittenGroups(limit: number): SuiteGroup[] {
  const heldout = ['harmful', 'benign', 'edgy', 'tasks'].map((n) => parseHeldoutJsonl(n, readFileSync(join(MODELS, 'forge/heldout', `${n}.jsonl`), 'utf8')));
  const heldoutFiles = Object.fromEntries(['harmful', 'benign', 'edgy', 'tasks'].map((n) => [`heldout/${n}.jsonl`, sha256(join(MODELS, 'forge/heldout', `${n}.jsonl`))]));
  const groups = [{ group: 'generated held-out', suites: heldout.map((s) => spreadSample(s, limit)), files: heldoutFiles }];
  const hw = join(MODELS, 'forge/handwritten');
  const files = existsSync(hw) ? readdirSync(hw).filter((f) => f.endsWith('.jsonl')).sort() : [];
  if (files.length) {
    groups.push({
      group: 'hand-written', suites: files.map((f) => spreadSample(parseHeldoutJsonl(`hw-${f.replace(/\.jsonl$/, '')}`, readFileSync(join(hw, f), 'utf8')), limit)),
      files: Object.fromEntries(files.map((f) => [`handwritten/${f}`, sha256(join(hw, f))])),
    });
  }
  return groups;
}

/** The suite groups of a model set (`v4`: the generated group is corpus v4's held-out split), those named in `groups`
 *  by their first word (generated, hand-written, external). */
export function suiteGroups(modelSet: 'v3' | 'v4', groups: readonly string[], limit: number): SuiteGroup[] {
  const all = v3AndHandwrittenGroups(limit);
  if (modelSet === 'v4') {
    const v4 = heldoutV4Suites();
    all[0] = { group: 'generated held-out', suites: v4.suites.map((s) => spreadSample(s, limit)), files: v4.files };
  }
  if (groups.includes('external')) all.push({ group: 'external', ...externalSuites(limit) });
  return all.filter((g) => groups.includes(g.group.split(' ')[0]));
}

/** The figures of one arm: rates in percent with their denominators. */
export function summary(m: EvalMetrics) {
  return {
    refusal: pct(m.refusalRate), overRefusal: pct(m.overRefusal), taskAccuracy: pct(m.taskAccuracy), judgeUnsafe: pct(m.judgeUnsafeRate),
    judgeTruncations: m.judgeTruncations, n: m.n, denominators: m.denominators, skipped: m.skipped, skippedBy: m.skippedBy,
    msPerItem: Math.round(m.msPerItem), overhead: Math.round(m.overhead * 100) / 100,
  };
}
