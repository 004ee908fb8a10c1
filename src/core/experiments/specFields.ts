// Every spec field reaches the core call that runs it — checked, not hoped. The public TRL wrappers once dropped
// GRPO's `beta` on the way from the config to the trainer and trained without a KL penalty; nothing failed. Here
// each module declares, per leaf of its spec (a typed map: a field without a route does not compile), the path of
// its plan — the options its runner hands to the core/backend — that the field lands in, or why it lands nowhere
// (presentation only). `checkFieldRoutes` walks every leaf of the module's zod schema, perturbs it to each other
// valid value (decoded like a link: parse → clamp), and reports a routed field whose perturbations never change
// its declared plan path, a "not passed" field that does change the plan, and leaves the declaration and the
// schema disagree on. Pure (zod only): the tests in src/state/experimentFields.test.ts run it per module.
import type { z } from 'zod';

type Leaf = string | number | boolean | null | undefined | readonly unknown[];

/** Dotted paths of the leaves of T (arrays are leaves; union members' fields all count). */
export type SpecPath<T> = T extends Leaf ? never : {
  [K in keyof T & string]-?: NonNullable<T[K]> extends Leaf ? K : `${K}.${SpecPath<NonNullable<T[K]>>}` | (Extract<NonNullable<T[K]>, Leaf> extends never ? never : K)
}[keyof T & string];

export type FieldRoute<S, P> =
  /** the plan paths this field must change; `given` puts the spec where the field matters (e.g. the view that reads it) */
  | { to: SpecPath<P> | SpecPath<P>[]; given?: (spec: S) => S; perturb?: (spec: S) => S[] }
  /** reaches no core call; the reason says why (shown to whoever adds a field) */
  | { notPassed: string; given?: (spec: S) => S };

/** One route per leaf of the spec: the compiler refuses a map that misses a field. */
export type FieldRoutes<S, P> = Record<SpecPath<S>, FieldRoute<S, P>>;

export interface ModuleFields<S, P> {
  module: string;
  schema: z.ZodType<S>;
  clamp?: (spec: S) => S;
  plan: (spec: S) => P;
  routes: FieldRoutes<S, P>;
}

interface ZodDef { type: string; innerType?: z.ZodType; shape?: Record<string, z.ZodType>; options?: z.ZodType[]; entries?: Record<string, unknown>; values?: unknown[]; element?: z.ZodType; in?: z.ZodType }
const defOf = (s: z.ZodType): ZodDef => (s as unknown as { _zod: { def: ZodDef } })._zod.def;

const WRAPPERS = new Set(['default', 'prefault', 'optional', 'nullable', 'readonly', 'catch', 'nonoptional']);

/** The leaves of an object schema: dotted path → the schemas found there (several for a union's branches). */
export function schemaLeaves(schema: z.ZodType, prefix = '', out = new Map<string, z.ZodType[]>()): Map<string, z.ZodType[]> {
  const def = defOf(schema);
  if (WRAPPERS.has(def.type) && def.innerType) return schemaLeaves(def.innerType, prefix, out);
  if (def.type === 'pipe' && def.in) return schemaLeaves(def.in, prefix, out);
  if (def.type === 'object' && def.shape) {
    for (const [key, child] of Object.entries(def.shape)) schemaLeaves(child, prefix ? `${prefix}.${key}` : key, out);
    return out;
  }
  if (def.type === 'union' && def.options?.every((o) => unwrapType(o) === 'object')) {
    for (const option of def.options) schemaLeaves(option, prefix, out);
    return out;
  }
  out.set(prefix, [...(out.get(prefix) ?? []), schema]);
  return out;
}

function unwrapType(s: z.ZodType): string {
  const def = defOf(s);
  return WRAPPERS.has(def.type) && def.innerType ? unwrapType(def.innerType) : def.type;
}

const OTHER_STRINGS = ['perturbed-value', 'a'.repeat(64), 'b'.repeat(64)];

/** Values of `schema` to try in place of `current` (invalid ones are filtered by decoding). */
function candidates(schema: z.ZodType, current: unknown): unknown[] {
  const def = defOf(schema);
  switch (def.type) {
    case 'nullable': return [null, ...candidates(def.innerType!, current)];
    case 'optional': return [undefined, ...candidates(def.innerType!, current)];
    case 'default': case 'prefault': case 'readonly': case 'catch': case 'nonoptional': return candidates(def.innerType!, current);
    case 'pipe': return candidates(def.in!, current);
    case 'enum': return Object.values(def.entries ?? {});
    case 'literal': return def.values ?? [];
    case 'boolean': return [true, false];
    case 'string': return OTHER_STRINGS;
    case 'number': {
      const v = typeof current === 'number' ? current : 1;
      return [v + 1, v - 1, v * 2, v / 2, v + 0.25, 0.5, 3];
    }
    case 'union': return (def.options ?? []).flatMap((o) => candidates(o, current));
    case 'array': {
      const list = Array.isArray(current) ? current : [];
      const others = candidates(def.element!, undefined).filter((e) => !list.includes(e));
      return [list.slice(1), list.slice(0, -1), [...list, ...others.slice(0, 1)], ...others.slice(0, 3).map((e) => [e]), [...list].reverse()];
    }
    default: return [];
  }
}

const getPath = (value: unknown, path: string): unknown =>
  path.split('.').reduce<unknown>((v, k) => (typeof v === 'object' && v !== null ? (v as Record<string, unknown>)[k] : undefined), value);

function setPath<S>(spec: S, path: string, value: unknown): S {
  const copy = structuredClone(spec) as Record<string, unknown>;
  const keys = path.split('.');
  let at = copy;
  for (const k of keys.slice(0, -1)) {
    if (typeof at[k] !== 'object' || at[k] === null) at[k] = {};
    at = at[k] as Record<string, unknown>;
  }
  if (value === undefined) delete at[keys[keys.length - 1]];
  else at[keys[keys.length - 1]] = value;
  return copy as S;
}

const same = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);

/** What a field problem looks like: the path and what is wrong, for the test's failure message. */
export interface FieldProblem { field: string; problem: string }

/** Checks every route of `fields` against its schema and plan; [] when every field reaches where it says. */
export function checkFieldRoutes<S, P>(fields: ModuleFields<S, P>, base: S): FieldProblem[] {
  const problems: FieldProblem[] = [];
  const leaves = schemaLeaves(fields.schema);
  const routes = fields.routes as Record<string, FieldRoute<S, P>>;
  for (const path of leaves.keys()) if (!routes[path]) problems.push({ field: path, problem: 'the spec has this field but no route is declared' });
  for (const path of Object.keys(routes)) if (!leaves.has(path)) problems.push({ field: path, problem: 'a route is declared for a field the spec no longer has' });
  const decode = (spec: S): S | undefined => {
    const parsed = fields.schema.safeParse(spec);
    return parsed.success ? (fields.clamp ? fields.clamp(parsed.data) : parsed.data) : undefined;
  };
  for (const [path, schemas] of leaves) {
    const route = routes[path];
    if (!route) continue;
    const start = route.given ? decode(route.given(base)) : base;
    if (!start) { problems.push({ field: path, problem: '`given` does not decode as a valid spec' }); continue; }
    const tried = 'to' in route && route.perturb ? route.perturb(start)
      : schemas.flatMap((s) => candidates(s, getPath(start, path))).map((v) => setPath(start, path, v));
    const variants = tried.map(decode).filter((s): s is S => s !== undefined && !same(getPath(s, path), getPath(start, path)));
    if (!variants.length) { problems.push({ field: path, problem: 'no valid perturbation survives decoding: give the route a `perturb`' }); continue; }
    const before = fields.plan(start);
    if ('notPassed' in route) {
      if (route.notPassed.trim().length < 20) problems.push({ field: path, problem: 'a field that reaches no core call needs a reason (20+ characters)' });
      const moved = variants.find((v) => !same(fields.plan(v), before));
      if (moved) problems.push({ field: path, problem: `declared as not passed, but changing it to ${JSON.stringify(getPath(moved, path))} changes the plan: declare where it goes` });
      continue;
    }
    for (const target of Array.isArray(route.to) ? route.to : [route.to]) {
      if (!variants.some((v) => !same(getPath(fields.plan(v), target), getPath(before, target)))) {
        problems.push({ field: path, problem: `no change of it (${variants.length} tried, e.g. ${JSON.stringify(getPath(variants[0], path))}) reaches plan.${target}: it is dropped on the way to the core call` });
      }
    }
  }
  return problems;
}
