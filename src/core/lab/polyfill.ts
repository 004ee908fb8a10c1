// Node 20 gaps that @jax-js/jax 0.1.25 trips over (FACTS.md): iterator helpers (`matchAll(...).map` inside
// `np.einsum` / `nn.dotProductAttention`) and the `Float16Array` global (`np.array(typedArray)` tests
// `instanceof Float16Array`). Installed once, only where missing, so browsers and newer Node keep their own.

type AnyIterator = Iterator<unknown> & { [Symbol.iterator](): AnyIterator };

/** The shared %IteratorPrototype% that every built-in iterator (array, string, regexp-match) inherits from. */
const iteratorProto = Object.getPrototypeOf(Object.getPrototypeOf([][Symbol.iterator]())) as Record<string, unknown>;

function* mapGen(it: AnyIterator, fn: (v: unknown, i: number) => unknown): Generator<unknown> {
  let i = 0;
  for (let r = it.next(); !r.done; r = it.next()) yield fn(r.value, i++);
}

function* filterGen(it: AnyIterator, fn: (v: unknown, i: number) => unknown): Generator<unknown> {
  let i = 0;
  for (let r = it.next(); !r.done; r = it.next()) if (fn(r.value, i++)) yield r.value;
}

/** Installs the polyfills; returns the names that were missing (for the engine's start-up report). */
export function installPolyfills(): string[] {
  const added: string[] = [];
  if (typeof iteratorProto.map !== 'function') {
    Object.defineProperty(iteratorProto, 'map', {
      configurable: true, writable: true,
      value(this: AnyIterator, fn: (v: unknown, i: number) => unknown) { return mapGen(this, fn); },
    });
    added.push('Iterator.prototype.map');
  }
  if (typeof iteratorProto.filter !== 'function') {
    Object.defineProperty(iteratorProto, 'filter', {
      configurable: true, writable: true,
      value(this: AnyIterator, fn: (v: unknown, i: number) => unknown) { return filterGen(this, fn); },
    });
    added.push('Iterator.prototype.filter');
  }
  if (typeof iteratorProto.toArray !== 'function') {
    Object.defineProperty(iteratorProto, 'toArray', {
      configurable: true, writable: true,
      value(this: AnyIterator) { return Array.from({ [Symbol.iterator]: () => this }); },
    });
    added.push('Iterator.prototype.toArray');
  }
  const g = globalThis as Record<string, unknown>;
  if (typeof g.Float16Array === 'undefined') {
    // Only `instanceof` checks must work; building a float16 buffer on such a runtime is a real gap and says so.
    g.Float16Array = class Float16ArrayUnavailable {
      constructor() {
        throw new Error('float16 arrays need Float16Array (Node >= 22 or a current browser); use float32 here.');
      }
    };
    added.push('Float16Array (instanceof stub)');
  }
  return added;
}
