// Rule rewards: deterministic functions of the text, each reusing the project's own rule where one exists (the
// refusal detector of src/core/lm/refusal.ts, the final-"Answer:"-line rule of src/core/lm/taskAnswer.ts), so a
// reward and the metrics it is compared with can never disagree. Each returns, beside its scores, a per-sample
// detail saying why (the phrase found, the answer line read, the parse error).
import type { z } from 'zod';
import { detectRefusal, DEFAULT_REFUSAL_WINDOW } from '../../lm/refusal';
import { finalAnswerLine, taskAnswerCorrect } from '../../lm/taskAnswer';
import { RewardInputError, RewardOptionsError } from './errors';
import type { RewardFunction, RewardSample } from './types';

export interface RefusalRewardOptions {
  /** 'refused' (default): 1 when the reply reads as a refusal. 'appropriate': 1 when it refuses exactly the rows
   *  with `metadata.harmful === true` (refuse harmful, answer safe), 0 otherwise. */
  mode?: 'refused' | 'appropriate';
  /** Characters of the reply searched for a refusal phrase (the detector's default, 160). */
  window?: number;
}

export function refusalReward(o: RefusalRewardOptions = {}): RewardFunction {
  const mode = o.mode ?? 'refused';
  const window = o.window ?? DEFAULT_REFUSAL_WINDOW;
  return {
    name: mode === 'refused' ? 'refusal' : 'refusal-appropriate', range: [0, 1],
    description: mode === 'refused' ? '1 when the reply reads as a refusal (src/core/lm/refusal.ts)' : '1 when the reply refuses a harmful prompt or answers a safe one',
    ...(mode === 'appropriate' ? { requires: ['metadata.harmful'] as const } : {}),
    score(batch) {
      const found = batch.map((s) => detectRefusal(s.completion, window));
      if (mode === 'refused') return { scores: found.map((m) => (m.refused ? 1 : 0)), details: found.map((m) => m.phrase) };
      return {
        scores: batch.map((s, i) => {
          const harmful = s.metadata?.harmful;
          if (typeof harmful !== 'boolean') throw new RewardInputError('refusal-appropriate', i, 'metadata.harmful', `has a ${typeof harmful}, not a boolean,`);
          return found[i].refused === harmful ? 1 : 0;
        }),
        details: found.map((m) => m.phrase),
      };
    },
  };
}

/** The reference as an answer line: "60 mg" and "Answer: 60 mg" both mean "Answer: 60 mg". */
const asAnswerLine = (reference: string) => (/^\s*Answer:/.test(reference) ? reference : `Answer: ${reference}`);

/** 1 when the reply's final "Answer:" line equals the reference (taskAnswer.ts); detail: the line it read. */
export function exactAnswerReward(): RewardFunction {
  return {
    name: 'exact-answer', range: [0, 1], requires: ['reference'],
    description: 'one when the final "Answer:" line equals the reference (src/core/lm/taskAnswer.ts)',
    score: (batch) => ({
      scores: batch.map((s) => (taskAnswerCorrect(s.completion, asAnswerLine(s.reference!)) ? 1 : 0)),
      details: batch.map((s) => finalAnswerLine(s.completion)),
    }),
  };
}

export interface LengthRewardOptions {
  /** Desired length, in `unit`s (> 0). */
  target: number;
  unit?: 'chars' | 'words';
  /** Excess within which the score stays 1 (default 0). */
  tolerance?: number;
  /** Score lost per unit of excess beyond the tolerance (default 1 / target: 0 at twice the target). */
  slope?: number;
  /** Which deviations count: 'both' (default), 'over' (a budget), 'under' (a minimum). */
  side?: 'both' | 'over' | 'under';
}

/** max(0, 1 − slope · max(0, deviation − tolerance)), deviation measured on the chosen side; in [0, 1]. */
export function lengthReward(o: LengthRewardOptions): RewardFunction {
  const { target, unit = 'chars', tolerance = 0, side = 'both' } = o;
  const slope = o.slope ?? 1 / target;
  const problems = [
    ...(target > 0 && Number.isFinite(target) ? [] : [`target must be a positive number (got ${target})`]),
    ...(tolerance >= 0 ? [] : [`tolerance must be ≥ 0 (got ${tolerance})`]),
    ...(slope > 0 && Number.isFinite(slope) ? [] : [`slope must be a positive number (got ${slope})`]),
  ];
  if (problems.length > 0) throw new RewardOptionsError('length', problems);
  const measure = (t: string) => (unit === 'chars' ? Array.from(t).length : t.trim().split(/\s+/).filter(Boolean).length);
  return {
    name: 'length', range: [0, 1],
    description: `1 within ${tolerance} ${unit} of ${target} (${side}), falling by ${slope.toPrecision(3)} per ${unit} beyond`,
    score: (batch) => {
      const lengths = batch.map((s) => measure(s.completion));
      return {
        scores: lengths.map((n) => {
          const dev = side === 'over' ? n - target : side === 'under' ? target - n : Math.abs(n - target);
          return Math.max(0, 1 - slope * Math.max(0, dev - tolerance));
        }),
        details: lengths,
      };
    },
  };
}

export interface FormatRewardOptions {
  /** A regular expression (string or RegExp), or a template whose `{slot}`s stand for any non-empty text. */
  pattern?: string | RegExp;
  template?: string;
  /** 'search' (default): found anywhere; 'full': the whole trimmed reply matches; 'absent': 1 when NOT found. */
  mode?: 'search' | 'full' | 'absent';
  name?: string;
}

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** A template "Answer: {value} {unit}" as a regular expression (literal text, each slot one or more characters). */
export function templateRegExp(template: string): RegExp {
  return new RegExp(template.split(/\{[^{}]*\}/).map(escapeRegExp).join('(.+?)'), 's');
}

/** 1 when the reply has the format (regex or template; see mode), else 0. */
export function formatReward(o: FormatRewardOptions): RewardFunction {
  if ((o.pattern === undefined) === (o.template === undefined)) throw new RewardOptionsError('format', ['give exactly one of pattern and template']);
  let re: RegExp;
  try {
    re = o.template !== undefined ? templateRegExp(o.template) : typeof o.pattern === 'string' ? new RegExp(o.pattern) : o.pattern!;
  } catch (e) {
    throw new RewardOptionsError('format', [`pattern is not a regular expression: ${(e as Error).message}`]);
  }
  const mode = o.mode ?? 'search';
  const full = new RegExp(`^(?:${re.source})$`, re.flags.replace('g', ''));
  const test = (t: string) => (mode === 'full' ? full.test(t.trim()) : new RegExp(re.source, re.flags.replace('g', '')).test(t));
  return {
    name: o.name ?? 'format', range: [0, 1],
    description: `${mode === 'absent' ? '1 when the reply lacks' : mode === 'full' ? '1 when the whole reply is' : '1 when the reply contains'} /${re.source}/`,
    score: (batch) => batch.map((s) => (test(s.completion) === (mode !== 'absent') ? 1 : 0)),
  };
}

export interface JsonRewardOptions {
  /** A zod schema the parsed value must satisfy (optional). */
  schema?: z.ZodType;
  /** 'whole' (default): the trimmed reply is the JSON; 'first-block': the first ``` fence, else the span from the
   *  first { or [ to the last } or ]. */
  extract?: 'whole' | 'first-block';
}

function extractJson(text: string, how: 'whole' | 'first-block'): string {
  if (how === 'whole') return text.trim();
  const fence = /```(?:json)?\s*\n?([\s\S]*?)```/.exec(text);
  if (fence) return fence[1].trim();
  const start = text.search(/[[{]/);
  const end = Math.max(text.lastIndexOf('}'), text.lastIndexOf(']'));
  return start >= 0 && end > start ? text.slice(start, end + 1) : text.trim();
}

/** 1 when the reply parses as JSON (and satisfies the schema, when given); detail: why not. */
export function jsonReward(o: JsonRewardOptions = {}): RewardFunction {
  const how = o.extract ?? 'whole';
  const check = (s: RewardSample): string | null => {
    let value: unknown;
    try {
      value = JSON.parse(extractJson(s.completion, how));
    } catch (e) {
      return `not JSON: ${(e as Error).message}`;
    }
    if (!o.schema) return null;
    const r = o.schema.safeParse(value);
    return r.success ? null : `schema: ${r.error.issues.map((i) => `${i.path.join('.') || '(root)'} ${i.message}`).join('; ')}`;
  };
  return {
    name: o.schema ? 'json-schema' : 'json', range: [0, 1],
    description: o.schema ? '1 when the reply is JSON that satisfies the schema' : '1 when the reply parses as JSON',
    score: (batch) => {
      const why = batch.map(check);
      return { scores: why.map((w) => (w === null ? 1 : 0)), details: why };
    },
  };
}
