// The background sha256 equals node:crypto's over the same stream: small streams hashed in line, big ones
// on the helper thread, with the caller reusing its buffer after each update and a digest read mid-stream.
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { BackgroundSha256 } from './backgroundHash';

describe('BackgroundSha256', () => {
  it('matches createHash for a small stream (no thread) and a big one (thread), mid-stream digests included', async () => {
    for (const chunks of [3, 40]) {
      const h = new BackgroundSha256();
      const want = createHash('sha256');
      const buf = Buffer.alloc(1 << 20);
      let mid = '';
      for (let k = 0; k < chunks; k++) {
        buf.fill(k * 7 + 1);
        buf[k] = 255 - k;
        await h.update(buf.subarray(0, buf.length - k));
        want.update(buf.subarray(0, buf.length - k));
        if (k === 1) {
          mid = await h.digest();
          expect(mid).toBe(want.copy().digest('hex'));
        }
      }
      expect(await h.digest()).toBe(want.digest('hex'));
      h.close();
      expect(mid).toMatch(/^[0-9a-f]{64}$/);
    }
  });

  it('fails a digest asked after close', async () => {
    const h = new BackgroundSha256();
    await h.update(new Uint8Array(8 << 20));
    h.close();
    await expect(h.digest()).rejects.toThrow(/stopped/);
  });
});
