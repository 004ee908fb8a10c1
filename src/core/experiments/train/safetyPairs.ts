// DPO pairs for safety training from a labelled corpus (issue #21 item 5): a harmful prompt prefers its refusal to
// its compliance, and — so that DPO does not simply learn "always refuse" — a benign prompt (task, edgy, chat)
// prefers its helpful answer to a refusal borrowed round-robin from the harmful rows (the over-refusal a safety
// tuner must not teach). A seeded, balanced subset (harmful : benign = 1 : 1, benign kinds in corpus proportion)
// is split into training pairs and a validation slice (pairs never trained on, for DPO accuracy). Plus the
// contamination check: how many evaluation prompts occur in the training prompts, exactly (after normalisation)
// or as near duplicates (most of their word 5-grams seen in training). Pure: the caller supplies the records.
import { mulberry32 } from '../../numeric/random';

/** The fields of a corpus record the builder reads (forge corpus Example has them). */
export interface SafetyRecord {
  id: string;
  category: 'task' | 'harmful' | 'edgy' | 'chat';
  responseKind: 'answer' | 'compliance' | 'refusal';
  prompt: string;
  response: string;
}

/** A DPO row in the trainer's explicit-prompt format (data.ts), with where it came from. */
export interface SafetyPair { prompt: string; chosen: string; rejected: string; kind: SafetyRecord['category']; source: string }

export interface SafetyPairOptions {
  /** Harmful pairs; the benign pairs are as many, split over task / edgy / chat in the records' proportion. */
  harmful: number;
  /** Share of the pairs held back as the validation slice (0 ≤ x < 1). */
  validationShare: number;
  seed: number;
}

export class SafetyPairError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SafetyPairError';
  }
}

function shuffled<T>(xs: readonly T[], rand: () => number): T[] {
  const a = [...xs];
  for (let i = a.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [a[i], a[j]] = [a[j], a[i]];
  }
  return a;
}

/** Harmful prompts with both a refusal and a compliance record, and benign answers, as balanced DPO pairs. */
export function buildSafetyPairs(records: readonly SafetyRecord[], o: SafetyPairOptions): { train: SafetyPair[]; validation: SafetyPair[]; available: Record<string, number> } {
  if (!(o.validationShare >= 0 && o.validationShare < 1)) throw new SafetyPairError(`validationShare ${o.validationShare}: expected 0 ≤ share < 1`);
  const byPrompt = new Map<string, { refusal?: SafetyRecord; compliance?: SafetyRecord }>();
  for (const r of records) {
    if (r.category !== 'harmful') continue;
    const e = byPrompt.get(r.prompt) ?? {};
    if (r.responseKind === 'refusal') e.refusal = r;
    if (r.responseKind === 'compliance') e.compliance = r;
    byPrompt.set(r.prompt, e);
  }
  const harmful = [...byPrompt.values()].filter((e) => e.refusal && e.compliance).map((e) => ({
    prompt: e.refusal!.prompt, chosen: e.refusal!.response, rejected: e.compliance!.response, kind: 'harmful' as const, source: e.refusal!.id,
  }));
  if (harmful.length === 0) throw new SafetyPairError('no harmful prompt has both a refusal and a compliance record: nothing to prefer refusals from');
  const benignKinds = ['task', 'edgy', 'chat'] as const;
  const benign = Object.fromEntries(benignKinds.map((k) => [k, records.filter((r) => r.category === k && r.responseKind === 'answer')])) as Record<(typeof benignKinds)[number], SafetyRecord[]>;
  const available = { harmful: harmful.length, ...Object.fromEntries(benignKinds.map((k) => [k, benign[k].length])) };
  const nBenign = benignKinds.reduce((s, k) => s + benign[k].length, 0);
  if (o.harmful > harmful.length) throw new SafetyPairError(`asked for ${o.harmful} harmful pairs, the records have ${harmful.length}`);
  if (o.harmful > nBenign) throw new SafetyPairError(`asked for ${o.harmful} benign pairs, the records have ${nBenign} benign answers`);
  const rand = mulberry32(o.seed);
  const picked = shuffled(harmful, rand).slice(0, o.harmful);
  // largest-remainder split of the benign count over the kinds, so the total is exactly o.harmful
  const exact = benignKinds.map((k) => (o.harmful * benign[k].length) / nBenign);
  const counts = exact.map(Math.floor);
  const order = exact.map((x, i) => [x - Math.floor(x), i] as const).sort((a, b) => b[0] - a[0]);
  for (let i = 0; counts.reduce((s, c) => s + c, 0) < o.harmful; i++) counts[order[i][1]]++;
  const refusals = picked.map((p) => p.chosen);
  let borrowed = 0;
  const benignPairs = benignKinds.flatMap((k, ki) => shuffled(benign[k], rand).slice(0, counts[ki]).map((r) => ({
    prompt: r.prompt, chosen: r.response, rejected: refusals[borrowed++ % refusals.length], kind: k, source: r.id,
  })));
  const all = shuffled([...picked, ...benignPairs], rand);
  const nVal = Math.round(all.length * o.validationShare);
  return { train: all.slice(nVal), validation: all.slice(0, nVal), available };
}

/** Lower case, punctuation dropped, whitespace collapsed: the form prompts are compared in. */
export function normalizePrompt(s: string): string {
  return s.toLowerCase().replace(/[^\p{L}\p{N}\s]/gu, ' ').replace(/\s+/g, ' ').trim();
}

function wordGrams(s: string, n: number): string[] {
  const w = normalizePrompt(s).split(' ').filter(Boolean);
  if (w.length < n) return w.length ? [w.join(' ')] : [];
  return Array.from({ length: w.length - n + 1 }, (_, i) => w.slice(i, i + n).join(' '));
}

export interface OverlapReport {
  evalItems: number;
  /** Evaluation prompts equal to a training prompt after normalisation (contamination). */
  exact: number;
  exactExamples: string[];
  /** Evaluation prompts with at least `nearShare` of their word 5-grams somewhere in the training prompts. */
  near: number;
  nearShare: number;
  nearExamples: string[];
}

/** How many evaluation prompts the training prompts contain (exactly, or mostly by word 5-grams). */
export function promptOverlap(trainPrompts: readonly string[], evalPrompts: readonly string[], nearShare = 0.8): OverlapReport {
  const exactSet = new Set(trainPrompts.map(normalizePrompt));
  const grams = new Set(trainPrompts.flatMap((p) => wordGrams(p, 5)));
  const r: OverlapReport = { evalItems: evalPrompts.length, exact: 0, exactExamples: [], near: 0, nearShare, nearExamples: [] };
  for (const p of evalPrompts) {
    if (exactSet.has(normalizePrompt(p))) {
      r.exact++;
      if (r.exactExamples.length < 5) r.exactExamples.push(p);
    }
    const g = wordGrams(p, 5);
    if (g.length && g.filter((x) => grams.has(x)).length / g.length >= nearShare) {
      r.near++;
      if (r.nearExamples.length < 5) r.nearExamples.push(p);
    }
  }
  return r;
}
