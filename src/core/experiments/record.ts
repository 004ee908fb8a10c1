// Run records (CONVENTIONS #19): experiment spec + environment + seed + sha256 of every model and data input +
// results + the digest of the results (canonical JSON → sha256). `recordRun` runs an experiment through its
// module's runner and writes the record; `parseRunRecord` is the reader shipped with the format: it refuses a
// newer or unknown version, an incomplete record, and results that no longer match their digest.
// Format versions: 1 (environment.backendRequested/Used written by the runner), 2 (this one: `backend` — requested,
// chosen, used and every fallback — from the backend factory, backends/factory.ts). Version 1 records still read.
import { z } from 'zod';
import { canonicalJson, digestOf } from './canonical';
import { decodeExperiment, experimentSchema, type ExperimentSpec, type SpecCatalogue } from './envelope';
import { runEnvironment, environmentSchema, type HostInfo } from './environment';
import { createBackend, type BackendHost, type CreateBackendOptions, type ExperimentBackend } from './backends/factory';
import { ExperimentError } from './errors';
import type { InputLoader, InputRef, RunContext, RunnerRegistry, RunProgress } from './runner';
import { sha256HexSync } from '../numeric/sha256';

export const RUN_RECORD_FORMAT = 'workbench-run-record';
export const RUN_RECORD_VERSION = 2;

const sha256 = z.string().regex(/^[0-9a-f]{64}$/, 'not a sha256 (64 lowercase hex digits)');

export const inputRecordSchema = z.object({
  role: z.enum(['data', 'model']),
  id: z.string().min(1).max(300),
  sha256,
  size: z.number().int().min(0),
});
export type InputRecord = z.infer<typeof inputRecordSchema>;

export const backendRecordSchema = z.object({
  requested: z.enum(['auto', 'webgpu', 'wasm']),
  chosen: z.string().max(200),
  used: z.string().max(400),
  fallbacks: z.array(z.object({
    from: z.string().max(40), to: z.string().max(40).nullable(), stage: z.enum(['resolve', 'create', 'run']),
    reason: z.string().max(2000), file: z.string().max(300).optional(),
  }).strict()),
}).strict();

export const runRecordSchema = z.object({
  format: z.literal(RUN_RECORD_FORMAT),
  version: z.union([z.literal(1), z.literal(RUN_RECORD_VERSION)]),
  createdAt: z.string().refine((s) => !Number.isNaN(Date.parse(s)), 'not a date'),
  experiment: experimentSchema,
  seed: z.number().int(),
  environment: environmentSchema,
  /** v2: what the backend factory routed the run to and what ran (absent in v1 records) */
  backend: backendRecordSchema.optional(),
  /** sorted by role, then id */
  inputs: z.array(inputRecordSchema),
  results: z.unknown(),
  measurements: z.unknown().optional(),
  digest: sha256,
  moduleDigest: z.string().max(128).optional(),
  durationMs: z.number().min(0),
}).strict();
export type RunRecord = z.infer<typeof runRecordSchema>;

export interface RecordDeps {
  runners: RunnerRegistry;
  catalogue: SpecCatalogue;
  /** the host (a BackendHost gives the factory its ONNX runtimes; a plain HostInfo runs pure-TypeScript modules only) */
  host: HostInfo | BackendHost;
  loadInput: InputLoader;
  /** the factory (tests and the sidecar pass their own); default createBackend */
  createBackend?: (preference: ExperimentSpec['backend'], host: BackendHost, options?: CreateBackendOptions) => ExperimentBackend;
  signal?: AbortSignal;
  onProgress?: (p: RunProgress) => void;
}

/** Collects each input once (role + id); the same id read twice with other bytes is itself a reproducibility bug. */
function inputCollector() {
  const seen = new Map<string, InputRecord>();
  const add = (ref: InputRef, hash: string, size: number): void => {
    const key = `${ref.role}:${ref.id}`;
    const prior = seen.get(key);
    if (prior && prior.sha256 !== hash) throw new ExperimentError('input-unavailable', `${ref.role} "${ref.id}" changed during the run (sha256 ${prior.sha256.slice(0, 12)}… then ${hash.slice(0, 12)}…)`);
    seen.set(key, { role: ref.role, id: ref.id, sha256: hash, size });
  };
  const list = (): InputRecord[] => [...seen.values()].sort((a, b) => (a.role + a.id < b.role + b.id ? -1 : a.role + a.id > b.role + b.id ? 1 : 0));
  return { add, list };
}

/** Runs `experiment` (decoded again through the catalogue, so what runs is the effective spec) and records it. */
export async function recordRun(experiment: ExperimentSpec, deps: RecordDeps): Promise<RunRecord> {
  const effective = decodeExperiment(experiment, deps.catalogue);
  const runner = deps.runners.get(effective.module);
  const inputs = inputCollector();
  const backend = (deps.createBackend ?? createBackend)(effective.backend, deps.host);
  const ctx: RunContext = {
    backend,
    signal: deps.signal ?? new AbortController().signal,
    onProgress: deps.onProgress ?? (() => undefined),
    host: deps.host,
    loadInput: async (ref) => {
      let bytes: Uint8Array;
      try {
        bytes = await deps.loadInput(ref);
      } catch (e) {
        throw new ExperimentError('input-unavailable', `${ref.role} "${ref.id}" could not be read (${e instanceof Error ? e.message : String(e)})`, { cause: e });
      }
      inputs.add(ref, sha256HexSync(bytes), bytes.byteLength);
      return bytes;
    },
    reportInput: (ref, content) => {
      if ('bytes' in content) inputs.add(ref, sha256HexSync(content.bytes), content.bytes.byteLength);
      else inputs.add(ref, content.sha256, content.size);
    },
  };
  const t0 = performance.now();
  const out = await backend.run(() => runner.run(effective.spec, ctx));
  const used = backend.report();
  const durationMs = performance.now() - t0;
  // the record keeps the results' canonical form (NaN spelled out, not JSON's null), so the digest can be
  // re-checked from the record alone
  const results: unknown = JSON.parse(canonicalJson(out.results ?? null));
  return {
    format: RUN_RECORD_FORMAT, version: RUN_RECORD_VERSION, createdAt: new Date().toISOString(),
    experiment: effective, seed: effective.seed,
    environment: runEnvironment(deps.host, used.requested, used.used), backend: used,
    inputs: inputs.list(), results,
    ...(out.measurements !== undefined ? { measurements: JSON.parse(JSON.stringify(out.measurements)) as unknown } : {}),
    digest: digestOf(results),
    ...(out.moduleDigest ? { moduleDigest: out.moduleDigest } : {}),
    durationMs,
  };
}

export function serialiseRunRecord(record: RunRecord): string {
  return `${JSON.stringify(record, null, 2)}\n`;
}

/** Reads a record (JSON text or a parsed value); throws an ExperimentError naming the first problem. */
export function parseRunRecord(input: string | unknown): RunRecord {
  let raw: unknown = input;
  if (typeof input === 'string') {
    try {
      raw = JSON.parse(input);
    } catch (e) {
      throw new ExperimentError('invalid-record', `it is not JSON (${e instanceof Error ? e.message : String(e)})`);
    }
  }
  if (typeof raw !== 'object' || raw === null || (raw as { format?: unknown }).format !== RUN_RECORD_FORMAT) {
    throw new ExperimentError('invalid-record', `it is not a run record (no "format": "${RUN_RECORD_FORMAT}")`);
  }
  const version = (raw as { version?: unknown }).version;
  if (typeof version !== 'number' || !Number.isInteger(version) || version < 1) throw new ExperimentError('unknown-version', `run record version ${JSON.stringify(version)} does not exist`);
  if (version > RUN_RECORD_VERSION) throw new ExperimentError('future-version', `run record version ${version} is newer than this workbench's ${RUN_RECORD_VERSION}`);
  const parsed = runRecordSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new ExperimentError('invalid-record', `${issue.path.join('.') || '(record)'}: ${issue.message}`);
  }
  const record = parsed.data;
  if (record.version >= 2 && !record.backend) throw new ExperimentError('invalid-record', 'backend: a version 2 record names the backend requested, chosen and used');
  if (record.seed !== record.experiment.seed) throw new ExperimentError('invalid-record', `seed ${record.seed} differs from the experiment's seed ${record.experiment.seed}`);
  const digest = digestOf(record.results);
  if (digest !== record.digest) throw new ExperimentError('tampered-record', `the results hash to ${digest.slice(0, 12)}…, the record says ${record.digest.slice(0, 12)}…`);
  return record;
}
