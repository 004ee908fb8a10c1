// The run record of a tabular panel run, written from what the panel has when the run finishes: its spec, the
// view's report (minus the engine digest, which becomes moduleDigest), the task the worker set, the data file's
// bytes and — where an ONNX teacher ran — the embedded model's bytes (fetched from where the worker loaded them,
// usually the HTTP cache, and hashed). Results are split from timings by the runner's own splitTimings, so the
// record is the one the tabular runner writes for the same spec (viewModel.test.ts checks the digest in Node).
// A spec with the user's ONNX teacher gets no record: the runner does not run it (unsupported-in-runner).
import type { BackendHost } from '../../core/experiments/backends/factory';
import type { InputRecord, RunRecord } from '../../core/experiments/record';
import { splitTimings } from '../../core/experiments/runners/tabular';
import { SHARED_DATASET_FOLDER, SHARED_DATASETS } from '../../core/tabular/data/registry';
import { TEACHER_FACTORIES } from '../../core/tabular/teachers/registry';
import type { TabularSpec } from '../../state/specs/tabular';
import { rememberArtefact } from './bundle';
import { recordFromPanelRun } from './panelRecord';

export interface TabularPanelRun {
  spec: TabularSpec;
  view: TabularSpec['view'];
  task: unknown;
  report: { digest: string };
  file: { bytes: Uint8Array; sha256: string };
  durationMs: number;
}

/** The record, or undefined when the runner could not reproduce this spec (user teacher). */
export async function tabularPanelRecord(run: TabularPanelRun, host: BackendHost, fetchModel: (id: string) => Promise<Uint8Array>): Promise<RunRecord | undefined> {
  if (run.spec.teachers.includes('user')) return undefined;
  const spec = { ...run.spec, view: run.view };
  const inputs: InputRecord[] = [{ role: 'data', id: spec.dataset.id, sha256: run.file.sha256, size: run.file.bytes.byteLength }];
  rememberArtefact(run.file.bytes, run.file.sha256);
  if (spec.teachers.some((t) => TEACHER_FACTORIES.find((f) => f.id === t)?.onnx)) {
    const model = await fetchModel('tfm');
    inputs.push({ role: 'model', id: 'tfm', sha256: rememberArtefact(model), size: model.byteLength });
  }
  const { digest, ...rest } = run.report;
  const { results } = splitTimings({ view: spec.view, task: run.task, report: rest });
  return recordFromPanelRun({ module: 'tabular', spec, results, moduleDigest: digest, inputs, durationMs: run.durationMs }, host);
}

/** Where the app serves an embedded model's ONNX file (the tabular worker loads the TFM from here). */
export async function fetchServedModel(id: string): Promise<Uint8Array> {
  const res = await fetch(`${import.meta.env.BASE_URL}models/${id}/onnx/model.onnx`);
  if (!res.ok) throw new Error(`model "${id}" is not served here (HTTP ${res.status})`);
  return new Uint8Array(await res.arrayBuffer());
}

/** An input the app serves itself, for "Reproduce" after a reload: an embedded model, or a shared sample dataset by id or file name. */
export async function fetchServedInput(ref: { role: 'data' | 'model'; id: string }): Promise<Uint8Array | undefined> {
  if (ref.role === 'model') return fetchServedModel(ref.id);
  const shared = SHARED_DATASETS.find((d) => d.id === ref.id || d.file === ref.id);
  if (!shared) return undefined;
  const res = await fetch(`${import.meta.env.BASE_URL}${SHARED_DATASET_FOLDER}${shared.file}`);
  return res.ok ? new Uint8Array(await res.arrayBuffer()) : undefined;
}
