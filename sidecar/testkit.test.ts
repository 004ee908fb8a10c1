// The sidecar test launcher (testkit.ts startSidecar): started means ready line + /api/health 200; its start limit
// scales with load or comes from SIDECAR_START_TIMEOUT_MS; a sidecar that dies or never gets ready fails with an
// error naming which, carrying its stderr tail, and one that never gets ready is killed.
import { rm } from 'node:fs/promises';
import { afterAll, describe, expect, it } from 'vitest';
import { outputTail, SIDECAR_START_BASE_MS, SidecarStartError, sidecarStartLimitMs, startSidecar, tmpWorkspace } from './testkit';

const dirs: string[] = [];
afterAll(() => Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))));
const workspace = async () => {
  const d = await tmpWorkspace('sidecar-start-');
  dirs.push(d);
  return d;
};

describe('sidecarStartLimitMs', () => {
  it('scales the base limit by load per core, never below the base', () => {
    expect(sidecarStartLimitMs({}, 0.5, 2)).toBe(SIDECAR_START_BASE_MS);
    expect(sidecarStartLimitMs({}, 17, 2)).toBe(SIDECAR_START_BASE_MS * 8.5);
  });
  it('SIDECAR_START_TIMEOUT_MS overrides it; a non-positive or non-numeric value is refused by name', () => {
    expect(sidecarStartLimitMs({ SIDECAR_START_TIMEOUT_MS: '900000' }, 17, 2)).toBe(900_000);
    expect(() => sidecarStartLimitMs({ SIDECAR_START_TIMEOUT_MS: 'soon' })).toThrow(/SIDECAR_START_TIMEOUT_MS.*"soon"/);
    expect(() => sidecarStartLimitMs({ SIDECAR_START_TIMEOUT_MS: '0' })).toThrow(SidecarStartError);
  });
});

describe('outputTail', () => {
  it('keeps the last lines, then the last characters', () => {
    const text = Array.from({ length: 100 }, (_, i) => `line ${i}`).join('\n') + '\n';
    expect(outputTail(text, 3)).toBe('line 97\nline 98\nline 99');
    expect(outputTail('x'.repeat(50), 30, 10)).toBe(`…${'x'.repeat(10)}`);
  });
});

describe('startSidecar', () => {
  it('resolves once the ready line is printed and /api/health answers with the token', async () => {
    const s = await startSidecar(await workspace());
    try {
      const res = await fetch(`${s.url}/api/health`, { headers: { authorization: `Bearer ${s.token}` } });
      expect(res.status).toBe(200);
    } finally {
      await s.kill();
    }
  }, 180_000);

  it('a sidecar that exits before it is ready: the error says so and carries its stderr', async () => {
    const err = await startSidecar(await workspace(), ['--port', '70000']).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SidecarStartError);
    expect((err as Error).message).toMatch(/exited \(2\) before it was ready[\s\S]*stderr \(tail\)[\s\S]*--port must be 0\.\.65535, got 70000/);
  }, 180_000);

  it('a sidecar that never gets ready is killed at the limit; the error names the limit and carries its stderr', async () => {
    // an --import that logs, then never lets main.ts run (the interval keeps the process alive)
    const stall = 'data:text/javascript,console.error("stalled before the sidecar could start");setInterval(()=>{},1e9);await new Promise(()=>{})';
    const err = await startSidecar(await workspace(), [], ['--import', stall], 3000).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SidecarStartError);
    const message = (err as Error).message;
    expect(message).toMatch(/not ready within 3000 ms[\s\S]*SIDECAR_START_TIMEOUT_MS[\s\S]*stalled before the sidecar could start/);
    const pid = Number(/pid (\d+)/.exec(message)?.[1]);
    expect(pid).toBeGreaterThan(0);
    expect(() => process.kill(pid, 0), 'the stalled sidecar was killed').toThrow();
  }, 180_000);
});
