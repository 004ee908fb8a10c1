// The parser turns every kind of bad file into the named error before ORT sees it, and reads a good file's
// interface (initializers listed as inputs by old exporters are not feeds).
import { describe, expect, it } from 'vitest';
import { GraphBuilder } from './builder';
import { parseOnnxModel } from './parse';

const good = new GraphBuilder({ opset: 17 }).input('x', 'float32', ['n', 8]).initializer('w', new Float32Array(64).fill(0.5), [8, 8])
  .node('MatMul', ['x', 'w'], ['y']).output('y').toBytes();
const text = (s: string) => new TextEncoder().encode(s);

describe('parseOnnxModel', () => {
  it('reads inputs, outputs, opsets and ops', () => {
    expect(parseOnnxModel(good)).toMatchObject({
      irVersion: 8, opsets: [{ domain: '', version: 17 }], inputs: [{ name: 'x', dtype: 'float32', dims: ['n', 8] }],
      outputs: [{ name: 'y', dtype: 'float32', dims: ['n', 8] }], opTypes: ['MatMul'], initializerCount: 1, usesExternalData: false,
    });
  });

  it.each([
    ['an empty file', new Uint8Array(0), 'CORRUPT_MODEL', 'empty'],
    ['a truncated file', good.subarray(0, good.length - 200), 'CORRUPT_MODEL', 'protobuf decode failed'],
    ['a file cut after the header', good.subarray(0, 2), 'CORRUPT_MODEL', ''],
    ['random bytes', Uint8Array.from({ length: 256 }, (_, i) => (i * 97 + 13) & 255), 'CORRUPT_MODEL', 'wrong magic'],
    ['an HTML page', text('  <!DOCTYPE html><html><head></head></html>'), 'MODEL_NOT_FOUND', 'HTML page'],
    ['a Git LFS pointer', text('version https://git-lfs.github.com/spec/v1\noid sha256:abc\nsize 123\n'), 'CORRUPT_MODEL', 'git lfs pull'],
    ['a JSON file', text('{"model_type":"gpt2"}'), 'CORRUPT_MODEL', 'JSON'],
  ])('rejects %s', (_label, bytes, code, msg) => {
    expect(() => parseOnnxModel(bytes, 'm.onnx')).toThrow(expect.objectContaining({ code, message: expect.stringContaining(msg) }));
  });

  it('rejects opsets newer than this ORT and custom domains as UnsupportedModelError', () => {
    const future = new GraphBuilder({ opset: 99 }).input('x', 'float32', [1]).node('Relu', ['x'], ['y']).output('y').toBytes();
    expect(() => parseOnnxModel(future)).toThrow(expect.objectContaining({ code: 'UNSUPPORTED_MODEL', message: expect.stringContaining('opset 99') }));
    const custom = new GraphBuilder().input('x', 'float32', [1]).node('Foo', ['x'], ['y'], {}, { domain: 'my.ops' }).output('y', 'float32', [1]).toBytes();
    expect(() => parseOnnxModel(custom)).toThrow(expect.objectContaining({ code: 'UNSUPPORTED_MODEL', message: expect.stringContaining("custom op domain 'my.ops'") }));
  });
});
