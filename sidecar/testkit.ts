// Helpers shared by the sidecar tests and bench/edits.ts: temp workspaces, checkpoint generators (small ones
// in memory, multi-GB fp16 ones streamed to disk with bounded memory), and a real sidecar process on a
// random loopback port that is always killed. The sidecar counts as started when it has printed its ready line
// and answers /api/health; how long that may take scales with the machine's load (a fixed 30 s once ran out at
// load 17 on a 2-core box), or SIDECAR_START_TIMEOUT_MS sets it.

import { spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdtemp, open, writeFile } from 'node:fs/promises';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { encodeFromF32, type Dtype } from '../src/core/edits/dtypes';
import { encodeHeader, serialize, type TensorSpec } from '../src/core/edits/safetensors';

export function tmpWorkspace(prefix = 'edits-ws-'): Promise<string> {
  return mkdtemp(join(tmpdir(), prefix));
}

/** Deterministic value for (tensor seed, flat index): a cheap hash mapped to [-0.5, 0.5). */
export function pseudo(seed: number, i: number): number {
  let h = Math.imul(i ^ 0x9e3779b9, 0x85ebca6b) ^ Math.imul(seed + 1, 0xc2b2ae35);
  h ^= h >>> 13;
  h = Math.imul(h, 0x27d4eb2f);
  h ^= h >>> 16;
  return (h >>> 0) / 4294967296 - 0.5;
}

export function gpt2Specs(layers: number, d: number, vocab: number, dtype: Dtype = 'F32', prefix = 'transformer.'): TensorSpec[] {
  const s: TensorSpec[] = [{ name: `${prefix}wte.weight`, dtype, shape: [vocab, d] }];
  for (let l = 0; l < layers; l++) {
    const p = `${prefix}h.${l}.`;
    s.push(
      { name: `${p}ln_1.weight`, dtype, shape: [d] },
      { name: `${p}attn.c_attn.weight`, dtype, shape: [d, 3 * d] },
      { name: `${p}attn.c_attn.bias`, dtype, shape: [3 * d] },
      { name: `${p}attn.c_proj.weight`, dtype, shape: [d, d] },
      { name: `${p}attn.c_proj.bias`, dtype, shape: [d] },
      { name: `${p}mlp.c_fc.weight`, dtype, shape: [d, 4 * d] },
      { name: `${p}mlp.c_fc.bias`, dtype, shape: [4 * d] },
      { name: `${p}mlp.c_proj.weight`, dtype, shape: [4 * d, d] },
    );
  }
  return s;
}

export function llamaSpecs(layers: number, d: number, heads: number, kvHeads: number, ffn: number, dtype: Dtype = 'F32'): TensorSpec[] {
  const hd = d / heads;
  const s: TensorSpec[] = [{ name: 'model.embed_tokens.weight', dtype, shape: [32, d] }];
  for (let l = 0; l < layers; l++) {
    const p = `model.layers.${l}.`;
    s.push(
      { name: `${p}self_attn.q_proj.weight`, dtype, shape: [heads * hd, d] },
      { name: `${p}self_attn.k_proj.weight`, dtype, shape: [kvHeads * hd, d] },
      { name: `${p}self_attn.v_proj.weight`, dtype, shape: [kvHeads * hd, d] },
      { name: `${p}self_attn.o_proj.weight`, dtype, shape: [d, heads * hd] },
      { name: `${p}mlp.gate_proj.weight`, dtype, shape: [ffn, d] },
      { name: `${p}mlp.up_proj.weight`, dtype, shape: [ffn, d] },
      { name: `${p}mlp.down_proj.weight`, dtype, shape: [d, ffn] },
      { name: `${p}input_layernorm.weight`, dtype, shape: [d] },
    );
  }
  return s;
}

export type Values = (name: string, i: number) => number;

/** Small checkpoint in memory: values from `f(name, flatIndex)`. */
export function buildCheckpoint(specs: TensorSpec[], f: Values): Uint8Array {
  return serialize(specs.map((s) => {
    const n = s.shape.reduce((a, b) => a * b, 1);
    return { ...s, data: encodeFromF32(s.dtype, Float32Array.from({ length: n }, (_, i) => f(s.name, i))) };
  }));
}

export async function writeModelFolder(dir: string, specs: TensorSpec[], f: Values, config?: object): Promise<void> {
  const { mkdir } = await import('node:fs/promises');
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, 'model.safetensors'), buildCheckpoint(specs, f));
  if (config) await writeFile(join(dir, 'config.json'), JSON.stringify(config));
}

/**
 * Streams a big fp16 checkpoint to disk: chunk by chunk, `fill(tensorIndex, elemStart, out)` writes half
 * bits into `out`. Memory is one chunk whatever the file size.
 */
export async function writeBigF16(path: string, specs: TensorSpec[], fill: (t: number, elemStart: number, out: Uint16Array) => void): Promise<number> {
  const fh = await open(path, 'wx');
  const { bytes } = encodeHeader(specs);
  let pos = 0;
  const put = async (b: Uint8Array) => {
    let off = 0;
    while (off < b.byteLength) off += (await fh.write(b, off, b.byteLength - off, pos + off)).bytesWritten;
    pos += b.byteLength;
  };
  await put(bytes);
  const chunk = new Uint16Array(4 << 20);
  for (let t = 0; t < specs.length; t++) {
    const n = specs[t].shape.reduce((a, b) => a * b, 1);
    for (let s = 0; s < n; s += chunk.length) {
      const part = chunk.subarray(0, Math.min(chunk.length, n - s));
      fill(t, s, part);
      await put(new Uint8Array(part.buffer, 0, part.byteLength));
    }
  }
  await fh.close();
  return pos;
}

export async function sha256File(path: string): Promise<string> {
  const h = createHash('sha256');
  for await (const c of createReadStream(path, { highWaterMark: 8 << 20 })) h.update(c as Buffer);
  return h.digest('hex');
}

export interface RunningSidecar {
  url: string;
  token: string;
  proc: ChildProcess;
  stdout: () => string;
  kill(signal?: NodeJS.Signals): Promise<void>;
}

/** How long a start may take on an idle machine; scaled by load per core (never below this). */
export const SIDECAR_START_BASE_MS = 60_000;

export class SidecarStartError extends Error {
  override name = 'SidecarStartError';
}

/**
 * The start limit: SIDECAR_START_TIMEOUT_MS if set (a positive number of ms, else an error), otherwise
 * SIDECAR_START_BASE_MS × max(1, 1-minute load ÷ cores), so a box running 8 jobs per core waits 8 minutes.
 */
export function sidecarStartLimitMs(env: NodeJS.ProcessEnv = process.env, load = loadavg()[0], cores = availableParallelism()): number {
  const override = env.SIDECAR_START_TIMEOUT_MS;
  if (override !== undefined && override !== '') {
    const ms = Number(override);
    if (!(ms > 0)) throw new SidecarStartError(`SIDECAR_START_TIMEOUT_MS must be a positive number of milliseconds, got "${override}"`);
    return ms;
  }
  return Math.round(SIDECAR_START_BASE_MS * Math.max(1, load / Math.max(1, cores)));
}

/** The last `maxLines` lines of a process's output (at most `maxChars`), for error messages. */
export function outputTail(text: string, maxLines = 30, maxChars = 4000): string {
  const tail = text.trimEnd().split('\n').slice(-maxLines).join('\n');
  return tail.length > maxChars ? `…${tail.slice(-maxChars)}` : tail;
}

/**
 * Starts `sidecar/main.ts` under tsx on 127.0.0.1 with a random port and resolves once it has printed its ready
 * line and /api/health answers 200. `nodeArgs` go to node (e.g. --cpu-prof); `startTimeoutMs` overrides
 * `sidecarStartLimitMs()`. If it exits first, or is not ready in time (then it is killed), the error names
 * which, with the tail of its stderr and stdout.
 */
export async function startSidecar(workspace: string, extra: string[] = [], nodeArgs: string[] = [], startTimeoutMs = sidecarStartLimitMs()): Promise<RunningSidecar> {
  const proc = spawn(process.execPath, [...nodeArgs, '--import', 'tsx', join(import.meta.dirname, 'main.ts'), '--workspace', workspace, '--port', '0', ...extra], { cwd: join(import.meta.dirname, '..'), stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  proc.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  proc.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  let exitedAs: string | undefined;
  const exited = new Promise<void>((r) => proc.once('exit', (code, signal) => {
    exitedAs = String(code ?? signal);
    r();
  }));
  const kill = async (signal: NodeJS.Signals = 'SIGKILL') => {
    if (proc.exitCode === null && proc.signalCode === null) proc.kill(signal);
    await exited;
  };
  const failure = (what: string) => new SidecarStartError(`${what}\n--- sidecar stderr (tail) ---\n${outputTail(err) || '(empty)'}\n--- sidecar stdout (tail) ---\n${outputTail(out) || '(empty)'}`);
  const deadline = Date.now() + startTimeoutMs;
  let lastHealth = 'not probed yet (no ready line)';
  for (;;) {
    if (exitedAs !== undefined) throw failure(`sidecar (pid ${proc.pid}) exited (${exitedAs}) before it was ready; ${lastHealth}`);
    if (Date.now() > deadline) {
      await kill();
      throw failure(`sidecar (pid ${proc.pid}) was not ready within ${startTimeoutMs} ms (load ${loadavg()[0].toFixed(1)} on ${availableParallelism()} cores; set SIDECAR_START_TIMEOUT_MS to wait longer); health: ${lastHealth}`);
    }
    const m = /^SIDECAR_READY (.*)\n/m.exec(out);
    if (m) {
      const { url, token } = JSON.parse(m[1]) as { url: string; token: string };
      try {
        const res = await fetch(`${url}/api/health`, { headers: { authorization: `Bearer ${token}` }, signal: AbortSignal.timeout(Math.max(1, deadline - Date.now())) });
        await res.body?.cancel();
        if (res.status === 200) return { url, token, proc, stdout: () => out, kill };
        lastHealth = `last /api/health answer ${res.status}`;
      } catch (e) {
        lastHealth = `last /api/health probe failed: ${(e as Error).message}`;
      }
    }
    await Promise.race([exited, new Promise((r) => setTimeout(r, 50))]);
  }
}

/** Reads an NDJSON job event stream, calling `on` per event until the stream ends. */
export async function readEvents(res: Response, on: (e: Record<string, unknown>) => boolean | void): Promise<Record<string, unknown>[]> {
  const all: Record<string, unknown>[] = [];
  const reader = res.body!.getReader();
  const dec = new TextDecoder();
  let buf = '';
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    buf += dec.decode(value, { stream: true });
    let nl;
    while ((nl = buf.indexOf('\n')) >= 0) {
      const e = JSON.parse(buf.slice(0, nl)) as Record<string, unknown>;
      buf = buf.slice(nl + 1);
      all.push(e);
      if (on(e) === true) {
        await reader.cancel();
        return all;
      }
    }
  }
  return all;
}
