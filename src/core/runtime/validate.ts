// Checks feeds against a session's input metadata before running: ORT's own errors name neither the input nor
// the expected shape, and a wrong dtype on WebGPU can surface as a device error far from its cause.
import { InputMismatchError } from './errors';
import { elementCount, type Feeds } from './tensor';

export interface InputMeta {
  name: string;
  /** 'unknown' for non-tensor inputs or types this runtime does not name. */
  dtype: string;
  /** Numbers are fixed, strings are symbolic (must agree across inputs), undefined = any shape. */
  dims: (number | string)[] | undefined;
}

const fmt = (dims: readonly (number | string)[]) => `[${dims.join(',')}]`;

/** Throws InputMismatchError listing every problem (missing, unexpected, dtype, rank, dim, data length). */
export function validateFeeds(feeds: Feeds, inputs: readonly InputMeta[]): void {
  const problems: string[] = [];
  const symbols = new Map<string, { value: number; from: string }>();
  const expected = new Set(inputs.map((i) => i.name));
  for (const name of Object.keys(feeds)) {
    if (!expected.has(name)) problems.push(`unexpected input '${name}' (model inputs: ${[...expected].join(', ')})`);
  }
  for (const meta of inputs) {
    const t = feeds[meta.name];
    if (!t) { problems.push(`missing input '${meta.name}'`); continue; }
    if (meta.dtype !== 'unknown' && t.type !== meta.dtype) problems.push(`'${meta.name}' has dtype ${t.type}, model expects ${meta.dtype}`);
    if (t.dims.some((d) => !Number.isInteger(d) || d < 0)) { problems.push(`'${meta.name}' has invalid dims ${fmt(t.dims)}`); continue; }
    if (elementCount(t.dims) !== t.data.length) {
      problems.push(`'${meta.name}' has ${t.data.length} values for dims ${fmt(t.dims)} (${elementCount(t.dims)})`);
    }
    if (!meta.dims) continue;
    if (t.dims.length !== meta.dims.length) {
      problems.push(`'${meta.name}' has rank ${t.dims.length} ${fmt(t.dims)}, model expects rank ${meta.dims.length} ${fmt(meta.dims)}`);
      continue;
    }
    meta.dims.forEach((d, i) => {
      const got = t.dims[i];
      if (typeof d === 'number' && d >= 0) {
        if (got !== d) problems.push(`'${meta.name}' dim ${i} is ${got}, model expects ${d} (shape ${fmt(meta.dims!)})`);
      } else if (typeof d === 'string' && d !== '' && d !== '?') {
        const seen = symbols.get(d);
        if (!seen) symbols.set(d, { value: got, from: meta.name });
        else if (seen.value !== got) problems.push(`'${meta.name}' dim ${i} (${d}) is ${got} but '${seen.from}' set ${d}=${seen.value}`);
      }
    });
  }
  if (problems.length > 0) throw new InputMismatchError(problems);
}
