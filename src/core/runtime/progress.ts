// Progress reporting for long work (file loads, forge steps, sweeps): a discriminated union in the shape
// transformers.js uses, plus an aggregate whose total is fixed up front so the bar never jumps backwards or
// past 100 % (CONVENTIONS #7). `checkProgressInvariants` is the executable definition used by unit and e2e tests.

export type ProgressInfo =
  | { status: 'initiate'; file: string; total: number }
  | { status: 'download'; file: string }
  | { status: 'progress'; file: string; loaded: number; total: number; progress: number }
  | { status: 'done'; file: string; loaded: number; total: number; cached: boolean }
  | { status: 'total'; loaded: number; total: number; percent: number }
  | { status: 'ready' };

export type ProgressCallback = (info: ProgressInfo) => void;

export interface ProgressItem { file: string; size: number }

/**
 * Turns per-file events into an aggregate. Sizes must be known before the first event (manifest sizes): a total
 * that grows while loading would make the percentage go backwards. Bytes past a file's declared size are not
 * counted, so a lying Content-Length can not overshoot 100 %.
 */
export class ProgressAggregator {
  private readonly sizes = new Map<string, number>();
  private readonly loaded = new Map<string, number>();
  readonly total: number;
  private lastPercent = -1;

  constructor(items: readonly ProgressItem[], private readonly emit: ProgressCallback) {
    for (const { file, size } of items) {
      if (this.sizes.has(file)) throw new Error(`ProgressAggregator: file listed twice: ${file}`);
      this.sizes.set(file, Math.max(0, size));
      this.loaded.set(file, 0);
    }
    this.total = [...this.sizes.values()].reduce((a, b) => a + b, 0);
  }

  initiate(file: string): void {
    this.emit({ status: 'initiate', file, total: this.sizeOf(file) });
    this.emit({ status: 'download', file });
  }

  /** `loaded` is the cumulative byte count of this file; values that go down are ignored. */
  progress(file: string, loaded: number): void {
    const size = this.sizeOf(file);
    const clamped = Math.min(Math.max(loaded, this.loaded.get(file) ?? 0), size);
    this.loaded.set(file, clamped);
    this.emit({ status: 'progress', file, loaded: clamped, total: size, progress: size === 0 ? 100 : (clamped / size) * 100 });
    this.emitTotal(false);
  }

  done(file: string, cached = false): void {
    const size = this.sizeOf(file);
    this.loaded.set(file, size);
    this.emit({ status: 'done', file, loaded: size, total: size, cached });
    this.emitTotal(false);
  }

  /** Marks everything finished: the last aggregate is exactly 100 % even for an empty file list. */
  ready(): void {
    for (const [file, size] of this.sizes) this.loaded.set(file, size);
    this.emitTotal(true);
    this.emit({ status: 'ready' });
  }

  private sizeOf(file: string): number {
    const size = this.sizes.get(file);
    if (size === undefined) throw new Error(`ProgressAggregator: unknown file ${file}`);
    return size;
  }

  private emitTotal(final: boolean): void {
    const loaded = [...this.loaded.values()].reduce((a, b) => a + b, 0);
    // Floating-point division could reach 100 before the end; only `ready` may report 100.
    const raw = this.total === 0 ? 0 : (loaded / this.total) * 100;
    const percent = final ? 100 : Math.min(raw, 99.99);
    if (!final && percent === this.lastPercent) return;
    this.lastPercent = percent;
    this.emit({ status: 'total', loaded: final ? this.total : loaded, total: this.total, percent });
  }
}

/**
 * Downloads that follow one another as ONE progress stream for one bar: an .onnx, then the external-data files its
 * graph names (which files, and so how many bytes, is known only once the .onnx is in). Per-file events pass
 * through; each download's aggregate is added to the bytes of those before it; 100 % and `ready` come once, from
 * `end()`. With `expectedTotal` (every download's bytes, known up front: the hub listing's sizes, hubListing.ts)
 * the total is fixed from the first event and the bar never moves back. Without it the total is the bytes known so
 * far: it grows once when a later download starts counting (the percent drops there), `loaded` never goes back
 * (checkProgressInvariants with `totalMayGrow`). `expect()` corrects the expectation between downloads (the files
 * the graph really names); a total that then shrinks only moves the bar forward (`totalMayShrink`).
 */
export class ProgressChain {
  private finishedBytes = 0;

  constructor(private readonly emit: ProgressCallback, private expectedTotal?: number) {}

  /** Sets or corrects the expected bytes of the whole chain before the next download (undefined: unknown). */
  expect(total: number | undefined): void {
    this.expectedTotal = total;
  }

  /** The callback for the next download (a loadFiles call). */
  next(): ProgressCallback {
    const base = this.finishedBytes;
    return (p) => {
      if (p.status === 'ready') return;
      if (p.status !== 'total') return this.emit(p);
      const loaded = base + p.loaded;
      this.finishedBytes = base + p.total;
      // the bytes known so far, or the expectation while it is larger (a later download still to come)
      const total = Math.max(this.finishedBytes, this.expectedTotal ?? 0);
      this.emit({ status: 'total', loaded, total, percent: total === 0 ? 0 : Math.min(99.99, (loaded / total) * 100) });
    };
  }

  /** Every download finished: exactly 100 %, then `ready`. */
  end(): void {
    this.emit({ status: 'total', loaded: this.finishedBytes, total: this.finishedBytes, percent: 100 });
    this.emit({ status: 'ready' });
  }
}

/** What one download bar shows: the aggregate bytes, the file being read and how many files have started. */
export interface DownloadBar { loaded: number; total: number; file?: string; filesStarted: number }

/** Folds a progress stream into a DownloadBar (undefined before the first event). */
export function foldDownloadBar(bar: DownloadBar | undefined, p: ProgressInfo): DownloadBar {
  const b = bar ?? { loaded: 0, total: 0, filesStarted: 0 };
  if (p.status === 'initiate') return { ...b, file: p.file, filesStarted: b.filesStarted + 1 };
  if (p.status === 'total') return { ...b, loaded: Math.max(b.loaded, p.loaded), total: p.total };
  return b;
}

/** The bar's label: which file, by its name in its folder, and its place in the download. */
export function downloadBarLabel(bar: DownloadBar, what: string): string {
  return bar.file ? `${what}: ${bar.file.slice(bar.file.lastIndexOf('/') + 1)} (file ${bar.filesStarted})` : what;
}

/**
 * Returns every violated invariant (empty = valid): fixed total, monotone loaded and percent, per-file order
 * initiate → progress* → done, per-file loaded ≤ total, a final aggregate of exactly 100 % and `ready` last.
 * With `totalMayGrow` (a ProgressChain without an up-front total) the total may grow, and percent may drop only
 * where it grew; with `totalMayShrink` (a chain whose expected total was corrected down) it may shrink, which only
 * raises the percent. Without either, a changed total is a problem.
 */
export function checkProgressInvariants(events: readonly ProgressInfo[], options: { totalMayGrow?: boolean; totalMayShrink?: boolean } = {}): string[] {
  const problems: string[] = [];
  const state = new Map<string, { loaded: number; done: boolean }>();
  let total: number | undefined;
  let lastLoaded = -1;
  let lastPercent = -1;
  let lastTotal: Extract<ProgressInfo, { status: 'total' }> | undefined;
  events.forEach((e, i) => {
    const at = `event ${i} (${e.status})`;
    if (e.status === 'ready') {
      if (i !== events.length - 1) problems.push(`${at}: ready is not the last event`);
      return;
    }
    if (e.status === 'total') {
      const grew = total !== undefined && e.total > total && options.totalMayGrow === true;
      const shrank = total !== undefined && e.total < total && options.totalMayShrink === true;
      if (total === undefined || grew || shrank) total = e.total;
      else if (e.total !== total) problems.push(`${at}: total changed ${total} → ${e.total}`);
      if (e.loaded < lastLoaded) problems.push(`${at}: loaded went back ${lastLoaded} → ${e.loaded}`);
      if (e.percent < lastPercent && !grew) problems.push(`${at}: percent went back ${lastPercent} → ${e.percent}`);
      if (e.percent < 0 || e.percent > 100 || Number.isNaN(e.percent)) problems.push(`${at}: percent ${e.percent} outside [0, 100]`);
      if (e.loaded > e.total) problems.push(`${at}: loaded ${e.loaded} > total ${e.total}`);
      lastLoaded = e.loaded;
      lastPercent = e.percent;
      lastTotal = e;
      return;
    }
    const f = state.get(e.file);
    if (e.status === 'initiate') {
      if (f) problems.push(`${at}: ${e.file} initiated twice`);
      state.set(e.file, { loaded: 0, done: false });
      return;
    }
    if (!f) { problems.push(`${at}: ${e.file} used before initiate`); return; }
    if (f.done) problems.push(`${at}: ${e.file} reported after done`);
    if (e.status === 'progress' || e.status === 'done') {
      if (e.loaded < f.loaded) problems.push(`${at}: ${e.file} loaded went back ${f.loaded} → ${e.loaded}`);
      if (e.loaded > e.total) problems.push(`${at}: ${e.file} loaded ${e.loaded} > total ${e.total}`);
      f.loaded = e.loaded;
      if (e.status === 'done') f.done = true;
    }
  });
  for (const [file, f] of state) if (!f.done) problems.push(`${file} never reached done`);
  if (!lastTotal) problems.push('no aggregate (total) event');
  else if (lastTotal.percent !== 100 || lastTotal.loaded !== lastTotal.total) {
    problems.push(`last aggregate is ${lastTotal.percent} % (${lastTotal.loaded}/${lastTotal.total}), not 100 %`);
  }
  if (events.at(-1)?.status !== 'ready') problems.push('does not end with ready');
  return problems;
}

/** A share of a run planned before it starts, in units of its work (tokens, predict calls, forward passes…). */
export interface PlannedStage { name: string; units: number }

/** The aggregate of a planned run: `done` of a `total` fixed at the start, monotone, with the stage as a label. */
export interface PlannedProgressEvent { stage: string; done: number; total: number; percent: number; label: string }

/**
 * Progress of a run made of stages whose sizes are planned up front (CONVENTIONS #7), for compute rather than
 * downloads: a stage reports how far it is, the aggregate is the earlier stages' units plus that fraction of its
 * own. A stage that ends early (eos before the token budget, a search that converged) jumps to its end when the
 * next one reports; a report that would go back (an earlier stage, a sub-task restarting its count) holds the bar
 * where it is. Only `end` reports 100 %.
 */
export class PlannedProgress {
  readonly total: number;
  private readonly stages = new Map<string, { from: number; units: number }>();
  private readonly last: string;
  private done = 0;

  constructor(stages: readonly PlannedStage[], private readonly emit: (e: PlannedProgressEvent) => void) {
    let from = 0;
    for (const { name, units } of stages) {
      if (this.stages.has(name)) throw new Error(`PlannedProgress: stage listed twice: ${name}`);
      const u = Number.isFinite(units) ? Math.max(0, units) : 0;
      this.stages.set(name, { from, units: u });
      from += u;
    }
    this.total = from;
    this.last = stages.at(-1)?.name ?? '';
  }

  /** `fraction` ∈ [0, 1] of `stage` is done. */
  report(stage: string, fraction: number, label: string = stage): void {
    const s = this.stages.get(stage);
    if (!s) throw new Error(`PlannedProgress: unknown stage ${stage} (planned: ${[...this.stages.keys()].join(', ')})`);
    const f = Number.isFinite(fraction) ? Math.min(1, Math.max(0, fraction)) : 0;
    this.done = Math.min(this.total, Math.max(this.done, s.from + f * s.units));
    const percent = this.total > 0 ? Math.min(99.99, (100 * this.done) / this.total) : 0;
    this.emit({ stage, done: this.done, total: this.total, percent, label });
  }

  /** `done` of `total` steps of `stage` (a sub-task's own count). */
  step(stage: string, done: number, total: number, label?: string): void {
    this.report(stage, total > 0 ? done / total : 1, label);
  }

  /** The run finished: exactly 100 %. */
  end(label = 'done'): void {
    this.done = this.total;
    this.emit({ stage: this.last, done: this.total, total: this.total, percent: 100, label });
  }
}

/**
 * Invariants of a run's done/total progress (empty = valid): a fixed total, `done` never going back, never past
 * the total, and a last event at done = total.
 */
export function checkRunProgress(events: readonly { done: number; total: number }[]): string[] {
  const problems: string[] = [];
  if (events.length === 0) return ['no progress event'];
  const total = events[0].total;
  events.forEach((e, i) => {
    if (e.total !== total) problems.push(`event ${i}: total changed ${total} → ${e.total}`);
    if (!(e.done >= 0 && e.done <= e.total)) problems.push(`event ${i}: done ${e.done} outside [0, ${e.total}]`);
    if (i > 0 && e.done < events[i - 1].done) problems.push(`event ${i}: done went back ${events[i - 1].done} → ${e.done}`);
  });
  const end = events[events.length - 1];
  if (end.done !== end.total) problems.push(`last event is ${end.done}/${end.total}, not 100 %`);
  return problems;
}

/**
 * Places a sub-run's done/total progress inside [from, to] % of one bar (total 100), so runs chained in one job
 * (load a model, then run on it) share a bar that never restarts.
 */
export function withinBar<P extends { done: number; total: number }>(emit: (p: P) => void, from: number, to: number): (p: P) => void {
  return (p) => emit({ ...p, done: from + (to - from) * (p.total > 0 ? Math.min(1, Math.max(0, p.done / p.total)) : 1), total: 100 });
}
