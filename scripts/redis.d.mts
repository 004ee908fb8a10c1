// Types of scripts/redis.mjs (a plain Node script, so `node scripts/redis.mjs` runs without tsx).
export interface RedisServer {
  port: number;
  url: string;
  readonly pid: number | undefined;
  /** false once the server process has exited (until a restart starts it again) */
  readonly running: boolean;
  /** SIGTERM: a clean shutdown */
  stop(): Promise<void>;
  /** SIGKILL: a crash */
  kill(): Promise<void>;
  /** stops (or crashes) it and starts it again on the same port and dir */
  restart(options?: { crash?: boolean }): Promise<void>;
}
export function freePort(): Promise<number>;
export function startRedis(options?: { port?: number; dir?: string; timeoutMs?: number; verbose?: boolean }): Promise<RedisServer>;
