// What writing onnx/model.onnx costs a C-Δθ job (`npx tsx bench/editsOnnx.ts [--layers 30]`): a model folder with
// SmolLM2-135M's real config.json (llama; d 576, 9 heads over 3 KV heads, FFN 1536, vocab 49,152, tied head; 30
// layers unless --layers says otherwise) and random F16 weights under its tensor names, an "aligned" copy with
// every weight moved, a circuit of a few heads and MLPs, then the same C-Δθ job through the real sidecar process
// twice, `onnx: false` (the baseline: safetensors only) and `onnx: true` (read back, decode to f32, export, write,
// hash, fsync), each in a fresh sidecar so its peak RSS (VmHWM) is its own. Wall and CPU seconds of the sidecar
// process (all threads). Writes bench/results/edits-onnx.json and deletes the files.
import { mkdirSync, writeFileSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { f32ToF16Bits } from '../src/core/edits/dtypes';
import { normalizeConfig } from '../src/core/lm/families';
import { replicaTensorShapes } from '../src/core/lm/replicas/specs';
import { readEvents, startSidecar, writeBigF16 } from '../sidecar/testkit';

const OUT = new URL('./results/edits-onnx.json', import.meta.url);

function flag(name: string, def: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1] : def;
}

/** HuggingFaceTB/SmolLM2-135M's config.json (the keys the family table reads). */
const SMOLLM2_135M = {
  architectures: ['LlamaForCausalLM'], model_type: 'llama', vocab_size: 49152, hidden_size: 576, intermediate_size: 1536,
  num_hidden_layers: 30, num_attention_heads: 9, num_key_value_heads: 3, hidden_act: 'silu', max_position_embeddings: 8192,
  rms_norm_eps: 1e-5, rope_theta: 100000, rope_scaling: null, attention_bias: false, mlp_bias: false, tie_word_embeddings: true,
  bos_token_id: 0, eos_token_id: 0, torch_dtype: 'bfloat16',
};

async function procStat(pid: number): Promise<{ cpu: number; hwmMb: number }> {
  const f = (await readFile(`/proc/${pid}/stat`, 'utf8')).split(') ')[1].split(' ');
  const m = /VmHWM:\s+(\d+) kB/.exec(await readFile(`/proc/${pid}/status`, 'utf8'));
  return { cpu: (Number(f[11]) + Number(f[12])) / 100, hwmMb: m ? Number(m[1]) / 1024 : NaN };
}

async function run(ws: string, body: object): Promise<{ seconds: number; cpuSeconds: number; peakRssMb: number; result: unknown }> {
  const s = await startSidecar(ws);
  try {
    const pid = s.proc.pid!;
    const headers = { authorization: `Bearer ${s.token}`, 'content-type': 'application/json' };
    const before = await procStat(pid);
    const t0 = performance.now();
    const r = await fetch(`${s.url}/api/jobs/cdelta`, { method: 'POST', headers, body: JSON.stringify(body) });
    if (r.status !== 202) throw new Error(`cdelta: ${r.status} ${await r.text()}`);
    const { id } = (await r.json()) as { id: string };
    const events = await readEvents(await fetch(`${s.url}/api/jobs/${id}/events`, { headers }), () => undefined);
    const seconds = (performance.now() - t0) / 1000;
    const last = events[events.length - 1];
    if (last?.type !== 'done') throw new Error(`cdelta ended with ${JSON.stringify(last)}`);
    const after = await procStat(pid);
    return { seconds, cpuSeconds: after.cpu - before.cpu, peakRssMb: after.hwmMb, result: last.result };
  } finally {
    await s.kill('SIGTERM');
  }
}

async function main(): Promise<void> {
  const layers = Number(flag('layers', '30'));
  const config = { ...SMOLLM2_135M, num_hidden_layers: layers };
  const c = normalizeConfig(config);
  const specs = [...replicaTensorShapes(c)].map(([name, t]) => ({ name, dtype: 'F16' as const, shape: t.shape }));
  const params = specs.reduce((s, t) => s + t.shape.reduce((a, b) => a * b, 1), 0);
  const ws = await mkdtemp(join(tmpdir(), 'edits-onnx-bench-'));
  try {
    const half = (v: number) => f32ToF16Bits(v);
    const fill = (shift: number) => (t: number, s: number, out: Uint16Array) => {
      for (let i = 0; i < out.length; i++) out[i] = half(((((Math.imul(s + i, 2654435761) ^ (t * 7919)) >>> 8) % 2001) / 1000 - 1) * 0.05 + shift * ((i % 7) - 3) * 1e-3);
    };
    for (const [dir, shift] of [['base', 0], ['aligned', 1]] as const) {
      await mkdir(join(ws, dir));
      await writeBigF16(join(ws, dir, 'model.safetensors'), specs, fill(shift));
      await writeFile(join(ws, dir, 'config.json'), JSON.stringify(config));
    }
    const nodes: Record<string, boolean> = {};
    for (let l = 0; l < layers; l += 3) Object.assign(nodes, { [`a${l}.h${l % 9}`]: true, [`m${l}`]: true });
    await writeFile(join(ws, 'circuit.json'), JSON.stringify({ cfg: { n_layers: layers, n_heads: 9, n_key_value_heads: 3, d_model: 576, model_type: 'llama' }, nodes }));
    const job = (onnx: boolean, out: string) => ({ base: 'base', aligned: 'aligned', circuit: 'circuit.json', outputs: [{ strength: 1, path: out }], onnx });
    const load0 = loadavg()[0];
    const without = await run(ws, job(false, 'out-plain'));
    const withOnnx = await run(ws, job(true, 'out-onnx'));
    const onnxBytes = (await stat(join(ws, 'out-onnx/onnx/model.onnx'))).size;
    const record = {
      when: new Date().toISOString(), machine: { cpus: cpus().length, loadavg1Before: load0, loadavg1After: loadavg()[0] },
      model: { config: 'SmolLM2-135M (llama)', layers, params, safetensorsBytes: (await stat(join(ws, 'base/model.safetensors'))).size, dtype: 'F16' },
      cdeltaOnnxOff: { seconds: without.seconds, cpuSeconds: without.cpuSeconds, peakRssMb: without.peakRssMb },
      cdeltaOnnxOn: { seconds: withOnnx.seconds, cpuSeconds: withOnnx.cpuSeconds, peakRssMb: withOnnx.peakRssMb, onnxBytes },
      exportExtra: { seconds: withOnnx.seconds - without.seconds, cpuSeconds: withOnnx.cpuSeconds - without.cpuSeconds, peakRssMb: withOnnx.peakRssMb - without.peakRssMb },
    };
    mkdirSync(new URL('./results/', import.meta.url), { recursive: true });
    writeFileSync(OUT, `${JSON.stringify(record, null, 2)}\n`);
    console.log(JSON.stringify(record, null, 2));
  } finally {
    await rm(ws, { recursive: true, force: true });
  }
}

await main();
