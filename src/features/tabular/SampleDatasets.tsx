// One-click sample tables: the public benchmark files that ship with the app (public/samples/tabular; origin,
// licence and quirks in data/README.md). A sample is fetched from the app's own origin and handed to the same
// loader as a chosen file, so the loader registry recognises it by name and reads it with its documented columns
// (headerless, label last), and the link records its name and sha256 like any file.
import { useState } from 'react';
import { SHARED_DATASETS, SHARED_DATASET_FOLDER } from '../../core/tabular/data/registry';

export interface SampleDatasetsProps {
  onFile: (f: File) => void;
  /** the registry id this experiment names (the spec's default dataset), marked in the list */
  suggested?: string;
}

const sampleUrl = (file: string) => `${import.meta.env.BASE_URL}${SHARED_DATASET_FOLDER}${file}`;

async function fetchSample(file: string): Promise<File> {
  const res = await fetch(sampleUrl(file));
  if (!res.ok) throw new Error(`HTTP ${res.status} ${res.statusText}`.trim());
  // A static host without the file may answer with the app's index.html (SPA fallback): that is not a table.
  if ((res.headers.get('content-type') ?? '').includes('text/html')) throw new Error('the server answered with a web page, not the file');
  return new File([await res.blob()], file, { type: 'text/csv' });
}

export function SampleDatasets({ onFile, suggested }: SampleDatasetsProps) {
  const [fetching, setFetching] = useState<string>();
  const [error, setError] = useState<string>();
  const pick = async (file: string) => {
    setFetching(file);
    setError(undefined);
    try {
      onFile(await fetchSample(file));
    } catch (e) {
      setError(`Sample ${file} could not be fetched from ${sampleUrl(file)} (${e instanceof Error ? e.message : String(e)}). `
        + 'This deployment lacks the public/samples folder: rebuild it, or load your own copy of the file above.');
    } finally {
      setFetching(undefined);
    }
  };
  return (
    <div data-testid="sample-datasets">
      <div className="toolbar">
        <span className="muted">or a sample:</span>
        {SHARED_DATASETS.map((s) => (
          <span key={s.id}>
            <button data-testid={`sample-${s.id}`} disabled={fetching !== undefined} onClick={() => void pick(s.file)}
              title={`${s.description} — ${s.expected.rows} rows, ${s.expected.features} features`}>
              {s.id}{s.id === suggested ? ' (default)' : ''}
            </button>
            {' '}<a className="muted" href={sampleUrl(s.about)} target="_blank" rel="noreferrer" title={`${s.about} (the table's description or licence)`}>about</a>
          </span>
        ))}
      </div>
      {error && <p className="error" role="alert" data-testid="sample-error">{error}</p>}
    </div>
  );
}
