// Drives the tabular worker for the panel: loads the user's file (shared benchmark files by their documented
// columns), sets the task, runs teachers / study / distillation with progress and cancel, and keeps each view's
// last report. The worker holds the parsed table; after a kill it is gone, so a run reloads it from the bytes here.
import { useCallback, useRef, useState } from 'react';
import * as Comlink from 'comlink';
import type { HeaderMode } from '../../core/tabular/data/csv';
import type {
  DatasetSummary, DistillReport, ProtocolReport, StudyReport, TabularProgress, TaskChoice, TaskSummary, TeacherReport,
} from '../../core/tabular/api';
import { SHARED_DATASETS } from '../../core/tabular/data/registry';
import { sha256Hex } from '../../core/runtime/loaders';
import type { StudentKind } from '../../core/tabular/students/types';
import { downloadFile } from '../../viz/download';
import type { TabularSpec } from '../../state/specs/tabular';
import { useWorkerEngine } from '../../app/useWorkerEngine';
import { distillRunOptions, protocolRunOptions, studyRunOptions, teacherRunOptions } from './runOptions';
import { providerReason } from '../../core/runtime/backendChoice';
import { useAppStore } from '../../state/appStore';
import type { TabularWorkerApi } from '../../../workers/tabular.worker';
import { installRuntimeErrorTransfer } from '../../../workers/comlinkErrors';

export type View = TabularSpec['view'];
export interface DataFile { name: string; bytes: Uint8Array; sha256: string }
/** A user TFM the worker accepted: its name, recognised format and how categorical columns will reach it. */
export interface UserTfmLoaded { name: string; format: string; categoricalEncoding: 'codes' | 'onehot' }

export type DataState =
  | { status: 'empty' }
  | { status: 'loading' }
  | { status: 'ready'; file: DataFile; dataset: DatasetSummary; task: TaskSummary | null; taskError?: string }
  | { status: 'error'; message: string };

export type RunState =
  | { status: 'idle' }
  | { status: 'running'; view: View; progress: TabularProgress | null }
  | { status: 'error'; view: View; message: string }
  | { status: 'cancelled'; view: View };

export interface Reports { teacher?: TeacherReport; study?: StudyReport; distill?: DistillReport; protocol?: ProtocolReport }

const createWorker = () => {
  // the worker sends errors in the runtime's wire format (workers/comlinkErrors.ts): this side must decode it
  installRuntimeErrorTransfer();
  return new Worker(new URL('../../../workers/tabular.worker.ts', import.meta.url), { type: 'module' });
};
const messageOf = (e: unknown) => (e instanceof Error ? e.message : String(e));
const taskKey = (c: TaskChoice) => `${c.target}|${c.sensitive ?? ''}|${c.sensitiveThreshold ?? ''}`;

export function useTabularEngine() {
  const { engine, restart } = useWorkerEngine<TabularWorkerApi>(createWorker);
  const [data, setData] = useState<DataState>({ status: 'empty' });
  const [run, setRun] = useState<RunState>({ status: 'idle' });
  const [reports, setReports] = useState<Reports>({});
  // what the current worker holds: "<sha256>|<task>"; cleared when the worker is killed
  const held = useRef('');
  // a user-supplied ONNX TFM (bytes stay here, in memory, so a restarted worker can be given it again)
  const userTfm = useRef<{ onnx: DataFile; contract: string } | null>(null);
  // how the loaded CSV's first row is read (a restarted worker reloads the file the same way)
  const header = useRef<HeaderMode>('auto');

  const loadInto = useCallback(async (file: DataFile): Promise<DatasetSummary> => {
    const api = engine();
    const shared = SHARED_DATASETS.find((s) => s.file === file.name);
    if (shared) {
      // The shared benchmark files are headerless with documented columns; a user copy with a header falls back.
      try {
        return await api.loadShared(shared.id, file.bytes.slice());
      } catch {
        return api.loadFile(file.name, file.bytes.slice(), { header: header.current });
      }
    }
    return api.loadFile(file.name, file.bytes.slice(), { header: header.current });
  }, [engine]);

  const loadData = useCallback(async (read: () => Promise<DataFile>, choose: (d: DatasetSummary, file: DataFile) => TaskChoice): Promise<TaskChoice | null> => {
    setData({ status: 'loading' });
    setReports({});
    try {
      const file = await read();
      const dataset = await loadInto(file);
      held.current = file.sha256;
      const choice = choose(dataset, file);
      try {
        const task = await engine().setTask(choice);
        held.current = `${file.sha256}|${taskKey(choice)}`;
        setData({ status: 'ready', file, dataset, task });
      } catch (e) {
        setData({ status: 'ready', file, dataset, task: null, taskError: messageOf(e) });
      }
      return choice;
    } catch (e) {
      held.current = '';
      setData({ status: 'error', message: messageOf(e) });
      return null;
    }
  }, [engine, loadInto]);

  /**
   * Load a file (its CSV header row read as `headerMode`, which may depend on the file) and set its task: `choose` picks the task from the
   * summary (the link's, or the suggested one).
   */
  const load = useCallback((f: File, choose: (d: DatasetSummary, file: DataFile) => TaskChoice, headerMode: HeaderMode | ((file: DataFile) => HeaderMode) = 'auto') => {
    return loadData(async () => {
      const bytes = new Uint8Array(await f.arrayBuffer());
      const file = { name: f.name, bytes, sha256: await sha256Hex(bytes) };
      header.current = typeof headerMode === 'function' ? headerMode(file) : headerMode;
      return file;
    }, choose);
  }, [loadData]);

  /** Read the loaded file again with another header setting (names and row count change, so the task is chosen again). */
  const reload = useCallback((headerMode: HeaderMode, choose: (d: DatasetSummary, file: DataFile) => TaskChoice) => {
    if (data.status !== 'ready') return Promise.resolve(null);
    const file = data.file;
    header.current = headerMode;
    return loadData(async () => file, choose);
  }, [data, loadData]);

  const setTask = useCallback(async (choice: TaskChoice) => {
    if (data.status !== 'ready') return;
    setReports({});
    try {
      if (!held.current.startsWith(data.file.sha256)) await loadInto(data.file);
      const task = await engine().setTask(choice);
      held.current = `${data.file.sha256}|${taskKey(choice)}`;
      setData({ ...data, task, taskError: undefined });
    } catch (e) {
      held.current = data.file.sha256;
      setData({ ...data, task: null, taskError: messageOf(e) });
    }
  }, [data, engine, loadInto]);

  /** Run one view's computation on the loaded task; resolves with the report (or undefined on error/cancel). */
  const start = useCallback(async (view: View, spec: TabularSpec): Promise<Reports[View] | undefined> => {
    if (data.status !== 'ready') return undefined;
    setRun({ status: 'running', view, progress: null });
    try {
      const api = engine();
      const choice: TaskChoice = { target: spec.target ?? '', sensitive: spec.sensitive, sensitiveThreshold: spec.sensitiveThreshold };
      if (held.current !== `${data.file.sha256}|${taskKey(choice)}`) {
        await loadInto(data.file);
        await api.setTask(choice);
        held.current = `${data.file.sha256}|${taskKey(choice)}`;
      }
      if (spec.teachers.includes('user') && userTfm.current) await api.loadUserTeacher(userTfm.current.onnx.bytes.slice(), userTfm.current.contract, spec.backend);
      // Progress comes over its own message port, so an event can land after the result: ignore it then.
      const onProgress = Comlink.proxy((p: TabularProgress) => setRun((r) => (r.status === 'running' && r.view === view ? { ...r, progress: p } : r)));
      const report = view === 'teacher' ? await api.runTeachers(teacherRunOptions(spec), onProgress)
        : view === 'study' ? await api.runStudy(studyRunOptions(spec), onProgress)
          : view === 'protocol' ? await api.runProtocol(protocolRunOptions(spec), onProgress)
            : await api.runDistill(distillRunOptions(spec), onProgress);
      setReports((r) => ({ ...r, [view]: report }));
      // the status bar shows what the run's ONNX teacher really ran on (the TFM: WASM under auto on a software GPU)
      const session = (await api.tabularBackendInfo().catch(() => [])).at(-1);
      if (session) useAppStore.getState().setLoaded('tabular', { provider: session.executionProvider, reason: `tabular ${session.file}: ${providerReason(session)}` });
      setRun({ status: 'idle' });
      return report;
    } catch (e) {
      const message = messageOf(e);
      setRun(/abort/i.test(message) ? { status: 'cancelled', view } : { status: 'error', view, message });
      return undefined;
    }
  }, [data, engine, loadInto]);

  const cancel = useCallback(() => { void engine().cancel(); }, [engine]);

  /** Download a distilled student (ONNX) or its manifest (preprocessing, classes, hashes). */
  const exportStudent = useCallback(async (kind: StudentKind, what: 'onnx' | 'manifest'): Promise<string | undefined> => {
    try {
      const ex = await engine().exportStudent(kind);
      if (what === 'onnx') downloadFile(ex.onnx, `${ex.fileName}.onnx`, 'application/octet-stream');
      else downloadFile(ex.manifest, `${ex.fileName}.json`, 'application/json');
      return undefined;
    } catch (e) {
      return messageOf(e);
    }
  }, [engine]);

  /** Last resort for a job that ignores cancel (a long synchronous fit): kill the worker; the next run reloads. */
  const kill = useCallback(() => {
    restart();
    held.current = '';
    useAppStore.getState().setLoaded('tabular', null);
    setRun((r) => (r.status === 'running' ? { status: 'cancelled', view: r.view } : r));
  }, [restart]);

  /**
   * Checks a user ONNX TFM against its contract in the worker; resolves with its name, format and how categorical
   * columns will reach it, rejects with the reason.
   */
  const loadUserTeacher = useCallback(async (onnx: DataFile, contract: string): Promise<UserTfmLoaded> => {
    const { name, format, categoricalEncoding } = await engine().loadUserTeacher(onnx.bytes.slice(), contract);
    userTfm.current = { onnx, contract };
    return { name, format, categoricalEncoding };
  }, [engine]);

  return { data, run, reports, load, reload, setTask, start, cancel, kill, exportStudent, loadUserTeacher };
}
