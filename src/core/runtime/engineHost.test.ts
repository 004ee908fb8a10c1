// One job in flight per engine, in call order; busy refusal; cancellation of queued and running jobs; and the
// terminate-and-recreate path for a worker that never answers.
import { describe, expect, it } from 'vitest';
import { EngineHost, RestartableWorker } from './engineHost';

function deferred<T = void>() {
  let resolve!: (v: T) => void;
  const promise = new Promise<T>((r) => { resolve = r; });
  return { promise, resolve };
}

describe('EngineHost', () => {
  it('runs one job at a time, in call order', async () => {
    const host = new EngineHost();
    const log: string[] = [];
    let active = 0;
    const job = (name: string) => async () => {
      active++;
      log.push(`start ${name} (${active} active)`);
      await new Promise((r) => setTimeout(r, 1));
      active--;
      return name;
    };
    const results = await Promise.all(['a', 'b', 'c'].map((n) => host.run(n, job(n))));
    expect(results).toEqual(['a', 'b', 'c']);
    expect(log).toEqual(['start a (1 active)', 'start b (1 active)', 'start c (1 active)']);
  });

  it('keeps running after a failing job', async () => {
    const host = new EngineHost();
    const failed = host.run('bad', async () => { throw new Error('boom'); });
    await expect(failed).rejects.toThrow('boom');
    await expect(host.run('good', async () => 42)).resolves.toBe(42);
  });

  it("refuses with EngineBusyError in 'reject' mode while a job runs", async () => {
    const host = new EngineHost('reject');
    const gate = deferred();
    const first = host.run('generate', () => gate.promise);
    await expect(host.run('second', async () => 1)).rejects.toMatchObject({ code: 'ENGINE_BUSY', message: expect.stringContaining('"generate"') });
    gate.resolve();
    await first;
    await expect(host.run('third', async () => 3)).resolves.toBe(3);
  });

  it('cancel aborts the running job through its signal and drops queued jobs before they start', async () => {
    const host = new EngineHost();
    const started: string[] = [];
    const running = host.run('loop', async (signal) => {
      started.push('loop');
      while (!signal.aborted) await new Promise((r) => setTimeout(r, 1));
      return 'stopped early';
    });
    const queued = host.run('later', async () => { started.push('later'); });
    await new Promise((r) => setTimeout(r, 5));
    expect(host.current).toBe('loop');
    host.cancel();
    const [r1, r2] = await Promise.allSettled([running, queued]);
    expect(r1).toMatchObject({ status: 'rejected', reason: { code: 'CANCELLED' } });
    expect(r2).toMatchObject({ status: 'rejected', reason: { code: 'CANCELLED' } });
    expect(started).toEqual(['loop']);
    await expect(host.run('after', async () => 'fine')).resolves.toBe('fine');
  });

  it('an external AbortSignal cancels one job only', async () => {
    const host = new EngineHost();
    const ac = new AbortController();
    ac.abort();
    await expect(host.run('x', async () => 1, { signal: ac.signal })).rejects.toMatchObject({ code: 'CANCELLED' });
    await expect(host.run('y', async () => 2)).resolves.toBe(2);
  });
});

describe('RestartableWorker', () => {
  it('terminates a worker stuck in a call, rejects the call, and starts a fresh worker next time', async () => {
    const terminated: number[] = [];
    let created = 0;
    const rw = new RestartableWorker(() => {
      const id = created++;
      return { worker: { terminate: () => terminated.push(id) }, api: { id, hang: () => new Promise<never>(() => undefined), ping: async () => `pong ${id}` } };
    });
    const ac = new AbortController();
    const stuck = rw.call((api) => api.hang(), { signal: ac.signal, label: 'Training' });
    ac.abort();
    await expect(stuck).rejects.toMatchObject({ code: 'CANCELLED', message: 'Training was cancelled' });
    expect(terminated).toEqual([0]);
    expect(rw.generation).toBe(1);
    await expect(rw.call((api) => api.ping())).resolves.toBe('pong 1');
  });
});
