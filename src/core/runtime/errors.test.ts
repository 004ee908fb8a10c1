// Errors keep code, remedy and class name across the worker boundary, and ORT messages map to named errors.
import { describe, expect, it } from 'vitest';
import { ALLOW_REMOTE_LABEL, classifyOrtError, InputMismatchError, RemoteDisabledError, reviveRuntimeError, serializeRuntimeError, DeviceLostError } from './errors';

describe('runtime errors', () => {
  it('round-trip through structured clone with code, remedy and problems', () => {
    const e = new InputMismatchError(["missing input 'x'"]);
    const back = reviveRuntimeError(structuredClone(serializeRuntimeError(e)));
    expect(back).toBeInstanceOf(Error);
    expect(back).toMatchObject({ name: 'InputMismatchError', code: 'INPUT_MISMATCH', remedy: e.remedy, message: e.message, problems: ["missing input 'x'"] });
  });

  it.each([
    ['Device was lost: reason "destroyed"', 'webgpu', 'DEVICE_LOST'],
    ['Failed to allocate memory for requested buffer of size 1073741824', 'wasm', 'OUT_OF_MEMORY'],
    ['Aborted(). Cannot enlarge memory arrays to size 4294967296 bytes', 'wasm', 'OUT_OF_MEMORY'],
    ["Protobuf parsing failed.", 'cpu', 'CORRUPT_MODEL'],
    ['Error No Op registered for Foo with domain_version of 17', 'cpu', 'UNSUPPORTED_MODEL'],
    ['something unusual', 'cpu', 'RUN_FAILED'],
  ])('classifies "%s" on %s as %s', (msg, provider, code) => {
    expect(classifyOrtError(new Error(msg), { provider }).code).toBe(code);
  });

  it('leaves errors that are already named alone', () => {
    const e = new DeviceLostError('x');
    expect(classifyOrtError(e, { provider: 'webgpu' })).toBe(e);
  });

  it('RemoteDisabledError names every place that has the allow-remote box: the Models page and the ALIGNBEAM pair card', () => {
    const remedy = new RemoteDisabledError('org/name').remedy;
    expect(remedy).toContain(`"${ALLOW_REMOTE_LABEL}"`);
    expect(remedy).toMatch(/Models page/);
    expect(remedy).toMatch(/ALIGNBEAM.*pair card/);
  });
});
