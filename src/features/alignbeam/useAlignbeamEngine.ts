// Drives the llm worker's alignbeam engine for the panel: loads the model pair the spec names (once per pair), runs
// the playground, the bridge report and the sweep (baselines first, then the α × K × m grid) with progress and
// cancel, and computes each result's digest. The worker keeps the loaded pair and registered CSV suites; after a
// kill both are gone, so the next run loads them again from what this hook remembers.
import { useCallback, useRef, useState } from 'react';
import * as Comlink from 'comlink';
import type {
  AlignbeamProgress, AlignbeamSettings, BridgeReport, EvalResult, JudgeCalibration, PairInfo, PairSpec, PlaygroundResult, SuiteName,
  SweepResult, SweepRow,
} from '../../core/alignbeam/types';
import { pooledCalibration } from '../../core/alignbeam/runQuality';
import { useAppStore } from '../../state/appStore';
import type { AlignbeamSpec } from '../../state/specs/alignbeam';
import { useWorkerEngine } from '../../app/useWorkerEngine';
import { rememberedHubUrl, rememberHubUrl } from '../../app/runtime/hubSetting';
import type { SessionBackendInfo } from '../../../workers/alignbeamUi';
import { installRuntimeErrorTransfer } from '../../../workers/comlinkErrors';
import type { LlmWorkerApi } from '../../../workers/llm.worker';
import type { OnnxDtypeChoice } from '../../core/lm/onnxVariants';
import { bridgeDigest, playgroundDigest, sweepDigest } from './digest';
import { alignbeamPairOf, alignbeamPlan, alignbeamSettingsOf, type AlignbeamTabPlan } from '../../core/experiments/runners/alignbeamPlan';

export type Tab = AlignbeamSpec['tab'];

/**
 * Where hub ids in the pair load from: off unless the user allows remote downloads (never in a link), and which
 * ONNX variant hub ids and folder URLs load ('auto' = transformers.js's default for the backend: q8 on WASM, fp32 on
 * WebGPU, falling back to the variants the repo has).
 */
export interface HubSettings { allowRemote: boolean; hubUrl: string; dtype: OnnxDtypeChoice }

export interface CsvFile { name: string; text: string; sha256: string; format: string; size: number }

export interface SweepOutcome {
  result: SweepResult;
  /** Baseline methods (target-only included) over the same suites and limit, with the base settings; each carries
   *  its reply relevance and judge calibration (`quality`). */
  baselines: EvalResult[];
  /** The judge's calibration over every baseline's judged replies together (null if the worker sent none). */
  judgeCalibration: JudgeCalibration | null;
  digest: string | null;
}

export type Outcome =
  | { tab: 'playground'; result: PlaygroundResult; digest: string; prompt: string }
  | { tab: 'bridge'; result: BridgeReport; digest: string }
  | { tab: 'sweep'; result: SweepOutcome };

export interface RunProgress { done: number; total: number; label: string }

export type RunState =
  | { status: 'idle' }
  | { status: 'running'; tab: Tab; progress: RunProgress | null; rows: SweepRow[] }
  | { status: 'error'; tab: Tab; message: string }
  | { status: 'cancelled'; tab: Tab; stopped?: boolean };

export type PairState =
  | { status: 'none' }
  | { status: 'loading'; key: string; stage: string; fraction: number }
  | { status: 'ready'; key: string; info: PairInfo; sessions: SessionBackendInfo[] }
  | { status: 'error'; key: string; message: string };

const createWorker = () => {
  // runtime errors (RemoteDisabledError, ModelFetchError, …) keep their remedy only with this transfer installed
  installRuntimeErrorTransfer();
  return new Worker(new URL('../../../workers/llm.worker.ts', import.meta.url), { type: 'module' });
};

/** The message and the remedy of an error from the worker (runtime errors carry `remedy` apart from the message). */
export function errorText(e: unknown): string {
  if (!(e instanceof Error)) return String(e);
  const remedy = (e as { remedy?: unknown }).remedy;
  const name = e.name && e.name !== 'Error' ? `${e.name}: ` : '';
  return typeof remedy === 'string' && remedy !== '' && !e.message.includes(remedy) ? `${name}${e.message} — ${remedy}` : `${name}${e.message}`;
}

const CANCEL_GRACE_MS = 3000;

const isCancel = (e: unknown) => e instanceof Error && (e.name === 'CancelledError' || (e as { code?: string }).code === 'CANCELLED' || /abort/i.test(e.message));

/** The pair the spec names (the experiment runner's plan: core/experiments/runners/alignbeamPlan.ts). */
export function pairSpecOf(spec: AlignbeamSpec): PairSpec {
  return alignbeamPairOf(spec);
}

/** What identifies a loaded pair: the models, the dtype choice and the backend preference they were loaded with. */
export function pairKeyOf(spec: AlignbeamSpec, dtype: OnnxDtypeChoice = 'auto'): string {
  return JSON.stringify({ ...pairSpecOf(spec), dtype, backend: spec.backend });
}

/** The status bar shows the provider the loaded target really runs on, and why (its choice, or its fallback). */
function reportBackend(sessions: readonly SessionBackendInfo[]): void {
  const s = sessions.find((x) => x.file.startsWith('target/')) ?? sessions[0];
  if (!s) return;
  const last = s.fallbacks[s.fallbacks.length - 1];
  useAppStore.getState().setLoaded('alignbeam', {
    provider: s.executionProvider,
    reason: last ? `alignbeam fell back from ${last.from} (${last.code}: ${last.reason})` : `alignbeam: ${s.choice?.reason ?? `models run on ${s.executionProvider}`}`,
  });
}

/** The core's settings from the spec's, as the experiment runner's plan makes them (null gate = always mix; m 0 = every token). */
export function settingsOf(spec: AlignbeamSpec): AlignbeamSettings {
  return alignbeamSettingsOf(spec);
}

/** The sweep plan's built-in suites, then the CSV suite when the chosen file is the one the spec pins. */
export function suitesOf(spec: AlignbeamSpec, csv: CsvFile | undefined): SuiteName[] {
  const plan = alignbeamPlan({ ...spec, tab: 'sweep' }).run;
  if (plan.tab !== 'sweep') throw new Error('unreachable: a sweep plan');
  return [...plan.suites, ...(plan.csv && csv?.sha256 === plan.csv.sha256 ? [csv.name] : [])];
}

export function useAlignbeamEngine() {
  const { engine, restart } = useWorkerEngine<LlmWorkerApi>(createWorker);
  const [pair, setPair] = useState<PairState>({ status: 'none' });
  const [hub, setHubState] = useState<HubSettings>(() => ({ allowRemote: false, hubUrl: rememberedHubUrl(), dtype: 'auto' }));
  // read by ensurePair at load time (a load started after a change uses the new setting)
  const hubRef = useRef(hub);
  const setHub = useCallback((patch: Partial<HubSettings>) => setHubState((h) => (hubRef.current = { ...h, ...patch })), []);
  const [run, setRun] = useState<RunState>({ status: 'idle' });
  const [outcomes, setOutcomes] = useState<Partial<Record<Tab, Outcome>>>({});
  // what the current worker holds: the loaded pair's key and the CSV suites registered (by sha256)
  // (and the backend preference it was told: models loaded under another one need a fresh worker)
  const held = useRef<{ pair: string; info: PairInfo | null; csv: Set<string>; backend: string | null }>({ pair: '', info: null, csv: new Set(), backend: null });
  // progress travels on its own port and may land after the result: only the live run may report
  const live = useRef(0);
  // counts jobs (runs and pair loads) that ended, so a Cancel can tell whether its job ended in time
  const settled = useRef(0);
  // set by Cancel: a run stops at its next step even if the worker job that was cancelled had already ended
  const cancelled = useRef(false);

  const ensurePair = useCallback(async (spec: AlignbeamSpec): Promise<PairInfo> => {
    const ps: PairSpec = { ...pairSpecOf(spec), dtype: hubRef.current.dtype };
    const key = pairKeyOf(spec, ps.dtype);
    if (held.current.pair === key && held.current.info) return held.current.info;
    setPair({ status: 'loading', key, stage: 'starting', fraction: 0 });
    try {
      if (held.current.backend !== spec.backend) {
        if (held.current.backend !== null) {
          restart();
          held.current = { pair: '', info: null, csv: new Set(), backend: null };
        }
        await engine().alignbeamSetBackend(spec.backend);
        held.current.backend = spec.backend;
      }
      // hub ids resolve on the hub URL of the setting, and only when remote downloads are allowed
      await engine().configureHub({ allowRemote: hubRef.current.allowRemote, hubUrl: rememberHubUrl(hubRef.current.hubUrl) });
      const info = await engine().alignbeamLoadPair(ps, Comlink.proxy((p: AlignbeamProgress) => {
        if (p.kind === 'load') setPair((s) => (s.status === 'loading' && s.key === key ? { ...s, stage: p.stage, fraction: p.fraction } : s));
      }));
      const sessions = await engine().alignbeamBackendInfo();
      held.current = { ...held.current, pair: key, info };
      setPair({ status: 'ready', key, info, sessions });
      reportBackend(sessions);
      return info;
    } catch (e) {
      held.current = { ...held.current, pair: '', info: null };
      setPair({ status: 'error', key, message: errorText(e) });
      throw e;
    }
  }, [engine, restart]);

  /** Runs one tab's job; resolves with its outcome, or undefined after an error or a cancel. */
  const start = useCallback(async (tab: Tab, spec: AlignbeamSpec, csv?: CsvFile): Promise<Outcome | undefined> => {
    const id = ++live.current;
    const report = (progress: RunProgress, row?: SweepRow) => {
      if (live.current !== id) return;
      setRun((r) => (r.status === 'running' ? { ...r, progress, rows: row ? [...r.rows, row] : r.rows } : r));
    };
    setRun({ status: 'running', tab, progress: null, rows: [] });
    cancelled.current = false;
    const step = () => { if (cancelled.current) throw new Error('Run aborted by Cancel'); };
    try {
      await ensurePair(spec);
      step();
      const api = engine();
      // the same plan the experiment runner executes (core/experiments/runners/alignbeamPlan.ts)
      const job = alignbeamPlan({ ...spec, tab }).run;
      let outcome: Outcome;
      if (job.tab === 'playground') {
        report({ done: 0, total: 1, label: 'decoding target-only and ALIGNBEAM' });
        const result = await api.alignbeamPlayground(job.prompt, job.settings, Comlink.proxy((p: AlignbeamProgress) => {
          if (p.kind === 'playground') report({ done: p.done, total: p.total, label: p.label });
        }));
        outcome = { tab: 'playground', result, digest: await playgroundDigest(result), prompt: job.prompt };
      } else if (job.tab === 'bridge') {
        report({ done: 0, total: 1, label: 'building the bridge' });
        const result = await api.alignbeamBridgeReport(job.kind, job.prompts ?? undefined);
        outcome = { tab: 'bridge', result, digest: await bridgeDigest(result) };
      } else {
        outcome = { tab: 'sweep', result: await sweep(api, spec, job, csv, held.current.csv, report, step) };
      }
      live.current++;
      settled.current++;
      setOutcomes((o) => ({ ...o, [tab]: outcome }));
      setRun({ status: 'idle' });
      return outcome;
    } catch (e) {
      live.current++;
      settled.current++;
      setRun(isCancel(e) ? { status: 'cancelled', tab } : { status: 'error', tab, message: errorText(e) });
      return undefined;
    }
  }, [engine, ensurePair]);

  /** Last resort for a step that does not notice Cancel: kill the worker; the next run loads the pair again. */
  const kill = useCallback(() => {
    live.current++;
    settled.current++;
    restart();
    held.current = { pair: '', info: null, csv: new Set(), backend: null };
    useAppStore.getState().setLoaded('alignbeam', null);
    setPair({ status: 'none' });
    setRun((r) => (r.status === 'running' ? { status: 'cancelled', tab: r.tab, stopped: true } : r));
  }, [restart]);

  // A decode loop whose awaits all settle as microtasks never lets the worker read the cancel message (ORT's WASM
  // runs resolve at once); if the job has not ended this long after Cancel, the worker is terminated (CONVENTIONS #2).
  const cancel = useCallback(() => {
    const before = settled.current;
    cancelled.current = true;
    void engine().alignbeamCancel();
    setTimeout(() => { if (settled.current === before) kill(); }, CANCEL_GRACE_MS);
  }, [engine, kill]);

  const loadPair = useCallback(async (spec: AlignbeamSpec) => {
    try {
      await ensurePair(spec);
    } catch {
      // shown in the pair card
    } finally {
      settled.current++;
    }
  }, [ensurePair]);

  return { pair, run, outcomes, start, cancel, kill, loadPair, hub, setHub };
}

type Report = (p: RunProgress, row?: SweepRow) => void;

/** Baselines over the suites, then the grid; a cancel during the grid keeps the rows done (no digest then). */
async function sweep(api: Comlink.Remote<LlmWorkerApi>, spec: AlignbeamSpec, job: Extract<AlignbeamTabPlan, { tab: 'sweep' }>, csv: CsvFile | undefined,
  registered: Set<string>, report: Report, step: () => void): Promise<SweepOutcome> {
  const base = job.settings;
  if (job.csv) {
    if (!csv || csv.sha256 !== job.csv.sha256) throw new Error(`This sweep needs the CSV suite "${job.csv.name}" (sha256 ${job.csv.sha256.slice(0, 12)}…): choose that file in the suites box, or remove it from the sweep.`);
    if (!registered.has(csv.sha256)) {
      await api.alignbeamAddCsvSuite({ name: csv.name, csv: csv.text });
      registered.add(csv.sha256);
    }
  }
  const suites = suitesOf(spec, csv);
  if (suites.length === 0) throw new Error('No suite chosen: tick at least one held-out suite or load a CSV.');
  const baselines = await api.alignbeamEvaluate({ methods: job.methods, suites, limit: job.limit, settings: base }, Comlink.proxy((p: AlignbeamProgress) => {
    if (p.kind === 'eval') report({ done: p.done, total: p.total, label: `baselines: ${p.method} (${p.done}/${p.total} items)` });
  }));
  step();
  const result = await api.alignbeamSweep(job.grid, base, suites, job.limit,
    Comlink.proxy((p: AlignbeamProgress) => {
      if (p.kind === 'sweep') report({ done: p.done, total: p.total, label: `grid: ${p.done}/${p.total} settings (target-only reference first)` }, p.row);
    }));
  const judged = baselines.flatMap((b) => (b.quality ? [b.quality.calibration] : []));
  return {
    result, baselines, judgeCalibration: judged.length ? pooledCalibration(judged) : null,
    digest: result.cancelled ? null : await sweepDigest(result, baselines),
  };
}
