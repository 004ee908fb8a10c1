// safetensors round trip and the rejection of every malformed-header case, with the reason in the message.
import { describe, expect, it } from 'vitest';
import { decodeToF32, encodeFromF32 } from './dtypes';
import { bytesSource, encodeHeader, MAX_TENSORS_PER_FILE, readHeader, readTensorChunks, serialize } from './safetensors';

const f32 = (xs: number[]) => encodeFromF32('F32', Float32Array.from(xs));

function fileWithHeader(header: unknown, dataBytes: number, lengthOverride?: bigint): Uint8Array {
  const json = new TextEncoder().encode(typeof header === 'string' ? header : JSON.stringify(header));
  const out = new Uint8Array(8 + json.byteLength + dataBytes);
  new DataView(out.buffer).setBigUint64(0, lengthOverride ?? BigInt(json.byteLength), true);
  out.set(json, 8);
  return out;
}

async function rejects(bytes: Uint8Array): Promise<string> {
  try {
    await readHeader(bytesSource(bytes), 'x.safetensors');
  } catch (e) {
    expect((e as Error).name).toBe('SafetensorsFormatError');
    return (e as Error).message;
  }
  throw new Error('header was accepted');
}

describe('safetensors', () => {
  it('round-trips tensors of every dtype, metadata and chunked reads', async () => {
    const a = Float32Array.from({ length: 10 }, (_, i) => i * 0.5 - 2);
    const file = serialize([
      { name: 'a', dtype: 'F16', shape: [2, 5], data: encodeFromF32('F16', a) },
      { name: 'b', dtype: 'BF16', shape: [10], data: encodeFromF32('BF16', a) },
      { name: 'c', dtype: 'F32', shape: [10], data: encodeFromF32('F32', a) },
      { name: 'd', dtype: 'I8', shape: [3], data: new Uint8Array([255, 0, 7]) },
      { name: 'e', dtype: 'U8', shape: [0], data: new Uint8Array(0) },
    ], { format: 'pt' });
    const h = await readHeader(bytesSource(file), 'f');
    expect(h.dataStart % 8).toBe(0);
    expect(h.metadata).toEqual({ format: 'pt' });
    expect(h.tensors.map((t) => [t.name, t.dtype, t.shape])).toEqual([
      ['a', 'F16', [2, 5]], ['b', 'BF16', [10]], ['c', 'F32', [10]], ['d', 'I8', [3]], ['e', 'U8', [0]],
    ]);
    for (const t of h.tensors.slice(0, 3)) {
      const parts: number[] = [];
      for await (const c of readTensorChunks(bytesSource(file), t, 3)) parts.push(...decodeToF32(t.dtype, c.bytes));
      expect(parts).toEqual([...a]);
    }
    expect([...decodeToF32('I8', file.subarray(h.tensors[3].begin, h.tensors[3].end))]).toEqual([-1, 0, 7]);
  });

  const good = { __metadata__: { k: 'v' }, w: { dtype: 'F32', shape: [2], data_offsets: [0, 8] } };
  const cases: [string, () => Uint8Array, RegExp][] = [
    ['file shorter than 8 bytes', () => new Uint8Array(5), /shorter than the 8-byte/],
    ['zero header length', () => fileWithHeader(good, 8, 0n), /header length is 0/],
    ['header length above 100 MB', () => fileWithHeader(good, 8, 200_000_000n), /exceeds the 100000000-byte limit/],
    ['header length past end of file', () => fileWithHeader(good, 8, 10_000n), /runs past the end/],
    ['invalid UTF-8', () => { const f = fileWithHeader(good, 8); f[12] = 0xff; return f; }, /not valid UTF-8/],
    ['not starting with {', () => fileWithHeader(' {}', 0), /does not start with/],
    ['not JSON', () => fileWithHeader('{"w": ', 0), /not valid JSON/],
    ['entry that is not an object', () => fileWithHeader('{"a":1}', 0), /entry "a" is not an object/],
    ['metadata not strings', () => fileWithHeader({ ...good, __metadata__: { k: 1 } }, 8), /__metadata__\.k is not a string/],
    ['unknown dtype', () => fileWithHeader({ w: { dtype: 'F64', shape: [1], data_offsets: [0, 8] } }, 8), /dtype "F64"; supported: F32, F16, BF16, I8, U8/],
    ['negative shape', () => fileWithHeader({ w: { dtype: 'F32', shape: [-2], data_offsets: [0, 8] } }, 8), /invalid shape/],
    ['bad offsets', () => fileWithHeader({ w: { dtype: 'F32', shape: [2], data_offsets: [0] } }, 8), /invalid data_offsets/],
    ['begin after end', () => fileWithHeader({ w: { dtype: 'F32', shape: [0], data_offsets: [8, 0] } }, 8), /begin 8 > end 0/],
    ['tensor past data section', () => fileWithHeader({ w: { dtype: 'F32', shape: [4], data_offsets: [0, 16] } }, 8), /past the 8-byte data section/],
    ['size mismatch with shape', () => fileWithHeader({ w: { dtype: 'F32', shape: [3], data_offsets: [0, 8] } }, 8), /spans 8 bytes but shape \[3\] x F32 needs 12/],
    ['overlapping tensors', () => fileWithHeader({ a: { dtype: 'F32', shape: [2], data_offsets: [0, 8] }, b: { dtype: 'F32', shape: [2], data_offsets: [4, 12] } }, 12), /"b" overlaps tensor "a"/],
    ['hole between tensors', () => fileWithHeader({ a: { dtype: 'F32', shape: [1], data_offsets: [0, 4] }, b: { dtype: 'F32', shape: [1], data_offsets: [8, 12] } }, 12), /hole of 4 bytes before tensor "b"/],
    ['trailing bytes', () => fileWithHeader(good, 12), /4 trailing bytes/],
    ['empty tensor name', () => fileWithHeader({ '': { dtype: 'F32', shape: [2], data_offsets: [0, 8] } }, 8), /empty tensor name/],
  ];
  for (const [what, make, msg] of cases) {
    it(`rejects ${what}`, async () => {
      expect(await rejects(make())).toMatch(msg);
    });
  }

  it('accepts the well-formed variant of those files', async () => {
    const f = fileWithHeader(good, 8);
    f.set(f32([1, 2]), f.byteLength - 8);
    expect((await readHeader(bytesSource(f), 'ok')).tensors[0].end).toBe(f.byteLength);
  });

  it('pads headers to 8 bytes with spaces', () => {
    const { bytes } = encodeHeader([{ name: 'abc', dtype: 'U8', shape: [1] }]);
    expect(bytes.byteLength % 8).toBe(0);
    expect(bytes[bytes.byteLength - 1]).toBe(0x20);
  });

  it('round-trips tensor names and metadata keys that are Object.prototype members', async () => {
    const names = ['__proto__', 'constructor', 'toString', 'hasOwnProperty', '__defineGetter__'];
    const file = serialize(names.map((name, i) => ({ name, dtype: 'F32' as const, shape: [2], data: f32([i, -i]) })), { ['__proto__']: 'p', constructor: 'c' });
    const h = await readHeader(bytesSource(file), 'proto.safetensors');
    expect(h.tensors.map((t) => t.name)).toEqual(names);
    expect(h.tensors[0].end - h.tensors[0].begin).toBe(8);
    expect(h.tensors.map((t) => [...decodeToF32('F32', file.subarray(t.begin, t.end))])).toEqual(names.map((_, i) => [i, -i]));
    expect(Object.entries(h.metadata)).toEqual([['__proto__', 'p'], ['constructor', 'c']]);
  });

  it(`refuses a header of more than ${MAX_TENSORS_PER_FILE} tensors quickly, before parsing its JSON`, async () => {
    const n = 300_000;
    const parts = ['{'];
    for (let i = 0; i < n; i++) parts.push(`${i ? ',' : ''}"t.${i}":{"dtype":"U8","shape":[1],"data_offsets":[${i},${i + 1}]}`);
    parts.push('}');
    const file = fileWithHeader(parts.join(''), n);
    const t0 = performance.now();
    expect(await rejects(file)).toMatch(/lists more than 100000 tensors.*shard/);
    expect(performance.now() - t0).toBeLessThan(1000);
  });
});
