// The real sidecar process: loopback-only start with a fresh token, Host check, and crash safety: a SIGKILL
// in the middle of writing a ~120 MB output leaves nothing under the output name, the inputs byte-identical,
// and the partial temp folder is swept at the next start.
import { request } from 'node:http';
import { readdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gpt2Specs, readEvents, sha256File, startSidecar, tmpWorkspace, writeBigF16, type RunningSidecar } from './testkit';

let root: string;
const running: RunningSidecar[] = [];

async function start(): Promise<RunningSidecar> {
  const s = await startSidecar(root);
  running.push(s);
  return s;
}

beforeAll(async () => {
  root = await tmpWorkspace('edits-proc-');
  const specs = gpt2Specs(4, 1024, 8192, 'F16');
  // Half bits of small values, varied enough to make every masked delta non-zero.
  const fill = (salt: number) => (t: number, s: number, out: Uint16Array) => {
    for (let i = 0; i < out.length; i++) out[i] = 0x2000 + (Math.imul(s + i, 2654435761 + t + salt) >>> 22) + ((i & 1) << 15);
  };
  await writeBigF16(join(root, 'base.safetensors'), specs, fill(0));
  await writeBigF16(join(root, 'aligned.safetensors'), specs, fill(7));
});

afterAll(async () => {
  await Promise.all(running.map((s) => s.kill()));
  await rm(root, { recursive: true, force: true });
});

describe('sidecar process', () => {
  it('listens on 127.0.0.1 with a token, and refuses a foreign Host header', async () => {
    const s = await start();
    expect(s.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(s.token.length).toBeGreaterThanOrEqual(40);
    const ok = await fetch(`${s.url}/api/health`, { headers: { authorization: `Bearer ${s.token}` } });
    expect(ok.status).toBe(200);
    expect((await fetch(`${s.url}/api/health`)).status).toBe(401);
    const port = Number(new URL(s.url).port);
    const status = await new Promise<number>((resolve, reject) => {
      const r = request({ host: '127.0.0.1', port, path: '/api/health', headers: { host: 'attacker.example', authorization: `Bearer ${s.token}` } }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      r.on('error', reject);
      r.end();
    });
    expect(status).toBe(403);
    await s.kill();
  });

  it('leaves no partial output and intact inputs when SIGKILLed mid-write; the next start sweeps the temp', async () => {
    const before = [await sha256File(join(root, 'base.safetensors')), await sha256File(join(root, 'aligned.safetensors'))];
    const s = await start();
    const auth = { authorization: `Bearer ${s.token}`, 'content-type': 'application/json' };
    const nodes = Object.fromEntries([0, 1, 2, 3].flatMap((l) => [[`a${l}.h0`, true], [`m${l}`, true]]));
    const r = await fetch(`${s.url}/api/jobs/cdelta`, { method: 'POST', headers: auth, body: JSON.stringify({ base: 'base.safetensors', aligned: 'aligned.safetensors', circuitJson: { nodes }, nHeads: 16, outputs: [{ strength: 1, path: 'edited' }] }) });
    expect(r.status).toBe(202);
    const { id } = (await r.json()) as { id: string };
    let partialAtKill: { name: string; bytes: number } | null = null;
    const events = await readEvents(await fetch(`${s.url}/api/jobs/${id}/events`, { headers: auth }), (e) => {
      if (e.type !== 'progress' || (e.fraction as number) < 0.05) return;
      return true;
    });
    const tmp = (await readdir(root)).find((n) => n.startsWith('.edited.partial-'));
    if (tmp) {
      const f = join(root, tmp, 'model.safetensors');
      partialAtKill = { name: tmp, bytes: (await stat(f)).size };
    }
    await s.kill('SIGKILL');
    expect(events.every((e) => e.type === 'progress'), 'job must still be running at kill time').toBe(true);
    expect(partialAtKill, 'a partial output existed when the process was killed').not.toBeNull();
    expect(partialAtKill!.bytes).toBeLessThan((await stat(join(root, 'base.safetensors'))).size);
    await expect(stat(join(root, 'edited'))).rejects.toThrow(/ENOENT/);
    expect([await sha256File(join(root, 'base.safetensors')), await sha256File(join(root, 'aligned.safetensors'))]).toEqual(before);

    const s2 = await start();
    expect(s2.stdout()).toMatch(/removed 1 partial output/);
    expect((await readdir(root)).filter((n) => n.includes('.partial-'))).toEqual([]);
    const list = (await (await fetch(`${s2.url}/api/checkpoints`, { headers: { authorization: `Bearer ${s2.token}` } })).json()) as { checkpoints: { path: string }[] };
    expect(list.checkpoints.map((c) => c.path)).toEqual(['aligned.safetensors', 'base.safetensors']);
    await s2.kill();
  });
});
