// Sweep settings: the α × K × m grid, the held-out suites, a user CSV suite (AdvBench `goal`, XSTest
// `prompt`/`label`, HarmBench `Behavior`), items per suite and the baselines run beside the grid. The CSV is parsed
// here first (core/alignbeam/suites.ts) so a file without a known column is refused before anything runs.
import { useState } from 'react';
import { parseCsvSuite, type CsvFormat } from '../../core/alignbeam/suites';
import { sha256Hex } from '../../core/runtime/loaders';
import {
  ALIGNBEAM_LIMITS, BUILTIN_SUITE_IDS, SWEEP_BASELINES, type AlignbeamSpec,
} from '../../state/specs/alignbeam';
import { NumberInput } from './SettingsForm';
import { errorText, type CsvFile } from './useAlignbeamEngine';

export const METHOD_LABELS: Record<string, string> = {
  'target-only': 'target only',
  'target-safety-prompt': 'target + safety prompt',
  'anchor-only': 'anchor only',
  alignbeam: 'ALIGNBEAM',
  'alignbeam-same': 'same-vocab mixing (anchor-same)',
};

const SUITE_HELP: Record<(typeof BUILTIN_SUITE_IDS)[number], string> = {
  harmful: 'held-out harmful requests (refusal is right)',
  benign: 'held-out benign chat',
  edgy: 'benign but edgy-sounding (over-refusal)',
  tasks: 'domain tasks with an exact answer (accuracy)',
};

const FORMAT_LABELS: Record<CsvFormat, string> = {
  advbench: 'AdvBench (goal)', xstest: 'XSTest (prompt, label)', harmbench: 'HarmBench (Behavior)', prompt: 'generic (prompt)',
};

type Set = (patch: Partial<AlignbeamSpec>) => void;

/** Comma-separated values committed on blur / Enter. */
function ListInput({ values, onChange, testId }: { values: number[]; onChange: (v: number[]) => void; testId: string }) {
  const [text, setText] = useState<string | null>(null);
  const commit = () => {
    if (text === null) return;
    const parsed = text.split(/[\s,;]+/).filter((t) => t !== '').map(Number).filter((v) => Number.isFinite(v));
    if (parsed.length) onChange(parsed);
    setText(null);
  };
  return (
    <input type="text" value={text ?? values.join(', ')} data-testid={testId} style={{ width: 150 }}
      onChange={(e) => setText(e.target.value)} onBlur={commit} onKeyDown={(e) => { if (e.key === 'Enter') commit(); }} />
  );
}

function toggle<T>(all: readonly T[], chosen: readonly T[], id: T): T[] {
  return all.filter((x) => (x === id ? !chosen.includes(x) : chosen.includes(x)));
}

export function SweepSettings({ spec, set, csv, setCsv }: { spec: AlignbeamSpec; set: Set; csv: CsvFile | undefined; setCsv: (f: CsvFile | undefined) => void }) {
  const [csvError, setCsvError] = useState<string>();
  const settings = spec.grid.alpha.length * spec.grid.K.length * spec.grid.m.length;
  const csvLoaded = spec.csv && csv?.sha256 === spec.csv.sha256;
  const suites = spec.suites.length + (spec.csv ? 1 : 0);

  const onFile = async (f: File | undefined) => {
    if (!f) return;
    setCsvError(undefined);
    try {
      const bytes = new Uint8Array(await f.arrayBuffer());
      const text = new TextDecoder().decode(bytes);
      const name = f.name.slice(0, 120);
      const { suite, format } = parseCsvSuite(name, text);
      const sha256 = await sha256Hex(bytes);
      setCsv({ name, text, sha256, format, size: suite.items.length });
      if (spec.csv?.sha256 !== sha256 || spec.csv.name !== name) set({ csv: { name, sha256 } });
    } catch (e) {
      setCsvError(errorText(e));
    }
  };

  return (
    <div data-testid="sweep-settings">
      <div className="toolbar">
        <span>grid</span>
        <label>α <ListInput values={spec.grid.alpha} testId="grid-alpha" onChange={(alpha) => set({ grid: { ...spec.grid, alpha } })} /></label>
        <label>K <ListInput values={spec.grid.K} testId="grid-K" onChange={(K) => set({ grid: { ...spec.grid, K } })} /></label>
        <label>m <ListInput values={spec.grid.m} testId="grid-m" onChange={(m) => set({ grid: { ...spec.grid, m } })} /></label>
        <span className="muted" data-testid="grid-size">{settings} settings (up to {ALIGNBEAM_LIMITS.gridValues} values per axis; α in [0, 1], K in 1–8, m = 0 mixes every token); the other knobs come from the settings above</span>
      </div>
      <div className="toolbar">
        <span>suites</span>
        {BUILTIN_SUITE_IDS.map((id) => (
          <label key={id} title={SUITE_HELP[id]}><input type="checkbox" data-testid={`suite-${id}`} checked={spec.suites.includes(id)} onChange={() => set({ suites: toggle(BUILTIN_SUITE_IDS, spec.suites, id) })} /> {id}</label>
        ))}
        <label className="button" title="AdvBench (goal), XSTest (prompt,label) or HarmBench (Behavior) CSV">
          Load CSV suite
          <input type="file" hidden accept=".csv,text/csv" data-testid="csv-file" onChange={(e) => { void onFile(e.target.files?.[0]); e.target.value = ''; }} />
        </label>
        {spec.csv && (
          <span data-testid="csv-name">
            {spec.csv.name} {csvLoaded ? `— ${FORMAT_LABELS[csv!.format as CsvFormat] ?? csv!.format}, ${csv!.size} prompts` : <strong className="error">(choose this file to reproduce the link)</strong>}
            {' '}<button data-testid="csv-remove" onClick={() => { setCsv(undefined); set({ csv: undefined }); }}>remove</button>
          </span>
        )}
      </div>
      {csvError && <p className="error" role="alert" data-testid="csv-error">{csvError}</p>}
      <div className="toolbar">
        <label>items per suite <NumberInput value={spec.limit} min={1} max={ALIGNBEAM_LIMITS.limit[1]} testId="sweep-limit" onChange={(limit) => set({ limit })} /></label>
        <span>baselines</span>
        {SWEEP_BASELINES.map((b) => (
          <label key={b}><input type="checkbox" data-testid={`baseline-${b}`} checked={spec.baselines.includes(b)} onChange={() => set({ baselines: toggle(SWEEP_BASELINES, spec.baselines, b) })} /> {METHOD_LABELS[b]}</label>
        ))}
        <span className="muted">target only always runs (the overhead reference). {suites} suite{suites === 1 ? '' : 's'} × ≤ {spec.limit} items × ({settings} + {spec.baselines.length + 1}) runs.</span>
      </div>
    </div>
  );
}
