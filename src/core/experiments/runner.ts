// The runner interface and registry: module id → a runner that turns the module's (decoded) spec into results.
// A runner is a thin adapter over the module's core API; what it reads (model and data files) it reads through
// `ctx.loadInput`, which hashes every byte it hands out, so a record lists the sha256 of each input without the
// runner having to remember to. Inputs obtained another way are declared with `ctx.reportInput`.
import type { ExperimentBackend } from './backends/factory';
import { ExperimentError } from './errors';
import type { HostInfo } from './environment';

export type InputRole = 'data' | 'model';

/** A model or data file an experiment names: by id (a file name, a shared dataset id, a model id) and, if pinned, its sha256. */
export interface InputRef { role: InputRole; id: string; sha256?: string }

/** How a host finds an input's bytes (Node: files of the repository; browser: the file the user chose, fetch). */
export type InputLoader = (ref: InputRef) => Promise<Uint8Array>;

export interface RunProgress { done: number; total: number; label: string }

export interface RunContext {
  signal: AbortSignal;
  onProgress: (p: RunProgress) => void;
  host: HostInfo;
  /**
   * Where the work runs (backends/factory.ts): ONNX sessions go through `backend.ort()`, so the record's
   * backend.used and fallbacks come from the factory, not from the runner.
   */
  backend: ExperimentBackend;
  /** the bytes of an input; they are hashed and listed in the record */
  loadInput(ref: InputRef): Promise<Uint8Array>;
  /** an input read without loadInput (e.g. a model a library fetched itself): its bytes or its sha256 */
  reportInput(ref: InputRef, content: { bytes: Uint8Array } | { sha256: string; size: number }): void;
}

export interface RunOutput {
  /** deterministic results (JSON-able): what the record's digest covers */
  results: unknown;
  /** non-deterministic figures (timings): kept in the record, outside the digest */
  measurements?: unknown;
  /** the module's own result digest (the one its share links carry), where it has one */
  moduleDigest?: string;
}

export interface Runner<S = Record<string, unknown>> {
  module: string;
  run(spec: S, ctx: RunContext): Promise<RunOutput>;
}

export class RunnerRegistry {
  private readonly runners = new Map<string, Runner>();

  /** Adds (or replaces) the runner of `runner.module`; returns the registry for chaining. */
  register<S>(runner: Runner<S>): this {
    this.runners.set(runner.module, runner as unknown as Runner);
    return this;
  }

  get(module: string): Runner {
    const runner = this.runners.get(module);
    if (!runner) throw new ExperimentError('no-runner', `no runner is registered for "${module}" (registered: ${this.modules().join(', ') || 'none'})`);
    return runner;
  }

  modules(): string[] {
    return [...this.runners.keys()].sort();
  }
}
