// Browser worker of bench/lab-scale-browser.ts: one scale case (bench/labScaleCase.ts) per worker, so the wasm
// memory it reports is this case's high-water mark. The probe goes in before @jax-js/jax is evaluated (the
// case module is imported dynamically); `prefer` forces a device (WebGPU on SwiftShader, which the engine would
// otherwise skip as a software fallback).
import { watchWasmMemory } from './labScaleConfigs';

const memory = watchWasmMemory();

interface CaseRequest {
  name: string;
  B: number;
  T: number;
  layers?: number;
  engine?: 'decoder' | 'runner';
  prefer?: 'webgpu' | 'wasm';
}

self.onmessage = async (e: MessageEvent<CaseRequest>) => {
  try {
    const { initEngine } = await import('../src/core/lab/engine');
    const { runScaleCase } = await import('./labScaleCase');
    await initEngine(e.data.prefer); // later initEngine() calls return this device
    const r = await runScaleCase(e.data.name, e.data.B, e.data.T, { memory }, (s) => console.log(s), e.data.layers, e.data.engine);
    // the wasm memory exists (and stays at its start size) even when WebGPU ran: only report it for wasm
    if (r.device !== 'wasm') for (const s of r.stages) s.memoryBytes = null;
    self.postMessage({ ok: true, result: { ...r, crossOriginIsolated: self.crossOriginIsolated, hardwareConcurrency: navigator.hardwareConcurrency } });
  } catch (err) {
    self.postMessage({ ok: false, error: String((err as Error)?.stack ?? err) });
  }
};
