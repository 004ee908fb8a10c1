// Edits bench (`npx tsx bench/edits.ts [--size-gb 0.25] [--dir DIR] [--profile DIR]`): writes a GPT-2-shaped fp16 checkpoint
// of the requested size plus two edited copies: sparse (5 % of parameters moved by 1–3 half ulps, the
// sub-bin-width regime of real fine-tunes) and dense (every parameter moved so, a full fine-tune). Then it
// runs, through the real sidecar process over HTTP, an NF4 survival analysis (base vs each edited copy) and
// a C-Δθ edit (target = base, aligned = each edited copy; a few heads and one MLP per layer). Each job runs in a fresh sidecar so its peak RSS (VmHWM) is its own. Baselines in the same run:
// sequential read + sha256 of the same inputs (the I/O ceiling of the survival pass), read + sha256 +
// write + fsync of one checkpoint (a plain copy), and the C-Δθ I/O floor (read + sha256 of both inputs,
// write + sha256 + fsync of the output: what C-Δθ is judged against). Wall and CPU seconds are both
// recorded: on a shared box the CPU figures separate our cost from the neighbours' load. Files sit in the page cache after
// generation, for the jobs and the baselines alike. Writes bench/results/edits.json and deletes the files.
// --profile DIR writes V8 CPU profiles of the sidecar processes there.

import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { mkdtemp, open, readFile, rm, stat } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { gpt2Specs, readEvents, startSidecar, writeBigF16, type RunningSidecar } from '../sidecar/testkit';

const OUT = new URL('./results/edits.json', import.meta.url);
const MB = 1 << 20;

function flag(name: string, def: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1] : def;
}

async function vmHwmMb(pid: number): Promise<number> {
  const m = /VmHWM:\s+(\d+) kB/.exec(await readFile(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : NaN;
}

/** utime + stime of a process in seconds (clock ticks of 1/100 s on Linux). */
async function cpuSeconds(pid: number): Promise<number> {
  const f = (await readFile(`/proc/${pid}/stat`, 'utf8')).split(') ')[1].split(' ');
  return (Number(f[11]) + Number(f[12])) / 100;
}

function ownCpu(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
}

/**
 * Reads and hashes each file; `copyTo` writes a copy of the first one there (fsynced), hashing the written
 * bytes too when `hashCopy` (as an edit's output manifest does).
 */
async function readAndHash(paths: string[], copyTo?: string, hashCopy = false): Promise<{ seconds: number; cpuSeconds: number }> {
  const t0 = performance.now();
  const c0 = ownCpu();
  const buf = Buffer.allocUnsafe(8 * MB);
  for (const [k, p] of paths.entries()) {
    const fh = await open(p, 'r');
    const out = copyTo && k === 0 ? await open(copyTo, 'wx') : null;
    const h = createHash('sha256');
    const hOut = createHash('sha256');
    let pos = 0;
    for (;;) {
      const { bytesRead } = await fh.read(buf, 0, buf.length, pos);
      if (!bytesRead) break;
      h.update(buf.subarray(0, bytesRead));
      if (out) {
        if (hashCopy) hOut.update(buf.subarray(0, bytesRead));
        await out.write(buf, 0, bytesRead, pos);
      }
      pos += bytesRead;
    }
    h.digest('hex');
    if (out) {
      await out.sync();
      await out.close();
    }
    await fh.close();
  }
  return { seconds: (performance.now() - t0) / 1000, cpuSeconds: ownCpu() - c0 };
}

async function runJob(ws: string, endpoint: string, body: object): Promise<{ seconds: number; cpuSeconds: number; peakRssMb: number; idleRssMb: number; result: unknown }> {
  const prof = flag('profile', '');
  const s: RunningSidecar = await startSidecar(ws, [], prof ? ['--cpu-prof', `--cpu-prof-dir=${prof}`] : []);
  try {
    const pid = s.proc.pid!;
    const idleRssMb = await vmHwmMb(pid);
    const headers = { authorization: `Bearer ${s.token}`, 'content-type': 'application/json' };
    const cpu0 = await cpuSeconds(pid);
    const t0 = performance.now();
    const r = await fetch(`${s.url}/api/jobs/${endpoint}`, { method: 'POST', headers, body: JSON.stringify(body) });
    if (r.status !== 202) throw new Error(`${endpoint}: ${r.status} ${await r.text()}`);
    const { id } = (await r.json()) as { id: string };
    const events = await readEvents(await fetch(`${s.url}/api/jobs/${id}/events`, { headers }), () => undefined);
    const seconds = (performance.now() - t0) / 1000;
    const last = events[events.length - 1];
    if (last?.type !== 'done') throw new Error(`${endpoint} ended with ${JSON.stringify(last)}`);
    return { seconds, cpuSeconds: (await cpuSeconds(pid)) - cpu0, peakRssMb: await vmHwmMb(pid), idleRssMb, result: last.result };
  } finally {
    await s.kill('SIGTERM');
  }
}

async function main(): Promise<void> {
  const sizeGb = Number(flag('size-gb', '0.25'));
  if (!(sizeGb > 0)) throw new Error('--size-gb must be positive');
  const ws = await mkdtemp(join(flag('dir', tmpdir()), 'edits-bench-'));
  try {
    const d = sizeGb >= 1 ? 2048 : 1024;
    const vocab = 8192;
    const perLayer = (12 * d * d + 9 * d) * 2;
    const layers = Math.max(1, Math.round((sizeGb * 1024 * MB - vocab * d * 2) / perLayer));
    const specs = gpt2Specs(layers, d, vocab, 'F16');
    const base = (t: number, s: number, out: Uint16Array) => {
      for (let i = 0; i < out.length; i++) out[i] = 0x1c00 + ((Math.imul(s + i, 2654435761) ^ t) >>> 21) + ((i & 1) << 15);
    };
    // edited: every 20th parameter moved by 1..3 ulps (f16 ulp at these magnitudes is 1/64..1/8 of a bin width).
    const edited = (t: number, s: number, out: Uint16Array) => {
      base(t, s, out);
      for (let i = (20 - (s % 20)) % 20; i < out.length; i += 20) out[i] += 1 + ((s + i) % 3);
    };
    const dense = (t: number, s: number, out: Uint16Array) => {
      base(t, s, out);
      for (let i = 0; i < out.length; i++) out[i] += 1 + ((s + i) % 3);
    };
    const t0 = performance.now();
    const bytes = await writeBigF16(join(ws, 'base.safetensors'), specs, base);
    await writeBigF16(join(ws, 'edited.safetensors'), specs, edited);
    await writeBigF16(join(ws, 'dense.safetensors'), specs, dense);
    const genSeconds = (performance.now() - t0) / 1000;
    const sizeMb = bytes / MB;
    console.log(`generated 3 x ${sizeMb.toFixed(0)} MB (${layers} layers, d=${d}) in ${genSeconds.toFixed(1)} s`);
    const loadAtStart = loadavg()[0];

    const inputs = [join(ws, 'base.safetensors'), join(ws, 'edited.safetensors')];
    const readB = await readAndHash(inputs);
    const copyB = await readAndHash([inputs[0]], join(ws, 'copy.safetensors'));
    await rm(join(ws, 'copy.safetensors'));
    // The I/O a C-Δθ with one output cannot avoid: read + sha256 of both inputs, write + sha256 + fsync of the output.
    const floorB = await readAndHash(inputs, join(ws, 'copy.safetensors'), true);
    await rm(join(ws, 'copy.safetensors'));
    const readBaseline = readB.seconds;
    const copyBaseline = copyB.seconds;
    console.log(`baselines: read+sha256 of both inputs ${readBaseline.toFixed(2)} s (${readB.cpuSeconds.toFixed(2)} CPU s); read+sha256+write+fsync of one ${copyBaseline.toFixed(2)} s; C-Δθ I/O floor ${floorB.seconds.toFixed(2)} s (${floorB.cpuSeconds.toFixed(2)} CPU s)`);

    const r2 = (v: number) => Math.round(v * 100) / 100;
    const nodes: Record<string, boolean> = {};
    for (let l = 0; l < layers; l++) {
      nodes[`a${l}.h0`] = true;
      nodes[`a${l}.h1`] = l % 2 === 0;
    }
    nodes.m0 = true;
    type Job = Awaited<ReturnType<typeof runJob>>;
    const timing = (j: Job) => ({
      seconds: r2(j.seconds), checkpointMbPerS: r2(sizeMb / j.seconds), cpuSeconds: r2(j.cpuSeconds), checkpointMbPerCpuS: r2(sizeMb / j.cpuSeconds),
      peakRssMb: r2(j.peakRssMb), idleSidecarRssMb: r2(j.idleRssMb),
      ratioToReadSha256Baseline: r2(j.seconds / readBaseline), cpuRatioToReadSha256Baseline: r2(j.cpuSeconds / readB.cpuSeconds),
    });
    const survivalRun = async (edited: string) => {
      const j = await runJob(ws, 'survival', { base: 'base.safetensors', edited, quant: 'nf4', output: `survival-${edited}.json` });
      console.log(`survival vs ${edited}: ${j.seconds.toFixed(2)} s (${j.cpuSeconds.toFixed(2)} CPU s), peak RSS ${j.peakRssMb.toFixed(0)} MB`);
      return { ...timing(j), inputMbPerS: r2((2 * sizeMb) / j.seconds), overall: (j.result as { overall: Record<string, unknown> }).overall };
    };
    const cdeltaRun = async (aligned: string) => {
      const out = `cdelta-${aligned}`;
      const j = await runJob(ws, 'cdelta', { base: 'base.safetensors', aligned, circuitJson: { nodes }, nHeads: d / 64, outputs: [{ strength: 1, path: out }] });
      const outBytes = (await stat(join(ws, out, 'model.safetensors'))).size;
      await rm(join(ws, out), { recursive: true });
      console.log(`C-Δθ with ${aligned}: ${j.seconds.toFixed(2)} s (${j.cpuSeconds.toFixed(2)} CPU s), peak RSS ${j.peakRssMb.toFixed(0)} MB`);
      const cd = j.result as { mask: { percentMasked: number }; outputs: { paramsChanged: number }[] };
      return {
        ...timing(j), bytesReadPlusWrittenMbPerS: r2((3 * sizeMb) / j.seconds),
        ratioToCopyBaseline: r2(j.seconds / copyBaseline), cpuRatioToCopyBaseline: r2(j.cpuSeconds / copyB.cpuSeconds),
        ratioToIoFloor: r2(j.seconds / floorB.seconds), cpuRatioToIoFloor: r2(j.cpuSeconds / floorB.cpuSeconds),
        percentMasked: r2(cd.mask.percentMasked), paramsChanged: cd.outputs[0].paramsChanged, outputBytes: outBytes,
      };
    };
    const survivalNf4 = { sparse: await survivalRun('edited.safetensors'), dense: await survivalRun('dense.safetensors') };
    const cDeltaTheta = { sparse: await cdeltaRun('edited.safetensors'), dense: await cdeltaRun('dense.safetensors') };
    const all = [survivalNf4.sparse, survivalNf4.dense, cDeltaTheta.sparse, cDeltaTheta.dense];
    const report = {
      bench: 'edits',
      date: new Date().toISOString(),
      machine: `${cpus().length} cores shared with other jobs; load average (1 min) ${loadAtStart.toFixed(1)} after generating the files, ${loadavg()[0].toFixed(1)} at the end; files in page cache when RAM allows`,
      checkpoint: { sizeMb: r2(sizeMb), dtype: 'F16', layout: `GPT-2 shaped, ${layers} layers, d=${d}, vocab ${vocab}`, params: bytes / 2, generateSeconds: r2(genSeconds) },
      edits: { sparse: 'every 20th parameter +1..3 half ulps', dense: 'every parameter +1..3 half ulps' },
      baselines: {
        readSha256BothInputs: { seconds: r2(readBaseline), cpuSeconds: r2(readB.cpuSeconds), mbPerS: r2((2 * sizeMb) / readBaseline) },
        readSha256WriteFsyncOne: { seconds: r2(copyBaseline), cpuSeconds: r2(copyB.cpuSeconds), mbPerS: r2(sizeMb / copyBaseline) },
        cDeltaIoFloor: { what: 'read + sha256 of both inputs, write + sha256 + fsync of one output', seconds: r2(floorB.seconds), cpuSeconds: r2(floorB.cpuSeconds) },
      },
      survivalNf4,
      cDeltaTheta,
      targets: {
        // Survival within 2x of reading and hashing its inputs; C-Δθ within 2x of its I/O floor (it must also
        // write, hash and fsync a checkpoint, which alone takes longer than reading both inputs).
        withinTwice: { survival: 'readSha256BothInputs', cDelta: 'cDeltaIoFloor' }, peakRssMb: 512,
        met: {
          survivalSparse: survivalNf4.sparse.ratioToReadSha256Baseline <= 2, survivalDense: survivalNf4.dense.ratioToReadSha256Baseline <= 2,
          cDeltaSparse: cDeltaTheta.sparse.ratioToIoFloor <= 2, cDeltaDense: cDeltaTheta.dense.ratioToIoFloor <= 2,
        },
        // CPU seconds: on the shared machine the steadier measure (wall time includes the neighbours' load).
        metByCpu: {
          survivalSparse: survivalNf4.sparse.cpuRatioToReadSha256Baseline <= 2, survivalDense: survivalNf4.dense.cpuRatioToReadSha256Baseline <= 2,
          cDeltaSparse: cDeltaTheta.sparse.cpuRatioToIoFloor <= 2, cDeltaDense: cDeltaTheta.dense.cpuRatioToIoFloor <= 2,
        },
        rssUnderLimit: Math.max(...all.map((j) => j.peakRssMb)) < 512,
      },
    };
    mkdirSync(new URL('./results/', import.meta.url), { recursive: true });
    writeFileSync(OUT, `${JSON.stringify(report, null, 2)}\n`);
    console.log(JSON.stringify({ targets: report.targets }));
  } finally {
    await rm(ws, { recursive: true, force: true });
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
